// Profile scripts (issue 5, point 3): logic a declaration cannot express, run by a sandboxed
// evaluator (`@acs/scripts`, QuickJS in WebAssembly) that this pure lib only knows as a port. A
// script reads a read-only snapshot of the device and declares desired state; it performs no I/O.

/** Fault target of a profile's script (paths always contain a dot, so it cannot clash). */
export const SCRIPT_TARGET = 'script';

/**
 * Codes of script faults (`FaultRecord.kind: 'script'`). ACS-internal: below every CWMP fault
 * range (TR-069 A.5.1 uses 8000–8999 and 9000–9899), so they are never mistaken for CPE faults.
 */
export enum ScriptFaultCode {
  /** The script threw (syntax error, TypeError, `throw`…). */
  Error = 1,
  /** The script ran longer than its time limit (interrupted). */
  Timeout = 2,
  /** The script exceeded its memory or stack limit. */
  Memory = 3,
  /** The script's declarations do not validate (wrong path, value, action…). */
  Invalid = 4,
  /** No script evaluator was configured where the profile was merged. */
  Unavailable = 5,
}

/** Device facts a script sees (plain JSON, frozen inside the sandbox). */
export interface ScriptDeviceInfo {
  readonly id: string;
  readonly oui: string;
  readonly productClass: string;
  readonly serialNumber: string;
  readonly manufacturer: string;
  readonly softwareVersion: string | null;
  readonly hardwareVersion: string | null;
  readonly provisioningCode: string | null;
  readonly root: string | null;
  readonly tags: readonly string[];
  /** Event codes of the current session's Inform. */
  readonly events: readonly string[];
  readonly lastInform: number | null;
  readonly lastBoot: number | null;
  readonly lastBootstrap: number | null;
}

/** A reported value as a script sees it: booleans and 32-bit integers typed, the rest lexical. */
export type ScriptValue = string | number | boolean;

/** The read-only snapshot handed to the evaluator. */
export interface ScriptDevice {
  readonly info: ScriptDeviceInfo;
  /** The device's value of a parameter, or null when the ACS does not know it. */
  value(path: string): ScriptValue | null;
  /** Instance numbers of a table (`Device.WiFi.SSID.`) known to the ACS, ascending. */
  instances(table: string): number[];
}

export interface ScriptRequest {
  /** Profile name, for messages and the file name in stack traces. */
  readonly name: string;
  readonly source: string;
  readonly timeoutMs: number;
  readonly memoryBytes: number;
  readonly stackBytes: number;
  readonly device: ScriptDevice;
  /** What `Date.now()`/`new Date()` return inside the script (derived from the session). */
  readonly clock: number;
  /** Seed of the script's `Math.random` (derived from device, profile and session). */
  readonly seed: number;
}

export type ScriptRun =
  | { readonly ok: true; readonly output: unknown }
  | { readonly ok: false; readonly code: ScriptFaultCode; readonly message: string };

/** Runs one script, synchronously, inside its limits. Never throws for anything the script does. */
export interface ScriptEvaluator {
  evaluate(request: ScriptRequest): ScriptRun;
  /** Compiles without running (when a profile is saved): the syntax error, or undefined. */
  check?(name: string, source: string): string | undefined;
}
