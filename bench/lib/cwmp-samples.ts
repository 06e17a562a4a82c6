import type { CwmpEnvelope, Inform, ParameterValue, SetParameterValues } from '@acs/cwmp';

// A typical periodic Inform of a TR-181 home gateway: the forced-inform parameters plus the
// usual extras (WAN addressing, Wi-Fi, counters, vendor X_ parameters), 40 in all, written with
// the indentation most CPE stacks use.

const s = (name: string, value: string): ParameterValue => ({
  name,
  value: { type: 'string', value },
});
const u = (name: string, value: number): ParameterValue => ({
  name,
  value: { type: 'unsignedInt', value },
});
const b = (name: string, value: boolean): ParameterValue => ({
  name,
  value: { type: 'boolean', value },
});
const l = (name: string, value: bigint): ParameterValue => ({
  name,
  value: { type: 'unsignedLong', value },
});

const INFORM_PARAMS: ParameterValue[] = [
  s('Device.RootDataModelVersion', '2.17'),
  s('Device.DeviceInfo.HardwareVersion', 'HGW-9000 rev.B'),
  s('Device.DeviceInfo.SoftwareVersion', '4.2.1-build.20240501'),
  s('Device.DeviceInfo.ProvisioningCode', 'RES.FTTH.1G'),
  s('Device.DeviceInfo.ModelName', 'HGW-9000'),
  s('Device.DeviceInfo.Description', 'Home gateway, 4x GE, Wi-Fi 6'),
  u('Device.DeviceInfo.UpTime', 1234567),
  s('Device.ManagementServer.ParameterKey', 'pk-20240501-0001'),
  s('Device.ManagementServer.ConnectionRequestURL', 'http://100.64.12.34:7547/tr069/cr/SN0001'),
  s('Device.ManagementServer.AliasBasedAddressing', 'false'),
  u('Device.ManagementServer.PeriodicInformInterval', 86400),
  b('Device.ManagementServer.PeriodicInformEnable', true),
  s('Device.ManagementServer.UDPConnectionRequestAddress', '100.64.12.34:7547'),
  s('Device.IP.Interface.1.IPv4Address.1.IPAddress', '100.64.12.34'),
  s('Device.IP.Interface.1.IPv6Address.1.IPAddress', '2001:db8:1234:5678::1'),
  s('Device.IP.Interface.1.Status', 'Up'),
  l('Device.IP.Interface.1.Stats.BytesSent', 98765432101234n),
  l('Device.IP.Interface.1.Stats.BytesReceived', 123456789012345n),
  s('Device.PPP.Interface.1.Username', 'user12345@isp.example'),
  s('Device.Ethernet.Interface.1.MACAddress', '00:d0:9e:12:34:56'),
  s('Device.WiFi.Radio.1.OperatingFrequencyBand', '2.4GHz'),
  u('Device.WiFi.Radio.1.Channel', 6),
  s('Device.WiFi.Radio.2.OperatingFrequencyBand', '5GHz'),
  u('Device.WiFi.Radio.2.Channel', 36),
  s('Device.WiFi.SSID.1.SSID', 'HomeNet-3456'),
  s('Device.WiFi.SSID.2.SSID', 'HomeNet-3456-5G'),
  b('Device.WiFi.AccessPoint.1.Enable', true),
  b('Device.WiFi.AccessPoint.2.Enable', true),
  u('Device.Hosts.HostNumberOfEntries', 14),
  s('Device.Time.CurrentLocalTime', '2024-05-01T12:34:56+02:00'),
  s('Device.Optical.Interface.1.Status', 'Up'),
  { name: 'Device.Optical.Interface.1.OpticalSignalLevel', value: { type: 'int', value: -18 } },
  s('Device.X_00D09E_Diag.LastReboot', 'Power cycle'),
  u('Device.X_00D09E_Diag.Temperature', 51),
  b('Device.X_00D09E_Features.IPTV', true),
  s('Device.X_00D09E_Features.Profile', 'gold & family <kids>'),
  s('Device.Services.VoiceService.1.VoiceProfile.1.Line.1.DirectoryNumber', '+441234567890'),
  s('Device.Services.VoiceService.1.VoiceProfile.1.Line.1.Status', 'Up'),
  s('Device.DeviceInfo.X_00D09E_BootloaderVersion', '2023.10-r3'),
  {
    name: 'Device.DeviceInfo.X_00D09E_ConfigHash',
    value: { type: 'base64', value: Buffer.from('0123456789abcdef0123') },
  },
];

export const INFORM_40: CwmpEnvelope<Inform> = {
  version: '1.2',
  namespace: 'urn:dslforum-org:cwmp-1-2',
  header: { id: '1714559696001' },
  body: {
    type: 'Inform',
    deviceId: {
      manufacturer: 'Acme Networks',
      oui: '00D09E',
      productClass: 'HGW-9000',
      serialNumber: 'ACME00D09E123456',
    },
    event: [
      { eventCode: '2 PERIODIC', commandKey: '' },
      { eventCode: '4 VALUE CHANGE', commandKey: '' },
    ],
    maxEnvelopes: 1,
    currentTime: '2024-05-01T12:34:56.789+02:00',
    retryCount: 0,
    parameterList: INFORM_PARAMS,
  },
};

/** Indent a compact serialized envelope the way CPE stacks print it: one element per line, leaf text inline. */
export function indent(xml: string): string {
  let out = '';
  let depth = 0;
  let inline = false;
  for (const tok of xml.match(/<[^>]+>|[^<]+/g) ?? []) {
    if (tok.startsWith('</')) {
      depth--;
      out += (inline ? '' : '\n' + '  '.repeat(depth)) + tok;
      inline = false;
    } else if (tok.startsWith('<')) {
      out += (out === '' ? '' : '\n') + '  '.repeat(depth) + tok;
      const leaf = tok.endsWith('/>') || tok.startsWith('<?');
      if (!leaf) depth++;
      inline = !leaf;
    } else {
      out += tok;
    }
  }
  return out + '\n';
}

export const SPV_50: CwmpEnvelope<SetParameterValues> = {
  version: '1.2',
  namespace: 'urn:dslforum-org:cwmp-1-2',
  header: { id: 'spv-1' },
  body: {
    type: 'SetParameterValues',
    parameterKey: 'pk-20240501-0002',
    parameterList: Array.from({ length: 50 }, (_, i): ParameterValue => {
      const name = `Device.NAT.PortMapping.${i + 1}.`;
      switch (i % 5) {
        case 0:
          return s(`${name}Description`, `rule ${i} <web> & more`);
        case 1:
          return u(`${name}ExternalPort`, 8000 + i);
        case 2:
          return b(`${name}Enable`, i % 2 === 0);
        case 3:
          return {
            name: `${name}LeaseDuration`,
            value: { type: 'dateTime', value: '2024-05-01T12:00:00.250Z' },
          };
        default:
          return s(`${name}InternalClient`, `192.168.1.${i}`);
      }
    }),
  },
};
