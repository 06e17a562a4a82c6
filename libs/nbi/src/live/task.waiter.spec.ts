import type { TaskView } from '@acs/provisioning';
import { NbiError, NbiErrorCode } from '../nbi.error';
import type { NbiClock } from '../nbi.ports';
import { TaskWaiter, type TaskReader } from './task.waiter';

/** A clock that moves only when the waiter sleeps. */
class StepClock implements NbiClock {
  t = 1_000;
  sleeps: number[] = [];
  now(): number {
    return this.t;
  }
  async sleep(ms: number): Promise<void> {
    this.sleeps.push(ms);
    this.t += ms;
  }
}

function task(status: TaskView['status']): TaskView {
  return {
    id: 't1',
    deviceId: 'd1',
    status,
    operation: { kind: 'reboot' },
    createdAt: 1,
    createdBy: 'x',
    updatedAt: 1,
  };
}

function reader(statuses: TaskView['status'][]): TaskReader {
  let i = 0;
  return { get: async () => task(statuses[Math.min(i++, statuses.length - 1)] ?? 'pending') };
}

async function failure(p: Promise<unknown>): Promise<NbiError> {
  try {
    await p;
  } catch (e) {
    if (e instanceof NbiError) return e;
    throw e;
  }
  throw new Error('resolved');
}

describe(TaskWaiter.name, () => {
  it('re-reads with a capped backoff and reports each status once', async () => {
    const clock = new StepClock();
    const seen: string[] = [];
    const done = await new TaskWaiter(
      reader(['pending', 'pending', 'pending', 'pending', 'pending', 'done']),
      undefined,
      clock,
    ).until('d1', 't1', clock.t + 10_000, new AbortController().signal, (t) => seen.push(t.status));
    expect(done.status).toBe('done');
    expect(seen).toEqual(['pending', 'done']);
    expect(clock.sleeps).toEqual([25, 50, 100, 200, 250]);
  });

  it('ends with DEADLINE_EXCEEDED at the deadline, even when the signal was aborted by it', async () => {
    const clock = new StepClock();
    const ac = new AbortController();
    ac.abort();
    const e = await failure(
      new TaskWaiter(reader(['pending']), undefined, clock).until('d1', 't1', clock.t, ac.signal),
    );
    expect(e.code).toBe(NbiErrorCode.DeadlineExceeded);
  });

  it('ends with CANCELLED when the client cancels before the deadline', async () => {
    const clock = new StepClock();
    const ac = new AbortController();
    ac.abort();
    const e = await failure(
      new TaskWaiter(reader(['pending']), undefined, clock).until(
        'd1',
        't1',
        clock.t + 5_000,
        ac.signal,
      ),
    );
    expect(e.code).toBe(NbiErrorCode.Cancelled);
  });
});
