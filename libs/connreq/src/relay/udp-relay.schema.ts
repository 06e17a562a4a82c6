import { z } from 'zod';

// A UDP connection request for a STUN node to send from its socket (TR-069 Annex G.2.1: only the
// socket the CPE's NAT pinhole was opened to gets through). Keyed by the node id.

export const CONNREQ_UDP_RELAY_TOPIC = 'acs.connreq.udp-relay';
export const UDP_RELAY_SCHEMA_V1 = 'acs.connreq.udp-relay/1';

export const udpRelaySchema = z.object({
  schema: z.literal(UDP_RELAY_SCHEMA_V1),
  /** The STUN node that must send it (the binding's `via`). */
  node: z.string().min(1).max(256),
  address: z.string().min(1).max(64),
  port: z.number().int().min(1).max(65535),
  /** The signed Annex G datagram, base64 (at most MAX_UDP_CONNECTION_REQUEST bytes). */
  datagram: z.base64().max(2048),
  /** Epoch ms when it was asked for: a late datagram is dropped, not sent. */
  at: z.number().int().min(0),
});
export type UdpRelayMessage = z.infer<typeof udpRelaySchema>;
