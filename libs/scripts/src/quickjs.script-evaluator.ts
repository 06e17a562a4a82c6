import type { ScriptEvaluator, ScriptRequest, ScriptRun } from '@acs/domain';
import { ScriptFaultCode } from '@acs/domain';
import {
  newQuickJSWASMModuleFromVariant,
  RELEASE_SYNC,
  type QuickJSContext,
  type QuickJSSyncVariant,
  type QuickJSHandle,
  type QuickJSRuntime,
  type QuickJSWASMModule,
} from 'quickjs-emscripten';
import { SCRIPT_PRELUDE } from './script.prelude';
import { ScriptsError, ScriptsErrorCode } from './scripts.error';

/** Monotonic milliseconds for the time limit; injectable so the limit is testable. */
export interface DeadlineClock {
  now(): number;
}

export const performanceClock: DeadlineClock = { now: () => performance.now() };

// The release build of the synchronous variant, loaded with require(): the package's own loader
// uses a dynamic import(), which Jest's CommonJS sandbox cannot run without
// --experimental-vm-modules; both resolve to the same Emscripten build (dist/*.cjs).
const VARIANT: QuickJSSyncVariant = {
  ...RELEASE_SYNC,
  importModuleLoader: () =>
    Promise.resolve(
      // A CommonJS module without types; its export is the Emscripten module factory.
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      require('@jitl/quickjs-wasmfile-release-sync/emscripten-module') as Awaited<
        ReturnType<QuickJSSyncVariant['importModuleLoader']>
      >,
    ),
};

/** Longest declarations text a script may return (the memory limit bounds it too). */
export const MAX_OUTPUT_CHARS = 1 << 20;

function messageOf(dumped: unknown): string {
  if (dumped !== null && typeof dumped === 'object') {
    const d = dumped as { name?: unknown; message?: unknown };
    if (typeof d.message === 'string')
      return `${typeof d.name === 'string' ? d.name : 'Error'}: ${d.message}`;
  }
  return `thrown: ${String(JSON.stringify(dumped) ?? dumped)}`.slice(0, 300);
}

function isMemory(message: string): boolean {
  return /out of memory|stack overflow|memory limit/i.test(message);
}

/**
 * Runs profile scripts in QuickJS compiled to WebAssembly (`quickjs-emscripten`): the script
 * has no host objects at all (no require, process, fs, network, timers) — only the frozen
 * `device` snapshot and the `declare` API of the prelude. Each evaluation gets a fresh runtime
 * (its own heap, memory limit, stack limit and interrupt handler) and context, so nothing
 * survives from one evaluation to the next; the WebAssembly module is loaded once.
 */
export class QuickJsScriptEvaluator implements ScriptEvaluator {
  private constructor(
    private readonly module: QuickJSWASMModule,
    private readonly clock: DeadlineClock,
  ) {}

  /** Loads the WebAssembly module (once per evaluator; ~1 MB, a few ms). */
  static async create(clock: DeadlineClock = performanceClock): Promise<QuickJsScriptEvaluator> {
    try {
      return new QuickJsScriptEvaluator(await newQuickJSWASMModuleFromVariant(VARIANT), clock);
    } catch (e) {
      throw new ScriptsError(
        ScriptsErrorCode.RuntimeUnavailable,
        `QuickJS module not loaded: ${String(e)}`,
        { cause: e },
      );
    }
  }

  check(name: string, source: string): string | undefined {
    const runtime = this.module.newRuntime();
    try {
      runtime.setMemoryLimit(8 << 20);
      runtime.setMaxStackSize(256 << 10);
      const deadline = this.clock.now() + 200;
      runtime.setInterruptHandler(() => this.clock.now() > deadline);
      const ctx = runtime.newContext();
      try {
        const r = ctx.evalCode(source, `${name}.profile.js`, { strict: true, compileOnly: true });
        if (r.error) {
          const message = messageOf(ctx.dump(r.error));
          r.error.dispose();
          return message.slice(0, 500);
        }
        r.value.dispose();
        return undefined;
      } finally {
        ctx.dispose();
      }
    } catch (e) {
      return e instanceof Error ? `${e.name}: ${e.message}` : String(e);
    } finally {
      try {
        runtime.dispose();
      } catch {
        // See evaluate(): nothing of a compile-only run is left to free.
      }
    }
  }

  evaluate(request: ScriptRequest): ScriptRun {
    let runtime: QuickJSRuntime | undefined;
    let context: QuickJSContext | undefined;
    const handles: QuickJSHandle[] = [];
    let interrupted = false;
    const fail = (code: ScriptFaultCode, message: string): ScriptRun => ({
      ok: false,
      code,
      message,
    });
    const classify = (message: string): ScriptRun => {
      if (interrupted)
        return fail(ScriptFaultCode.Timeout, `ran longer than ${request.timeoutMs} ms`);
      if (isMemory(message))
        return fail(
          ScriptFaultCode.Memory,
          `exceeded its memory (${request.memoryBytes} B) or stack (${request.stackBytes} B) limit: ${message}`,
        );
      return fail(ScriptFaultCode.Error, message);
    };
    try {
      runtime = this.module.newRuntime();
      runtime.setMemoryLimit(request.memoryBytes);
      runtime.setMaxStackSize(request.stackBytes);
      const deadline = this.clock.now() + request.timeoutMs;
      runtime.setInterruptHandler(() => {
        if (this.clock.now() <= deadline) return false;
        interrupted = true;
        return true;
      });
      const ctx = runtime.newContext();
      context = ctx;
      const keep = (h: QuickJSHandle): QuickJSHandle => {
        handles.push(h);
        return h;
      };
      const dumpError = (h: QuickJSHandle): string => {
        keep(h);
        try {
          return messageOf(ctx.dump(h));
        } catch (e) {
          return String(e);
        }
      };
      const valueFn = keep(
        ctx.newFunction('value', (h) => {
          if (ctx.typeof(h) !== 'string') return ctx.null;
          const v = request.device.value(ctx.getString(h));
          if (v === null) return ctx.null;
          if (typeof v === 'string') return ctx.newString(v);
          if (typeof v === 'number') return ctx.newNumber(v);
          return v ? ctx.true : ctx.false;
        }),
      );
      const instancesFn = keep(
        ctx.newFunction('instances', (h) =>
          ctx.newString(
            JSON.stringify(
              ctx.typeof(h) === 'string' ? request.device.instances(ctx.getString(h)) : [],
            ),
          ),
        ),
      );
      const prelude = ctx.evalCode(SCRIPT_PRELUDE, 'prelude.js', { strict: true });
      if (prelude.error) return classify(dumpError(prelude.error));
      const installed = ctx.callFunction(
        keep(prelude.value),
        ctx.undefined,
        keep(ctx.newString(JSON.stringify(request.device.info))),
        valueFn,
        instancesFn,
        keep(ctx.newNumber(request.clock)),
        keep(ctx.newNumber(request.seed)),
      );
      if (installed.error) return classify(dumpError(installed.error));
      const collect = keep(installed.value);
      const ran = ctx.evalCode(request.source, `${request.name}.profile.js`, { strict: true });
      if (ran.error) return classify(dumpError(ran.error));
      keep(ran.value);
      const collected = ctx.callFunction(collect, ctx.undefined);
      if (collected.error) return classify(dumpError(collected.error));
      const text = ctx.getString(keep(collected.value));
      if (text.length > MAX_OUTPUT_CHARS)
        return fail(
          ScriptFaultCode.Invalid,
          `declarations larger than ${MAX_OUTPUT_CHARS} characters`,
        );
      return { ok: true, output: JSON.parse(text) as unknown };
    } catch (e) {
      // The library throws (rather than returning an error handle) when the heap is exhausted
      // inside its own calls; anything else here is a bug of ours, reported as a script error.
      return classify(e instanceof Error ? `${e.name}: ${e.message}` : String(e));
    } finally {
      for (const h of handles.reverse()) {
        try {
          if (h.alive) h.dispose();
        } catch {
          // A handle of a context that failed already: the runtime disposal below frees it.
        }
      }
      try {
        context?.dispose();
        runtime?.dispose();
      } catch {
        // Disposing after an out-of-memory may find objects still listed; the runtime's memory
        // is released with its heap either way.
      }
    }
  }
}
