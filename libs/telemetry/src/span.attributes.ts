import type { Attributes, AttributeValue } from '@opentelemetry/api';

/**
 * Span attribute names. OTel semantic conventions (semconv 1.45, stable where one exists) for the
 * generic ones; `acs.*` for what the conventions do not cover. Never put credentials in a span:
 * `redactAttributes` drops anything that looks like one, and every span this lib's SDK exports
 * went through it (see RedactingSpanProcessor).
 */
export const ATTR = {
  /** `OUI-ProductClass-SerialNumber` (escaped), as derived by @acs/events. */
  deviceId: 'acs.device.id',
  /** CWMP session id (the lock token; one per session, spans every HTTP request of it). */
  sessionId: 'acs.cwmp.session.id',
  /** Stable semconv: the RPC system. CWMP RPCs use `RPC_SYSTEM.cwmp`, the NBI `RPC_SYSTEM.grpc`. */
  rpcSystem: 'rpc.system.name',
  /** Stable semconv: CWMP method name (`Inform`, `GetParameterValues`…) or gRPC `pkg.Service/Method`. */
  rpcMethod: 'rpc.method',
  /** Stable semconv: the gRPC status as its name (`OK`, `NOT_FOUND`…). */
  rpcStatusCode: 'rpc.status_code',
  /** The cwmp:ID header value of one RPC (TR-069 A.4.1). */
  rpcId: 'acs.cwmp.rpc.id',
  /** CWMP fault code: 8000–8006 (ACS) or 9000–9032 (CPE), TR-069 A.5.1. */
  faultCode: 'acs.cwmp.fault.code',
  faultString: 'acs.cwmp.fault.string',
  /** The Inform's event codes (`1 BOOT`, `6 CONNECTION REQUEST`…), TR-069 A.3.3.1. */
  eventCodes: 'acs.cwmp.event.codes',
  /** Negotiated CWMP version (`1.0`…`1.4`). */
  cwmpVersion: 'acs.cwmp.version',
  /** Why a session ended: `done`, `timeout`, `fault`, `auth`, `error`… */
  sessionEndReason: 'acs.cwmp.session.end_reason',
  /** Connection request transport: `http`, `udp`, `xmpp`. */
  connreqMethod: 'acs.connreq.method',
  /** Connection request outcome: `accepted`, `refused`, `timeout`, `unreachable`, `error`. */
  connreqOutcome: 'acs.connreq.outcome',
  /** Messaging semconv (Kafka topic, operation, consumer group, partition key). */
  messagingSystem: 'messaging.system',
  messagingDestination: 'messaging.destination.name',
  messagingOperationName: 'messaging.operation.name',
  messagingOperationType: 'messaging.operation.type',
  messagingConsumerGroup: 'messaging.consumer.group.name',
  messagingKafkaKey: 'messaging.kafka.message.key',
  /** Stable DB semconv: `redis`, `mongodb`, `sqlite`. */
  dbSystem: 'db.system.name',
  dbOperation: 'db.operation.name',
  /** Stable semconv: class of error (fault code, error class name, `timeout`). */
  errorType: 'error.type',
  httpMethod: 'http.request.method',
  httpStatusCode: 'http.response.status_code',
  /** Why a span links to another trace (`connection-request` for a wake-up). */
  linkReason: 'acs.link.reason',
} as const;

export const RPC_SYSTEM = { cwmp: 'cwmp', grpc: 'grpc' } as const;

// Key fragments that mark a credential: TR-069 parameters (ConnectionRequestPassword,
// ManagementServer.Password, STUNPassword, X_..._Key), HTTP headers and generic secrets.
const CREDENTIAL_KEY =
  /passw(or)?d|passphrase|secret|token|credential|authori[sz]ation|cookie|psk|(api|private|pre[-_.]?shared|wep)[-_.]?key/i;
// Values that carry a credential whatever their key: HTTP auth headers, Digest responses.
const AUTH_SCHEME = /^\s*(basic|digest|bearer|negotiate)\s+\S/i;

/**
 * False when AUTH_SCHEME cannot match: the first character is neither b, d or n (either case) nor
 * one that may be whitespace to the regex (all of its \s characters are ≤ U+0020 or non-ASCII).
 * Most values (ids, topics, method names) are ruled out here without running the regex.
 */
function mayHaveAuthScheme(value: string): boolean {
  const c = value.charCodeAt(0);
  const lower = c | 0x20;
  return lower === 98 || lower === 100 || lower === 110 || c <= 32 || c > 127;
}
const DIGEST_RESPONSE = /\bresponse="[0-9a-f]{32,}"/i;
// userinfo in a URL: scheme://user[:password]@host
const URL_USERINFO = /^([a-z][a-z0-9+.-]*:\/\/)[^/?#@]*@/i;
const URL_USERINFO_ANYWHERE = /([a-z][a-z0-9+.-]*:\/\/)[^/?#@\s]*@/gi;

// Attribute keys come from a small fixed set, and this runs for every attribute of every span
// (bench/telemetry.bench.ts): remember the verdicts, up to a bound so odd keys cannot grow it.
const keyVerdicts = new Map<string, boolean>();
const MAX_CACHED_KEYS = 2048;

/** True for an attribute name that names a credential (password, secret, token, key…). */
export function isCredentialKey(key: string): boolean {
  const cached = keyVerdicts.get(key);
  if (cached !== undefined) return cached;
  const verdict = CREDENTIAL_KEY.test(key);
  if (keyVerdicts.size < MAX_CACHED_KEYS) keyVerdicts.set(key, verdict);
  return verdict;
}

/**
 * Free text (error messages, span status) without credentials: an HTTP credential becomes
 * `[REDACTED]`, user:password@ is cut out of URLs anywhere in the text.
 */
export function redactText(text: string): string {
  if (
    (mayHaveAuthScheme(text) && AUTH_SCHEME.test(text)) ||
    (text.length >= 43 && DIGEST_RESPONSE.test(text))
  )
    return '[REDACTED]';
  return text.includes('@') ? text.replace(URL_USERINFO_ANYWHERE, '$1') : text;
}

function safeString(value: string): string | undefined {
  // Cheap substring checks first: almost no value is a credential.
  if (mayHaveAuthScheme(value) && AUTH_SCHEME.test(value)) return undefined;
  if (value.length >= 43 && DIGEST_RESPONSE.test(value)) return undefined;
  return value.includes('@') && URL_USERINFO.test(value)
    ? value.replace(URL_USERINFO, '$1')
    : value;
}

// Attribute values are `unknown` in API 1.10 (AnyValue); strings inside arrays and maps are checked
// as well. Depth-bounded so a cyclic or absurdly nested value cannot recurse forever. An array or
// map with nothing to remove is returned as it is (the same object), so callers can tell by
// identity whether anything changed.
function safeValue(value: unknown, depth: number): unknown {
  if (typeof value === 'string') return safeString(value);
  if (depth > 8 || value === null || typeof value !== 'object' || value instanceof Uint8Array)
    return value;
  if (Array.isArray(value)) {
    const items = value as readonly unknown[];
    let out: unknown[] | undefined;
    for (let i = 0; i < items.length; i++) {
      const v = items[i];
      const s = safeValue(v, depth + 1);
      if (s === v && s !== undefined && out === undefined) continue;
      out ??= items.slice(0, i);
      if (s !== undefined) out.push(s);
    }
    return out ?? value;
  }
  const entries = Object.entries(value as Record<string, unknown>);
  let out: Record<string, unknown> | undefined;
  for (let i = 0; i < entries.length; i++) {
    const [k, v] = entries[i] as [string, unknown];
    const s = isCredentialKey(k) ? undefined : safeValue(v, depth + 1);
    if (s === v && s !== undefined && out === undefined) continue;
    out ??= Object.fromEntries(entries.slice(0, i));
    if (s !== undefined) out[k] = s;
  }
  return out ?? value;
}

/**
 * The value to record for `key`, or undefined when it must not be recorded: credential-looking
 * names and values are dropped; user:password@ is cut out of URLs.
 */
// AttributeValue is `unknown` in API 1.10, so `undefined` (= do not record) is already part of it.
export function redactAttribute(key: string, value: AttributeValue): AttributeValue {
  if (isCredentialKey(key)) return undefined;
  return safeValue(value, 0);
}

/** A copy of `attributes` without credentials (see redactAttribute). */
export function redactAttributes(attributes: Attributes): Attributes {
  const out: Attributes = {};
  for (const key of Object.keys(attributes)) {
    const value = attributes[key];
    if (value === undefined) continue;
    const safe = redactAttribute(key, value);
    if (safe !== undefined) out[key] = safe;
  }
  return out;
}

/** Removes credentials from `attributes` in place; returns how many attributes were touched. */
export function scrubAttributesInPlace(attributes: Attributes): number {
  let touched = 0;
  for (const key of Object.keys(attributes)) {
    const value = attributes[key];
    if (value === undefined) continue;
    const safe = redactAttribute(key, value);
    if (safe === value) continue;
    if (safe === undefined) delete attributes[key];
    else attributes[key] = safe;
    touched++;
  }
  return touched;
}
