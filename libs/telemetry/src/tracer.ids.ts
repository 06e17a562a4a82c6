import { randomFillSync } from 'node:crypto';

// Trace and span ids for AcsTracer: cut from a pool of random bytes turned into hex once per
// refill, so an id is a substring, not a random draw and a hex conversion of its own (the SDK's
// RandomIdGenerator fills a buffer from Math.random and hex-encodes it per id). The bytes come
// from the CSPRNG. An all-zero id is invalid in W3C trace context and is never handed out.

const POOL_BYTES = 4096;
const ZERO_SPAN_ID = '0000000000000000';
const ZERO_TRACE_ID = '00000000000000000000000000000000';

const pool = Buffer.allocUnsafe(POOL_BYTES);
let hex = '';
/** Next unused hex character of `hex`. */
let at = 0;

function take(chars: number): string {
  if (at + chars > hex.length) {
    randomFillSync(pool);
    hex = pool.toString('hex');
    at = 0;
  }
  const id = hex.slice(at, at + chars);
  at += chars;
  return id;
}

/** 16 lower-case hex digits, never all zero. */
export function newSpanId(): string {
  let id = take(16);
  while (id === ZERO_SPAN_ID) id = take(16);
  return id;
}

/** 32 lower-case hex digits, never all zero. */
export function newTraceId(): string {
  let id = take(32);
  while (id === ZERO_TRACE_ID) id = take(32);
  return id;
}
