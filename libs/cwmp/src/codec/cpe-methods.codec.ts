import type * as M from '../model/cpe-methods.types';
import { CwmpError, CwmpErrorCode } from '../cwmp.error';
import { escapeText } from '../xml/xml-escape';
import type { XmlElement } from '../xml/xml-tokenizer';
import {
  attrByLocal,
  base64,
  bool,
  dateTime,
  int,
  intEnum,
  invalid,
  localOf,
  str,
  uint,
  type Codec,
} from './codec';
import { array, many, one, optional, struct } from './struct.codec';
import { parameterValue } from './value.codec';

// Codecs for the methods the ACS calls on the CPE, in the XSD sequence order of cwmp-1-2.xsd.

/** A message body without its discriminant: what the element's children carry. */
export type Args<T> = Omit<T, 'type'>;

const empty = struct<Record<never, never>>({});
const status = intEnum<M.ApplyStatus>([0, 1]);
const notification = intEnum<M.NotificationValue>([0, 1, 2, 3, 4, 5, 6]);
const stringArray = array('string', 'xsd:string', str);
export const parameterValueList = array(
  'ParameterValueStruct',
  'cwmp:ParameterValueStruct',
  parameterValue,
);

const setParameterAttributesStruct = struct<M.SetParameterAttributesStruct>({
  name: one('Name', str),
  notificationChange: one('NotificationChange', bool),
  notification: one('Notification', notification),
  accessListChange: one('AccessListChange', bool),
  accessList: one('AccessList', stringArray),
});

const parameterAttribute = struct<M.ParameterAttribute>({
  name: one('Name', str),
  notification: one('Notification', notification),
  accessList: one('AccessList', stringArray),
});

const transferState = intEnum<M.TransferState>([1, 2, 3]);
const queuedTransfer = struct<M.QueuedTransfer>({
  commandKey: one('CommandKey', str),
  state: one('State', transferState),
});
const allQueuedTransfer = struct<M.AllQueuedTransfer>({
  commandKey: one('CommandKey', str),
  state: one('State', transferState),
  isDownload: one('IsDownload', bool),
  fileType: one('FileType', str),
  fileSize: one('FileSize', uint),
  targetFileName: one('TargetFileName', str),
});

const optionStruct = struct<M.OptionStruct>({
  optionName: one('OptionName', str),
  voucherSN: one('VoucherSN', uint),
  state: one('State', uint),
  mode: one('Mode', int),
  startDate: one('StartDate', dateTime),
  expirationDate: optional('ExpirationDate', dateTime),
  isTransferable: one('IsTransferable', int),
});

const timeWindow = struct<M.TimeWindow>({
  windowStart: one('WindowStart', uint),
  windowEnd: one('WindowEnd', uint),
  windowMode: one('WindowMode', str),
  userMessage: one('UserMessage', str),
  maxRetries: one('MaxRetries', int),
});

type Install = Extract<M.DuOperation, { op: 'Install' }>;
type Update = Extract<M.DuOperation, { op: 'Update' }>;
type Uninstall = Extract<M.DuOperation, { op: 'Uninstall' }>;
const installOp = struct<Omit<Install, 'op'>>({
  url: one('URL', str),
  uuid: optional('UUID', str),
  username: optional('Username', str),
  password: optional('Password', str),
  executionEnvRef: optional('ExecutionEnvRef', str),
});
const updateOp = struct<Omit<Update, 'op'>>({
  uuid: optional('UUID', str),
  version: optional('Version', str),
  url: optional('URL', str),
  username: optional('Username', str),
  password: optional('Password', str),
});
const uninstallOp = struct<Omit<Uninstall, 'op'>>({
  uuid: one('UUID', str),
  version: optional('Version', str),
  executionEnvRef: optional('ExecutionEnvRef', str),
});

/**
 * ChangeDUState Operations (TR-069 A.4.1.10). The XSD types the element as the abstract
 * OperationStruct, so the concrete struct comes from `xsi:type="cwmp:InstallOpStruct"`; some
 * CPE/ACS stacks instead nest `<Operations><InstallOpStruct>…</InstallOpStruct></Operations>`.
 * Both are read; the XSD form is written.
 */
const duOperation: Codec<M.DuOperation> = {
  decode(el, ctx) {
    let target: XmlElement = el;
    let kind: string | undefined;
    const xsiType = attrByLocal(el, 'type');
    if (xsiType !== undefined) kind = localOf(xsiType);
    else {
      const nested = el.children.find((c) => c.local.endsWith('OpStruct'));
      if (nested !== undefined) {
        target = nested;
        kind = nested.local;
      }
    }
    switch (kind) {
      case 'InstallOpStruct':
        return { op: 'Install', ...installOp.decode(target, ctx) };
      case 'UpdateOpStruct':
        return { op: 'Update', ...updateOp.decode(target, ctx) };
      case 'UninstallOpStruct':
        return { op: 'Uninstall', ...uninstallOp.decode(target, ctx) };
      default:
        throw invalid(
          el,
          ctx,
          `unknown ChangeDUState operation ${JSON.stringify(kind ?? '(none)')}`,
        );
    }
  },
  encode(tag, v, ctx) {
    let body: string;
    switch (v.op) {
      case 'Install':
        body = installOp.children(v, ctx);
        break;
      case 'Update':
        body = updateOp.children(v, ctx);
        break;
      case 'Uninstall':
        body = uninstallOp.children(v, ctx);
        break;
      default:
        throw new CwmpError(
          CwmpErrorCode.InvalidValue,
          `unknown ChangeDUState operation ${escapeText(String((v as { op: unknown }).op))}`,
        );
    }
    return `<${tag} xsi:type="cwmp:${v.op}OpStruct">${body}</${tag}>`;
  },
};

const download = {
  commandKey: one('CommandKey', str),
  fileType: one('FileType', str),
  url: one('URL', str),
  username: one('Username', str),
  password: one('Password', str),
  fileSize: one('FileSize', uint),
  targetFileName: one('TargetFileName', str),
} as const;

const transferResponse = {
  status: one('Status', status),
  startTime: one('StartTime', dateTime),
  completeTime: one('CompleteTime', dateTime),
} as const;

export const cpeMethodCodecs: {
  readonly [K in (M.CpeMethodRequest | M.CpeMethodResponse)['type']]: Codec<
    Args<Extract<M.CpeMethodRequest | M.CpeMethodResponse, { type: K }>>
  >;
} = {
  GetRPCMethods: empty,
  GetRPCMethodsResponse: struct<Args<M.GetRPCMethodsResponse>>({
    methodList: one('MethodList', stringArray),
  }),
  SetParameterValues: struct<Args<M.SetParameterValues>>({
    parameterList: one('ParameterList', parameterValueList),
    parameterKey: one('ParameterKey', str),
  }),
  SetParameterValuesResponse: struct<Args<M.SetParameterValuesResponse>>({
    status: one('Status', status),
  }),
  GetParameterValues: struct<Args<M.GetParameterValues>>({
    parameterNames: one('ParameterNames', stringArray),
  }),
  GetParameterValuesResponse: struct<Args<M.GetParameterValuesResponse>>({
    parameterList: one('ParameterList', parameterValueList),
  }),
  GetParameterNames: struct<Args<M.GetParameterNames>>({
    parameterPath: one('ParameterPath', str),
    nextLevel: one('NextLevel', bool),
  }),
  GetParameterNamesResponse: struct<Args<M.GetParameterNamesResponse>>({
    parameterList: one(
      'ParameterList',
      array(
        'ParameterInfoStruct',
        'cwmp:ParameterInfoStruct',
        struct<M.ParameterInfo>({ name: one('Name', str), writable: one('Writable', bool) }),
      ),
    ),
  }),
  SetParameterAttributes: struct<Args<M.SetParameterAttributes>>({
    parameterList: one(
      'ParameterList',
      array(
        'SetParameterAttributesStruct',
        'cwmp:SetParameterAttributesStruct',
        setParameterAttributesStruct,
      ),
    ),
  }),
  SetParameterAttributesResponse: empty,
  GetParameterAttributes: struct<Args<M.GetParameterAttributes>>({
    parameterNames: one('ParameterNames', stringArray),
  }),
  GetParameterAttributesResponse: struct<Args<M.GetParameterAttributesResponse>>({
    parameterList: one(
      'ParameterList',
      array('ParameterAttributeStruct', 'cwmp:ParameterAttributeStruct', parameterAttribute),
    ),
  }),
  AddObject: struct<Args<M.AddObject>>({
    objectName: one('ObjectName', str),
    parameterKey: one('ParameterKey', str),
  }),
  AddObjectResponse: struct<Args<M.AddObjectResponse>>({
    instanceNumber: one('InstanceNumber', uint),
    status: one('Status', status),
  }),
  DeleteObject: struct<Args<M.DeleteObject>>({
    objectName: one('ObjectName', str),
    parameterKey: one('ParameterKey', str),
  }),
  DeleteObjectResponse: struct<Args<M.DeleteObjectResponse>>({ status: one('Status', status) }),
  Reboot: struct<Args<M.Reboot>>({ commandKey: one('CommandKey', str) }),
  RebootResponse: empty,
  Download: struct<Args<M.Download>>({
    ...download,
    delaySeconds: one('DelaySeconds', uint),
    successUrl: one('SuccessURL', str),
    failureUrl: one('FailureURL', str),
  }),
  DownloadResponse: struct<Args<M.DownloadResponse>>(transferResponse),
  Upload: struct<Args<M.Upload>>({
    commandKey: one('CommandKey', str),
    fileType: one('FileType', str),
    url: one('URL', str),
    username: one('Username', str),
    password: one('Password', str),
    delaySeconds: one('DelaySeconds', uint),
  }),
  UploadResponse: struct<Args<M.UploadResponse>>(transferResponse),
  FactoryReset: empty,
  FactoryResetResponse: empty,
  GetQueuedTransfers: empty,
  GetQueuedTransfersResponse: struct<Args<M.GetQueuedTransfersResponse>>({
    transferList: one(
      'TransferList',
      array('QueuedTransferStruct', 'cwmp:QueuedTransferStruct', queuedTransfer),
    ),
  }),
  GetAllQueuedTransfers: empty,
  GetAllQueuedTransfersResponse: struct<Args<M.GetAllQueuedTransfersResponse>>({
    transferList: one(
      'TransferList',
      array('AllQueuedTransferStruct', 'cwmp:AllQueuedTransferStruct', allQueuedTransfer),
    ),
  }),
  ScheduleInform: struct<Args<M.ScheduleInform>>({
    delaySeconds: one('DelaySeconds', uint),
    commandKey: one('CommandKey', str),
  }),
  ScheduleInformResponse: empty,
  SetVouchers: struct<Args<M.SetVouchers>>({
    voucherList: one('VoucherList', array('base64', 'soap-enc:base64', base64)),
  }),
  SetVouchersResponse: empty,
  GetOptions: struct<Args<M.GetOptions>>({ optionName: one('OptionName', str) }),
  GetOptionsResponse: struct<Args<M.GetOptionsResponse>>({
    optionList: one('OptionList', array('OptionStruct', 'cwmp:OptionStruct', optionStruct)),
  }),
  ScheduleDownload: struct<Args<M.ScheduleDownload>>({
    ...download,
    timeWindowList: one(
      'TimeWindowList',
      array('TimeWindowStruct', 'cwmp:TimeWindowStruct', timeWindow),
    ),
  }),
  ScheduleDownloadResponse: empty,
  CancelTransfer: struct<Args<M.CancelTransfer>>({ commandKey: one('CommandKey', str) }),
  CancelTransferResponse: empty,
  ChangeDUState: struct<Args<M.ChangeDUState>>({
    operations: many('Operations', duOperation),
    commandKey: optional('CommandKey', str),
  }),
  ChangeDUStateResponse: empty,
};
