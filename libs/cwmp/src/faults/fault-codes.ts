import { CwmpError, CwmpErrorCode } from '../cwmp.error';
import type { CwmpVersion, Fault, SetParameterValuesFault } from '../model/envelope.types';
import type { EnvelopeInput } from '../codec/envelope.codec';

/** ACS fault codes, sent by the ACS in answer to a CPE's request (TR-069 A.5.1; cwmp-1-4.xsd ACSFaultCodeType). */
export enum AcsFaultCode {
  MethodNotSupported = 8000,
  RequestDenied = 8001,
  InternalError = 8002,
  InvalidArguments = 8003,
  ResourcesExceeded = 8004,
  RetryRequest = 8005,
  /** CWMP 1.4: no common protocol version. */
  VersionIncompatible = 8006,
}

/** CPE fault codes (TR-069 A.5.2; cwmp-1-2.xsd CPEFaultCodeType). 9800–9899 are vendor-defined. */
export enum CpeFaultCode {
  MethodNotSupported = 9000,
  RequestDenied = 9001,
  InternalError = 9002,
  InvalidArguments = 9003,
  ResourcesExceeded = 9004,
  InvalidParameterName = 9005,
  InvalidParameterType = 9006,
  InvalidParameterValue = 9007,
  NonWritableParameter = 9008,
  NotificationRequestRejected = 9009,
  FileTransferFailure = 9010,
  UploadFailure = 9011,
  FileTransferServerAuthenticationFailure = 9012,
  UnsupportedTransferProtocol = 9013,
  MulticastJoinFailure = 9014,
  FileServerUnreachable = 9015,
  FileAccessFailure = 9016,
  DownloadIncomplete = 9017,
  FileCorrupted = 9018,
  FileAuthenticationFailure = 9019,
  DownloadOutsideTimeWindows = 9020,
  CancelNotPermitted = 9021,
  InvalidUuidFormat = 9022,
  UnknownExecutionEnvironment = 9023,
  DisabledExecutionEnvironment = 9024,
  DeploymentUnitEnvironmentMismatch = 9025,
  DuplicateDeploymentUnit = 9026,
  SystemResourcesExceeded = 9027,
  UnknownDeploymentUnit = 9028,
  InvalidDeploymentUnitState = 9029,
  DowngradeNotPermitted = 9030,
  VersionNotSpecified = 9031,
  VersionAlreadyExists = 9032,
}

export type SoapFaultCode = 'Client' | 'Server';

export interface FaultInfo {
  readonly code: number;
  /** The standard FaultString (cwmp XSD annotations / TR-069 A.5). */
  readonly faultString: string;
  readonly soapFaultCode: SoapFaultCode;
}

const STRINGS: Readonly<Record<number, string>> = {
  8000: 'Method not supported',
  8001: 'Request denied (no reason specified)',
  8002: 'Internal error',
  8003: 'Invalid arguments',
  8004: 'Resources exceeded',
  8005: 'Retry request',
  8006: 'ACS version incompatible with CPE',
  9000: 'Method not supported',
  9001: 'Request denied (no reason specified)',
  9002: 'Internal error',
  9003: 'Invalid arguments',
  9004: 'Resources exceeded',
  9005: 'Invalid parameter name',
  9006: 'Invalid parameter type',
  9007: 'Invalid parameter value',
  9008: 'Attempt to set a non-writable parameter',
  9009: 'Notification request rejected',
  9010: 'File transfer failure',
  9011: 'Upload failure',
  9012: 'File transfer server authentication failure',
  9013: 'Unsupported protocol for file transfer',
  9014: 'File transfer failure: unable to join multicast group',
  9015: 'File transfer failure: unable to contact file server',
  9016: 'File transfer failure: unable to access file',
  9017: 'File transfer failure: unable to complete download',
  9018: 'File transfer failure: file corrupted',
  9019: 'File transfer failure: file authentication failure',
  9020: 'File transfer failure: unable to complete download within specified time windows',
  9021: 'Cancelation of file transfer not permitted in current transfer state',
  9022: 'Invalid UUID Format',
  9023: 'Unknown Execution Environment',
  9024: 'Disabled Execution Environment',
  9025: 'Deployment Unit to Execution Environment Mismatch',
  9026: 'Duplicate Deployment Unit',
  9027: 'System Resources Exceeded',
  9028: 'Unknown Deployment Unit',
  9029: 'Invalid Deployment Unit State',
  9030: 'Invalid Deployment Unit Update – Downgrade not permitted',
  9031: 'Invalid Deployment Unit Update – Version not specified',
  9032: 'Invalid Deployment Unit Update – Version already exists',
};

/**
 * SOAP 1.1 §4.4.1 faultcode. TR-069 A.5.2 marks 9003 and 9005–9008 Client (the request was at fault)
 * and every other CPE fault Server. The ACS table has no such column; by the same rule its
 * counterpart 8003 (Invalid arguments) is Client and the rest Server.
 */
export function soapFaultCodeOf(code: number): SoapFaultCode {
  return code === 9003 || (code >= 9005 && code <= 9008) || code === 8003 ? 'Client' : 'Server';
}

/** Standard string and SOAP faultcode for a code; vendor (8800–8899, 9800–9899) and extension codes get a generic string. */
export function faultInfo(code: number): FaultInfo {
  const known = STRINGS[code];
  const faultString =
    known ??
    (code >= 9800 && code <= 9899
      ? 'Vendor fault'
      : code >= 8800 && code <= 8899
        ? 'Vendor ACS fault'
        : code >= 9000
          ? 'CPE fault'
          : 'ACS fault');
  return { code, faultString, soapFaultCode: soapFaultCodeOf(code) };
}

/** Every standard code with its string and SOAP faultcode, for tables and docs. */
export const STANDARD_FAULTS: readonly FaultInfo[] = Object.keys(STRINGS).map((c) =>
  faultInfo(Number(c)),
);

export interface FaultOptions {
  /** Overrides the standard string. */
  readonly faultString?: string;
  /** Per-parameter faults of a SetParameterValues fault (TR-069 A.5.2, code 9003). */
  readonly setParameterValuesFault?: readonly SetParameterValuesFault[];
}

/** A CWMP Fault body: `faultstring` "CWMP fault" and the cwmp:Fault detail (TR-069 A.5). */
export function buildFault(code: number, options: FaultOptions = {}): Fault {
  if (!Number.isInteger(code) || code < 8000 || code > 9899)
    throw new CwmpError(CwmpErrorCode.InvalidValue, `not a CWMP fault code: ${code}`);
  const info = faultInfo(code);
  const spv = options.setParameterValuesFault;
  return {
    type: 'Fault',
    faultCode: info.soapFaultCode,
    faultString: 'CWMP fault',
    detail: {
      faultCode: code,
      faultString: options.faultString ?? info.faultString,
      ...(spv === undefined || spv.length === 0 ? {} : { setParameterValuesFault: spv }),
    },
  };
}

/** A whole fault envelope ready for serializeEnvelope, echoing the request's cwmp:ID. */
export function faultEnvelope(
  params: { version: CwmpVersion; namespace?: string; id?: string; code: number } & FaultOptions,
): EnvelopeInput {
  const { version, namespace, id, code, ...options } = params;
  return {
    version,
    ...(namespace === undefined ? {} : { namespace }),
    header: id === undefined ? {} : { id },
    body: buildFault(code, options),
  };
}

/**
 * The ACS fault to answer a CPE request that failed to parse: 8000 for an unknown method,
 * 8004 for a limit, 8003 otherwise (TR-069 A.5.1). Transport-level refusals (not XML at all)
 * may rather be answered with HTTP 400 by the gateway.
 */
export function acsFaultFor(error: CwmpError): AcsFaultCode {
  switch (error.code) {
    case CwmpErrorCode.UnknownMethod:
      return AcsFaultCode.MethodNotSupported;
    case CwmpErrorCode.LimitExceeded:
      return AcsFaultCode.ResourcesExceeded;
    default:
      return AcsFaultCode.InvalidArguments;
  }
}
