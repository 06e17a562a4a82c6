import type { ParameterValue } from './value.types';

// Methods the ACS calls on the CPE (TR-069 Annex A.3.2 / A.4.1) and the CPE's responses.
// Field names follow the cwmp XSD element names in camelCase; `type` is the element name.

export interface GetRPCMethods {
  readonly type: 'GetRPCMethods';
}
export interface GetRPCMethodsResponse {
  readonly type: 'GetRPCMethodsResponse';
  readonly methodList: readonly string[];
}

export interface SetParameterValues {
  readonly type: 'SetParameterValues';
  readonly parameterList: readonly ParameterValue[];
  readonly parameterKey: string;
}
/** TR-069 A.3.2.1: Status 1 = committed but applied later (e.g. after reboot). */
export type ApplyStatus = 0 | 1;
export interface SetParameterValuesResponse {
  readonly type: 'SetParameterValuesResponse';
  readonly status: ApplyStatus;
}

export interface GetParameterValues {
  readonly type: 'GetParameterValues';
  readonly parameterNames: readonly string[];
}
export interface GetParameterValuesResponse {
  readonly type: 'GetParameterValuesResponse';
  readonly parameterList: readonly ParameterValue[];
}

export interface GetParameterNames {
  readonly type: 'GetParameterNames';
  readonly parameterPath: string;
  readonly nextLevel: boolean;
}
export interface ParameterInfo {
  readonly name: string;
  readonly writable: boolean;
}
export interface GetParameterNamesResponse {
  readonly type: 'GetParameterNamesResponse';
  readonly parameterList: readonly ParameterInfo[];
}

/** TR-069 A.3.2.4: 0 off, 1 passive, 2 active; 3–6 lightweight/passive combinations (CWMP 1.4). */
export type NotificationValue = 0 | 1 | 2 | 3 | 4 | 5 | 6;
export interface SetParameterAttributesStruct {
  readonly name: string;
  readonly notificationChange: boolean;
  readonly notification: NotificationValue;
  readonly accessListChange: boolean;
  readonly accessList: readonly string[];
}
export interface SetParameterAttributes {
  readonly type: 'SetParameterAttributes';
  readonly parameterList: readonly SetParameterAttributesStruct[];
}
export interface SetParameterAttributesResponse {
  readonly type: 'SetParameterAttributesResponse';
}

export interface GetParameterAttributes {
  readonly type: 'GetParameterAttributes';
  readonly parameterNames: readonly string[];
}
export interface ParameterAttribute {
  readonly name: string;
  readonly notification: NotificationValue;
  readonly accessList: readonly string[];
}
export interface GetParameterAttributesResponse {
  readonly type: 'GetParameterAttributesResponse';
  readonly parameterList: readonly ParameterAttribute[];
}

export interface AddObject {
  readonly type: 'AddObject';
  readonly objectName: string;
  readonly parameterKey: string;
}
export interface AddObjectResponse {
  readonly type: 'AddObjectResponse';
  readonly instanceNumber: number;
  readonly status: ApplyStatus;
}

export interface DeleteObject {
  readonly type: 'DeleteObject';
  readonly objectName: string;
  readonly parameterKey: string;
}
export interface DeleteObjectResponse {
  readonly type: 'DeleteObjectResponse';
  readonly status: ApplyStatus;
}

export interface Reboot {
  readonly type: 'Reboot';
  readonly commandKey: string;
}
export interface RebootResponse {
  readonly type: 'RebootResponse';
}

export interface Download {
  readonly type: 'Download';
  readonly commandKey: string;
  readonly fileType: string;
  readonly url: string;
  readonly username: string;
  readonly password: string;
  readonly fileSize: number;
  readonly targetFileName: string;
  readonly delaySeconds: number;
  readonly successUrl: string;
  readonly failureUrl: string;
}
/** Download/Upload responses: StartTime/CompleteTime are dateTime lexical forms (Unknown Time when Status=1). */
export interface TransferResponseFields {
  readonly status: ApplyStatus;
  readonly startTime: string;
  readonly completeTime: string;
}
export interface DownloadResponse extends TransferResponseFields {
  readonly type: 'DownloadResponse';
}

export interface Upload {
  readonly type: 'Upload';
  readonly commandKey: string;
  readonly fileType: string;
  readonly url: string;
  readonly username: string;
  readonly password: string;
  readonly delaySeconds: number;
}
export interface UploadResponse extends TransferResponseFields {
  readonly type: 'UploadResponse';
}

export interface FactoryReset {
  readonly type: 'FactoryReset';
}
export interface FactoryResetResponse {
  readonly type: 'FactoryResetResponse';
}

/** TR-069 A.4.1.1: 1 not yet started, 2 in progress, 3 completed. */
export type TransferState = 1 | 2 | 3;
export interface QueuedTransfer {
  readonly commandKey: string;
  readonly state: TransferState;
}
export interface GetQueuedTransfers {
  readonly type: 'GetQueuedTransfers';
}
export interface GetQueuedTransfersResponse {
  readonly type: 'GetQueuedTransfersResponse';
  readonly transferList: readonly QueuedTransfer[];
}

export interface AllQueuedTransfer extends QueuedTransfer {
  readonly isDownload: boolean;
  readonly fileType: string;
  readonly fileSize: number;
  readonly targetFileName: string;
}
export interface GetAllQueuedTransfers {
  readonly type: 'GetAllQueuedTransfers';
}
export interface GetAllQueuedTransfersResponse {
  readonly type: 'GetAllQueuedTransfersResponse';
  readonly transferList: readonly AllQueuedTransfer[];
}

export interface ScheduleInform {
  readonly type: 'ScheduleInform';
  readonly delaySeconds: number;
  readonly commandKey: string;
}
export interface ScheduleInformResponse {
  readonly type: 'ScheduleInformResponse';
}

export interface SetVouchers {
  readonly type: 'SetVouchers';
  /** Signed vouchers (TR-069 Annex E), raw bytes of each base64 element. */
  readonly voucherList: readonly Uint8Array[];
}
export interface SetVouchersResponse {
  readonly type: 'SetVouchersResponse';
}

export interface GetOptions {
  readonly type: 'GetOptions';
  readonly optionName: string;
}
export interface OptionStruct {
  readonly optionName: string;
  readonly voucherSN: number;
  readonly state: number;
  readonly mode: number;
  readonly startDate: string;
  readonly expirationDate?: string;
  readonly isTransferable: number;
}
export interface GetOptionsResponse {
  readonly type: 'GetOptionsResponse';
  readonly optionList: readonly OptionStruct[];
}

export interface TimeWindow {
  readonly windowStart: number;
  readonly windowEnd: number;
  readonly windowMode: string;
  readonly userMessage: string;
  readonly maxRetries: number;
}
export interface ScheduleDownload {
  readonly type: 'ScheduleDownload';
  readonly commandKey: string;
  readonly fileType: string;
  readonly url: string;
  readonly username: string;
  readonly password: string;
  readonly fileSize: number;
  readonly targetFileName: string;
  readonly timeWindowList: readonly TimeWindow[];
}
export interface ScheduleDownloadResponse {
  readonly type: 'ScheduleDownloadResponse';
}

export interface CancelTransfer {
  readonly type: 'CancelTransfer';
  readonly commandKey: string;
}
export interface CancelTransferResponse {
  readonly type: 'CancelTransferResponse';
}

/** TR-069 A.4.1.10 operation structs; `op` selects InstallOpStruct / UpdateOpStruct / UninstallOpStruct. */
export type DuOperation =
  | {
      readonly op: 'Install';
      readonly url: string;
      readonly uuid?: string;
      readonly username?: string;
      readonly password?: string;
      readonly executionEnvRef?: string;
    }
  | {
      readonly op: 'Update';
      readonly uuid?: string;
      readonly version?: string;
      readonly url?: string;
      readonly username?: string;
      readonly password?: string;
    }
  | {
      readonly op: 'Uninstall';
      readonly uuid: string;
      readonly version?: string;
      readonly executionEnvRef?: string;
    };
export interface ChangeDUState {
  readonly type: 'ChangeDUState';
  readonly operations: readonly DuOperation[];
  readonly commandKey?: string;
}
export interface ChangeDUStateResponse {
  readonly type: 'ChangeDUStateResponse';
}

export type CpeMethodRequest =
  | GetRPCMethods
  | SetParameterValues
  | GetParameterValues
  | GetParameterNames
  | SetParameterAttributes
  | GetParameterAttributes
  | AddObject
  | DeleteObject
  | Reboot
  | Download
  | Upload
  | FactoryReset
  | GetQueuedTransfers
  | GetAllQueuedTransfers
  | ScheduleInform
  | SetVouchers
  | GetOptions
  | ScheduleDownload
  | CancelTransfer
  | ChangeDUState;

export type CpeMethodResponse =
  | GetRPCMethodsResponse
  | SetParameterValuesResponse
  | GetParameterValuesResponse
  | GetParameterNamesResponse
  | SetParameterAttributesResponse
  | GetParameterAttributesResponse
  | AddObjectResponse
  | DeleteObjectResponse
  | RebootResponse
  | DownloadResponse
  | UploadResponse
  | FactoryResetResponse
  | GetQueuedTransfersResponse
  | GetAllQueuedTransfersResponse
  | ScheduleInformResponse
  | SetVouchersResponse
  | GetOptionsResponse
  | ScheduleDownloadResponse
  | CancelTransferResponse
  | ChangeDUStateResponse;
