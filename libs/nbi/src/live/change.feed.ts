import type { EventBus, Subscription } from '@acs/bus';
import {
  decodeDeviceChange,
  DEVICE_CHANGES_TOPIC,
  type DeviceChangeEventV1,
} from '@acs/provisioning';
import type { NbiLogger } from '../nbi.ports';

export type ChangeListener = (event: DeviceChangeEventV1) => void;

/**
 * One subscription per API process to the device change topic, fanned out in memory to every
 * Watch stream and task waiter of this process. The group id is unique per process so that every
 * API pod sees every event; it starts at the latest offset (a watcher wants what happens from
 * now on). Listeners never throw into the bus loop.
 */
export class ChangeFeed {
  private readonly all = new Set<ChangeListener>();
  private readonly byDevice = new Map<string, Set<ChangeListener>>();
  private subscription: Subscription | undefined;

  constructor(
    private readonly bus: EventBus,
    private readonly groupId: string,
    private readonly logger: NbiLogger,
  ) {}

  async start(): Promise<void> {
    this.subscription ??= await this.bus.subscribe({
      groupId: this.groupId,
      topics: [DEVICE_CHANGES_TOPIC],
      fromBeginning: false,
      maxAttempts: 1,
      handler: async (m) => {
        let event: DeviceChangeEventV1;
        try {
          event = decodeDeviceChange(m.value);
        } catch (e) {
          this.logger.warn({ err: e, offset: m.offset }, 'unreadable device change skipped');
          return;
        }
        this.dispatch(event);
      },
    });
  }

  dispatch(event: DeviceChangeEventV1): void {
    const targets = [...this.all, ...(this.byDevice.get(event.deviceId) ?? [])];
    for (const l of targets) {
      try {
        l(event);
      } catch (e) {
        this.logger.error({ err: e }, 'change listener failed');
      }
    }
  }

  /** Calls `listener` for every change (of `deviceId` only, when given); returns the unsubscribe. */
  listen(listener: ChangeListener, deviceId?: string): () => void {
    if (deviceId === undefined) {
      this.all.add(listener);
      return () => this.all.delete(listener);
    }
    let set = this.byDevice.get(deviceId);
    if (set === undefined) this.byDevice.set(deviceId, (set = new Set()));
    set.add(listener);
    return () => {
      set.delete(listener);
      if (set.size === 0) this.byDevice.delete(deviceId);
    };
  }

  /** Registered listeners (all devices and per device). */
  listenerCount(): number {
    let n = this.all.size;
    for (const set of this.byDevice.values()) n += set.size;
    return n;
  }

  async stop(): Promise<void> {
    const s = this.subscription;
    this.subscription = undefined;
    await s?.stop();
  }
}
