import type { ParameterValue } from './value.types';

// Methods the CPE calls on the ACS (TR-069 Annex A.3.3 / A.4.2) and the ACS's responses.
// GetRPCMethods goes both ways and is declared once, in cpe-methods.types.ts.

export interface DeviceId {
  readonly manufacturer: string;
  /** Organizationally Unique Identifier, 6 upper-case hex digits. */
  readonly oui: string;
  readonly productClass: string;
  readonly serialNumber: string;
}

export interface EventStruct {
  /** e.g. `0 BOOTSTRAP`, `M Download`, `X 00D09E MyEvent` (TR-069 A.3.3.1 Table 7). */
  readonly eventCode: string;
  readonly commandKey: string;
}

export interface Inform {
  readonly type: 'Inform';
  readonly deviceId: DeviceId;
  readonly event: readonly EventStruct[];
  readonly maxEnvelopes: number;
  /** dateTime lexical form as sent by the CPE. */
  readonly currentTime: string;
  readonly retryCount: number;
  readonly parameterList: readonly ParameterValue[];
}
export interface InformResponse {
  readonly type: 'InformResponse';
  /** TR-069 A.3.3.1: the ACS answers 1. */
  readonly maxEnvelopes: number;
}

/** TR-069 A.3.3.2: FaultCode 0 means success. */
export interface TransferFault {
  readonly faultCode: number;
  readonly faultString: string;
}

export interface TransferComplete {
  readonly type: 'TransferComplete';
  readonly commandKey: string;
  readonly faultStruct: TransferFault;
  readonly startTime: string;
  readonly completeTime: string;
}
export interface TransferCompleteResponse {
  readonly type: 'TransferCompleteResponse';
}

export interface AutonomousTransferComplete {
  readonly type: 'AutonomousTransferComplete';
  readonly announceUrl: string;
  readonly transferUrl: string;
  readonly isDownload: boolean;
  readonly fileType: string;
  readonly fileSize: number;
  readonly targetFileName: string;
  readonly faultStruct: TransferFault;
  readonly startTime: string;
  readonly completeTime: string;
}
export interface AutonomousTransferCompleteResponse {
  readonly type: 'AutonomousTransferCompleteResponse';
}

export interface ArgStruct {
  readonly name: string;
  readonly value: string;
}
export interface RequestDownload {
  readonly type: 'RequestDownload';
  readonly fileType: string;
  readonly fileTypeArg: readonly ArgStruct[];
}
export interface RequestDownloadResponse {
  readonly type: 'RequestDownloadResponse';
}

export interface Kicked {
  readonly type: 'Kicked';
  readonly command: string;
  readonly referer: string;
  readonly arg: string;
  readonly next: string;
}
export interface KickedResponse {
  readonly type: 'KickedResponse';
  readonly nextUrl: string;
}

export interface DeploymentUnitFault {
  readonly faultCode: number;
  readonly faultString?: string;
}
/** TR-069 A.4.2.1 OpResultStruct. */
export interface OpResult {
  readonly uuid: string;
  readonly deploymentUnitRef: string;
  readonly version: string;
  /** Installed | Uninstalled | Failed */
  readonly currentState: string;
  readonly resolved: boolean;
  readonly executionUnitRefList: string;
  readonly startTime: string;
  readonly completeTime: string;
  readonly fault: DeploymentUnitFault;
}
export interface AutonOpResult extends OpResult {
  /** Install | Update | Uninstall (or a vendor string) */
  readonly operationPerformed: string;
}

export interface DUStateChangeComplete {
  readonly type: 'DUStateChangeComplete';
  readonly results: readonly OpResult[];
  readonly commandKey?: string;
}
export interface DUStateChangeCompleteResponse {
  readonly type: 'DUStateChangeCompleteResponse';
}

export interface AutonomousDUStateChangeComplete {
  readonly type: 'AutonomousDUStateChangeComplete';
  readonly results: readonly AutonOpResult[];
}
export interface AutonomousDUStateChangeCompleteResponse {
  readonly type: 'AutonomousDUStateChangeCompleteResponse';
}

export type AcsMethodRequest =
  | Inform
  | TransferComplete
  | AutonomousTransferComplete
  | RequestDownload
  | Kicked
  | DUStateChangeComplete
  | AutonomousDUStateChangeComplete;

export type AcsMethodResponse =
  | InformResponse
  | TransferCompleteResponse
  | AutonomousTransferCompleteResponse
  | RequestDownloadResponse
  | KickedResponse
  | DUStateChangeCompleteResponse
  | AutonomousDUStateChangeCompleteResponse;
