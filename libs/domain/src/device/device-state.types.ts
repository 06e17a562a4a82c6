import type { CwmpValue, NotificationValue, ParameterValue } from '@acs/cwmp';

// The ACS's knowledge of one device: what it reported, when, and what is known not to exist. One
// flat map keyed by full path (objects end in '.'), so the store persists it as one document
// (keys escaped with escapePathKey) and a reducer updates it in O(changed paths). Times are epoch
// milliseconds from the injected clock.

export interface DeviceFacts {
  readonly oui: string;
  readonly productClass: string;
  readonly serialNumber: string;
  readonly manufacturer: string;
}

/** An object node: `Device.WiFi.` (plain), `Device.WiFi.SSID.` (table) or `Device.WiFi.SSID.1.` (instance). */
export interface ObjectNode {
  readonly kind: 'object';
  /** A numbered instance of a multi-instance table. */
  readonly instance: boolean;
  /** From GetParameterNames: for a table, AddObject allowed; for an instance, DeleteObject allowed. */
  readonly writable?: boolean;
  /** When GetParameterNames(NextLevel=true) listed its direct children; absent = children unknown. */
  readonly childrenReadAt?: number;
  /**
   * When a GetParameterValues of this object path returned its whole subtree: what a refresh of
   * the subtree checks, in O(depth) instead of a scan of every parameter under it.
   */
  readonly subtreeReadAt?: number;
  /** For an instance the ACS created: the id of the desired object it was created for. */
  readonly createdFor?: string;
  /** For an instance created with alias addressing: the alias given in AddObject. */
  readonly alias?: string;
}

/** Set by a successful SetParameterValues: what was set, for loop detection. */
export interface LastSet {
  readonly value: CwmpValue;
  readonly at: number;
  /** Reads since the set that showed another value (TR-069 has no "why"; counting is all we can do). */
  readonly drift: number;
}

export interface ParameterNode {
  readonly kind: 'parameter';
  /** Unknown until read (GetParameterNames only tells that the parameter exists). */
  readonly value?: CwmpValue;
  readonly writable?: boolean;
  /** When the value was last read from (or confirmed set on) the device. */
  readonly valueReadAt?: number;
  /** TR-069 A.3.2.4 attributes, known after GetParameterAttributes or SetParameterAttributes. */
  readonly notification?: NotificationValue;
  readonly accessList?: readonly string[];
  readonly attributesReadAt?: number;
  readonly lastSet?: LastSet;
}

export type PathNode = ObjectNode | ParameterNode;

/** Who declared a piece of desired state. */
export type SourceRef =
  | { readonly kind: 'profile'; readonly name: string; readonly version: number }
  | { readonly kind: 'task'; readonly id: string };

export type FaultKind =
  /** A CPE fault (9000–9032) or a SOAP fault without detail (code 0). */
  | 'cpe'
  /** The value was set, confirmed, and read back different too often: set no more. */
  | 'loop'
  /** A Download or Upload reported failure in TransferComplete. */
  | 'transfer'
  /** A profile script failed (error, timeout, memory, invalid declarations): `ScriptFaultCode`. */
  | 'script';

/** One failure of one piece of desired state, with its retry schedule. */
export interface FaultRecord {
  readonly source: SourceRef;
  /** A parameter or object path, or an action key (`reboot`, `download:<version>`…). */
  readonly target: string;
  readonly kind: FaultKind;
  /** The RPC that failed, e.g. `SetParameterValues`. */
  readonly method: string;
  readonly code: number;
  readonly message: string;
  /** Failures so far; the backoff doubles with each. */
  readonly retries: number;
  readonly firstAt: number;
  readonly lastAt: number;
  /** Not retried before this time; `null` = never (loop faults, until the profile changes). */
  readonly nextRetryAt: number | null;
  /**
   * A batch RPC failed without saying which entry: the next plan sends each entry alone to find
   * the culprit, without waiting for backoff, so one bad entry does not block the others.
   */
  readonly isolate?: boolean;
}

export interface TransferRecord {
  readonly commandKey: string;
  readonly startedAt: number;
  /** The software version the download should bring, for firmware. */
  readonly version?: string;
  /** The RPC that started it; absent = Download (records from before Upload existed). */
  readonly method?: 'Upload';
  /** Who asked for it and the action key, to record a failed TransferComplete against. */
  readonly source: SourceRef;
  readonly target: string;
}

/**
 * A configuration-changing RPC sent whose result has not been applied yet. TR-069 A.3.2.1/6/7: the
 * CPE sets ManagementServer.ParameterKey to the request's key only if it succeeded, so the next
 * Inform tells which of them took effect when a session broke before their responses.
 */
export type InFlight =
  | {
      readonly kind: 'set';
      readonly parameterKey: string;
      readonly parameterList: readonly ParameterValue[];
    }
  | {
      readonly kind: 'add';
      readonly parameterKey: string;
      readonly table: string;
      /** Instance numbers the table had when the AddObject was sent. */
      readonly knownInstances: readonly number[];
      readonly createdFor?: string;
    }
  | { readonly kind: 'delete'; readonly parameterKey: string; readonly objectName: string };

/** An AddObject that took effect without its response: link the new instance on rediscovery. */
export interface UnlinkedAdd {
  readonly table: string;
  readonly knownInstances: readonly number[];
  readonly createdFor?: string;
}

export interface DeviceState {
  /** `OUI-ProductClass-SerialNumber`, escaped (from @acs/events' deviceIdOf). */
  readonly id: string;
  readonly facts: DeviceFacts;
  /** Data model root seen in the Inform: `Device.` (TR-181) or `InternetGatewayDevice.` (TR-098). */
  readonly root?: string;
  readonly softwareVersion?: string;
  readonly hardwareVersion?: string;
  readonly provisioningCode?: string;
  /** ManagementServer.ParameterKey from the last Inform. */
  readonly parameterKey?: string;
  readonly tags: readonly string[];
  readonly lastInform?: number;
  readonly lastBoot?: number;
  readonly lastBootstrap?: number;
  /** Event codes of the last Inform (`0 BOOTSTRAP`, `1 BOOT`…). */
  readonly lastEvents: readonly string[];
  readonly nodes: Readonly<Record<string, PathNode>>;
  /** Paths the device said do not exist (fault 9005), with the time it said so. */
  readonly absent: Readonly<Record<string, number>>;
  /** Keyed by faultKey(source, target). */
  readonly faults: Readonly<Record<string, FaultRecord>>;
  /** One-off actions done, by action key, with the time (for schedules and tasks). */
  readonly actionRuns: Readonly<Record<string, number>>;
  /** Configuration-changing RPCs sent, in order, whose results are not applied yet. */
  readonly inFlight?: readonly InFlight[];
  /** AddObjects confirmed only by ParameterKey, waiting for the table's rediscovery. */
  readonly unlinked?: readonly UnlinkedAdd[];
  /** Downloads/Uploads the device accepted and has not completed (TransferComplete pending). */
  readonly transfers: Readonly<Record<string, TransferRecord>>;
}

/** A fresh state for a device never seen before. */
export function emptyDeviceState(id: string, facts: DeviceFacts): DeviceState {
  return {
    id,
    facts,
    tags: [],
    lastEvents: [],
    nodes: {},
    absent: {},
    faults: {},
    actionRuns: {},
    transfers: {},
  };
}

export function sourceKey(source: SourceRef): string {
  return source.kind === 'profile' ? `profile:${source.name}` : `task:${source.id}`;
}

export function faultKey(source: SourceRef, target: string): string {
  return `${sourceKey(source)}|${target}`;
}
