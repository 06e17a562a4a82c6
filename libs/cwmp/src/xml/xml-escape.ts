import { CwmpError, CwmpErrorCode } from '../cwmp.error';

// Characters XML 1.0 §2.2 does not allow at all (not even as a reference), incl. lone surrogates.
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const FORBIDDEN = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|\p{Cs}/u;
const TEXT_SPECIAL = /[&<>\r]/;
const ATTR_SPECIAL = /[&<>"\r\n\t]/;

function check(s: string): void {
  if (FORBIDDEN.test(s)) {
    throw new CwmpError(
      CwmpErrorCode.InvalidValue,
      'string contains a character XML 1.0 cannot carry',
    );
  }
}

/** Escape character data. `\r` becomes `&#13;` so it survives end-of-line normalisation (XML 1.0 §2.11). */
export function escapeText(s: string): string {
  check(s);
  if (!TEXT_SPECIAL.test(s)) return s;
  return s.replace(/[&<>\r]/g, (c) =>
    c === '&' ? '&amp;' : c === '<' ? '&lt;' : c === '>' ? '&gt;' : '&#13;',
  );
}

/** Escape an attribute value for double quotes; whitespace is referenced so attribute normalisation keeps it. */
export function escapeAttr(s: string): string {
  check(s);
  if (!ATTR_SPECIAL.test(s)) return s;
  return s.replace(/[&<>"\r\n\t]/g, (c) => `&#${c.charCodeAt(0)};`);
}
