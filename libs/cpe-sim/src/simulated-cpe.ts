import {
  UNKNOWN_TIME,
  type EventStruct,
  type Inform,
  type ParameterValue,
  type TransferComplete,
  type DUStateChangeComplete,
  type ChangeDUState,
} from '@acs/cwmp';
import { DeviceModel } from './device.model';
import { deviceTemplate } from './device.template';
import type { DeviceGroupConfig } from './device-group.config';
import type { SimClock } from './sim.clock';

/** What the CPE does once the current session has ended (TR-069 A.3.2.9 etc.: "after the session"). */
export type DeferredAction =
  | { readonly kind: 'reboot'; readonly commandKey: string }
  | { readonly kind: 'factoryReset' }
  | {
      readonly kind: 'download';
      readonly commandKey: string;
      readonly url: string;
      readonly username: string;
      readonly password: string;
      readonly fileType: string;
      readonly fileSize: number;
      readonly delaySeconds: number;
    }
  | {
      readonly kind: 'upload';
      readonly commandKey: string;
      readonly url: string;
      readonly username: string;
      readonly password: string;
      readonly fileType: string;
      readonly delaySeconds: number;
    }
  | { readonly kind: 'scheduleInform'; readonly commandKey: string; readonly delaySeconds: number }
  | { readonly kind: 'duChange'; readonly request: ChangeDUState }
  | { readonly kind: 'periodicChanged' };

/** CPE-originated requests waiting for a session (TR-069 A.3.3.2, A.4.2.1). */
export type PendingRequest = TransferComplete | DUStateChangeComplete;

/** The state a simulated CPE is in (no magic numbers). */
export type CpeState =
  | { readonly kind: 'off' }
  | { readonly kind: 'idle' }
  | { readonly kind: 'session' }
  | { readonly kind: 'rebooting' }
  | { readonly kind: 'retryWait'; readonly until: number };

export interface QueuedTransferInfo {
  readonly commandKey: string;
  readonly isDownload: boolean;
  readonly fileType: string;
  readonly fileSize: number;
  state: 1 | 2 | 3;
}

// Event codes that occur at most once per Inform (TR-069 A.3.3.1 Table 7: "single").
const SINGLE = /^\d+ /;

/**
 * One simulated CPE. Idle memory is what counts at 50,000 devices: identity, a few scalars and a
 * DeviceModel with no overrides; everything else (events, transfers, CR bookkeeping) is created
 * only when needed.
 */
export class SimulatedCpe {
  readonly model: DeviceModel;
  state: CpeState = { kind: 'off' };
  events: EventStruct[] | undefined;
  pending: PendingRequest[] | undefined;
  deferred: DeferredAction[] | undefined;
  transfers: QueuedTransferInfo[] | undefined;
  /** Parameters whose value changed with notification on, reported in the next Inform. */
  changed: Set<string> | undefined;
  /** Deployment units installed by ChangeDUState (uuid → url). */
  deploymentUnits: Map<string, string> | undefined;
  retryCount = 0;
  bootCount = 1;
  bootTime: number;
  lastCrAt = -Infinity;
  /** UDP connection request replay protection (TR-069 Annex G.2.1.3). */
  lastUdpTs = 0;
  lastUdpId = '';

  constructor(
    readonly index: number,
    readonly group: DeviceGroupConfig,
    private readonly clock: SimClock,
  ) {
    this.bootTime = clock.now();
    this.model = new DeviceModel(deviceTemplate(group.template), (name, path) =>
      this.fill(name, path),
    );
  }

  get serial(): string {
    return `${this.group.serialPrefix}${String(this.index).padStart(8, '0')}`;
  }

  /** TR-069 3.4.4 device id: OUI-ProductClass-SerialNumber. */
  get deviceId(): string {
    return `${this.group.oui}-${this.group.productClass}-${this.serial}`;
  }

  get acsUsername(): string {
    return this.group.acsUsername ?? this.serial;
  }

  get crUsername(): string {
    return (
      this.model.rawRead(`${this.model.root}ManagementServer.ConnectionRequestUsername`) ??
      this.serial
    );
  }

  get crPassword(): string {
    const set = this.model.rawRead(`${this.model.root}ManagementServer.ConnectionRequestPassword`);
    return set === undefined || set === '' ? this.group.crPassword : set;
  }

  /** Reads a ManagementServer parameter as a number (falls back when unset or malformed). */
  msNumber(name: string, fallback: number): number {
    const n = Number(this.model.rawRead(`${this.model.root}ManagementServer.${name}`));
    return Number.isFinite(n) && n > 0 ? n : fallback;
  }

  private fill(name: string, path: string): string | undefined {
    const last = /\.([0-9]+)\.[^.]*$/.exec(path);
    const n = last === null ? 0 : Number(last[1]);
    switch (name) {
      case 'n':
        return String(n);
      case 'serial':
        return this.serial;
      case 'oui':
        return this.group.oui;
      case 'productClass':
        return this.group.productClass;
      case 'sw':
        return this.group.softwareVersion;
      case 'acsUrl':
        return this.group.acsUrl;
      case 'crUrl':
        return `${this.group.crUrlBase}${encodeURIComponent(this.deviceId)}`;
      case 'crUser':
        return this.serial;
      case 'interval':
        return String(this.group.informIntervalSec);
      case 'wanIp':
        return `10.${(this.index >> 16) & 255}.${(this.index >> 8) & 255}.${this.index & 255}`;
      case 'mac': {
        const b = [
          0x02,
          0xac,
          (this.index >> 16) & 255,
          (this.index >> 8) & 255,
          this.index & 255,
          n & 255,
        ];
        return b.map((x) => x.toString(16).padStart(2, '0')).join(':');
      }
      case 'bootCount':
        return String(this.bootCount);
      case 'uptime':
        return String(Math.max(0, Math.floor((this.clock.now() - this.bootTime) / 1000)));
      case 'now':
        return new Date(this.clock.now()).toISOString().replace(/\.\d+Z$/, 'Z');
      default:
        return undefined;
    }
  }

  /** Queues an event until an InformResponse acknowledges it (TR-069 A.3.3.1 retention). */
  addEvent(eventCode: string, commandKey = ''): void {
    const list = (this.events ??= []);
    if (SINGLE.test(eventCode) && list.some((e) => e.eventCode === eventCode)) return;
    list.push({ eventCode, commandKey });
  }

  defer(action: DeferredAction): void {
    (this.deferred ??= []).push(action);
  }

  /** The Inform for the next session: pending events, forced and changed parameters. */
  buildInform(currentTime: string): Inform {
    const names = new Set(this.model.template.forcedInform);
    for (const p of this.changed ?? []) names.add(p);
    const parameterList: ParameterValue[] = [];
    for (const name of names) {
      const value = this.model.read(name);
      if (value !== undefined) parameterList.push({ name, value });
    }
    return {
      type: 'Inform',
      deviceId: {
        manufacturer: 'ACME Networks',
        oui: this.group.oui,
        productClass: this.group.productClass,
        serialNumber: this.serial,
      },
      // A copy: events raised during the session must survive this Inform's acknowledgement.
      event: [...(this.events ?? [])],
      maxEnvelopes: 1,
      currentTime,
      retryCount: this.retryCount,
      parameterList,
    };
  }

  /** InformResponse received: the events it carried are delivered (TR-069 A.3.3.1). */
  acknowledge(sent: readonly EventStruct[], reported: readonly ParameterValue[]): void {
    if (this.events !== undefined) {
      this.events = this.events.filter(
        (e) => !sent.some((x) => x.eventCode === e.eventCode && x.commandKey === e.commandKey),
      );
      if (this.events.length === 0) this.events = undefined;
    }
    if (this.changed !== undefined) {
      for (const p of reported) this.changed.delete(p.name);
      if (this.changed.size === 0) this.changed = undefined;
    }
  }

  /** A value changed by the device itself; returns true when an active notification is due. */
  localChange(path: string, text: string): boolean {
    if (!this.model.write(path, text)) return false;
    const n = this.model.notificationOf(path);
    if (n === 0) return false;
    (this.changed ??= new Set()).add(path);
    // TR-069 A.3.2.4: 2 = active (inform now), 1 = passive (next inform); 3–6 lightweight: treat as passive.
    if (n === 2) this.addEvent('4 VALUE CHANGE');
    return n === 2;
  }

  /** TR-069 A.3.2.7 FactoryReset: back to factory state, BOOTSTRAP next. */
  factoryReset(now: number): void {
    this.model.reset();
    this.events = undefined;
    this.pending = undefined;
    this.transfers = undefined;
    this.changed = undefined;
    this.deploymentUnits = undefined;
    this.retryCount = 0;
    this.reboot(now);
    this.addEvent('0 BOOTSTRAP');
  }

  reboot(now: number): void {
    this.bootCount++;
    this.bootTime = now;
    this.addEvent('1 BOOT');
  }

  /** Next periodic inform time (TR-069 A.3.3.1 / TR-181 PeriodicInformTime phase). */
  nextPeriodicAt(now: number): number | undefined {
    const root = this.model.root;
    if (this.model.rawRead(`${root}ManagementServer.PeriodicInformEnable`) === 'false')
      return undefined;
    const interval = this.msNumber('PeriodicInformInterval', this.group.informIntervalSec) * 1000;
    const phaseText =
      this.model.rawRead(`${root}ManagementServer.PeriodicInformTime`) ?? UNKNOWN_TIME;
    const phase = phaseText === UNKNOWN_TIME ? NaN : Date.parse(phaseText);
    if (Number.isNaN(phase)) return now + interval;
    // Informs fall on phase + k·interval for integer k (the phase may be in the past or future).
    const k = Math.floor((now - phase) / interval) + 1;
    return phase + k * interval;
  }

  /** TR-069 3.2.1.1: wait before retry n (1-based) is random in [m·k^(n−1), m·k^n], n capped at 10. */
  retryDelayMs(random: () => number): number {
    const m = this.msNumber('CWMPRetryMinimumWaitInterval', 5);
    const k = this.msNumber('CWMPRetryIntervalMultiplier', 2000) / 1000;
    const n = Math.min(Math.max(this.retryCount, 1), 10);
    const lo = m * k ** (n - 1);
    const hi = m * k ** n;
    return Math.round((lo + random() * (hi - lo)) * 1000);
  }
}
