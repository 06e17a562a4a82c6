import { CwmpError, CwmpErrorCode } from '../cwmp.error';

/** One challenge of a WWW-Authenticate header, or the credentials of an Authorization header. */
export interface AuthChallenge {
  /** Scheme as sent (compare case-insensitively). */
  readonly scheme: string;
  /** auth-params, names lower-cased, quoted-string values unescaped; the first of duplicates wins. */
  readonly params: Readonly<Record<string, string>>;
  /** A token68 instead of params (e.g. Basic credentials). */
  readonly token68?: string;
}

// RFC 7230 §3.2.6 tchar
const TCHAR = /[!#$%&'*+\-.^_`|~0-9A-Za-z]/;
// RFC 7235 §2.1 token68, alone up to the next comma or the end (so it is not a `name=value`).
const TOKEN68 = /([A-Za-z0-9\-._~+/]+=*)[ \t]*(?=,|$)/y;

function malformed(message: string): CwmpError {
  return new CwmpError(CwmpErrorCode.AuthMalformed, message);
}

/**
 * Parse `WWW-Authenticate` / `Authorization` values per RFC 7235 §2.1 (several comma-separated
 * challenges, token or quoted-string params with optional whitespace around `=`, token68).
 * Tolerates extra commas and spaces, which CPE HTTP stacks produce.
 * @throws CwmpError AuthMalformed
 */
export function parseAuthHeader(header: string): AuthChallenge[] {
  if (header.length > 8192) throw malformed('authentication header too long');
  const s = header;
  let i = 0;
  const out: { scheme: string; params: Record<string, string>; token68?: string }[] = [];

  const skip = (commas: boolean): void => {
    while (i < s.length && (s[i] === ' ' || s[i] === '\t' || (commas && s[i] === ','))) i++;
  };
  const token = (re: RegExp): string => {
    const start = i;
    while (i < s.length && re.test(s[i] as string)) i++;
    return s.slice(start, i);
  };

  for (;;) {
    skip(true);
    if (i >= s.length) break;
    const scheme = token(TCHAR);
    if (scheme === '') throw malformed(`unexpected ${JSON.stringify(s[i])} at ${i}`);
    const current: { scheme: string; params: Record<string, string>; token68?: string } = {
      scheme,
      params: Object.create(null) as Record<string, string>,
    };
    out.push(current);
    skip(false);
    TOKEN68.lastIndex = i;
    const t68 = TOKEN68.exec(s);
    if (t68 !== null) {
      current.token68 = t68[1];
      i = TOKEN68.lastIndex;
      continue;
    }
    for (;;) {
      skip(true);
      if (i >= s.length) break;
      const nameStart = i;
      const name = token(TCHAR);
      if (name === '') throw malformed(`unexpected ${JSON.stringify(s[i])} at ${i}`);
      skip(false);
      if (s[i] !== '=') {
        // A bare token: the scheme of the next challenge.
        i = nameStart;
        break;
      }
      i++;
      skip(false);
      let value = '';
      if (s[i] === '"') {
        i++;
        for (;;) {
          if (i >= s.length) throw malformed('unterminated quoted-string');
          let c = s[i] as string;
          if (c === '"') break;
          if (c === '\\') {
            i++;
            if (i >= s.length) throw malformed('unterminated quoted-string');
            c = s[i] as string;
          }
          value += c;
          i++;
        }
        i++;
      } else {
        value = token(TCHAR);
      }
      const key = name.toLowerCase();
      if (!(key in current.params)) current.params[key] = value;
    }
  }
  return out;
}
