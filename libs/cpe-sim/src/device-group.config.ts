import type { CwmpVersion, SerializeOptions } from '@acs/cwmp';
import type { TemplateName } from './device.template';
import type { QuirkProfile } from './quirk.profile';

/** Behaviour shared by a group of simulated CPEs (one object per group, not per device). */
export interface DeviceGroupConfig {
  readonly name: string;
  readonly template: TemplateName;
  readonly oui: string;
  readonly productClass: string;
  readonly serialPrefix: string;
  readonly acsUrl: string;
  /** Client credentials towards the ACS; username defaults to the serial number. */
  readonly acsUsername?: string;
  readonly acsPassword: string;
  /** Send Basic credentials with the first request instead of waiting for a challenge. */
  readonly preemptiveBasic: boolean;
  readonly cwmpVersion: CwmpVersion;
  /** Initial PeriodicInformInterval (s). */
  readonly informIntervalSec: number;
  /** Initial PeriodicInformTime (the phase of the periodic informs), or unknown time. */
  readonly periodicInformTime: string;
  readonly softwareVersion: string;
  /** Connection request credentials; username defaults to the serial number. */
  readonly crPassword: string;
  /** Base of each device's ConnectionRequestURL; the device id is appended. */
  readonly crUrlBase: string;
  /** TR-069 3.2.2 leaves the rate limit period to the CPE: at most one accepted CR per this. */
  readonly crMinIntervalMs: number;
  /** CPE methods answered with fault 9000 (TR-069 A.3.2: optional methods). */
  readonly unsupportedMethods: readonly string[];
  /** Time a simulated reboot takes before the BOOT session. */
  readonly rebootDelayMs: number;
  readonly serialize: SerializeOptions;
  readonly quirks: QuirkProfile;
}

export const DEFAULT_GROUP: DeviceGroupConfig = {
  name: 'default',
  template: 'tr181',
  oui: '00D09E',
  productClass: 'HG2000',
  serialPrefix: 'SIM',
  acsUrl: 'http://127.0.0.1:7547/',
  acsPassword: 'cpe-secret',
  preemptiveBasic: false,
  cwmpVersion: '1.2',
  informIntervalSec: 3600,
  periodicInformTime: '0001-01-01T00:00:00Z',
  softwareVersion: '1.0.0',
  crPassword: 'cr-secret',
  crUrlBase: 'http://127.0.0.1:7548/cr/',
  crMinIntervalMs: 1000,
  unsupportedMethods: [],
  rebootDelayMs: 1000,
  serialize: {},
  quirks: {},
};
