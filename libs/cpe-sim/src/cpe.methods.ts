import {
  UNKNOWN_TIME,
  buildFault,
  faultInfo,
  type CpeMethodRequest,
  type CwmpMessage,
  type GetRPCMethodsResponse,
} from '@acs/cwmp';
import type { SimulatedCpe } from './simulated-cpe';

/** Every CPE method the simulator implements (TR-069 A.3.2, A.4.1). */
export const SIMULATED_METHODS = [
  'GetRPCMethods',
  'SetParameterValues',
  'GetParameterValues',
  'GetParameterNames',
  'SetParameterAttributes',
  'GetParameterAttributes',
  'AddObject',
  'DeleteObject',
  'Reboot',
  'Download',
  'Upload',
  'FactoryReset',
  'GetQueuedTransfers',
  'GetAllQueuedTransfers',
  'ScheduleInform',
  'ChangeDUState',
] as const;

const supported = (cpe: SimulatedCpe): string[] =>
  SIMULATED_METHODS.filter((m) => !cpe.group.unsupportedMethods.includes(m));

const PERIODIC = /ManagementServer\.PeriodicInform(Enable|Interval|Time)$/;

/**
 * Answers one ACS request. Pure with respect to I/O: effects that happen after the session
 * (reboot, transfers, scheduled informs) are queued on the CPE as deferred actions.
 */
export function handleCpeMethod(cpe: SimulatedCpe, msg: CwmpMessage): CwmpMessage {
  if (!isCpeMethod(msg)) return buildFault(9000, { faultString: `not a CPE method: ${msg.type}` });
  if (!supported(cpe).includes(msg.type)) return buildFault(9000);
  const model = cpe.model;
  const root = model.root;
  switch (msg.type) {
    case 'GetRPCMethods': {
      const r: GetRPCMethodsResponse = {
        type: 'GetRPCMethodsResponse',
        methodList: supported(cpe),
      };
      return r;
    }
    case 'GetParameterValues': {
      const r = model.getValues(msg.parameterNames);
      return r.ok
        ? { type: 'GetParameterValuesResponse', parameterList: r.value }
        : buildFault(r.fault);
    }
    case 'GetParameterNames': {
      const r = model.getNames(msg.parameterPath, msg.nextLevel);
      if (!r.ok) return buildFault(r.fault);
      const list =
        cpe.group.quirks.wrongWritability === true
          ? r.value.map((p) => ({ ...p, writable: !p.writable }))
          : r.value;
      return { type: 'GetParameterNamesResponse', parameterList: list };
    }
    case 'SetParameterValues': {
      if (msg.parameterKey.length > 32)
        return buildFault(9003, { faultString: 'ParameterKey longer than 32' });
      const r = model.setValues(msg.parameterList);
      if (!r.ok) {
        if (!('faults' in r)) return buildFault(r.fault);
        // TR-069 A.5.2: each SetParameterValuesFault carries its own code and string.
        const list = r.faults.map((f) => ({
          ...f,
          faultString: faultInfo(f.faultCode).faultString,
        }));
        return buildFault(9003, { setParameterValuesFault: list });
      }
      // TR-069 A.3.2.1: ParameterKey is set only when the whole request succeeded.
      model.write(`${root}ManagementServer.ParameterKey`, msg.parameterKey);
      if (r.value.some((p) => PERIODIC.test(p))) cpe.defer({ kind: 'periodicChanged' });
      return { type: 'SetParameterValuesResponse', status: 0 };
    }
    case 'GetParameterAttributes': {
      const r = model.getAttributes(msg.parameterNames);
      return r.ok
        ? { type: 'GetParameterAttributesResponse', parameterList: r.value }
        : buildFault(r.fault);
    }
    case 'SetParameterAttributes': {
      // All-or-nothing like SPV: validate every name first (TR-069 A.3.2.4).
      for (const s of msg.parameterList) if (!model.exists(s.name)) return buildFault(9005);
      for (const s of msg.parameterList)
        if (s.notificationChange)
          model.setNotification(s.name === '' ? root : s.name, s.notification);
      return { type: 'SetParameterAttributesResponse' };
    }
    case 'AddObject': {
      if (msg.parameterKey.length > 32) return buildFault(9003);
      const r = model.addObject(msg.objectName);
      if (!r.ok) return buildFault(r.fault);
      model.write(`${root}ManagementServer.ParameterKey`, msg.parameterKey);
      return { type: 'AddObjectResponse', instanceNumber: r.value, status: 0 };
    }
    case 'DeleteObject': {
      if (msg.parameterKey.length > 32) return buildFault(9003);
      const r = model.deleteObject(msg.objectName);
      if (!r.ok) return buildFault(r.fault);
      model.write(`${root}ManagementServer.ParameterKey`, msg.parameterKey);
      return { type: 'DeleteObjectResponse', status: 0 };
    }
    case 'Reboot':
      cpe.defer({ kind: 'reboot', commandKey: msg.commandKey });
      return { type: 'RebootResponse' };
    case 'FactoryReset':
      cpe.defer({ kind: 'factoryReset' });
      return { type: 'FactoryResetResponse' };
    case 'Download': {
      // TR-069 A.3.2.8: only HTTP(S) is implemented; the file types a gateway takes.
      if (!/^https?:\/\//i.test(msg.url)) return buildFault(9013);
      if (
        !/^(1 Firmware Upgrade Image|2 Web Content|3 Vendor Configuration File)$/.test(msg.fileType)
      )
        return buildFault(9003, { faultString: `unsupported FileType ${msg.fileType}` });
      if ((cpe.transfers?.length ?? 0) >= 4) return buildFault(9004);
      (cpe.transfers ??= []).push({
        commandKey: msg.commandKey,
        isDownload: true,
        fileType: msg.fileType,
        fileSize: msg.fileSize,
        state: 1,
      });
      cpe.defer({
        kind: 'download',
        commandKey: msg.commandKey,
        url: msg.url,
        username: msg.username,
        password: msg.password,
        fileType: msg.fileType,
        fileSize: msg.fileSize,
        delaySeconds: msg.delaySeconds,
      });
      return {
        type: 'DownloadResponse',
        status: 1,
        startTime: UNKNOWN_TIME,
        completeTime: UNKNOWN_TIME,
      };
    }
    case 'Upload': {
      if (!/^https?:\/\//i.test(msg.url)) return buildFault(9013);
      if (!/^(1 Vendor Configuration File|2 Vendor Log File)$/.test(msg.fileType))
        return buildFault(9003, { faultString: `unsupported FileType ${msg.fileType}` });
      if ((cpe.transfers?.length ?? 0) >= 4) return buildFault(9004);
      (cpe.transfers ??= []).push({
        commandKey: msg.commandKey,
        isDownload: false,
        fileType: msg.fileType,
        fileSize: 0,
        state: 1,
      });
      cpe.defer({
        kind: 'upload',
        commandKey: msg.commandKey,
        url: msg.url,
        username: msg.username,
        password: msg.password,
        fileType: msg.fileType,
        delaySeconds: msg.delaySeconds,
      });
      return {
        type: 'UploadResponse',
        status: 1,
        startTime: UNKNOWN_TIME,
        completeTime: UNKNOWN_TIME,
      };
    }
    case 'GetQueuedTransfers':
      return {
        type: 'GetQueuedTransfersResponse',
        transferList: reportedTransfers(cpe).map((t) => ({
          commandKey: t.commandKey,
          state: t.state,
        })),
      };
    case 'GetAllQueuedTransfers':
      return {
        type: 'GetAllQueuedTransfersResponse',
        transferList: reportedTransfers(cpe).map((t) => ({
          commandKey: t.commandKey,
          state: t.state,
          isDownload: t.isDownload,
          fileType: t.fileType,
          fileSize: t.fileSize,
          targetFileName: '',
        })),
      };
    case 'ScheduleInform':
      // TR-069 A.4.1.5: DelaySeconds must be > 0.
      if (msg.delaySeconds <= 0) return buildFault(9003);
      cpe.defer({
        kind: 'scheduleInform',
        commandKey: msg.commandKey,
        delaySeconds: msg.delaySeconds,
      });
      return { type: 'ScheduleInformResponse' };
    case 'ChangeDUState':
      if (msg.operations.length === 0) return buildFault(9003);
      cpe.defer({ kind: 'duChange', request: msg });
      return { type: 'ChangeDUStateResponse' };
    case 'SetVouchers':
    case 'GetOptions':
    case 'ScheduleDownload':
    case 'CancelTransfer':
      return buildFault(9000);
  }
}

const CPE_METHODS = new Set<string>([
  ...SIMULATED_METHODS,
  'SetVouchers',
  'GetOptions',
  'ScheduleDownload',
  'CancelTransfer',
]);

function isCpeMethod(msg: CwmpMessage): msg is CpeMethodRequest {
  return CPE_METHODS.has(msg.type);
}

/** The queued transfers a (Get|GetAll)QueuedTransfers response may list. */
function reportedTransfers(cpe: SimulatedCpe): NonNullable<SimulatedCpe['transfers']> {
  // cwmp-1-1.xsd types AllQueuedTransferStruct/FileType as a download file type only.
  return (cpe.transfers ?? []).filter((t) => t.isDownload || cpe.group.cwmpVersion >= '1.2');
}
