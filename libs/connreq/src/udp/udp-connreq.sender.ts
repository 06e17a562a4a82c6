import { isIP } from 'node:net';
import type { AddressPolicy } from '../http/address.policy';
import type { AttemptOutcome } from '../ports/attempt.outcome';
import type { Clock, Random } from '../ports/clock.port';
import type { DatagramSender } from '../ports/datagram.port';
import { buildUdpConnectionRequest } from './annex-g.message';
import { UdpMessageSource } from './udp-message.source';

export interface UdpTarget {
  readonly address: string;
  readonly port: number;
  /** The STUN node whose socket the CPE's pinhole is open to (relayed sends). */
  readonly via?: string;
}

export interface UdpConnectionRequestTask {
  /** Where the datagram goes: the STUN-learned binding, else the reported address. */
  readonly target: UdpTarget;
  /** host:port for the request line (the CPE's UDPConnectionRequestAddress when known). */
  readonly hostPort: string;
  readonly username: string;
  readonly password: string;
}

export interface UdpConnectionRequesterOptions {
  readonly sender: DatagramSender;
  readonly clock: Clock;
  readonly random: Random;
  readonly policy: AddressPolicy;
  /** Copies of each request (Annex G.2.2: UDP is lossy, send it more than once). Default 3. */
  readonly copies?: number;
  /** Mean gap between copies; each gap is uniform in [0.5, 1.5] × this. Default 200 ms. */
  readonly gapMs?: number;
}

/** Parses "host:port" / "[v6]:port" (UDPConnectionRequestAddress). */
export function parseHostPort(s: string): UdpTarget | undefined {
  const m = /^\[([^\]]+)\]:(\d{1,5})$/.exec(s) ?? /^([^:[\]]+):(\d{1,5})$/.exec(s);
  if (m === null) return undefined;
  const port = Number(m[2]);
  if (port < 1 || port > 65535) return undefined;
  return { address: m[1] ?? '', port };
}

/**
 * UDP connection request (TR-069 Annex G): a signed HTTP request line in one datagram, sent
 * `copies` times with jittered gaps. Every request gets a fresh id and a ts that never goes
 * backwards; the copies of one request share them, so the CPE acts once. The outcome is `sent`:
 * UDP has no answer; the session carrying "6 CONNECTION REQUEST" is the confirmation.
 */
export class UdpConnectionRequester {
  private readonly source: UdpMessageSource;
  private readonly copies: number;
  private readonly gapMs: number;

  constructor(private readonly options: UdpConnectionRequesterOptions) {
    this.source = new UdpMessageSource(options.clock, options.random);
    this.copies = Math.max(1, options.copies ?? 3);
    this.gapMs = options.gapMs ?? 200;
  }

  async request(task: UdpConnectionRequestTask): Promise<AttemptOutcome> {
    const { address, port, via } = task.target;
    if (isIP(address) === 0)
      return { kind: 'error', detail: `UDP target must be an IP address, not ${address}` };
    const refusal = this.options.policy.refusal(address);
    if (refusal !== undefined) return { kind: 'denied', detail: refusal };
    let datagram: Buffer;
    try {
      datagram = buildUdpConnectionRequest({
        ...this.source.next(),
        hostPort: task.hostPort,
        un: task.username,
        password: task.password,
      });
    } catch (e) {
      return { kind: 'error', detail: (e as Error).message };
    }
    try {
      await this.options.sender.sendFrom(address, port, datagram, via);
    } catch (e) {
      return { kind: 'unreachable', detail: (e as Error).message };
    }
    if (this.copies > 1) void this.repeat(address, port, datagram, this.copies - 1, via);
    return { kind: 'sent', detail: `${this.copies} datagrams to ${address}:${port}` };
  }

  private async repeat(
    address: string,
    port: number,
    datagram: Buffer,
    left: number,
    via: string | undefined,
  ): Promise<void> {
    for (let i = 0; i < left; i++) {
      await this.options.clock.sleep(Math.round(this.gapMs * (0.5 + this.options.random.next())));
      // A lost repeat is what the repeats are for; nothing to report.
      await this.options.sender.sendFrom(address, port, datagram, via).catch(() => undefined);
    }
  }
}
