// Derives the compact schema tables in ../generated from the BBF data-model XML (run by hand:
// `node libs/data-model/src/scripts/derive.script.ts [bbf-dir]`, Node ≥ 24 strips the types).
// Only the subtrees a home gateway has are kept, so the committed tables stay small; the BBF
// prose (descriptions) is never copied.
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { SaxesParser } from 'saxes';

const PRIMITIVES = new Set([
  'string',
  'int',
  'unsignedInt',
  'long',
  'unsignedLong',
  'boolean',
  'dateTime',
  'base64',
  'hexBinary',
  'decimal',
]);

interface Entry {
  path: string;
  object: boolean;
  multi: boolean;
  writable: boolean;
  type: string;
  enums: string[];
  def?: string;
  maxEntries?: number;
}

interface Source {
  file: string;
  out: string;
  constName: string;
  include: readonly string[];
  exclude: readonly string[];
}

// Run from the repository root; the BBF files sit in ../shared/bbf beside the clone.
const dir = process.argv[2] ?? path.resolve('..', 'shared', 'bbf');
const outDir = path.resolve('libs', 'data-model', 'src', 'generated');

const SOURCES: readonly Source[] = [
  {
    file: 'tr-181-2-17-0-cwmp-full.xml',
    out: 'tr181.generated.ts',
    constName: 'TR181_TABLE',
    include: [
      'Device.',
      'Device.DeviceInfo.',
      'Device.ManagementServer.',
      'Device.Time.',
      'Device.WiFi.',
      'Device.IP.',
      'Device.Ethernet.',
      'Device.NAT.',
      'Device.Hosts.',
      'Device.DHCPv4.',
      'Device.DNS.',
      'Device.Users.',
    ],
    exclude: [
      'Device.WiFi.DataElements.',
      'Device.WiFi.MultiAP.',
      'Device.WiFi.EndPoint.',
      'Device.WiFi.Radio.{i}.Stats.',
      'Device.WiFi.NeighboringWiFiDiagnostic.',
      'Device.WiFi.Radio.{i}.IEEE80211ax.',
      'Device.WiFi.AccessPoint.{i}.AssociatedDevice.{i}.Stats.',
      'Device.WiFi.AccessPoint.{i}.AssociatedDevice.{i}.',
      'Device.WiFi.AccessPoint.{i}.Accounting.',
      'Device.WiFi.AccessPoint.{i}.AC.',
      'Device.WiFi.AccessPoint.{i}.WPS.',
      'Device.WiFi.SSID.{i}.Stats.',
      'Device.WiFi.AccessPoint.{i}.Security.',
      'Device.IP.Diagnostics.',
      'Device.IP.Interface.{i}.Stats.',
      'Device.IP.Interface.{i}.IPv6Address.',
      'Device.IP.Interface.{i}.IPv6Prefix.',
      'Device.IP.ActivePort.',
      'Device.Ethernet.RMONStats.',
      'Device.Ethernet.LAG.',
      'Device.Ethernet.VLANTermination.',
      'Device.Ethernet.Interface.{i}.Stats.',
      'Device.Ethernet.Link.{i}.Stats.',
      'Device.Ethernet.LAN',
      'Device.Ethernet.WoL.',
      'Device.DeviceInfo.ProcessStatus.',
      'Device.DeviceInfo.TemperatureStatus.',
      'Device.DeviceInfo.ProxierInfo.',
      'Device.DeviceInfo.FirmwareImage.',
      'Device.DeviceInfo.VendorLogFile.',
      'Device.DeviceInfo.Location.',
      'Device.DeviceInfo.NetworkProperties.',
      'Device.DeviceInfo.Processor.',
      'Device.DeviceInfo.SupportedDataModel.',
      'Device.DeviceInfo.DeviceImageFile.',
      'Device.DHCPv4.Relay.',
      'Device.DHCPv4.Server.Pool.{i}.Option.',
      'Device.DHCPv4.Server.Pool.{i}.StaticAddress.',
      'Device.DHCPv4.Server.Pool.{i}.Client.{i}.',
      'Device.DHCPv4.Client.{i}.SentOption.',
      'Device.DHCPv4.Client.{i}.ReqOption.',
      'Device.DNS.Diagnostics.',
      'Device.DNS.Relay.',
      'Device.DNS.SD.',
      'Device.Hosts.Host.{i}.IPv6Address.',
      'Device.Hosts.Host.{i}.WANStats.',
      'Device.Hosts.AccessControl.',
      'Device.Users.Role.',
      'Device.Users.Group.',
      'Device.Users.SupportedShell.',
      'Device.ManagementServer.EmbeddedDevice.',
      'Device.ManagementServer.VirtualDevice.',
      'Device.ManagementServer.AutonomousTransferCompletePolicy.',
      'Device.ManagementServer.DUStateChangeComplPolicy.',
      'Device.ManagementServer.HeartbeatPolicy.',
      'Device.ManagementServer.InformParameter.',
      'Device.ManagementServer.ManageableDevice.',
      'Device.ManagementServer.StandbyPolicy.',
      'Device.ManagementServer.CompressionPolicy.',
      'Device.ManagementServer.CompressionAlgorithm.',
      'Device.NAT.PortTrigger.',
    ],
  },
  {
    file: 'tr-098-1-8-0-full.xml',
    out: 'tr098.generated.ts',
    constName: 'TR098_TABLE',
    include: [
      'InternetGatewayDevice.',
      'InternetGatewayDevice.DeviceInfo.',
      'InternetGatewayDevice.ManagementServer.',
      'InternetGatewayDevice.Time.',
      'InternetGatewayDevice.LANDevice.',
      'InternetGatewayDevice.WANDevice.',
      'InternetGatewayDevice.Layer3Forwarding.',
    ],
    exclude: [
      'InternetGatewayDevice.DeviceInfo.VendorConfigFile.',
      'InternetGatewayDevice.DeviceInfo.ProcessStatus.',
      'InternetGatewayDevice.DeviceInfo.TemperatureStatus.',
      'InternetGatewayDevice.DeviceInfo.NetworkProperties.',
      'InternetGatewayDevice.ManagementServer.ManageableDevice.',
      'InternetGatewayDevice.ManagementServer.AutonomousTransferCompletePolicy.',
      'InternetGatewayDevice.ManagementServer.DUStateChangeComplPolicy.',
      'InternetGatewayDevice.ManagementServer.EmbeddedDevice.',
      'InternetGatewayDevice.ManagementServer.VirtualDevice.',
      'InternetGatewayDevice.WANDevice.{i}.WANDSLInterfaceConfig.',
      'InternetGatewayDevice.WANDevice.{i}.WANDSLDiagnostics.',
      'InternetGatewayDevice.WANDevice.{i}.WANDSLConnectionManagement.',
      'InternetGatewayDevice.WANDevice.{i}.WANEthernetInterfaceConfig.Stats.',
      'InternetGatewayDevice.WANDevice.{i}.WANConnectionDevice.{i}.WANDSLLinkConfig.',
      'InternetGatewayDevice.WANDevice.{i}.WANConnectionDevice.{i}.WANATMF5LoopbackDiagnostics.',
      'InternetGatewayDevice.WANDevice.{i}.WANConnectionDevice.{i}.WANPTMLinkConfig.',
      'InternetGatewayDevice.WANDevice.{i}.WANConnectionDevice.{i}.WANEthernetLinkConfig.',
      'InternetGatewayDevice.WANDevice.{i}.WANConnectionDevice.{i}.WANPOTSLinkConfig.',
      'InternetGatewayDevice.WANDevice.{i}.WANConnectionDevice.{i}.WANPPPConnection.',
      'InternetGatewayDevice.WANDevice.{i}.WANConnectionDevice.{i}.WANIPConnection.{i}.Stats.',
      'InternetGatewayDevice.WANDevice.{i}.WANConnectionDevice.{i}.WANIPConnection.{i}.DHCPClient.',
      'InternetGatewayDevice.WANDevice.{i}.WANConnectionDevice.{i}.WANIPConnection.{i}.IPv6',
      'InternetGatewayDevice.WANDevice.{i}.WANConnectionDevice.{i}.WANIPConnection.{i}.X_',
      'InternetGatewayDevice.WANDevice.{i}.WANConnectionDevice.{i}.WANDSLConnectionManagement.',
      'InternetGatewayDevice.WANDevice.{i}.WANConnectionDevice.{i}.WANIPConnection.{i}.PortMapping.',
      'InternetGatewayDevice.LANDevice.{i}.LANHostConfigManagement.DHCPOption.',
      'InternetGatewayDevice.LANDevice.{i}.LANHostConfigManagement.DHCPConditionalServingPool.',
      'InternetGatewayDevice.LANDevice.{i}.LANHostConfigManagement.DHCPStaticAddress.',
      'InternetGatewayDevice.LANDevice.{i}.LANHostConfigManagement.IPInterface.{i}.X_',
      'InternetGatewayDevice.LANDevice.{i}.LANEthernetInterfaceConfig.{i}.Stats.',
      'InternetGatewayDevice.LANDevice.{i}.LANUSBInterfaceConfig.',
      'InternetGatewayDevice.LANDevice.{i}.WLANConfiguration.{i}.Stats.',
      'InternetGatewayDevice.LANDevice.{i}.WLANConfiguration.{i}.AssociatedDevice.',
      'InternetGatewayDevice.LANDevice.{i}.WLANConfiguration.{i}.WEPKey.',
      'InternetGatewayDevice.LANDevice.{i}.WLANConfiguration.{i}.PreSharedKey.',
      'InternetGatewayDevice.LANDevice.{i}.WLANConfiguration.{i}.WPS.',
      'InternetGatewayDevice.LANDevice.{i}.WLANConfiguration.{i}.APWMMParameter.',
      'InternetGatewayDevice.LANDevice.{i}.WLANConfiguration.{i}.STAWMMParameter.',
      'InternetGatewayDevice.LANDevice.{i}.Hosts.Host.{i}.IPv6Address.',
      'InternetGatewayDevice.LANDevice.{i}.Hosts.Host.{i}.IPv4Address.',
      'InternetGatewayDevice.LANDevice.{i}.Hosts.Host.{i}.X_',
      'InternetGatewayDevice.LANDevice.{i}.IPv6',
      'InternetGatewayDevice.Layer3Forwarding.IPv6',
    ],
  },
];

function selected(p: string, src: Source): boolean {
  const objectPath = p.endsWith('.') ? p : p.slice(0, p.lastIndexOf('.') + 1);
  if (src.exclude.some((e) => p.startsWith(e))) return false;
  // Root objects' own parameters are kept; deeper objects only under an included subtree.
  if (src.include.slice(1).some((i) => objectPath.startsWith(i))) return true;
  return objectPath === src.include[0];
}

function derive(src: Source): Entry[] {
  const xml = readFileSync(path.join(dir, src.file), 'utf8');
  const typesXml = readFileSync(path.join(dir, 'tr-106-types.xml'), 'utf8');
  const dataTypes = new Map<string, string>();
  const entries: Entry[] = [];
  const stack: string[] = [];
  let object: Entry | undefined;
  let param: Entry | undefined;
  let dtName: string | undefined;
  let objectSkipped = false;

  const onOpen = (tag: { name: string; attributes: Record<string, unknown> }): void => {
    const name = tag.name.replace(/^.*:/, '');
    const attr = (k: string): string | undefined => {
      const v = tag.attributes[k];
      return typeof v === 'string' ? v : undefined;
    };
    const parent = stack[stack.length - 1];
    stack.push(name);
    if (name === 'dataType' && parent !== 'syntax') {
      dtName = attr('name');
      const base = attr('base');
      if (dtName !== undefined && base !== undefined) dataTypes.set(dtName, `@${base}`);
      return;
    }
    if (dtName !== undefined && parent === 'dataType' && PRIMITIVES.has(name)) {
      dataTypes.set(dtName, name);
      return;
    }
    if (name === 'object' && parent === 'model') {
      const p = attr('name') ?? '';
      const status = attr('status');
      objectSkipped = status === 'deleted' || status === 'obsoleted' || !selected(p, src);
      const max = attr('maxEntries');
      object = {
        path: p,
        object: true,
        multi: p.endsWith('.{i}.'),
        // writeOnceReadOnly (TR-181 Alias): writable by the ACS until set, so writable for CWMP.
        writable: attr('access') === 'readWrite' || attr('access') === 'writeOnceReadOnly',
        type: 'object',
        enums: [],
        ...(max !== undefined && max !== 'unbounded' ? { maxEntries: Number(max) } : {}),
      };
      if (!objectSkipped) entries.push(object);
      return;
    }
    if (name === 'parameter' && parent === 'object' && object !== undefined && !objectSkipped) {
      const status = attr('status');
      if (status === 'deleted' || status === 'obsoleted') return;
      const p = object.path + (attr('name') ?? '');
      if (!selected(p, src)) return;
      param = {
        path: p,
        object: false,
        multi: false,
        // writeOnceReadOnly (TR-181 Alias): writable by the ACS until set, so writable for CWMP.
        writable: attr('access') === 'readWrite' || attr('access') === 'writeOnceReadOnly',
        type: 'string',
        enums: [],
      };
      return;
    }
    if (param === undefined) return;
    if (parent === 'syntax' && PRIMITIVES.has(name)) param.type = name;
    if (parent === 'syntax' && name === 'dataType') param.type = `@${attr('ref') ?? 'string'}`;
    if (name === 'enumeration' && stack.includes('syntax')) {
      const v = attr('value');
      if (v !== undefined && param.enums.length < 24) param.enums.push(v);
    }
    if (name === 'default' && parent === 'syntax') {
      const v = attr('value');
      if (v !== undefined && (attr('type') === 'object' || attr('type') === 'factory'))
        param.def = v;
    }
  };
  const onClose = (tag: { name: string }): void => {
    const name = tag.name.replace(/^.*:/, '');
    stack.pop();
    if (name === 'dataType' && dtName !== undefined && stack[stack.length - 1] !== 'syntax')
      dtName = undefined;
    if (name === 'parameter' && param !== undefined) {
      entries.push(param);
      param = undefined;
    }
    if (name === 'object') object = undefined;
  };
  // The TR-106 named types first (e.g. IPAddress), then the model with its own.
  for (const text of [typesXml, xml]) {
    const parser = new SaxesParser();
    parser.on('opentag', onOpen);
    parser.on('closetag', onClose);
    // Descriptions use HTML-ish entities (&nbsp; …); only structure matters here.
    parser.on('error', () => undefined);
    parser.write(text).close();
  }
  const resolve = (t: string, depth = 0): string => {
    if (!t.startsWith('@')) return t;
    const next = dataTypes.get(t.slice(1));
    return next === undefined || depth > 8 ? 'string' : resolve(next, depth + 1);
  };
  for (const e of entries) if (!e.object) e.type = resolve(e.type);
  return entries;
}

const TYPE_CODES: Record<string, string> = {
  object: 'o',
  string: 's',
  int: 'i',
  unsignedInt: 'u',
  long: 'l',
  unsignedLong: 'L',
  boolean: 'b',
  dateTime: 'd',
  base64: '6',
  hexBinary: 'x',
  decimal: 'D',
};

// One line per node: `path|flags|type|default|enum1,enum2|maxEntries` where flags has `w` for
// writable and `m` for a multi-instance object. Compact, diff-friendly and trivially parsed.
function encode(e: Entry): string {
  const flags = `${e.writable ? 'w' : ''}${e.multi ? 'm' : ''}`;
  const esc = (s: string): string =>
    s.replace(/[|,\\\n]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
  return [
    e.path,
    flags,
    TYPE_CODES[e.type] ?? 's',
    e.def === undefined ? '' : esc(e.def),
    e.enums.map(esc).join(','),
    e.maxEntries === undefined ? '' : String(e.maxEntries),
  ]
    .join('|')
    .replace(/\|+$/, '');
}

for (const src of SOURCES) {
  const entries = derive(src);
  const lines = entries.map(encode);
  const body = `// Generated by libs/data-model/src/scripts/derive.script.ts from ${src.file} (BBF).
// Do not edit by hand. Format: see decodeEntry in data-model.table.ts.
export const ${src.constName} = ${JSON.stringify(lines.join('\n'))};
`;
  writeFileSync(path.join(outDir, src.out), body);
  const params = entries.filter((e) => !e.object).length;
  console.log(
    `${src.out}: ${entries.length - params} objects, ${params} parameters, ${body.length} bytes`,
  );
}
