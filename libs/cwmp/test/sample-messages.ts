import type { CwmpMessage, CwmpMessageType, CwmpVersion } from '../src';

// One hand-built instance of every CWMP message type, with every optional field present and values
// chosen to be valid under the strictest schema that declares the message (cwmp-1-0.xsd enumerations
// for event codes, file types and fault codes). Shared by the round-trip, XSD and fuzz suites.

const T1 = '2024-05-01T12:34:56Z';
const T2 = '2024-05-01T12:35:10.123456+02:00';
const UUID = '3f2504e0-4f89-11d3-9a0c-0305e82c3301';

export const SAMPLE_MESSAGES: readonly CwmpMessage[] = [
  { type: 'GetRPCMethods' },
  {
    type: 'GetRPCMethodsResponse',
    methodList: ['GetRPCMethods', 'SetParameterValues', 'GetParameterValues', 'Reboot'],
  },
  {
    type: 'SetParameterValues',
    parameterList: [
      {
        name: 'Device.ManagementServer.PeriodicInformInterval',
        value: { type: 'unsignedInt', value: 3600 },
      },
      { name: 'Device.WiFi.SSID.1.SSID', value: { type: 'string', value: 'Café <5G> & "more"' } },
      { name: 'Device.WiFi.Radio.1.Enable', value: { type: 'boolean', value: false } },
      { name: 'Device.X_ACME_Counter', value: { type: 'long', value: -9223372036854775808n } },
      { name: 'Device.X_ACME_Big', value: { type: 'unsignedLong', value: 18446744073709551615n } },
      { name: 'Device.X_ACME_Offset', value: { type: 'int', value: -2147483648 } },
      { name: 'Device.Time.LocalTime', value: { type: 'dateTime', value: T2 } },
      {
        name: 'Device.X_ACME_Blob',
        value: { type: 'base64', value: Buffer.from([0, 1, 2, 250, 255]) },
      },
      {
        name: 'Device.X_ACME_Hex',
        value: { type: 'hexBinary', value: Buffer.from([0xde, 0xad, 0xbe, 0xef]) },
      },
      { name: 'Device.X_ACME_Ratio', value: { type: 'decimal', value: '-12.50' } },
    ],
    parameterKey: 'pk-2024-05',
  },
  { type: 'SetParameterValuesResponse', status: 1 },
  {
    type: 'GetParameterValues',
    parameterNames: ['Device.DeviceInfo.', 'Device.ManagementServer.URL'],
  },
  {
    type: 'GetParameterValuesResponse',
    parameterList: [
      { name: 'Device.DeviceInfo.UpTime', value: { type: 'unsignedInt', value: 4294967295 } },
      {
        name: 'Device.ManagementServer.URL',
        value: { type: 'string', value: 'https://acs.example.net:7547/cwmp?a=1&b=2' },
      },
    ],
  },
  { type: 'GetParameterNames', parameterPath: 'Device.WiFi.', nextLevel: true },
  {
    type: 'GetParameterNamesResponse',
    parameterList: [
      { name: 'Device.WiFi.Radio.', writable: false },
      { name: 'Device.WiFi.SSIDNumberOfEntries', writable: false },
      { name: 'Device.WiFi.X_ACME_Mode', writable: true },
    ],
  },
  {
    type: 'SetParameterAttributes',
    parameterList: [
      {
        name: 'Device.DeviceInfo.SoftwareVersion',
        notificationChange: true,
        notification: 2,
        accessListChange: true,
        accessList: ['Subscriber'],
      },
      {
        name: 'Device.WiFi.',
        notificationChange: false,
        notification: 0,
        accessListChange: false,
        accessList: [],
      },
    ],
  },
  { type: 'SetParameterAttributesResponse' },
  { type: 'GetParameterAttributes', parameterNames: ['Device.DeviceInfo.SoftwareVersion'] },
  {
    type: 'GetParameterAttributesResponse',
    parameterList: [
      { name: 'Device.DeviceInfo.SoftwareVersion', notification: 2, accessList: ['Subscriber'] },
    ],
  },
  { type: 'AddObject', objectName: 'Device.NAT.PortMapping.', parameterKey: 'pk-add' },
  { type: 'AddObjectResponse', instanceNumber: 7, status: 0 },
  { type: 'DeleteObject', objectName: 'Device.NAT.PortMapping.7.', parameterKey: 'pk-del' },
  { type: 'DeleteObjectResponse', status: 0 },
  { type: 'Reboot', commandKey: 'reboot-1' },
  { type: 'RebootResponse' },
  {
    type: 'Download',
    commandKey: 'fw-2024.05',
    fileType: '1 Firmware Upgrade Image',
    url: 'https://files.example.net/fw/hgw-9000-4.3.0.bin',
    username: 'cpe',
    password: 's3cr&t',
    fileSize: 16777216,
    targetFileName: 'hgw-9000-4.3.0.bin',
    delaySeconds: 0,
    successUrl: '',
    failureUrl: '',
  },
  {
    type: 'DownloadResponse',
    status: 1,
    startTime: '0001-01-01T00:00:00Z',
    completeTime: '0001-01-01T00:00:00Z',
  },
  {
    type: 'Upload',
    commandKey: 'log-1',
    fileType: '2 Vendor Log File',
    url: 'https://files.example.net/upload/SN0001.log',
    username: '',
    password: '',
    delaySeconds: 30,
  },
  { type: 'UploadResponse', status: 0, startTime: T1, completeTime: T2 },
  { type: 'FactoryReset' },
  { type: 'FactoryResetResponse' },
  { type: 'GetQueuedTransfers' },
  {
    type: 'GetQueuedTransfersResponse',
    transferList: [
      { commandKey: 'fw-2024.05', state: 2 },
      { commandKey: 'cfg-7', state: 1 },
    ],
  },
  { type: 'GetAllQueuedTransfers' },
  {
    type: 'GetAllQueuedTransfersResponse',
    transferList: [
      {
        commandKey: 'fw-2024.05',
        state: 2,
        isDownload: true,
        fileType: '1 Firmware Upgrade Image',
        fileSize: 16777216,
        targetFileName: 'fw.bin',
      },
    ],
  },
  { type: 'ScheduleInform', delaySeconds: 300, commandKey: 'si-1' },
  { type: 'ScheduleInformResponse' },
  { type: 'SetVouchers', voucherList: [Buffer.from('voucher-one'), Buffer.from([1, 2, 3])] },
  { type: 'SetVouchersResponse' },
  { type: 'GetOptions', optionName: 'X_ACME_Premium' },
  {
    type: 'GetOptionsResponse',
    optionList: [
      {
        optionName: 'X_ACME_Premium',
        voucherSN: 12,
        state: 1,
        mode: 1,
        startDate: T1,
        expirationDate: '2025-05-01T00:00:00Z',
        isTransferable: 0,
      },
      {
        optionName: 'X_ACME_Basic',
        voucherSN: 13,
        state: 3,
        mode: 0,
        startDate: T1,
        isTransferable: 1,
      },
    ],
  },
  {
    type: 'ScheduleDownload',
    commandKey: 'sd-1',
    fileType: '1 Firmware Upgrade Image',
    url: 'http://files.example.net/fw.bin',
    username: '',
    password: '',
    fileSize: 0,
    targetFileName: '',
    timeWindowList: [
      {
        windowStart: 0,
        windowEnd: 3600,
        windowMode: '1 At Any Time',
        userMessage: '',
        maxRetries: -1,
      },
      {
        windowStart: 7200,
        windowEnd: 10800,
        windowMode: '2 Immediately',
        userMessage: 'Updating',
        maxRetries: 3,
      },
    ],
  },
  { type: 'ScheduleDownloadResponse' },
  { type: 'CancelTransfer', commandKey: 'sd-1' },
  { type: 'CancelTransferResponse' },
  {
    type: 'ChangeDUState',
    operations: [
      {
        op: 'Install',
        url: 'http://files.example.net/du/app.ipk',
        uuid: UUID,
        username: 'u',
        password: 'p',
        executionEnvRef: 'Device.SoftwareModules.ExecEnv.1.',
      },
      {
        op: 'Update',
        uuid: UUID,
        version: '2.0',
        url: 'http://files.example.net/du/app-2.ipk',
        username: 'u',
        password: 'p',
      },
      {
        op: 'Uninstall',
        uuid: UUID,
        version: '2.0',
        executionEnvRef: 'Device.SoftwareModules.ExecEnv.1.',
      },
      { op: 'Install', url: 'http://files.example.net/du/min.ipk' },
    ],
    commandKey: 'du-1',
  },
  { type: 'ChangeDUStateResponse' },
  {
    type: 'Inform',
    deviceId: {
      manufacturer: 'Acme & Sons',
      oui: '00D09E',
      productClass: 'HGW-9000',
      serialNumber: 'SN0001',
    },
    event: [
      { eventCode: '1 BOOT', commandKey: '' },
      { eventCode: 'M Reboot', commandKey: 'reboot-1' },
    ],
    maxEnvelopes: 1,
    currentTime: T2,
    retryCount: 0,
    parameterList: [
      { name: 'Device.DeviceInfo.HardwareVersion', value: { type: 'string', value: 'rev-B' } },
      { name: 'Device.DeviceInfo.SoftwareVersion', value: { type: 'string', value: '4.2.1' } },
      { name: 'Device.DeviceInfo.ProvisioningCode', value: { type: 'string', value: '' } },
      {
        name: 'Device.ManagementServer.ParameterKey',
        value: { type: 'string', value: 'pk-2024-05' },
      },
      {
        name: 'Device.ManagementServer.ConnectionRequestURL',
        value: { type: 'string', value: 'http://192.0.2.10:7547/cr' },
      },
      { name: 'Device.RootDataModelVersion', value: { type: 'string', value: '2.17' } },
      { name: 'Device.DeviceInfo.UpTime', value: { type: 'unsignedInt', value: 86400 } },
    ],
  },
  { type: 'InformResponse', maxEnvelopes: 1 },
  {
    type: 'TransferComplete',
    commandKey: 'fw-2024.05',
    faultStruct: { faultCode: 0, faultString: '' },
    startTime: T1,
    completeTime: T2,
  },
  { type: 'TransferCompleteResponse' },
  {
    type: 'AutonomousTransferComplete',
    announceUrl: 'http://announce.example.net/',
    transferUrl: 'http://files.example.net/fw.bin',
    isDownload: true,
    fileType: '1 Firmware Upgrade Image',
    fileSize: 1024,
    targetFileName: 'fw.bin',
    faultStruct: { faultCode: 9010, faultString: 'Download failure' },
    startTime: T1,
    completeTime: T1,
  },
  { type: 'AutonomousTransferCompleteResponse' },
  {
    type: 'RequestDownload',
    fileType: '3 Vendor Configuration File',
    fileTypeArg: [{ name: 'Version', value: '7' }],
  },
  { type: 'RequestDownloadResponse' },
  {
    type: 'Kicked',
    command: 'activate',
    referer: 'http://portal.example.net/',
    arg: 'plan=gold',
    next: 'http://portal.example.net/done',
  },
  { type: 'KickedResponse', nextUrl: 'http://portal.example.net/next' },
  {
    type: 'DUStateChangeComplete',
    results: [
      {
        uuid: UUID,
        deploymentUnitRef: 'Device.SoftwareModules.DeploymentUnit.1.',
        version: '2.0',
        currentState: 'Installed',
        resolved: true,
        executionUnitRefList: 'Device.SoftwareModules.ExecutionUnit.1.',
        startTime: T1,
        completeTime: T2,
        fault: { faultCode: 0, faultString: '' },
      },
      {
        uuid: UUID,
        deploymentUnitRef: '',
        version: '',
        currentState: 'Failed',
        resolved: false,
        executionUnitRefList: '',
        startTime: T1,
        completeTime: T1,
        fault: { faultCode: 9026 },
      },
    ],
    commandKey: 'du-1',
  },
  { type: 'DUStateChangeCompleteResponse' },
  {
    type: 'AutonomousDUStateChangeComplete',
    results: [
      {
        uuid: UUID,
        deploymentUnitRef: 'Device.SoftwareModules.DeploymentUnit.2.',
        version: '1.0',
        currentState: 'Uninstalled',
        resolved: true,
        executionUnitRefList: '',
        startTime: T1,
        completeTime: T1,
        fault: { faultCode: 0, faultString: '' },
        operationPerformed: 'Uninstall',
      },
    ],
  },
  { type: 'AutonomousDUStateChangeCompleteResponse' },
  {
    type: 'Fault',
    faultCode: 'Client',
    faultString: 'CWMP fault',
    detail: {
      faultCode: 9003,
      faultString: 'Invalid arguments',
      setParameterValuesFault: [
        {
          parameterName: 'Device.WiFi.Radio.1.Channel',
          faultCode: 9007,
          faultString: 'Invalid parameter value',
        },
        { parameterName: 'Device.DeviceInfo.UpTime', faultCode: 9008 },
      ],
    },
  },
];

const SINCE_1_1 = new Set<CwmpMessageType>([
  'GetAllQueuedTransfers',
  'GetAllQueuedTransfersResponse',
  'AutonomousTransferComplete',
  'AutonomousTransferCompleteResponse',
]);
const SINCE_1_2 = new Set<CwmpMessageType>([
  'ScheduleDownload',
  'ScheduleDownloadResponse',
  'CancelTransfer',
  'CancelTransferResponse',
  'ChangeDUState',
  'ChangeDUStateResponse',
  'DUStateChangeComplete',
  'DUStateChangeCompleteResponse',
  'AutonomousDUStateChangeComplete',
  'AutonomousDUStateChangeCompleteResponse',
]);

/** The first CWMP version whose schema declares the message (cwmp-1-0/1-1/1-2.xsd). */
export function firstVersionOf(type: CwmpMessageType): CwmpVersion {
  return SINCE_1_2.has(type) ? '1.2' : SINCE_1_1.has(type) ? '1.1' : '1.0';
}

const ORDER: readonly CwmpVersion[] = ['1.0', '1.1', '1.2', '1.3', '1.4'];

export function versionsOf(type: CwmpMessageType): CwmpVersion[] {
  return ORDER.slice(ORDER.indexOf(firstVersionOf(type)));
}

export function sampleOf<T extends CwmpMessageType>(type: T): Extract<CwmpMessage, { type: T }> {
  const m = SAMPLE_MESSAGES.find((s) => s.type === type);
  if (m === undefined) throw new Error(`no sample for ${type}`);
  return m as Extract<CwmpMessage, { type: T }>;
}
