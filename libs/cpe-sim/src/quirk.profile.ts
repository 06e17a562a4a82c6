import { CpeSimError, CpeSimErrorCode } from './cpe-sim.error';

// Field quirks (CWMP-NOTES "Field behaviour"), switchable per device group. Those the serializer
// can express go through SerializeOptions (booleans as 1/0); the others rewrite the XML string.

export interface QuirkProfile {
  /** Values without xsi:type (the ACS must treat them as strings). */
  readonly missingXsiType?: boolean;
  /** `soap-enc:arrayType` with no length / an odd item type. */
  readonly oddArrayType?: boolean;
  /** Booleans as 1/0 (applied through the serializer). */
  readonly booleanDigits?: boolean;
  /** GetParameterNames reports every parameter's writability inverted. */
  readonly wrongWritability?: boolean;
  /** AddObjectResponse without its InstanceNumber. */
  readonly omitInstanceNumber?: boolean;
  /** Delay before each message the CPE sends (ms). */
  readonly slowResponseMs?: number;
  /** Drop the connection after this many messages of a session (a dead CPE mid-session). */
  readonly dropAfterMessages?: number;
  /** Send a truncated, not well-formed envelope instead of each RPC response. */
  readonly malformedResponses?: boolean;
}

/** Applies the XML-level quirks to one serialized CPE message. */
export function applyXmlQuirks(xml: string, q: QuirkProfile, isResponse: boolean): string {
  let out = xml;
  if (q.missingXsiType === true) out = out.replace(/<Value xsi:type="[^"]*">/g, '<Value>');
  if (q.oddArrayType === true)
    out = out.replace(
      /soap-enc:arrayType="cwmp:([A-Za-z]+)\[\d+\]"/g,
      'soap-enc:arrayType="cwmp:$1[]"',
    );
  if (q.omitInstanceNumber === true) out = out.replace(/<InstanceNumber>\d+<\/InstanceNumber>/, '');
  if (q.malformedResponses === true && isResponse)
    out = out.slice(0, Math.floor(out.length / 2)) + '<&';
  return out;
}

/** Parses `name[=value],…` (the CLI's --quirks) into a profile; unknown names are refused. */
export function parseQuirks(spec: string): QuirkProfile {
  const q: Record<string, boolean | number> = {};
  for (const part of spec
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '')) {
    const [name = '', value] = part.split('=');
    switch (name) {
      case 'missingXsiType':
      case 'oddArrayType':
      case 'booleanDigits':
      case 'wrongWritability':
      case 'omitInstanceNumber':
      case 'malformedResponses':
        q[name] = true;
        break;
      case 'slowResponseMs':
      case 'dropAfterMessages': {
        const n = Number(value);
        if (!Number.isInteger(n) || n < 0)
          throw new CpeSimError(
            CpeSimErrorCode.InvalidConfig,
            `quirk ${name} needs a non-negative integer`,
          );
        q[name] = n;
        break;
      }
      default:
        throw new CpeSimError(CpeSimErrorCode.InvalidConfig, `unknown quirk "${name}"`);
    }
  }
  return q;
}
