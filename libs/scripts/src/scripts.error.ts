/** Why the script runtime could not be used (what a script does is a ScriptRun, never an error). */
export enum ScriptsErrorCode {
  /** The QuickJS WebAssembly module could not be loaded. */
  RuntimeUnavailable = 'SCRIPTS_RUNTIME_UNAVAILABLE',
}

export class ScriptsError extends Error {
  override readonly name = 'ScriptsError';

  constructor(
    readonly code: ScriptsErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}
