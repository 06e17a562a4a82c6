// Rendering for stdout: aligned tables for people, JSON for scripts. Values shown here come from
// devices over the network (parameter values, serial numbers), so every control character is
// escaped before it reaches a terminal: a CPE must not be able to move the cursor or retitle the
// operator's window with an ANSI sequence in a parameter value.

export type OutputFormat = 'table' | 'json';

export interface Column<T> {
  readonly header: string;
  readonly value: (row: T) => unknown;
}

// C0 controls, DEL and the C1 range (0x9b is a one-byte CSI on some terminals).
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/g;

/** A value as one table cell: controls escaped, objects as compact JSON, nothing as "-". */
export function cellText(value: unknown): string {
  if (value === undefined || value === null || value === '') return '-';
  let s: string;
  if (typeof value === 'string') s = value;
  else if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint')
    s = String(value);
  else if (value instanceof Date) s = value.toISOString();
  else s = toJson(value, 0);
  return s.replace(CONTROL, escapeControl);
}

function escapeControl(c: string): string {
  switch (c) {
    case '\n':
      return '\\n';
    case '\r':
      return '\\r';
    case '\t':
      return '\\t';
    default:
      return `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`;
  }
}

/** Columns padded to their widest cell, a header line, one line per row; the last column is not padded. */
export function renderTable<T>(rows: readonly T[], columns: readonly Column<T>[]): string {
  const cells = rows.map((r) => columns.map((c) => cellText(c.value(r))));
  const widths = columns.map((c, i) =>
    Math.max(c.header.length, ...cells.map((row) => (row[i] ?? '').length)),
  );
  const line = (values: readonly string[]): string =>
    values
      .map((v, i) => (i === values.length - 1 ? v : v.padEnd(widths[i] ?? 0)))
      .join('  ')
      .trimEnd();
  return [line(columns.map((c) => c.header)), ...cells.map(line)].join('\n') + '\n';
}

/** `key  value` lines for one object (get commands in table mode). */
export function renderFields(fields: readonly (readonly [string, unknown])[]): string {
  const width = Math.max(0, ...fields.map(([k]) => k.length));
  return fields.map(([k, v]) => `${k.padEnd(width)}  ${cellText(v)}`.trimEnd()).join('\n') + '\n';
}

/**
 * JSON for scripts: bigint as a decimal string (int64 counters exceed 2^53), bytes as base64,
 * Dates as ISO strings, and C1 controls escaped too (JSON.stringify leaves them raw).
 */
export function toJson(value: unknown, indent = 2): string {
  const text = JSON.stringify(
    value,
    (_key, v: unknown) => {
      if (typeof v === 'bigint') return v.toString();
      if (v instanceof Uint8Array) return Buffer.from(v).toString('base64');
      return v;
    },
    indent,
  );
  // A JSON text has these characters only inside strings, where \u escapes keep it valid.
  return (text ?? 'null').replace(
    /[\u007f-\u009f]/g,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
}

/** One JSON document per line (streams in --output json: one line per status update). */
export function renderJsonLine(value: unknown): string {
  return toJson(value, 0) + '\n';
}
