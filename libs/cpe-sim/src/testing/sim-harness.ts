import { CpeFleet } from '../cpe.fleet';
import { DEFAULT_GROUP, type DeviceGroupConfig } from '../device-group.config';
import type { FileResponse, FileTransferClient } from '../file-transfer.client';
import { ManualClock } from '../sim.clock';
import type { SimulatedCpe } from '../simulated-cpe';
import { ScriptedAcs } from './scripted-acs';

/** An in-memory file server: GET serves `files`, PUT stores into `uploads`. */
export class MemoryFileServer implements FileTransferClient {
  readonly files = new Map<string, Omit<FileResponse, 'size'>>();
  readonly uploads = new Map<string, Buffer>();
  unreachable = false;

  async get(url: string): Promise<FileResponse> {
    if (this.unreachable) throw new Error('connect ECONNREFUSED');
    const f = this.files.get(url) ?? { status: 404, body: Buffer.alloc(0) };
    return { ...f, size: f.body.length };
  }

  async put(url: string, _u: string, _p: string, body: Buffer): Promise<FileResponse> {
    if (this.unreachable) throw new Error('connect ECONNREFUSED');
    if (url.includes('forbidden')) return { status: 500, body: Buffer.alloc(0), size: 0 };
    this.uploads.set(url, body);
    return { status: 201, body: Buffer.alloc(0), size: 0 };
  }
}

/** A fleet on a manual clock, an in-memory ACS and file server: everything runs instantly. */
export class SimHarness {
  readonly clock = new ManualClock();
  readonly acs: ScriptedAcs;
  readonly files = new MemoryFileServer();
  readonly fleet: CpeFleet;

  constructor(options: { random?: () => number; periodic?: boolean } = {}) {
    this.acs = new ScriptedAcs();
    this.fleet = new CpeFleet({
      clock: this.clock,
      random: options.random ?? (() => 0.5),
      transport: this.acs.transport,
      files: this.files,
      maxConcurrentSessions: 16,
      periodic: options.periodic ?? true,
    });
  }

  device(group: Partial<DeviceGroupConfig> = {}): SimulatedCpe {
    const [cpe] = this.fleet.add({ ...DEFAULT_GROUP, ...group }, 1);
    if (cpe === undefined) throw new Error('no device');
    return cpe;
  }

  /** Lets every pending promise chain (sessions, transfers) run to completion. */
  async settle(): Promise<void> {
    for (let i = 0; i < 200; i++) {
      await new Promise<void>((r) => setImmediate(r));
      if (this.fleet.activeSessions === 0 && this.fleet.queuedSessions === 0 && i > 3) return;
    }
  }

  /** Advances the clock and settles, repeatedly, so chains of timers and sessions complete. */
  async advance(ms: number, steps = 10): Promise<void> {
    for (let k = 0; k < steps; k++) {
      this.clock.advance(ms / steps);
      await this.settle();
    }
  }

  /** Event codes of each Inform the device sent, in order. */
  informEvents(cpe: SimulatedCpe): string[][] {
    return this.acs.seen
      .filter((s) => s.deviceId === cpe.deviceId && s.message?.type === 'Inform')
      .map((s) => (s.message?.type === 'Inform' ? s.message.event.map((e) => e.eventCode) : []));
  }
}
