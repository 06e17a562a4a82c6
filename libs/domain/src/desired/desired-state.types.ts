import type { CwmpValueType, NotificationValue } from '@acs/cwmp';
import type { FaultRecord, SourceRef } from '../device/device-state.types';
import type { DesiredScalar } from '../value/value.convert';

// The merged desired state of every matching profile and pending task for one device in one
// session: what the diff engine compares the device's state against. Template variables are
// already filled in; every item names the profile or task that won it.

export interface TypedScalar {
  readonly value: DesiredScalar;
  /** Declared xsd type; otherwise the device's or data model's type is used. */
  readonly type?: CwmpValueType;
}

export interface DesiredValue extends TypedScalar {
  readonly path: string;
  readonly source: SourceRef;
}

export interface DesiredObject {
  /** Stable id (table + key + alias, or `task:<id>`), recorded on instances created for it. */
  readonly id: string;
  /** The table, e.g. `Device.WiFi.SSID.`. */
  readonly table: string;
  /** Key parameters (relative names) identifying the instance. */
  readonly key: Readonly<Record<string, DesiredScalar>>;
  readonly alias?: string;
  readonly present: boolean;
  /** Child values (relative names) the instance must have. */
  readonly values: Readonly<Record<string, TypedScalar>>;
  readonly source: SourceRef;
  /** Only an instance created for this id satisfies it (a task's AddObject: never key-matched). */
  readonly createOnly?: boolean;
}

export interface DesiredNotification {
  readonly path: string;
  readonly notification: NotificationValue;
  readonly source: SourceRef;
}

export interface DesiredRefresh {
  /** A parameter, or an object for its whole subtree. */
  readonly path: string;
  /** A value read before this time is stale. */
  readonly notBefore: number;
  readonly source: SourceRef;
}

export interface DownloadFile {
  readonly url: string;
  readonly fileType: string;
  readonly fileSize: number;
  readonly targetFileName: string;
  readonly username: string;
  readonly password: string;
}

/** TR-069 A.4.1.5 Upload arguments (CommandKey apart). */
export interface UploadFile {
  readonly url: string;
  readonly fileType: string;
  readonly username: string;
  readonly password: string;
  readonly delaySeconds: number;
}

export type DesiredAction =
  | { readonly kind: 'reboot' | 'factoryReset'; readonly key: string; readonly source: SourceRef }
  | {
      readonly kind: 'scheduleInform';
      readonly key: string;
      readonly delaySeconds: number;
      /** A task's CommandKey (TR-069 A.4.1.2); default: the action key's last 32 characters. */
      readonly commandKey?: string;
      readonly source: SourceRef;
    }
  | {
      readonly kind: 'deleteObject';
      readonly key: string;
      readonly path: string;
      readonly source: SourceRef;
    }
  | {
      readonly kind: 'download';
      readonly key: string;
      readonly commandKey: string;
      /** For firmware: the SoftwareVersion the file brings; the download is done once it is reported. */
      readonly version?: string;
      readonly file: DownloadFile;
      readonly source: SourceRef;
    }
  | {
      readonly kind: 'upload';
      readonly key: string;
      /** Identifies the transfer (TR-069 A.4.1.5): its TransferComplete carries it back. */
      readonly commandKey: string;
      readonly file: UploadFile;
      readonly source: SourceRef;
    };

export interface Conflict {
  readonly what: 'parameter' | 'object' | 'notification' | 'firmware';
  readonly target: string;
  readonly winner: SourceRef;
  readonly loser: SourceRef;
}

export interface DesiredState {
  readonly values: ReadonlyMap<string, DesiredValue>;
  readonly objects: readonly DesiredObject[];
  readonly notifications: ReadonlyMap<string, DesiredNotification>;
  readonly refresh: readonly DesiredRefresh[];
  readonly actions: readonly DesiredAction[];
  /** Declarations that lost to a higher-precedence one with a different value. */
  readonly conflicts: readonly Conflict[];
  /** Faults found while merging (profile scripts that failed); plan() hands them on. */
  readonly findings?: readonly FaultRecord[];
  /** Fault keys the merge showed resolved (a script that ran again without error). */
  readonly resolved?: readonly string[];
}

export const EMPTY_DESIRED: DesiredState = {
  values: new Map(),
  objects: [],
  notifications: new Map(),
  refresh: [],
  actions: [],
  conflicts: [],
};
