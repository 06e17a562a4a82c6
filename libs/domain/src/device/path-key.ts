import { DomainError, DomainErrorCode } from '../domain.error';

// MongoDB refuses `.` anywhere in a field name and `$` at its start, and parameter paths are full
// of dots. Paths are stored as keys percent-encoded: `%` → %25, `.` → %2E, `$` → %24. The mapping
// is a bijection, so any string (not only valid paths) round-trips.

const NEEDS_ESCAPE = /[%.$]/;
const ESCAPE = /[%.$]/g;
const UNESCAPE = /%(25|2E|24)/g;
const CODES: Readonly<Record<string, string>> = { '%': '%25', '.': '%2E', $: '%24' };
const CHARS: Readonly<Record<string, string>> = { '25': '%', '2E': '.', '24': '$' };

/** `Device.WiFi.SSID.1.SSID` → `Device%2EWiFi%2ESSID%2E1%2ESSID`: safe as a MongoDB field name. */
export function escapePathKey(path: string): string {
  if (!NEEDS_ESCAPE.test(path)) return path;
  return path.replace(ESCAPE, (c) => CODES[c] ?? c);
}

/** The inverse of escapePathKey; throws DomainError(InvalidKey) on a `%` not produced by it. */
export function unescapePathKey(key: string): string {
  if (!key.includes('%')) return key;
  // A `%` that does not start one of the three codes was not produced by escapePathKey.
  if (/%(?!25|2E|24)/.test(key))
    throw new DomainError(DomainErrorCode.InvalidKey, `not an escaped path key: ${key}`);
  return key.replace(UNESCAPE, (_, h: string) => CHARS[h] ?? '');
}

// Defined, not assigned: a key `__proto__` (stored data is not trusted) stays an own property
// instead of replacing the record's prototype.
function put<V>(out: Record<string, V>, key: string, value: V): void {
  if (key === '__proto__')
    Object.defineProperty(out, key, {
      value,
      enumerable: true,
      writable: true,
      configurable: true,
    });
  else out[key] = value;
}

/** Escapes every key of a path-keyed record (for persisting a DeviceState's maps). */
export function escapeKeys<V>(record: Readonly<Record<string, V>>): Record<string, V> {
  const out: Record<string, V> = {};
  for (const k of Object.keys(record)) put(out, escapePathKey(k), record[k] as V);
  return out;
}

/** The inverse of escapeKeys. */
export function unescapeKeys<V>(record: Readonly<Record<string, V>>): Record<string, V> {
  const out: Record<string, V> = {};
  for (const k of Object.keys(record)) put(out, unescapePathKey(k), record[k] as V);
  return out;
}
