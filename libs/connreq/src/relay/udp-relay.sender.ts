import type { EventBus } from '@acs/bus';
import type { Clock } from '../ports/clock.port';
import type { DatagramSender } from '../ports/datagram.port';
import {
  CONNREQ_UDP_RELAY_TOPIC,
  UDP_RELAY_SCHEMA_V1,
  type UdpRelayMessage,
} from './udp-relay.schema';

/**
 * The connection-request side of a split deployment: instead of sending from a socket it does not
 * own, it asks the STUN node that learned the binding (`via`) to send the datagram (resolved when
 * the broker acknowledged the relay message). Without `via` there is nobody to ask.
 */
export class BusDatagramSender implements DatagramSender {
  constructor(
    private readonly bus: EventBus,
    private readonly clock: Clock,
    private readonly topic = CONNREQ_UDP_RELAY_TOPIC,
  ) {}

  async sendFrom(address: string, port: number, bytes: Buffer, via?: string): Promise<void> {
    if (via === undefined)
      throw new Error('no STUN node learned this binding: cannot relay the UDP request');
    const message: UdpRelayMessage = {
      schema: UDP_RELAY_SCHEMA_V1,
      node: via,
      address,
      port,
      datagram: bytes.toString('base64'),
      at: this.clock.now(),
    };
    await this.bus.publish(this.topic, [{ key: via, value: JSON.stringify(message) }]);
  }
}
