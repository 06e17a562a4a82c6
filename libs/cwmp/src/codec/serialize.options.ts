/**
 * Per-device-class output options (CWMP-NOTES "Values": some CPEs want booleans as 1/0 and
 * dateTimes without fractional seconds).
 */
export interface SerializeOptions {
  /** `word` → true/false (default, canonical xsd:boolean); `digit` → 1/0. */
  booleanFormat?: 'word' | 'digit';
  /** `keep` (default) writes dateTimes as given; `strip` drops fractional seconds. */
  dateTimeFraction?: 'keep' | 'strip';
  /** Emit `<?xml version="1.0" encoding="UTF-8"?>` first (default true). */
  xmlDeclaration?: boolean;
}

export type ResolvedSerializeOptions = Required<SerializeOptions>;

export const DEFAULT_SERIALIZE_OPTIONS: Readonly<ResolvedSerializeOptions> = Object.freeze({
  booleanFormat: 'word',
  dateTimeFraction: 'keep',
  xmlDeclaration: true,
});
