import { randomUUID } from 'node:crypto';
import type { FileTransferClient } from './file-transfer.client';
import { runSession, type SessionOutcome, type SessionTransport } from './cpe.session';
import type { DeviceGroupConfig } from './device-group.config';
import type { RandomSource, SimClock, TimerHandle } from './sim.clock';
import { SimulatedCpe } from './simulated-cpe';
import { FleetStats } from './fleet.stats';
import { performDownload, performDuChange, performUpload } from './transfer.runner';

export type TransportFactory = (cpe: SimulatedCpe) => SessionTransport;

export interface FleetOptions {
  readonly clock: SimClock;
  readonly random: RandomSource;
  readonly transport: TransportFactory;
  readonly files: FileTransferClient;
  /** Sessions running at once; the rest queue (the process, not the ACS, is the limit here). */
  readonly maxConcurrentSessions: number;
  /** Whether devices inform periodically (off in the bench: one session each). */
  readonly periodic: boolean;
  /** Called after every session (progress display, tests). */
  readonly onSession?: (cpe: SimulatedCpe, outcome: SessionOutcome, ms: number) => void;
}

const dateTime = (ms: number): string => new Date(ms).toISOString().replace(/\.\d+Z$/, 'Z');

/**
 * Many simulated CPEs on one event loop. Drives each device's life: first BOOTSTRAP, periodic
 * informs, retries with backoff, reboots, transfers, connection requests. Per device it keeps one
 * timer at most (the periodic one) while idle.
 */
export class CpeFleet {
  readonly devices: SimulatedCpe[] = [];
  readonly stats = new FleetStats();
  private readonly byId = new Map<string, SimulatedCpe>();
  private readonly timers = new Map<SimulatedCpe, TimerHandle>();
  // FIFO as array + head index: shift() on a 50,000-entry array would be O(n) per session.
  private queue: SimulatedCpe[] = [];
  private head = 0;
  private readonly queued = new Set<SimulatedCpe>();
  private running = 0;
  private stopped = false;

  constructor(private readonly options: FleetOptions) {}

  /** Creates devices (index from the current count); they stay off until `boot`. */
  add(group: DeviceGroupConfig, count: number): SimulatedCpe[] {
    const out: SimulatedCpe[] = [];
    for (let k = 0; k < count; k++) {
      const cpe = new SimulatedCpe(this.devices.length, group, this.options.clock);
      this.devices.push(cpe);
      this.byId.set(cpe.deviceId, cpe);
      out.push(cpe);
    }
    return out;
  }

  get(deviceId: string): SimulatedCpe | undefined {
    return this.byId.get(deviceId);
  }

  /** Powers a device on: BOOTSTRAP on first contact (TR-069 A.3.3.1), then BOOT on later boots. */
  boot(cpe: SimulatedCpe, firstContact = true): void {
    if (firstContact) cpe.addEvent('0 BOOTSTRAP');
    cpe.addEvent('1 BOOT');
    cpe.state = { kind: 'idle' };
    this.request(cpe);
  }

  /** Boots every device, spread evenly over `rampUpMs`. */
  bootAll(rampUpMs: number): void {
    const n = this.devices.length;
    this.devices.forEach((cpe, i) => {
      const at = n <= 1 ? 0 : Math.floor((rampUpMs * i) / n);
      if (at === 0) this.boot(cpe);
      else this.options.clock.setTimer(at, () => this.boot(cpe));
    });
  }

  /** Stops scheduling: queued sessions are dropped and timers cancelled (running ones finish). */
  stop(): void {
    this.stopped = true;
    for (const t of this.timers.values()) t.cancel();
    this.timers.clear();
    this.queue = [];
    this.head = 0;
    this.queued.clear();
  }

  get activeSessions(): number {
    return this.running;
  }

  get queuedSessions(): number {
    return this.queue.length - this.head;
  }

  /**
   * A connection request reached the device (TR-069 3.2.2): accepted (true) unless a session is
   * running or one was accepted less than the group's rate-limit interval ago (→ HTTP 503).
   */
  connectionRequest(cpe: SimulatedCpe): boolean {
    const now = this.options.clock.now();
    if (cpe.state.kind === 'session' || cpe.state.kind === 'off' || cpe.state.kind === 'rebooting')
      return false;
    if (now - cpe.lastCrAt < cpe.group.crMinIntervalMs) return false;
    cpe.lastCrAt = now;
    cpe.addEvent('6 CONNECTION REQUEST');
    this.request(cpe);
    return true;
  }

  /** A local value change (e.g. the user changed the SSID): informs now if the ACS asked for active notification. */
  changeValue(cpe: SimulatedCpe, path: string, text: string): void {
    if (cpe.localChange(path, text) && cpe.state.kind === 'idle') this.request(cpe);
  }

  /** Queues a session for the device (once). */
  request(cpe: SimulatedCpe): void {
    if (this.stopped || this.queued.has(cpe)) return;
    // A device that is in a session, rebooting or off informs when that ends, with every event.
    if (cpe.state.kind === 'session' || cpe.state.kind === 'rebooting' || cpe.state.kind === 'off')
      return;
    this.timers.get(cpe)?.cancel();
    this.timers.delete(cpe);
    this.queued.add(cpe);
    this.queue.push(cpe);
    this.pump();
  }

  private pump(): void {
    while (this.running < this.options.maxConcurrentSessions && this.head < this.queue.length) {
      const cpe = this.queue[this.head++];
      if (this.head === this.queue.length) {
        this.queue = [];
        this.head = 0;
      }
      if (cpe === undefined) break;
      this.queued.delete(cpe);
      this.running++;
      void this.session(cpe);
    }
  }

  private async session(cpe: SimulatedCpe): Promise<void> {
    cpe.state = { kind: 'session' };
    const started = performance.now();
    let outcome: SessionOutcome;
    try {
      outcome = await runSession(cpe, this.options.transport(cpe), this.options.clock);
    } catch (e) {
      outcome = { ok: false, messages: 0, error: e instanceof Error ? e.message : String(e) };
    }
    const ms = performance.now() - started;
    this.running--;
    this.stats.record(outcome, ms);
    cpe.state = { kind: 'idle' };
    this.options.onSession?.(cpe, outcome, ms);
    this.afterSession(cpe, outcome);
    this.pump();
  }

  private afterSession(cpe: SimulatedCpe, outcome: SessionOutcome): void {
    if (this.stopped) return;
    const actions = cpe.deferred ?? [];
    cpe.deferred = undefined;
    let reboot = false;
    const clock = this.options.clock;
    for (const a of actions) {
      switch (a.kind) {
        case 'reboot':
          cpe.reboot(clock.now());
          cpe.addEvent('M Reboot', a.commandKey);
          reboot = true;
          break;
        case 'factoryReset':
          cpe.factoryReset(clock.now());
          reboot = true;
          break;
        case 'download':
        case 'upload':
          clock.setTimer(
            a.delaySeconds * 1000,
            () => void this.transfer(cpe, a).catch((e: unknown) => this.transferCrashed(cpe, e)),
          );
          break;
        case 'scheduleInform':
          clock.setTimer(a.delaySeconds * 1000, () => {
            cpe.addEvent('3 SCHEDULED');
            cpe.addEvent('M ScheduleInform', a.commandKey);
            this.request(cpe);
          });
          break;
        case 'duChange': {
          const results = performDuChange(cpe, a, dateTime(clock.now()), randomUUID);
          (cpe.pending ??= []).push({
            type: 'DUStateChangeComplete',
            results,
            ...(a.request.commandKey === undefined ? {} : { commandKey: a.request.commandKey }),
          });
          cpe.addEvent('11 DU STATE CHANGE COMPLETE');
          cpe.addEvent('M ChangeDUState', a.request.commandKey ?? '');
          break;
        }
        case 'periodicChanged':
          break;
      }
    }
    if (reboot) {
      this.restart(cpe);
      return;
    }
    if (!outcome.ok) {
      // TR-069 3.2.1.1: retry with backoff; events stay queued until delivered.
      cpe.retryCount++;
      const wait = cpe.retryDelayMs(this.options.random);
      cpe.state = { kind: 'retryWait', until: clock.now() + wait };
      this.setTimer(cpe, wait, () => {
        cpe.state = { kind: 'idle' };
        this.request(cpe);
      });
      return;
    }
    if ((cpe.events?.length ?? 0) > 0 || (cpe.pending?.length ?? 0) > 0) {
      this.request(cpe);
      return;
    }
    this.schedulePeriodic(cpe);
  }

  private restart(cpe: SimulatedCpe): void {
    cpe.state = { kind: 'rebooting' };
    this.setTimer(cpe, cpe.group.rebootDelayMs, () => {
      cpe.state = { kind: 'idle' };
      this.request(cpe);
    });
  }

  private async transfer(
    cpe: SimulatedCpe,
    a: Extract<NonNullable<SimulatedCpe['deferred']>[number], { kind: 'download' | 'upload' }>,
  ): Promise<void> {
    const clock = this.options.clock;
    const t = cpe.transfers?.find((x) => x.commandKey === a.commandKey && x.state === 1);
    if (t !== undefined) t.state = 2;
    const startTime = dateTime(clock.now());
    const result =
      a.kind === 'download'
        ? await performDownload(cpe, a, this.options.files)
        : await performUpload(cpe, a, this.options.files);
    cpe.transfers = cpe.transfers?.filter((x) => x !== t);
    if (cpe.transfers?.length === 0) cpe.transfers = undefined;
    (cpe.pending ??= []).push({
      type: 'TransferComplete',
      commandKey: a.commandKey,
      faultStruct: result.fault,
      startTime,
      completeTime: dateTime(clock.now()),
    });
    cpe.addEvent('7 TRANSFER COMPLETE');
    cpe.addEvent(a.kind === 'download' ? 'M Download' : 'M Upload', a.commandKey);
    if (this.stopped) return;
    if (result.newSoftwareVersion !== undefined) {
      // The new image runs after a reboot (TR-069 A.3.2.8: BOOT + M Download + TRANSFER COMPLETE).
      cpe.model.write(`${cpe.model.root}DeviceInfo.SoftwareVersion`, result.newSoftwareVersion);
      cpe.reboot(clock.now());
      if (cpe.state.kind !== 'session') this.restart(cpe);
      return;
    }
    if (cpe.state.kind === 'idle') this.request(cpe);
  }

  /** A bug in a transfer must not kill the process: count it as a failure and go on. */
  private transferCrashed(cpe: SimulatedCpe, e: unknown): void {
    this.stats.record(
      { ok: false, messages: 0, error: `transfer: ${e instanceof Error ? e.message : String(e)}` },
      0,
    );
    if (cpe.state.kind === 'idle') this.request(cpe);
  }

  private schedulePeriodic(cpe: SimulatedCpe): void {
    if (!this.options.periodic) return;
    const now = this.options.clock.now();
    const at = cpe.nextPeriodicAt(now);
    if (at === undefined) return;
    this.setTimer(cpe, at - now, () => {
      cpe.addEvent('2 PERIODIC');
      this.request(cpe);
    });
  }

  private setTimer(cpe: SimulatedCpe, ms: number, fn: () => void): void {
    this.timers.get(cpe)?.cancel();
    this.timers.set(
      cpe,
      this.options.clock.setTimer(ms, () => {
        this.timers.delete(cpe);
        fn();
      }),
    );
  }
}
