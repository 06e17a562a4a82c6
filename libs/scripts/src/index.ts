// @acs/scripts — the sandbox for profile scripts (issue 5, point 3): QuickJS in WebAssembly,
// time/memory/stack limits, deterministic clock and random. Implements @acs/domain's
// ScriptEvaluator port. See docs/provisioning.md ("Scripts").
export {
  QuickJsScriptEvaluator,
  performanceClock,
  MAX_OUTPUT_CHARS,
} from './quickjs.script-evaluator';
export type { DeadlineClock } from './quickjs.script-evaluator';
export { ScriptsError, ScriptsErrorCode } from './scripts.error';
export { SCRIPT_PRELUDE } from './script.prelude';
