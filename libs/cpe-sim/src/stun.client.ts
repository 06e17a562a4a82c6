import dgram from 'node:dgram';
import { randomBytes } from 'node:crypto';
import {
  StunAttr,
  buildBindingRequest,
  decodeErrorCodeValue,
  decodeStunMessage,
  readMappedAddress,
  type StunMessage,
  type TransportAddress,
} from '@acs/stun';
import type { SimClock, TimerHandle } from './sim.clock';
import type { SimulatedCpe } from './simulated-cpe';
import type { UdpConnectionRequestListener } from './udp-connection-request';

export interface StunClientOptions {
  readonly server: { readonly host: string; readonly port: number };
  /** Local address the device's UDP socket binds (its UDPConnectionRequestAddress before NAT). */
  readonly bindHost: string;
  /** Keep-alive period (TR-069 Annex G: between STUNMinimum- and STUNMaximumKeepAlivePeriod). */
  readonly keepAliveMs: number;
  /** Retransmission when no answer came (RFC 5389 §7.2.1, simplified to a fixed interval). */
  readonly retransmitMs: number;
  readonly clock: SimClock;
  /** STUNUsername / STUNPassword, used after a 401 (TR-111 §2.2.1). */
  readonly username?: string;
  readonly password?: string;
}

export type StunClientState =
  | { readonly kind: 'stopped' }
  | { readonly kind: 'binding'; readonly attempts: number }
  | { readonly kind: 'bound'; readonly mapped: TransportAddress };

/**
 * A device's STUN client (TR-069 Annex G, TR-111 part 2): one UDP socket per device that keeps a
 * NAT binding with the ACS's STUN server by Binding Requests carrying CONNECTION-REQUEST-BINDING,
 * adds BINDING-CHANGE when the mapped address changed, answers a 401 with USERNAME and
 * MESSAGE-INTEGRITY, records the mapped address in UDPConnectionRequestAddress, and hands every
 * non-STUN datagram on that socket to the UDP connection request verifier.
 */
export class CpeStunClient {
  state: StunClientState = { kind: 'stopped' };
  private socket: dgram.Socket | undefined;
  private timer: TimerHandle | undefined;
  private transaction: Buffer | undefined;
  private useCredentials = false;
  private changed = false;
  private lastMapped: TransportAddress | undefined;
  requestsSent = 0;

  constructor(
    private readonly cpe: SimulatedCpe,
    private readonly udp: UdpConnectionRequestListener,
    private readonly options: StunClientOptions,
  ) {}

  async start(): Promise<number> {
    const socket = dgram.createSocket(this.options.bindHost.includes(':') ? 'udp6' : 'udp4');
    socket.on('message', (msg) => this.onDatagram(msg));
    socket.on('error', () => undefined);
    this.socket = socket;
    await new Promise<void>((resolve) => socket.bind(0, this.options.bindHost, resolve));
    this.state = { kind: 'binding', attempts: 0 };
    this.send();
    return socket.address().port;
  }

  stop(): void {
    this.timer?.cancel();
    this.timer = undefined;
    this.socket?.close();
    this.socket = undefined;
    this.state = { kind: 'stopped' };
  }

  private send(): void {
    const socket = this.socket;
    if (socket === undefined) return;
    this.transaction = randomBytes(12);
    const withCredentials = this.useCredentials && this.options.username !== undefined;
    const packet = buildBindingRequest({
      transactionId: this.transaction,
      connectionRequestBinding: true,
      bindingChange: this.changed,
      ...(withCredentials
        ? {
            username: this.options.username,
            integrityKey: Buffer.from(this.options.password ?? '', 'utf8'),
          }
        : {}),
    });
    this.requestsSent++;
    socket.send(packet, this.options.server.port, this.options.server.host);
    this.schedule(this.options.retransmitMs);
    if (this.state.kind === 'binding')
      this.state = { kind: 'binding', attempts: this.state.attempts + 1 };
  }

  private schedule(ms: number): void {
    this.timer?.cancel();
    this.timer = this.options.clock.setTimer(ms, () => this.send());
  }

  private onDatagram(datagram: Buffer): void {
    let msg: StunMessage;
    try {
      msg = decodeStunMessage(datagram);
    } catch {
      // Not STUN: a UDP connection request for this device (Annex G), or junk the verifier refuses.
      this.udp.handle(datagram, this.cpe);
      return;
    }
    if (this.transaction === undefined || !msg.transactionId.equals(this.transaction)) return;
    if (msg.cls === 'error') {
      const attr = msg.attributes.find((a) => a.type === StunAttr.ErrorCode);
      let code = 0;
      try {
        code = attr === undefined ? 0 : decodeErrorCodeValue(attr.value).code;
      } catch {
        code = 0;
      }
      // TR-111 §2.2.1: the server wants credentials; retry at once with them.
      if (code === 401 && !this.useCredentials && this.options.username !== undefined) {
        this.useCredentials = true;
        this.send();
      }
      return;
    }
    if (msg.cls !== 'success') return;
    const mapped = readMappedAddress(msg);
    if (mapped === undefined) return;
    const prev = this.lastMapped;
    const changed =
      prev !== undefined && (prev.address !== mapped.address || prev.port !== mapped.port);
    this.lastMapped = mapped;
    this.state = { kind: 'bound', mapped };
    const root = this.cpe.model.root;
    this.cpe.model.write(
      `${root}ManagementServer.UDPConnectionRequestAddress`,
      // host:port, an IPv6 host in brackets (RFC 3986 authority), as the ACS parses it.
      mapped.address.includes(':')
        ? `[${mapped.address}]:${mapped.port}`
        : `${mapped.address}:${mapped.port}`,
    );
    this.cpe.model.write(`${root}ManagementServer.NATDetected`, 'false');
    if (changed && !this.changed) {
      // Tell the server at once that the binding moved (TR-111 §2.2.1 BINDING-CHANGE).
      this.changed = true;
      this.send();
      return;
    }
    this.changed = false;
    this.schedule(this.options.keepAliveMs);
  }
}
