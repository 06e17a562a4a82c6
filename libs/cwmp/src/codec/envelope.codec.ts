import { CwmpError, CwmpErrorCode, lineAt } from '../cwmp.error';
import type { CwmpEnvelope, CwmpHeader, CwmpMessage, CwmpVersion } from '../model/envelope.types';
import { escapeAttr, escapeText } from '../xml/xml-escape';
import { decodeBody } from '../xml/xml-decode';
import { DEFAULT_XML_LIMITS, type XmlLimits } from '../xml/xml-limits';
import { parseXml, type XmlElement } from '../xml/xml-tokenizer';
import { acsMethodCodecs } from './acs-methods.codec';
import {
  bool,
  formatBoolean,
  invalid,
  leafText,
  uint,
  type Codec,
  type DecodeContext,
  type EncodeContext,
} from './codec';
import { cpeMethodCodecs } from './cpe-methods.codec';
import { decodeFault, encodeFault } from './fault.codec';
import {
  SOAP_ENC_NS,
  SOAP_ENV_NS,
  XSD_NS,
  XSI_NS,
  isCwmpNamespace,
  namespaceOfVersion,
  versionOfNamespace,
} from './namespace';
import { DEFAULT_SERIALIZE_OPTIONS, type SerializeOptions } from './serialize.options';

export interface ParseOptions {
  /** Override some or all of {@link DEFAULT_XML_LIMITS}. */
  limits?: Partial<XmlLimits>;
}

// A Map, not an object index: a body element named `constructor` or `__proto__` must not hit Object.prototype.
const codecs = new Map<string, Codec<object>>(
  Object.entries({ ...cpeMethodCodecs, ...acsMethodCodecs }) as [string, Codec<object>][],
);

/** The method names this codec understands (for GetRPCMethodsResponse and for tests). */
export const KNOWN_METHODS: readonly string[] = [...codecs.keys()];

/**
 * Parse one SOAP envelope (an HTTP POST body) into a typed CWMP message.
 * Elements are matched by local name, whatever the prefix and whichever cwmp-1-N namespace.
 * @throws CwmpError — UnknownMethod carries `details.method` and `details.id` so the gateway can answer fault 8000.
 */
export function parseEnvelope(
  body: Buffer | Uint8Array | string,
  options?: ParseOptions,
): CwmpEnvelope {
  const limits =
    options?.limits === undefined
      ? DEFAULT_XML_LIMITS
      : { ...DEFAULT_XML_LIMITS, ...options.limits };
  // Checked on the raw bytes, before any decoding work.
  if (body.length > limits.maxBytes) throw CwmpError.limit('maxBytes', limits.maxBytes, 0);
  const src = decodeBody(body);
  const root = parseXml(src, limits);
  const ctx: DecodeContext = { src };
  if (root.local !== 'Envelope')
    throw envelopeError(root, ctx, `root element is <${root.name}>, not a SOAP Envelope`);

  let headerEl: XmlElement | undefined;
  let bodyEl: XmlElement | undefined;
  for (const c of root.children) {
    if (c.local === 'Header') headerEl ??= c;
    else if (c.local === 'Body') bodyEl ??= c;
  }
  if (bodyEl === undefined) throw envelopeError(root, ctx, 'SOAP Envelope has no Body');

  let header: CwmpHeader = {};
  try {
    if (headerEl !== undefined) header = decodeHeader(headerEl, ctx);
  } catch (e) {
    // A bad HoldRequests/SessionTimeout: still report the ID so the fault can echo it.
    const id = headerEl?.children.find((c) => c.local === 'ID' && c.children.length === 0)?.text;
    if (e instanceof CwmpError && id !== undefined) e.details.id = id;
    throw e;
  }
  const method = bodyEl.children[0];
  if (method === undefined) {
    throw new CwmpError(
      CwmpErrorCode.EmptyBody,
      'SOAP Body is empty',
      withId({ offset: bodyEl.offset, line: lineAt(src, bodyEl.offset) }, header),
    );
  }
  const namespace = findNamespace(method, root, headerEl) ?? 'urn:dslforum-org:cwmp-1-0';
  const version = versionOfNamespace(namespace) ?? '1.0';

  let message: CwmpMessage;
  try {
    if (method.local === 'Fault') message = decodeFault(method, ctx);
    else {
      const codec = codecs.get(method.local);
      if (codec === undefined) {
        throw new CwmpError(CwmpErrorCode.UnknownMethod, `unknown CWMP method ${method.local}`, {
          offset: method.offset,
          line: lineAt(src, method.offset),
          path: `/${root.local}/${bodyEl.local}/${method.local}`,
        });
      }
      // The codec tables are keyed by the same names as the `type` discriminant.
      message = { type: method.local, ...codec.decode(method, ctx) } as CwmpMessage;
    }
  } catch (e) {
    if (e instanceof CwmpError)
      throw withDetails(e, {
        method: method.local,
        ...(header.id === undefined ? {} : { id: header.id }),
      });
    throw e;
  }
  return { version, namespace, header, body: message };

  function withDetails(e: CwmpError, extra: { method?: string; id?: string }): CwmpError {
    Object.assign(e.details, extra, header.id === undefined ? {} : { id: header.id });
    return e;
  }
}

function withId<T extends object>(d: T, header: CwmpHeader): T & { id?: string } {
  return header.id === undefined ? d : { ...d, id: header.id };
}

function envelopeError(el: XmlElement, ctx: DecodeContext, message: string): CwmpError {
  const e = invalid(el, ctx, message);
  return new CwmpError(CwmpErrorCode.InvalidEnvelope, message, e.details);
}

/** Namespace bound to `prefix` in scope at `el` (xmlns / xmlns:p on it or an ancestor). */
function resolvePrefix(el: XmlElement | null, prefix: string): string | undefined {
  const attr = prefix === '' ? 'xmlns' : `xmlns:${prefix}`;
  for (let e = el; e !== null; e = e.parent) {
    const a = e.attrs;
    if (a === null) continue;
    for (let i = 0; i < a.length; i += 2) if (a[i] === attr) return a[i + 1];
  }
  return undefined;
}

function anyCwmpNamespace(el: XmlElement | undefined): string | undefined {
  const a = el?.attrs;
  if (a === null || a === undefined) return undefined;
  for (let i = 0; i < a.length; i += 2) {
    const n = a[i] as string;
    const v = a[i + 1] as string;
    if ((n === 'xmlns' || n.startsWith('xmlns:')) && isCwmpNamespace(v)) return v;
  }
  return undefined;
}

/** The cwmp namespace: the method element's own, else the ID header's, else any cwmp declaration on the way. */
function findNamespace(
  method: XmlElement,
  root: XmlElement,
  headerEl: XmlElement | undefined,
): string | undefined {
  const own = resolvePrefix(method, method.prefix);
  if (own !== undefined && isCwmpNamespace(own)) return own;
  const id = headerEl?.children.find((c) => c.local === 'ID');
  if (id !== undefined) {
    const ns = resolvePrefix(id, id.prefix);
    if (ns !== undefined && isCwmpNamespace(ns)) return ns;
  }
  const detailFault =
    method.local === 'Fault'
      ? method.children.find((c) => c.local === 'detail')?.children[0]
      : undefined;
  const fromDetail =
    detailFault === undefined ? undefined : resolvePrefix(detailFault, detailFault.prefix);
  if (fromDetail !== undefined && isCwmpNamespace(fromDetail)) return fromDetail;
  return (
    anyCwmpNamespace(root) ??
    anyCwmpNamespace(method.parent ?? undefined) ??
    anyCwmpNamespace(headerEl) ??
    anyCwmpNamespace(id)
  );
}

/** TR-069 A.3.1: ID, HoldRequests, SessionTimeout (1.3), SupportedCWMPVersions / UseCWMPVersion (1.4). NoMoreRequests is deprecated and ignored. */
function decodeHeader(el: XmlElement, ctx: DecodeContext): CwmpHeader {
  const h: { -readonly [K in keyof CwmpHeader]: CwmpHeader[K] } = {};
  for (const c of el.children) {
    switch (c.local) {
      case 'ID':
        h.id = leafText(c, ctx);
        break;
      case 'HoldRequests':
        h.holdRequests = bool.decode(c, ctx);
        break;
      case 'SessionTimeout':
        h.sessionTimeout = uint.decode(c, ctx);
        break;
      case 'SupportedCWMPVersions':
        h.supportedCwmpVersions = leafText(c, ctx)
          .split(',')
          .map((v) => v.trim())
          .filter((v) => v !== '');
        break;
      case 'UseCWMPVersion':
        h.useCwmpVersion = leafText(c, ctx).trim();
        break;
    }
  }
  return h;
}

/** What {@link serializeEnvelope} needs; `namespace` defaults to the standard one for `version`. */
export interface EnvelopeInput {
  readonly version: CwmpVersion;
  readonly namespace?: string;
  readonly header?: CwmpHeader;
  readonly body: CwmpMessage;
}

function encodeHeader(h: CwmpHeader, ctx: EncodeContext): string {
  let s = '';
  // TR-069 A.3.1.1: ID and HoldRequests carry mustUnderstand="1"; so does UseCWMPVersion (cwmp-1-4.xsd: required).
  if (h.id !== undefined) s += `<cwmp:ID soap-env:mustUnderstand="1">${escapeText(h.id)}</cwmp:ID>`;
  if (h.holdRequests !== undefined) {
    s += `<cwmp:HoldRequests soap-env:mustUnderstand="1">${formatBoolean(h.holdRequests, ctx)}</cwmp:HoldRequests>`;
  }
  if (h.sessionTimeout !== undefined)
    s += uint.encode('cwmp:SessionTimeout', h.sessionTimeout, ctx);
  if (h.supportedCwmpVersions !== undefined) {
    s += `<cwmp:SupportedCWMPVersions>${escapeText(h.supportedCwmpVersions.join(','))}</cwmp:SupportedCWMPVersions>`;
  }
  if (h.useCwmpVersion !== undefined) {
    s += `<cwmp:UseCWMPVersion soap-env:mustUnderstand="1">${escapeText(h.useCwmpVersion)}</cwmp:UseCWMPVersion>`;
  }
  return s === '' ? '' : `<soap-env:Header>${s}</soap-env:Header>`;
}

/**
 * Write a SOAP 1.1 envelope valid against the BBF cwmp XSD of its version: soap-enc arrays with
 * arrayType, explicit xsi:type on parameter values, cwmp:ID with mustUnderstand="1".
 * @throws CwmpError InvalidValue for values XML or the XSD types cannot carry.
 */
export function serializeEnvelope(envelope: EnvelopeInput, options?: SerializeOptions): string {
  const ctx: EncodeContext = {
    options:
      options === undefined
        ? DEFAULT_SERIALIZE_OPTIONS
        : { ...DEFAULT_SERIALIZE_OPTIONS, ...options },
  };
  const ns = envelope.namespace ?? namespaceOfVersion(envelope.version);
  if (!isCwmpNamespace(ns))
    throw new CwmpError(CwmpErrorCode.InvalidValue, `not a cwmp namespace: ${ns}`);
  const msg = envelope.body;
  let body: string;
  if (msg.type === 'Fault') body = encodeFault(msg, ctx);
  else {
    const codec = codecs.get(msg.type);
    if (codec === undefined)
      throw new CwmpError(
        CwmpErrorCode.InvalidValue,
        `unknown message type ${escapeAttr(String(msg.type))}`,
      );
    body = codec.encode(`cwmp:${msg.type}`, msg, ctx);
  }
  return (
    (ctx.options.xmlDeclaration ? '<?xml version="1.0" encoding="UTF-8"?>\n' : '') +
    `<soap-env:Envelope xmlns:soap-env="${SOAP_ENV_NS}" xmlns:soap-enc="${SOAP_ENC_NS}" xmlns:xsd="${XSD_NS}" xmlns:xsi="${XSI_NS}" xmlns:cwmp="${ns}">` +
    encodeHeader(envelope.header ?? {}, ctx) +
    `<soap-env:Body>${body}</soap-env:Body></soap-env:Envelope>`
  );
}
