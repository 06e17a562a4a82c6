import type { Clock } from './cli.io';
import { ProgressReporter } from './progress.reporter';

class FakeClock implements Clock {
  t = 0;
  now(): number {
    return this.t;
  }
  async sleep(ms: number): Promise<void> {
    this.t += ms;
  }
}

function sink(isTTY: boolean): { isTTY: boolean; text: string; write(s: string): void } {
  return {
    isTTY,
    text: '',
    write(s: string) {
      this.text += s;
    },
  };
}

describe(ProgressReporter.name, () => {
  it('draws a status line in place on a terminal and erases it when cleared', () => {
    const clock = new FakeClock();
    const err = sink(true);
    const p = new ProgressReporter(err, clock, true);
    clock.t = 1500;
    p.update('task t1: pending');
    expect(err.text).toBe('\r\x1b[2K| task t1: pending (1.5 s)');
    p.clear();
    expect(err.text.endsWith('\r\x1b[2K')).toBe(true);
  });

  it('writes nothing when stderr is not a terminal, or when disabled', () => {
    for (const [tty, enabled] of [
      [false, true],
      [true, false],
    ] as const) {
      const err = sink(tty);
      const p = new ProgressReporter(err, new FakeClock(), enabled);
      p.update('x', true);
      p.clear();
      expect(err.text).toBe('');
      expect(p.active).toBe(false);
    }
  });

  it('throttles redraws unless forced', () => {
    const clock = new FakeClock();
    const err = sink(true);
    const p = new ProgressReporter(err, clock, true);
    p.update('a');
    clock.t = 10;
    p.update('b');
    expect(err.text).not.toContain('b');
    p.update('c', true);
    expect(err.text).toContain('c');
  });

  it('keeps a device-supplied control character from breaking the line', () => {
    const err = sink(true);
    new ProgressReporter(err, new FakeClock(), true).update('x\ny\x1b[2Jz');
    expect(err.text).toBe('\r\x1b[2K| x y [2Jz (0.0 s)');
  });
});
