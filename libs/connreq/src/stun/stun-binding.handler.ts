import {
  buildBindingError,
  buildBindingSuccess,
  checkMessageIntegrity,
  readBindingRequest,
  StunError,
  type BindingRequestView,
  type IpFamily,
} from '@acs/stun';
import type { BindingStore } from '../ports/binding-store.port';
import type { Clock } from '../ports/clock.port';
import type { StunCredential, StunCredentialLookup } from '../ports/device-contact.port';
import { parseHostPort } from '../udp/udp-connreq.sender';

export interface DatagramSource {
  readonly address: string;
  readonly port: number;
  readonly family: IpFamily;
}

export interface StunBindingHandlerOptions {
  readonly credentials: StunCredentialLookup;
  readonly bindings: BindingStore;
  readonly clock: Clock;
  /** How long a learned binding is used without a refresh. Default 5 min. */
  readonly bindingTtlMs?: number;
  /**
   * Require USERNAME + MESSAGE-INTEGRITY on every request (TR-111 §2.2.1: the CPE authenticates
   * after a 401 when STUNUsername/STUNPassword are set). Default true. When false, unsigned
   * requests with a known USERNAME still record a binding.
   */
  readonly requireAuth?: boolean;
  /** This STUN node's relay id: recorded in each binding (`via`) when set. */
  readonly node?: string;
}

/** What the server saw. Every datagram lands in exactly one of the terminal counters. */
export interface StunServerCounters {
  received: number;
  /** Success responses sent. */
  answered: number;
  /** 401 (missing/bad credentials, unknown user) and 420 responses sent. */
  rejected: number;
  /** Not STUN, malformed STUN, not a Binding Request, bad FINGERPRINT: dropped silently. */
  dropped: number;
  /** Datagrams shed because too many were being handled (flood). */
  shed: number;
  /** Handler failures (credential lookup failed): dropped, the CPE retries. */
  failed: number;
  /** Bindings written (a subset of answered). */
  bindingsStored: number;
  bindingStoreErrors: number;
}

export function newStunCounters(): StunServerCounters {
  return {
    received: 0,
    answered: 0,
    rejected: 0,
    dropped: 0,
    shed: 0,
    failed: 0,
    bindingsStored: 0,
    bindingStoreErrors: 0,
  };
}

/**
 * The STUN server's logic, without the socket: RFC 5389/3489 Binding with the TR-111 binding
 * attributes and short-term credentials (key = STUNPassword). Learned bindings go to the
 * BindingStore, keyed by device id. Never throws for any datagram.
 */
export class StunBindingHandler {
  readonly counters = newStunCounters();
  private readonly ttlMs: number;
  private readonly requireAuth: boolean;

  constructor(private readonly options: StunBindingHandlerOptions) {
    this.ttlMs = options.bindingTtlMs ?? 300_000;
    this.requireAuth = options.requireAuth ?? true;
  }

  /** The response to send back, or undefined when the datagram is dropped. */
  async handle(datagram: Buffer, from: DatagramSource): Promise<Buffer | undefined> {
    this.counters.received++;
    let view: BindingRequestView;
    try {
      view = readBindingRequest(datagram);
    } catch (e) {
      if (!(e instanceof StunError)) this.counters.failed++;
      else this.counters.dropped++;
      return undefined;
    }
    if (view.fingerprint === 'bad') {
      this.counters.dropped++;
      return undefined;
    }
    const request = view.message;
    if (view.unknownRequired.length > 0) {
      this.counters.rejected++;
      return buildBindingError({
        request,
        code: 420,
        reason: 'Unknown Attribute',
        unknown: view.unknownRequired,
      });
    }
    const mapped = { family: from.family, address: from.address, port: from.port };
    if (view.username === undefined) {
      if (this.requireAuth) return this.unauthorized(view);
      // A plain STUN client (NAT discovery): answer, but there is no device to bind.
      this.counters.answered++;
      return buildBindingSuccess({ request, mapped });
    }
    let cred: StunCredential | undefined;
    try {
      cred = await this.options.credentials.lookup(view.username);
    } catch {
      this.counters.failed++;
      return undefined;
    }
    if (cred === undefined) return this.unauthorized(view);
    let key: Buffer | undefined;
    if (view.hasIntegrity) {
      key = Buffer.from(cred.password, 'utf8');
      if (checkMessageIntegrity(request, key) !== 'ok') return this.unauthorized(view);
    } else if (this.requireAuth) return this.unauthorized(view);
    if (view.connectionRequestBinding || view.bindingChange) await this.store(cred, from, view);
    this.counters.answered++;
    return buildBindingSuccess({
      request,
      mapped,
      ...(key === undefined ? {} : { integrityKey: key }),
    });
  }

  private unauthorized(view: BindingRequestView): Buffer {
    this.counters.rejected++;
    // RFC 5389 §10.1.2: 401 without MESSAGE-INTEGRITY (we could not verify the client's key).
    return buildBindingError({ request: view.message, code: 401, reason: 'Unauthorized' });
  }

  private async store(
    cred: StunCredential,
    from: DatagramSource,
    view: BindingRequestView,
  ): Promise<void> {
    const reported =
      cred.reportedAddress === undefined ? undefined : parseHostPort(cred.reportedAddress);
    try {
      await this.options.bindings.put(
        {
          deviceId: cred.deviceId,
          address: from.address,
          port: from.port,
          updatedAt: this.options.clock.now(),
          // TR-111 §2.2: behind a NAT when the source differs from what the CPE says it has.
          natDetected:
            reported !== undefined &&
            (reported.address !== from.address || reported.port !== from.port),
          changed: view.bindingChange,
          ...(this.options.node === undefined ? {} : { via: this.options.node }),
        },
        this.ttlMs,
      );
      this.counters.bindingsStored++;
    } catch {
      // Still answer: the CPE did its part and will refresh the binding.
      this.counters.bindingStoreErrors++;
    }
  }
}
