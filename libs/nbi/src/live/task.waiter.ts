import type { TaskView } from '@acs/provisioning';
import { NbiError, NbiErrorCode } from '../nbi.error';
import type { NbiClock } from '../nbi.ports';
import type { ChangeFeed } from './change.feed';

export interface TaskReader {
  get(deviceId: string, taskId: string): Promise<TaskView>;
}

/**
 * Waits until a task leaves `pending`, reporting each status seen. The provisioning service
 * writes the task's final status when the device's session applied it; this re-reads the task
 * whenever the device changes (change feed) and otherwise every `pollMs` (capped backoff), so it
 * works whichever process ran the session. Ends at the deadline or when the call is cancelled.
 */
export class TaskWaiter {
  constructor(
    private readonly tasks: TaskReader,
    private readonly feed: ChangeFeed | undefined,
    private readonly clock: NbiClock,
    private readonly pollMs = { first: 25, max: 250 },
  ) {}

  async until(
    deviceId: string,
    taskId: string,
    deadline: number,
    signal: AbortSignal,
    onStatus?: (t: TaskView) => void,
  ): Promise<TaskView> {
    let nudge: AbortController = new AbortController();
    const stop = this.feed?.listen(() => nudge.abort(), deviceId);
    const onAbort = (): void => nudge.abort();
    signal.addEventListener('abort', onAbort);
    try {
      let delay = this.pollMs.first;
      let last: string | undefined;
      for (;;) {
        const t = await this.tasks.get(deviceId, taskId);
        if (t.status !== last) {
          last = t.status;
          onStatus?.(t);
        }
        if (t.status !== 'pending') return t;
        // The deadline first: the server aborts the call's signal at the deadline too.
        const left = deadline - this.clock.now();
        if (left <= 0)
          throw new NbiError(
            NbiErrorCode.DeadlineExceeded,
            `task ${taskId} still pending at the deadline (it stays queued for the next session)`,
          );
        if (signal.aborted) throw new NbiError(NbiErrorCode.Cancelled, 'call cancelled');
        nudge = new AbortController();
        await this.clock.sleep(Math.min(delay, left), nudge.signal);
        delay = Math.min(delay * 2, this.pollMs.max);
      }
    } finally {
      stop?.();
      signal.removeEventListener('abort', onAbort);
    }
  }
}
