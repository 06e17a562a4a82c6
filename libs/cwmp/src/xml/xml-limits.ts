/**
 * Parser limits. Defaults are sized for the largest legitimate CWMP traffic (a full
 * GetParameterValuesResponse of a big TR-181 tree is a few MB, ~10 levels deep) with headroom,
 * while keeping a hostile body's cost bounded.
 */
export interface XmlLimits {
  /** Body size: bytes for a Buffer, UTF-16 code units for a string. */
  maxBytes: number;
  /** Element nesting depth; a CWMP envelope needs about 8. */
  maxDepth: number;
  /** Total number of elements in the document. */
  maxElements: number;
  /** Attributes on one element. */
  maxAttributes: number;
  /** Characters in one element's text or one attribute value. */
  maxTextLength: number;
}

export const DEFAULT_XML_LIMITS: Readonly<XmlLimits> = Object.freeze({
  maxBytes: 8 * 1024 * 1024,
  maxDepth: 64,
  maxElements: 500_000,
  maxAttributes: 32,
  maxTextLength: 1024 * 1024,
});
