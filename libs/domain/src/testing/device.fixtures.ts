import type { CwmpValue, Inform } from '@acs/cwmp';
import type { DeviceState, PathNode } from '../device/device-state.types';
import { emptyDeviceState } from '../device/device-state.types';

// Test fixtures: compact device states for TR-181 and TR-098 devices.

export const T0 = Date.UTC(2026, 0, 1, 0, 0, 0);
export const NOW = T0 + 3_600_000;

export const s = (value: string): CwmpValue => ({ type: 'string', value });
export const u = (value: number): CwmpValue => ({ type: 'unsignedInt', value });
export const b = (value: boolean): CwmpValue => ({ type: 'boolean', value });

/** `'table'` = object whose children are known, `'object'` = object with unknown children. */
export type NodeSpec = CwmpValue | 'table' | 'object';

export const FACTS = {
  oui: '00D09E',
  productClass: 'HGW',
  serialNumber: 'SN1',
  manufacturer: 'Acme',
};

export function device(
  root: 'Device.' | 'InternetGatewayDevice.',
  spec: Readonly<Record<string, NodeSpec>>,
  patch: Partial<DeviceState> = {},
): DeviceState {
  const nodes: Record<string, PathNode> = {};
  for (const [path, v] of Object.entries(spec)) {
    if (v === 'table' || v === 'object')
      nodes[path] = {
        kind: 'object',
        instance: /\.[0-9]+\.$/.test(path),
        writable: true,
        ...(v === 'table' ? { childrenReadAt: T0 } : {}),
      };
    else nodes[path] = { kind: 'parameter', value: v, valueReadAt: T0, writable: true };
  }
  return {
    ...emptyDeviceState('00D09E-HGW-SN1', FACTS),
    root,
    softwareVersion: '1.0',
    hardwareVersion: 'hw1',
    lastInform: NOW,
    nodes,
    ...patch,
  };
}

/** A TR-181 gateway: two SSIDs (aliases cpe-1, cpe-2), one radio, management server. */
export const TR181: Readonly<Record<string, NodeSpec>> = {
  'Device.DeviceInfo.SoftwareVersion': s('1.0'),
  'Device.ManagementServer.PeriodicInformInterval': u(3600),
  'Device.ManagementServer.PeriodicInformEnable': b(true),
  'Device.ManagementServer.AliasBasedAddressing': b(true),
  'Device.WiFi.SSID.': 'table',
  'Device.WiFi.SSID.1.': 'object',
  'Device.WiFi.SSID.1.SSID': s('home'),
  'Device.WiFi.SSID.1.Enable': b(true),
  'Device.WiFi.SSID.1.Alias': s('cpe-1'),
  'Device.WiFi.SSID.2.': 'object',
  'Device.WiFi.SSID.2.SSID': s('guest'),
  'Device.WiFi.SSID.2.Enable': b(false),
  'Device.WiFi.SSID.2.Alias': s('cpe-2'),
  'Device.WiFi.Radio.1.Channel': u(6),
};

/** A TR-098 gateway: one WLAN, an empty port-mapping table. */
export const TR098: Readonly<Record<string, NodeSpec>> = {
  'InternetGatewayDevice.DeviceInfo.SoftwareVersion': s('1.0'),
  'InternetGatewayDevice.ManagementServer.PeriodicInformInterval': u(3600),
  'InternetGatewayDevice.LANDevice.1.WLANConfiguration.': 'table',
  'InternetGatewayDevice.LANDevice.1.WLANConfiguration.1.': 'object',
  'InternetGatewayDevice.LANDevice.1.WLANConfiguration.1.SSID': s('home'),
  'InternetGatewayDevice.LANDevice.1.WLANConfiguration.1.Enable': b(true),
  'InternetGatewayDevice.WANDevice.1.WANConnectionDevice.1.WANIPConnection.1.PortMapping.': 'table',
};

export function inform(
  root: string,
  events: readonly string[],
  params: Readonly<Record<string, CwmpValue>> = {},
): Inform {
  return {
    type: 'Inform',
    deviceId: { ...FACTS },
    event: events.map((eventCode) => ({ eventCode, commandKey: '' })),
    maxEnvelopes: 1,
    currentTime: '2026-01-01T01:00:00Z',
    retryCount: 0,
    parameterList: [
      { name: `${root}DeviceInfo.SoftwareVersion`, value: s('1.0') },
      { name: `${root}DeviceInfo.HardwareVersion`, value: s('hw1') },
      { name: `${root}ManagementServer.ParameterKey`, value: s('') },
      ...Object.entries(params).map(([name, value]) => ({ name, value })),
    ],
  };
}
