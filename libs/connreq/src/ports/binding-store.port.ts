import { ConnreqError, ConnreqErrorCode } from '../connreq.error';

/** A CPE's NAT binding learned by the STUN server (TR-111 §2.2): where UDP wake-ups go. */
export interface StunBinding {
  readonly deviceId: string;
  readonly address: string;
  readonly port: number;
  /** Epoch ms of the Binding Request that (re)confirmed it. */
  readonly updatedAt: number;
  /** The mapped address differs from the address the CPE reported (it sits behind a NAT). */
  readonly natDetected: boolean;
  /** The request carried BINDING-CHANGE. */
  readonly changed: boolean;
  /**
   * The STUN node (pod) whose socket learned it, when STUN runs apart from the connection-request
   * service: UDP wake-ups must leave from that socket (Annex G.2.1), so they are relayed there.
   */
  readonly via?: string;
}

/** Device → binding, with expiry (CPEs refresh bindings every STUNMinimumKeepAlivePeriod). */
export interface BindingStore {
  put(binding: StunBinding, ttlMs: number): Promise<void>;
  get(deviceId: string): Promise<StunBinding | undefined>;
  delete(deviceId: string): Promise<void>;
  close(): Promise<void>;
}

export function assertBinding(b: StunBinding, ttlMs: number): void {
  if (b.deviceId.length === 0 || b.deviceId.length > 256)
    throw new ConnreqError(
      ConnreqErrorCode.InvalidArgument,
      'binding device id must be 1–256 chars',
    );
  if (!Number.isInteger(b.port) || b.port < 1 || b.port > 65535)
    throw new ConnreqError(ConnreqErrorCode.InvalidArgument, `bad binding port ${b.port}`);
  if (!Number.isInteger(ttlMs) || ttlMs < 1)
    throw new ConnreqError(ConnreqErrorCode.InvalidArgument, `bad binding TTL ${ttlMs}`);
}
