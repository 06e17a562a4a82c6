import { createSocket, type RemoteInfo, type Socket } from 'node:dgram';
import type { DatagramSender } from '../ports/datagram.port';
import type { StunBindingHandler } from './stun-binding.handler';

export interface StunUdpServerOptions {
  /** Default 3478 (RFC 5389 §9). 0 = an ephemeral port (tests). */
  readonly port?: number;
  /** Default 0.0.0.0; tests bind 127.0.0.1. */
  readonly host?: string;
  readonly type?: 'udp4' | 'udp6';
  /** Datagrams handled at once (credential lookups are async); more are shed. Default 10,000. */
  readonly maxInFlight?: number;
}

/**
 * The STUN server's socket: receives Binding Requests, answers through the handler, and lends the
 * same socket to UDP connection requests (`sendFrom`), so they leave from the address:port the
 * CPE's NAT pinhole was opened to (TR-069 Annex G.2.1).
 */
export class StunUdpServer implements DatagramSender {
  private socket: Socket | undefined;
  private inFlight = 0;
  private readonly maxInFlight: number;

  constructor(
    private readonly handler: StunBindingHandler,
    private readonly options: StunUdpServerOptions = {},
  ) {
    this.maxInFlight = options.maxInFlight ?? 10_000;
  }

  async start(): Promise<{ address: string; port: number }> {
    const socket = createSocket({ type: this.options.type ?? 'udp4' });
    this.socket = socket;
    socket.on('message', (msg, rinfo) => this.onMessage(socket, msg, rinfo));
    // Per-datagram send errors (ICMP unreachable surfacing on the socket) must not kill the server.
    socket.on('error', () => undefined);
    await new Promise<void>((resolve, reject) => {
      socket.once('error', reject);
      socket.bind(this.options.port ?? 3478, this.options.host ?? '0.0.0.0', () => {
        socket.off('error', reject);
        resolve();
      });
    });
    const a = socket.address();
    return { address: a.address, port: a.port };
  }

  sendFrom(address: string, port: number, bytes: Buffer): Promise<void> {
    const socket = this.socket;
    if (socket === undefined) return Promise.reject(new Error('STUN socket not started'));
    return new Promise((resolve, reject) => {
      socket.send(bytes, port, address, (e) => (e ? reject(e) : resolve()));
    });
  }

  async stop(): Promise<void> {
    const s = this.socket;
    this.socket = undefined;
    if (s !== undefined) await new Promise<void>((resolve) => s.close(() => resolve()));
  }

  private onMessage(socket: Socket, msg: Buffer, rinfo: RemoteInfo): void {
    if (this.inFlight >= this.maxInFlight) {
      this.handler.counters.received++;
      this.handler.counters.shed++;
      return;
    }
    this.inFlight++;
    const family = rinfo.family === 'IPv6' ? 6 : 4;
    void this.handler
      .handle(msg, { address: rinfo.address, port: rinfo.port, family })
      .then((reply) => {
        if (reply !== undefined && this.socket === socket)
          socket.send(reply, rinfo.port, rinfo.address);
      })
      .finally(() => {
        this.inFlight--;
      });
  }
}
