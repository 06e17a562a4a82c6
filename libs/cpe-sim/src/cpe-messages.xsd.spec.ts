import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { CwmpMessage, CwmpVersion } from '@acs/cwmp';
import type { DeviceGroupConfig } from './device-group.config';
import { FIRMWARE_MAGIC } from './transfer.runner';
import { SimHarness } from './testing/sim-harness';

// Conformance: every message the simulator emits validates against the BBF cwmp XSD of its
// version, with xmllint, offline. The SOAP envelope/encoding schemas are the project's own local
// ones in libs/cwmp/test/schemas (used by path, as libs/cwmp's XSD test does); the BBF schemas are
// read from ../shared/bbf beside the repository and never copied into it.

const REPO = path.resolve(__dirname, '..', '..', '..');
const BBF = path.resolve(REPO, '..', 'shared', 'bbf');
const SOAP = path.resolve(REPO, 'libs', 'cwmp', 'test', 'schemas');

function catalog(): string {
  const map: [string, string][] = [
    ['http://schemas.xmlsoap.org/soap/envelope/', path.join(SOAP, 'soap-envelope.xsd')],
    ['http://schemas.xmlsoap.org/soap/encoding/', path.join(SOAP, 'soap-encoding.xsd')],
    ['http://www.broadband-forum.org/cwmp/cwmp-1-2.xsd', path.join(BBF, 'cwmp-1-2.xsd')],
    ['http://www.broadband-forum.org/cwmp/cwmp-1-3.xsd', path.join(BBF, 'cwmp-1-3.xsd')],
  ];
  const entries = map
    .map(
      ([url, file]) =>
        `<system systemId="${url}" uri="${pathToFileURL(file).href}"/><uri name="${url}" uri="${pathToFileURL(file).href}"/>`,
    )
    .join('\n');
  const file = path.join(mkdtempSync(path.join(tmpdir(), 'cpe-sim-catalog-')), 'catalog.xml');
  writeFileSync(
    file,
    `<?xml version="1.0"?>\n<catalog xmlns="urn:oasis:names:tc:entity:xmlns:xml:catalog">\n${entries}\n</catalog>\n`,
  );
  return file;
}

function validate(
  version: CwmpVersion,
  files: readonly string[],
): { file: string; ok: boolean; out: string }[] {
  const schema = path.join(BBF, `cwmp-${version.replace('.', '-')}.xsd`);
  const r = spawnSync('xmllint', ['--nonet', '--noout', '--schema', schema, ...files], {
    encoding: 'utf8',
    env: { ...process.env, XML_CATALOG_FILES: catalog() },
    maxBuffer: 64 * 1024 * 1024,
  });
  if (r.error !== undefined) throw r.error;
  const out = r.stderr + r.stdout;
  if (/failed to compile/i.test(out)) throw new Error(out);
  return files.map((file) => ({
    file,
    ok: out.includes(`${file} validates`),
    out: out
      .split('\n')
      .filter((l) => l.startsWith(file))
      .join('\n'),
  }));
}

const FW_URL = 'http://127.0.0.1:9/fw.bin';

/** Every RPC the simulator answers, including fault answers, for one CWMP version. */
function rpcsFor(version: CwmpVersion, root = 'Device.'): CwmpMessage[] {
  const list: CwmpMessage[] = [
    { type: 'GetRPCMethods' },
    { type: 'GetParameterNames', parameterPath: `${root}Time.`, nextLevel: false },
    { type: 'GetParameterValues', parameterNames: [root] },
    {
      type: 'SetParameterValues',
      parameterKey: 'k',
      parameterList: [
        {
          name: `${root}${root === 'Device.' ? 'WiFi.SSID.1.SSID' : 'LANDevice.1.WLANConfiguration.1.SSID'}`,
          value: { type: 'string', value: 'x' },
        },
      ],
    },
    {
      type: 'SetParameterValues',
      parameterKey: 'k',
      parameterList: [{ name: `${root}DeviceInfo.UpTime`, value: { type: 'string', value: 'x' } }],
    },
    {
      type: 'SetParameterAttributes',
      parameterList: [
        {
          name: `${root}${root === 'Device.' ? 'WiFi.SSID.1.SSID' : 'LANDevice.1.WLANConfiguration.1.SSID'}`,
          notificationChange: true,
          notification: 2,
          accessListChange: true,
          accessList: ['Subscriber'],
        },
      ],
    },
    { type: 'GetParameterAttributes', parameterNames: [`${root}Time.`] },
    {
      type: 'AddObject',
      objectName: `${root}${root === 'Device.' ? 'NAT.PortMapping.' : 'Layer3Forwarding.Forwarding.'}`,
      parameterKey: 'k',
    },
    {
      type: 'DeleteObject',
      objectName: `${root}${root === 'Device.' ? 'NAT.PortMapping.1.' : 'Layer3Forwarding.Forwarding.1.'}`,
      parameterKey: 'k',
    },
    { type: 'GetParameterValues', parameterNames: [`${root}Nope`] },
    {
      type: 'Download',
      commandKey: 'dl',
      fileType: '1 Firmware Upgrade Image',
      url: FW_URL,
      username: '',
      password: '',
      fileSize: 0,
      targetFileName: '',
      delaySeconds: 0,
      successUrl: '',
      failureUrl: '',
    },
    {
      type: 'Upload',
      commandKey: 'up',
      fileType: '1 Vendor Configuration File',
      url: 'http://127.0.0.1:9/up',
      username: '',
      password: '',
      delaySeconds: 0,
    },
    { type: 'GetQueuedTransfers' },
    { type: 'ScheduleInform', delaySeconds: 5, commandKey: 'si' },
    { type: 'FactoryReset' },
    { type: 'Reboot', commandKey: 'rb' },
  ];
  if (version !== '1.0') list.push({ type: 'GetAllQueuedTransfers' });
  if (version >= '1.2')
    list.push({
      type: 'ChangeDUState',
      commandKey: 'du',
      operations: [
        {
          op: 'Install',
          url: 'http://127.0.0.1:9/a',
          uuid: '6ba7b810-9dad-11d1-80b4-00c04fd430c8',
        },
      ],
    });
  return list;
}

async function emitted(version: CwmpVersion, group: Partial<DeviceGroupConfig>): Promise<string[]> {
  const h = new SimHarness();
  h.files.files.set(FW_URL, { status: 200, body: Buffer.from(`${FIRMWARE_MAGIC}9.9\n`) });
  const cpe = h.device({ cwmpVersion: version, ...group });
  h.fleet.boot(cpe);
  await h.settle();
  h.acs.queue(cpe, ...rpcsFor(version, cpe.model.root));
  h.fleet.connectionRequest(cpe);
  await h.settle();
  // Transfers, DU change, scheduled inform, reboot: their follow-up sessions.
  await h.advance(20_000, 10);
  return h.acs.seen.map((s) => s.xml).filter((x) => x !== '');
}

describe('simulator messages against the BBF XSD (xmllint)', () => {
  beforeAll(() => {
    const r = spawnSync('xmllint', ['--version']);
    if (r.error !== undefined || r.status !== 0)
      throw new Error('xmllint is not on PATH (libxml2-utils)');
    if (!existsSync(path.join(BBF, 'cwmp-1-2.xsd')))
      throw new Error(`BBF schemas not found in ${BBF}`);
  });

  it.each<[CwmpVersion, Partial<DeviceGroupConfig>]>([
    ['1.0', {}],
    ['1.1', {}],
    ['1.2', {}],
    ['1.2', { template: 'tr098' }],
    [
      '1.2',
      { serialize: { booleanFormat: 'digit', dateTimeFraction: 'strip', xmlDeclaration: false } },
    ],
    ['1.3', {}],
    ['1.4', {}],
  ])('every message in CWMP %s validates (%j)', async (version, group) => {
    const xml = await emitted(version, group);
    const kinds = new Set(
      xml.map((x) => /<soap-env:Body>\s*<(?:cwmp|soap-env):(\w+)/.exec(x)?.[1]),
    );
    // Inform, TransferComplete, Fault and one response per RPC type (SPV and GPV appear twice).
    const expected = new Set([
      'Inform',
      'TransferComplete',
      'Fault',
      ...rpcsFor(version).map((m) => `${m.type}Response`),
    ]);
    if (version >= '1.2') expected.add('DUStateChangeComplete');
    expect(kinds).toEqual(expected);
    const dir = mkdtempSync(path.join(tmpdir(), `cpe-sim-xsd-${version}-`));
    const files = xml.map((x, i) => {
      const f = path.join(dir, `${i}.xml`);
      writeFileSync(f, x);
      return f;
    });
    const results = validate(version, files);
    expect(results.filter((r) => !r.ok).map((r) => r.out || r.file)).toEqual([]);
  });

  it('fails a quirky message (the validation is real)', async () => {
    const xml = await emitted('1.2', { quirks: { omitInstanceNumber: true } });
    const dir = mkdtempSync(path.join(tmpdir(), 'cpe-sim-xsd-neg-'));
    const f = path.join(dir, 'add.xml');
    const add = xml.find((x) => x.includes('AddObjectResponse'));
    writeFileSync(f, add ?? '');
    expect(validate('1.2', [f]).map((r) => r.ok)).toEqual([false]);
  });
});
