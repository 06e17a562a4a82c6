import type { CpeMethodRequest } from '@acs/cwmp';
import type { FaultRecord, SourceRef } from '../device/device-state.types';
import type { Conflict } from '../desired/desired-state.types';

/** One piece of desired state an RPC serves: a path or action key, and who declared it. */
export interface PlanItem {
  readonly target: string;
  readonly source: SourceRef;
}

export type RpcPurpose =
  | 'discover'
  | 'read'
  | 'readAttributes'
  | 'deleteObject'
  | 'addObject'
  | 'set'
  | 'setAttributes'
  | 'download'
  | 'upload'
  | 'scheduleInform'
  | 'factoryReset'
  | 'reboot';

/** An RPC to send, with the bookkeeping needed to apply its result (applyRpcResult). */
export interface PlannedRpc {
  readonly request: CpeMethodRequest;
  readonly purpose: RpcPurpose;
  readonly items: readonly PlanItem[];
  /** AddObject: the desired object the instance is for (recorded on the instance). */
  readonly createdFor?: string;
  /** One-off actions: the keys recorded in DeviceState.actionRuns on success. */
  readonly actionKeys?: readonly string[];
  /** Firmware Download: the SoftwareVersion it brings. */
  readonly version?: string;
}

export type SkipReason =
  /** A fault's retry time has not come. */
  | 'backoff'
  /** The value was set and read back different too often (loop fault). */
  | 'loop'
  /** The device said (9005) or showed (discovery) that the path does not exist. */
  | 'absent'
  /** The declared value does not convert to the parameter's type. */
  | 'invalidValue'
  /** The table does not allow AddObject (GetParameterNames said not writable). */
  | 'notWritable'
  /** An `[alias]` path whose instance is not known. */
  | 'unresolvedAlias'
  /** A Download or Upload with the same CommandKey is still in progress. */
  | 'inProgress';

export interface Skipped {
  readonly target: string;
  readonly source: SourceRef;
  readonly reason: SkipReason;
}

export type PlanPhase = 'discover' | 'read' | 'write' | 'actions' | 'done';

export interface Plan {
  /** Which step this is; `done` ⇔ no RPCs: the session can end. */
  readonly phase: PlanPhase;
  /** The next batch, in send order. */
  readonly rpcs: readonly PlannedRpc[];
  /** Desired state not acted on this step, and why. */
  readonly skipped: readonly Skipped[];
  /** New faults the plan itself found (loops): record them with recordFindings. */
  readonly findings: readonly FaultRecord[];
  readonly conflicts: readonly Conflict[];
  /** Fault keys to clear (recordFindings): failures that did not happen again (scripts). */
  readonly resolved?: readonly string[];
}

export interface PlanPolicy {
  /** Names per GetParameterValues / GetParameterAttributes, parameters per SetParameterValues. */
  readonly maxNamesPerRpc: number;
  /** Confirmed sets read back different this many times → loop fault. */
  readonly loopThreshold: number;
  /** First retry after a fault; doubles per retry (exponential backoff). */
  readonly backoffBaseMs: number;
  readonly backoffMaxMs: number;
  /** A Download or Upload not completed within this time may be sent again. */
  readonly transferTimeoutMs: number;
}

export const DEFAULT_PLAN_POLICY: PlanPolicy = {
  maxNamesPerRpc: 100,
  loopThreshold: 3,
  backoffBaseMs: 60_000,
  backoffMaxMs: 24 * 3_600_000,
  transferTimeoutMs: 3_600_000,
};

export interface PlanContext {
  readonly now: number;
  readonly policy?: Partial<PlanPolicy>;
}
