import type { EventBus } from '@acs/bus';
import { CONNREQ_WAKEUPS_TOPIC, WAKEUP_SCHEMA_V1, type WakeupCommand } from '@acs/connreq';
import type { NbiClock } from '../nbi.ports';

/**
 * Wakes a device: a command on the connection-request topic (key = device id), which the
 * connection-request service turns into an HTTP, UDP or XMPP connection request (TR-069 §3.2.2,
 * Annex G, Annex K). Resolves once the bus acknowledged the command, not when the CPE answered.
 */
export class WakeupPublisher {
  constructor(
    private readonly bus: EventBus,
    private readonly clock: NbiClock,
  ) {}

  async wake(deviceId: string, reason: string, expiresAt?: number): Promise<string> {
    const now = this.clock.now();
    const command: WakeupCommand = {
      schema: WAKEUP_SCHEMA_V1,
      deviceId,
      requestedAt: new Date(now).toISOString(),
      reason: reason.slice(0, 256),
      ...(expiresAt === undefined ? {} : { expiresAt: new Date(expiresAt).toISOString() }),
    };
    await this.bus.publish(CONNREQ_WAKEUPS_TOPIC, [
      { key: deviceId, value: JSON.stringify(command) },
    ]);
    return `${deviceId}@${command.requestedAt}`;
  }
}
