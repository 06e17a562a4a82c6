import type * as M from '../model/acs-methods.types';
import { bool, dateTime, str, uint, type Codec } from './codec';
import type { Args } from './cpe-methods.codec';
import { parameterValueList } from './cpe-methods.codec';
import { array, many, one, optional, struct } from './struct.codec';

// Codecs for the methods the CPE calls on the ACS (TR-069 A.3.3, A.4.2), in cwmp-1-2.xsd sequence order.

const empty = struct<Record<never, never>>({});

const deviceId = struct<M.DeviceId>({
  manufacturer: one('Manufacturer', str),
  oui: one('OUI', str),
  productClass: one('ProductClass', str),
  serialNumber: one('SerialNumber', str),
});

const eventStruct = struct<M.EventStruct>({
  eventCode: one('EventCode', str),
  commandKey: one('CommandKey', str),
});

const transferFault = struct<M.TransferFault>({
  faultCode: one('FaultCode', uint),
  faultString: one('FaultString', str),
});

const opResultFields = {
  uuid: one('UUID', str),
  deploymentUnitRef: one('DeploymentUnitRef', str),
  version: one('Version', str),
  currentState: one('CurrentState', str),
  resolved: one('Resolved', bool),
  executionUnitRefList: one('ExecutionUnitRefList', str),
  startTime: one('StartTime', dateTime),
  completeTime: one('CompleteTime', dateTime),
  fault: one(
    'Fault',
    struct<M.DeploymentUnitFault>({
      faultCode: one('FaultCode', uint),
      faultString: optional('FaultString', str),
    }),
  ),
} as const;

export const acsMethodCodecs: {
  readonly [K in (M.AcsMethodRequest | M.AcsMethodResponse)['type']]: Codec<
    Args<Extract<M.AcsMethodRequest | M.AcsMethodResponse, { type: K }>>
  >;
} = {
  Inform: struct<Args<M.Inform>>({
    deviceId: one('DeviceId', deviceId),
    event: one('Event', array('EventStruct', 'cwmp:EventStruct', eventStruct)),
    maxEnvelopes: one('MaxEnvelopes', uint),
    currentTime: one('CurrentTime', dateTime),
    retryCount: one('RetryCount', uint),
    parameterList: one('ParameterList', parameterValueList),
  }),
  InformResponse: struct<Args<M.InformResponse>>({ maxEnvelopes: one('MaxEnvelopes', uint) }),
  TransferComplete: struct<Args<M.TransferComplete>>({
    commandKey: one('CommandKey', str),
    faultStruct: one('FaultStruct', transferFault),
    startTime: one('StartTime', dateTime),
    completeTime: one('CompleteTime', dateTime),
  }),
  TransferCompleteResponse: empty,
  AutonomousTransferComplete: struct<Args<M.AutonomousTransferComplete>>({
    announceUrl: one('AnnounceURL', str),
    transferUrl: one('TransferURL', str),
    isDownload: one('IsDownload', bool),
    fileType: one('FileType', str),
    fileSize: one('FileSize', uint),
    targetFileName: one('TargetFileName', str),
    faultStruct: one('FaultStruct', transferFault),
    startTime: one('StartTime', dateTime),
    completeTime: one('CompleteTime', dateTime),
  }),
  AutonomousTransferCompleteResponse: empty,
  RequestDownload: struct<Args<M.RequestDownload>>({
    fileType: one('FileType', str),
    fileTypeArg: one(
      'FileTypeArg',
      array(
        'ArgStruct',
        'cwmp:ArgStruct',
        struct<M.ArgStruct>({ name: one('Name', str), value: one('Value', str) }),
      ),
    ),
  }),
  RequestDownloadResponse: empty,
  Kicked: struct<Args<M.Kicked>>({
    command: one('Command', str),
    referer: one('Referer', str),
    arg: one('Arg', str),
    next: one('Next', str),
  }),
  KickedResponse: struct<Args<M.KickedResponse>>({ nextUrl: one('NextURL', str) }),
  DUStateChangeComplete: struct<Args<M.DUStateChangeComplete>>({
    results: many('Results', struct<M.OpResult>(opResultFields)),
    commandKey: optional('CommandKey', str),
  }),
  DUStateChangeCompleteResponse: empty,
  AutonomousDUStateChangeComplete: struct<Args<M.AutonomousDUStateChangeComplete>>({
    results: many(
      'Results',
      struct<M.AutonOpResult>({
        ...opResultFields,
        operationPerformed: one('OperationPerformed', str),
      }),
    ),
  }),
  AutonomousDUStateChangeCompleteResponse: empty,
};
