import type { Clock, TimerHandle } from './runtime.ports';

/**
 * The sessions this pod is serving: the admission cap counts them, graceful drain waits for them,
 * and each has an idle timer. A session counts on the pod that accepted its Inform and on every
 * pod that served one of its requests, until it ends there or goes idle for the session timeout
 * (a pod does not see a session end on another pod), so the count errs on the safe side.
 */
export class SessionTracker {
  private readonly timers = new Map<string, TimerHandle>();
  private drainWaiters: (() => void)[] = [];

  constructor(
    private readonly clock: Clock,
    private readonly idleMs: number,
    private readonly onIdle: (sessionId: string) => void,
  ) {}

  get size(): number {
    return this.timers.size;
  }

  /** (Re)arms the session's idle timer: called on every request the pod serves. */
  touch(sessionId: string): void {
    this.timers.get(sessionId)?.cancel();
    this.timers.set(
      sessionId,
      this.clock.setTimer(this.idleMs, () => {
        this.timers.delete(sessionId);
        this.onIdle(sessionId);
        this.notifyIfEmpty();
      }),
    );
  }

  ended(sessionId: string): void {
    this.timers.get(sessionId)?.cancel();
    this.timers.delete(sessionId);
    this.notifyIfEmpty();
  }

  /** Resolves when no session is left on this pod. */
  async drained(): Promise<void> {
    if (this.timers.size === 0) return;
    await new Promise<void>((resolve) => this.drainWaiters.push(resolve));
  }

  cancelAll(): void {
    for (const t of this.timers.values()) t.cancel();
    this.timers.clear();
    this.notifyIfEmpty();
  }

  private notifyIfEmpty(): void {
    if (this.timers.size > 0) return;
    const w = this.drainWaiters;
    this.drainWaiters = [];
    for (const f of w) f();
  }
}
