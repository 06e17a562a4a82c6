import { readFileSync } from 'node:fs';
import path from 'node:path';
import {
  CwmpError,
  CwmpErrorCode,
  parseEnvelope,
  serializeEnvelope,
  type CwmpEnvelope,
} from '../index';

// Hand-written envelopes in the shapes deployed CPE stacks send (CWMP-NOTES "field behaviour").

const field = (name: string): Buffer =>
  readFileSync(path.resolve(__dirname, '../../test/fixtures/field', name));

const CASES: readonly [string, CwmpEnvelope][] = [
  [
    'inform-soapenv-cwmp-1-0.xml',
    {
      version: '1.0',
      namespace: 'urn:dslforum-org:cwmp-1-0',
      header: { id: '0x1A2B' },
      body: {
        type: 'Inform',
        deviceId: {
          manufacturer: 'HUAWEI Technologies Co., Ltd',
          oui: '00E0FC',
          productClass: 'HG8245H',
          serialNumber: '48575443ABCDEF01',
        },
        event: [
          { eventCode: '0 BOOTSTRAP', commandKey: '' },
          { eventCode: 'X 00E0FC PON_UPGRADE', commandKey: '' },
        ],
        maxEnvelopes: 1,
        currentTime: '2024-05-01T10:00:00',
        retryCount: 3,
        parameterList: [
          {
            name: 'InternetGatewayDevice.DeviceSummary',
            value: {
              type: 'string',
              value: 'InternetGatewayDevice:1.1[](Baseline:1, EthernetLAN:1)',
            },
          },
          {
            name: 'InternetGatewayDevice.DeviceInfo.SpecVersion',
            value: { type: 'string', value: '1.0' },
          },
          // An empty unsignedInt: kept as sent instead of failing the whole Inform.
          {
            name: 'InternetGatewayDevice.ManagementServer.PeriodicInformInterval',
            value: { type: 'string', value: '', xsiType: 'unsignedInt' },
          },
          {
            name: 'InternetGatewayDevice.X_HW_Ont.Enable',
            value: { type: 'boolean', value: true },
          },
          {
            name: 'InternetGatewayDevice.X_HW_Ont.Temperature',
            value: { type: 'string', value: '41', xsiType: 'unsignedByte' },
          },
        ],
      },
    },
  ],
  [
    'change-du-state-nested.xml',
    {
      version: '1.2',
      namespace: 'urn:dslforum-org:cwmp-1-2',
      header: { id: 'du-7' },
      body: {
        type: 'ChangeDUState',
        operations: [
          {
            op: 'Install',
            url: 'http://files.example.net/app.ipk',
            executionEnvRef: 'Device.SoftwareModules.ExecEnv.1.',
          },
          { op: 'Uninstall', uuid: '3f2504e0-4f89-11d3-9a0c-0305e82c3301' },
        ],
      },
    },
  ],
  [
    'inform-default-namespace-1-4.xml',
    {
      version: '1.4',
      namespace: 'urn:dslforum-org:cwmp-1-4',
      header: { id: 'abc', sessionTimeout: 30, supportedCwmpVersions: ['1.0', '1.2', '1.4'] },
      body: {
        type: 'Inform',
        deviceId: { manufacturer: 'Acme', oui: 'A0B1C2', productClass: 'STB', serialNumber: 'X1' },
        event: [{ eventCode: '2 PERIODIC', commandKey: '' }],
        maxEnvelopes: 1,
        currentTime: '2024-05-01T10:00:00.5Z',
        retryCount: 0,
        parameterList: [
          { name: 'Device.X_A0B1C2_Blob', value: { type: 'base64', value: Buffer.from('hello') } },
        ],
      },
    },
  ],
  [
    'fault-spv-prefixed.xml',
    {
      version: '1.1',
      namespace: 'urn:dslforum-org:cwmp-1-1',
      header: { id: 'spv-1' },
      body: {
        type: 'Fault',
        faultCode: 'Client',
        faultString: 'CWMP fault',
        detail: {
          faultCode: 9003,
          faultString: 'Invalid arguments',
          setParameterValuesFault: [
            {
              parameterName: 'InternetGatewayDevice.LANDevice.1.WLANConfiguration.1.Channel',
              faultCode: 9007,
              faultString: 'Invalid value "b/g" <out of range>',
            },
          ],
        },
      },
    },
  ],
  [
    'gpv-response-latin1.xml',
    {
      version: '1.2',
      namespace: 'urn:dslforum-org:cwmp-1-2',
      header: {},
      body: {
        type: 'GetParameterValuesResponse',
        parameterList: [
          { name: 'Device.DeviceInfo.Description', value: { type: 'string', value: 'Café ☺ ☃' } },
        ],
      },
    },
  ],
];

describe('parseEnvelope on field-style envelopes', () => {
  it.each(CASES)('%s', (file, expected) => {
    const env = parseEnvelope(field(file));
    expect(env).toEqual(expected);
    // And what we read, we can write and read back unchanged.
    expect(parseEnvelope(serializeEnvelope(env))).toEqual(env);
  });

  it('reports an unknown method with its name and the cwmp:ID, for fault 8000', () => {
    const xml =
      '<s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/" xmlns:c="urn:dslforum-org:cwmp-1-2">' +
      '<s:Header><c:ID s:mustUnderstand="1">req-9</c:ID></s:Header><s:Body><c:X_ACME_Frobnicate><A>1</A></c:X_ACME_Frobnicate></s:Body></s:Envelope>';
    const err = captureError(() => parseEnvelope(xml));
    expect(err.code).toBe(CwmpErrorCode.UnknownMethod);
    expect(err.details).toMatchObject({ method: 'X_ACME_Frobnicate', id: 'req-9' });
  });

  it('does not treat Object.prototype names as methods', () => {
    for (const name of ['constructor', '__proto__', 'toString', 'hasOwnProperty']) {
      const xml = `<s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/"><s:Body><${name}/></s:Body></s:Envelope>`;
      expect(captureError(() => parseEnvelope(xml)).code).toBe(CwmpErrorCode.UnknownMethod);
    }
  });

  it('reports an empty Body as EmptyBody with the ID', () => {
    const xml =
      '<s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/" xmlns:c="urn:dslforum-org:cwmp-1-0">' +
      '<s:Header><c:ID s:mustUnderstand="1">7</c:ID></s:Header><s:Body>  </s:Body></s:Envelope>';
    const err = captureError(() => parseEnvelope(xml));
    expect(err.code).toBe(CwmpErrorCode.EmptyBody);
    expect(err.details.id).toBe('7');
  });

  it('keeps the ID when a header value is malformed', () => {
    const xml =
      '<s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/" xmlns:c="urn:dslforum-org:cwmp-1-2">' +
      '<s:Header><c:ID s:mustUnderstand="1">h-1</c:ID><c:HoldRequests s:mustUnderstand="1">maybe</c:HoldRequests></s:Header>' +
      '<s:Body><c:GetRPCMethods/></s:Body></s:Envelope>';
    const err = captureError(() => parseEnvelope(xml));
    expect(err.code).toBe(CwmpErrorCode.InvalidMessage);
    expect(err.details).toMatchObject({ id: 'h-1', path: '/Envelope/Header/HoldRequests' });
  });

  it.each([
    ['missing field', '<c:Reboot/>', CwmpErrorCode.InvalidMessage, '/Envelope/Body/Reboot'],
    [
      'bad integer',
      '<c:InformResponse><MaxEnvelopes>many</MaxEnvelopes></c:InformResponse>',
      CwmpErrorCode.InvalidMessage,
      '/Envelope/Body/InformResponse/MaxEnvelopes',
    ],
    [
      'bad enum',
      '<c:SetParameterValuesResponse><Status>2</Status></c:SetParameterValuesResponse>',
      CwmpErrorCode.InvalidMessage,
      '/Envelope/Body/SetParameterValuesResponse/Status',
    ],
    [
      'bad dateTime',
      '<c:DownloadResponse><Status>0</Status><StartTime>yesterday</StartTime><CompleteTime>2024-01-01T00:00:00Z</CompleteTime></c:DownloadResponse>',
      CwmpErrorCode.InvalidMessage,
      '/Envelope/Body/DownloadResponse/StartTime',
    ],
    ['not an envelope', null, CwmpErrorCode.InvalidEnvelope, '/Inform'],
  ])('types an invalid message: %s', (_name, body, code, errorPath) => {
    const xml =
      body === null
        ? '<c:Inform xmlns:c="urn:dslforum-org:cwmp-1-0"/>'
        : `<s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/" xmlns:c="urn:dslforum-org:cwmp-1-0">\n<s:Header><c:ID s:mustUnderstand="1">e1</c:ID></s:Header>\n<s:Body>${body}</s:Body></s:Envelope>`;
    const err = captureError(() => parseEnvelope(xml));
    expect(err.code).toBe(code);
    expect(err.details.path).toBe(errorPath);
    expect(err.details.line).toBeGreaterThanOrEqual(1);
    if (body !== null) expect(err.details).toMatchObject({ id: 'e1', line: 3 });
  });
});

function captureError(fn: () => unknown): CwmpError {
  try {
    fn();
  } catch (e) {
    if (e instanceof CwmpError) return e;
    throw e;
  }
  throw new Error('expected a CwmpError');
}
