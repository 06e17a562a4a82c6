import type { EventBus, Subscription } from '@acs/bus';
import type { AddressPolicy } from '../http/address.policy';
import type { Clock } from '../ports/clock.port';
import type { DatagramSender } from '../ports/datagram.port';
import { MAX_UDP_CONNECTION_REQUEST } from '../udp/annex-g.message';
import { CONNREQ_UDP_RELAY_TOPIC, udpRelaySchema } from './udp-relay.schema';

const ANNEX_G = Buffer.from('GET http://', 'latin1');

export interface UdpRelayDeps {
  readonly bus: EventBus;
  /** This STUN node's id (STUN_NODE_ID), as recorded in the bindings it learns. */
  readonly node: string;
  /** The STUN server's socket. */
  readonly sender: DatagramSender;
  readonly clock: Clock;
  /** Older relay requests are dropped (the wake-up's copies are spaced by ~200 ms). Default 10 s. */
  readonly maxAgeMs?: number;
  /** Checked again here (defence in depth: the bus is trusted, the target need not be). */
  readonly policy?: AddressPolicy;
  readonly topic?: string;
}

export interface UdpRelayCounters {
  sent: number;
  /** For another node (every node reads every relay request). */
  others: number;
  stale: number;
  /** Not an Annex G request, or not valid relay JSON. */
  malformed: number;
  denied: number;
  failed: number;
}

export interface UdpRelay {
  readonly counters: UdpRelayCounters;
  stop(): Promise<void>;
}

/**
 * The STUN node's side of the relay: every STUN node reads the relay topic in its own consumer
 * group (`acs-stun-relay-<node>`, from the latest offset: a restarted node does not replay old
 * wake-ups) and sends the datagrams addressed to it from its STUN socket. Nothing is retried: a
 * lost datagram is what Annex G's repeated copies are for.
 */
export async function startUdpRelay(deps: UdpRelayDeps): Promise<UdpRelay> {
  const maxAge = deps.maxAgeMs ?? 10_000;
  const counters: UdpRelayCounters = {
    sent: 0,
    others: 0,
    stale: 0,
    malformed: 0,
    denied: 0,
    failed: 0,
  };
  const sub: Subscription = await deps.bus.subscribe({
    groupId: `acs-stun-relay-${deps.node}`,
    topics: [deps.topic ?? CONNREQ_UDP_RELAY_TOPIC],
    fromBeginning: false,
    handler: async (m) => {
      if (m.key !== deps.node) {
        counters.others++;
        return;
      }
      let parsed;
      try {
        parsed = udpRelaySchema.safeParse(JSON.parse(m.value.toString('utf8')));
      } catch {
        parsed = undefined;
      }
      if (parsed?.success !== true || parsed.data.node !== deps.node) {
        counters.malformed++;
        return;
      }
      const r = parsed.data;
      const bytes = Buffer.from(r.datagram, 'base64');
      // Only Annex G requests leave the STUN socket, never arbitrary payloads.
      if (bytes.length > MAX_UDP_CONNECTION_REQUEST || !bytes.subarray(0, 11).equals(ANNEX_G)) {
        counters.malformed++;
        return;
      }
      if (deps.policy !== undefined && !deps.policy.allows(r.address)) {
        counters.denied++;
        return;
      }
      if (deps.clock.now() - r.at > maxAge) {
        counters.stale++;
        return;
      }
      try {
        await deps.sender.sendFrom(r.address, r.port, bytes);
        counters.sent++;
      } catch {
        counters.failed++;
      }
    },
  });
  return { counters, stop: () => sub.stop() };
}
