import { createHmac, timingSafeEqual } from 'node:crypto';
import dgram from 'node:dgram';
import type { CpeFleet } from './cpe.fleet';
import type { SimulatedCpe } from './simulated-cpe';

// TR-069 Annex G.2.1 (UDP connection request): one datagram holding an HTTP request line
// `GET http://host:port?ts=…&id=…&un=…&cn=…&sig=… HTTP/1.1`, sig = hex HMAC-SHA1 keyed with the
// ConnectionRequestPassword over ts‖id‖un‖cn. The CPE ignores replays: an id already seen or
// a ts not newer than the last accepted one.

export interface UdpConnectionRequest {
  readonly ts: number;
  readonly id: string;
  readonly un: string;
  readonly cn: string;
  readonly sig: string;
}

export type UdpParse =
  | { readonly ok: true; readonly request: UdpConnectionRequest }
  | { readonly ok: false; readonly reason: string };

const MAX_DATAGRAM = 2048;

/** Parses a UDP connection request datagram (pure). */
export function parseUdpConnectionRequest(datagram: Buffer): UdpParse {
  if (datagram.length > MAX_DATAGRAM) return { ok: false, reason: 'datagram too large' };
  const line = datagram.toString('latin1').split('\r\n', 1)[0] ?? '';
  const m = /^GET (\S+) HTTP\/1\.1$/.exec(line);
  if (m === null) return { ok: false, reason: 'not an HTTP/1.1 GET request line' };
  const target = m[1] ?? '';
  const q = target.indexOf('?');
  if (q < 0) return { ok: false, reason: 'no query' };
  const params = new URLSearchParams(target.slice(q + 1));
  const get = (k: string): string | undefined => params.get(k) ?? undefined;
  const ts = get('ts');
  const id = get('id');
  const un = get('un');
  const cn = get('cn');
  const sig = get('sig');
  if (
    ts === undefined ||
    id === undefined ||
    un === undefined ||
    cn === undefined ||
    sig === undefined
  )
    return { ok: false, reason: 'missing ts, id, un, cn or sig' };
  if (!/^\d{1,12}$/.test(ts)) return { ok: false, reason: 'bad ts' };
  if (!/^[0-9a-fA-F]{40}$/.test(sig)) return { ok: false, reason: 'bad sig' };
  return { ok: true, request: { ts: Number(ts), id, un, cn, sig: sig.toLowerCase() } };
}

/** The Annex G signature. */
export function udpSignature(r: Omit<UdpConnectionRequest, 'sig'>, password: string): string {
  return createHmac('sha1', password).update(`${r.ts}${r.id}${r.un}${r.cn}`).digest('hex');
}

export type UdpVerdict =
  'accepted' | 'refused' | 'badSignature' | 'replay' | 'unknownUser' | 'malformed';

/**
 * Listens for UDP connection requests for the whole fleet on one socket; devices are found by
 * their ConnectionRequestUsername (`un`).
 */
export class UdpConnectionRequestListener {
  private socket: dgram.Socket | undefined;
  private byUser: Map<string, SimulatedCpe> | undefined;
  readonly verdicts: Record<UdpVerdict, number> = {
    accepted: 0,
    refused: 0,
    badSignature: 0,
    replay: 0,
    unknownUser: 0,
    malformed: 0,
  };

  constructor(private readonly fleet: CpeFleet) {}

  async listen(host: string, port: number): Promise<number> {
    const socket = dgram.createSocket(host.includes(':') ? 'udp6' : 'udp4');
    socket.on('message', (msg) => this.handle(msg));
    // A bad packet never throws; socket errors are not fatal for the simulator.
    socket.on('error', () => undefined);
    this.socket = socket;
    await new Promise<void>((resolve) => socket.bind(port, host, resolve));
    return socket.address().port;
  }

  close(): void {
    this.socket?.close();
    this.socket = undefined;
  }

  /**
   * Handles one datagram (exposed so tests need no socket). `target` is set when the datagram
   * arrived on one device's own socket (the one its STUN client keeps bound, TR-069 Annex G).
   */
  handle(datagram: Buffer, target?: SimulatedCpe): UdpVerdict {
    const verdict = this.verdict(datagram, target);
    this.verdicts[verdict]++;
    return verdict;
  }

  private verdict(datagram: Buffer, target: SimulatedCpe | undefined): UdpVerdict {
    const p = parseUdpConnectionRequest(datagram);
    if (!p.ok) return 'malformed';
    const r = p.request;
    if (
      target === undefined &&
      (this.byUser === undefined || this.byUser.size !== this.fleet.devices.length)
    )
      this.byUser = new Map(this.fleet.devices.map((d) => [d.crUsername, d]));
    const cpe = target ?? this.byUser?.get(r.un);
    if (cpe === undefined || r.un !== cpe.crUsername) return 'unknownUser';
    const expected = Buffer.from(udpSignature(r, cpe.crPassword), 'hex');
    if (!timingSafeEqual(expected, Buffer.from(r.sig, 'hex'))) return 'badSignature';
    if (r.id === cpe.lastUdpId || r.ts < cpe.lastUdpTs) return 'replay';
    cpe.lastUdpId = r.id;
    cpe.lastUdpTs = r.ts;
    return this.fleet.connectionRequest(cpe) ? 'accepted' : 'refused';
  }
}
