import type { Clock } from './cli.io';

// Progress for long operations (waiting for a task, paging through devices) goes to stderr and
// only when stderr is a terminal: a script capturing stdout, or logging stderr to a file, sees no
// carriage-return noise. One status line, redrawn in place at most every REDRAW_MS.

const REDRAW_MS = 100;
const FRAMES = ['|', '/', '-', '\\'] as const;

export interface ProgressSink {
  readonly isTTY: boolean;
  write(text: string): void;
}

export class ProgressReporter {
  private frame = 0;
  private lastDrawAt = -Infinity;
  private shown = false;
  private readonly startedAt: number;

  constructor(
    private readonly sink: ProgressSink,
    private readonly clock: Clock,
    private readonly enabled: boolean,
  ) {
    this.startedAt = clock.now();
  }

  /** True when updates are drawn (enabled and stderr is a terminal). */
  get active(): boolean {
    return this.enabled && this.sink.isTTY;
  }

  /** Shows `text` with a spinner and the elapsed time; redraws are throttled unless `force`. */
  update(text: string, force = false): void {
    if (!this.active) return;
    const now = this.clock.now();
    if (!force && now - this.lastDrawAt < REDRAW_MS) return;
    this.lastDrawAt = now;
    const spinner = FRAMES[this.frame++ % FRAMES.length] ?? '';
    const elapsed = ((now - this.startedAt) / 1000).toFixed(1);
    // \r + erase line (CSI 2K): redraw in place.
    this.sink.write(`\r\x1b[2K${spinner} ${oneLine(text)} (${elapsed} s)`);
    this.shown = true;
  }

  /** Shows `text` with a running spinner while `work` is pending (a unary call that waits). */
  async during<T>(text: string, work: Promise<T>): Promise<T> {
    if (!this.active) return work;
    this.update(text, true);
    const timer = setInterval(() => this.update(text), REDRAW_MS);
    try {
      return await work;
    } finally {
      clearInterval(timer);
      this.clear();
    }
  }

  /** Erases the status line, so the result printed next starts on a clean line. */
  clear(): void {
    if (!this.shown) return;
    this.sink.write('\r\x1b[2K');
    this.shown = false;
  }
}

function oneLine(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/[\u0000-\u001f\u007f-\u009f]/g, ' ');
}
