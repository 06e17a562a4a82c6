import { Metadata, status, type ServiceError } from '@grpc/grpc-js';
import { BusError, BusErrorCode } from '@acs/bus';
import { ProvisioningError, ProvisioningErrorCode } from '@acs/provisioning';
import { ERROR_DETAIL_TRAILER, ErrorDetail } from '@acs/proto';
import { StoreError, StoreErrorCode } from '@acs/store';
import { NbiError, NbiErrorCode } from './nbi.error';

/** Trailer carrying an ErrorDetail (the contract's constant, re-exported for the API's users). */
export { ERROR_DETAIL_TRAILER };

const STATUS_OF: Record<NbiErrorCode, status> = {
  [NbiErrorCode.InvalidArgument]: status.INVALID_ARGUMENT,
  [NbiErrorCode.InvalidFilter]: status.INVALID_ARGUMENT,
  [NbiErrorCode.InvalidPageToken]: status.INVALID_ARGUMENT,
  [NbiErrorCode.NotFound]: status.NOT_FOUND,
  [NbiErrorCode.AlreadyExists]: status.ALREADY_EXISTS,
  [NbiErrorCode.FailedPrecondition]: status.FAILED_PRECONDITION,
  [NbiErrorCode.Unauthenticated]: status.UNAUTHENTICATED,
  [NbiErrorCode.PermissionDenied]: status.PERMISSION_DENIED,
  [NbiErrorCode.DeadlineExceeded]: status.DEADLINE_EXCEEDED,
  [NbiErrorCode.Cancelled]: status.CANCELLED,
  [NbiErrorCode.Unavailable]: status.UNAVAILABLE,
  [NbiErrorCode.Aborted]: status.ABORTED,
};

/** The library errors the services let through, as NbiErrors; anything else is undefined. */
export function toNbiError(e: unknown): NbiError | undefined {
  if (e instanceof NbiError) return e;
  if (e instanceof ProvisioningError) {
    const d = { reason: e.code, issues: e.details };
    switch (e.code) {
      case ProvisioningErrorCode.InvalidTask:
        return /exists$/.test(e.message)
          ? new NbiError(NbiErrorCode.AlreadyExists, e.message, d)
          : new NbiError(NbiErrorCode.InvalidArgument, e.message, d);
      case ProvisioningErrorCode.InvalidProfile:
      case ProvisioningErrorCode.InvalidTags:
      case ProvisioningErrorCode.InvalidArgument:
        return new NbiError(NbiErrorCode.InvalidArgument, e.message, d);
      case ProvisioningErrorCode.TaskNotFound:
      case ProvisioningErrorCode.DeviceNotFound:
        return new NbiError(NbiErrorCode.NotFound, e.message, d);
      case ProvisioningErrorCode.TaskNotPending:
        return new NbiError(NbiErrorCode.FailedPrecondition, e.message, d);
      case ProvisioningErrorCode.Contention:
        return new NbiError(NbiErrorCode.Aborted, e.message, d);
      case ProvisioningErrorCode.NotReady:
        return new NbiError(NbiErrorCode.Unavailable, e.message, d);
      case ProvisioningErrorCode.InvalidEvent:
      case ProvisioningErrorCode.CorruptDocument:
        return undefined;
      default:
        // A code added to the library later: INTERNAL (logged) until it is mapped here.
        return undefined;
    }
  }
  if (StoreError.is(e, StoreErrorCode.Unavailable))
    return new NbiError(NbiErrorCode.Unavailable, `store unavailable: ${e.message}`, {
      reason: e.code,
    });
  if (StoreError.is(e, StoreErrorCode.VersionConflict))
    return new NbiError(NbiErrorCode.Aborted, e.message, { reason: e.code });
  if (StoreError.is(e, StoreErrorCode.NotFound))
    return new NbiError(NbiErrorCode.NotFound, e.message, { reason: e.code });
  if (
    e instanceof BusError &&
    (e.code === BusErrorCode.Unavailable || e.code === BusErrorCode.Closed)
  )
    return new NbiError(NbiErrorCode.Unavailable, `bus unavailable: ${e.message}`, {
      reason: e.code,
    });
  return undefined;
}

/**
 * The one gRPC mapper (CONVENTIONS: one per transport): known errors keep their message and get
 * an ErrorDetail trailer; anything else becomes INTERNAL with a generic message (the caller logs
 * the original with the trace id).
 */
export function toServiceError(e: unknown): { error: Partial<ServiceError>; known: boolean } {
  const n = toNbiError(e);
  if (n === undefined)
    return {
      error: { code: status.INTERNAL, details: 'internal error', metadata: new Metadata() },
      known: false,
    };
  const metadata = new Metadata();
  const detail = ErrorDetail.fromPartial({
    field: n.details.field ?? '',
    reason: n.details.reason ?? n.code,
    issues: [...(n.details.issues ?? [])],
    ...(n.details.position === undefined ? {} : { position: n.details.position }),
  });
  metadata.set(ERROR_DETAIL_TRAILER, Buffer.from(ErrorDetail.encode(detail).finish()));
  return { error: { code: STATUS_OF[n.code], details: n.message, metadata }, known: true };
}

/** Reads the ErrorDetail trailer of a failed call (clients, tests). */
export function errorDetailOf(metadata: Metadata | undefined): ErrorDetail | undefined {
  const v = metadata?.get(ERROR_DETAIL_TRAILER)[0];
  return v instanceof Buffer ? ErrorDetail.decode(v) : undefined;
}
