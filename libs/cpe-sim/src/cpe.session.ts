import {
  CWMP_VERSIONS,
  namespaceOfVersion,
  parseEnvelope,
  serializeEnvelope,
  type CwmpEnvelope,
  type CwmpHeader,
  type CwmpMessage,
  type CwmpVersion,
} from '@acs/cwmp';
import { CpeSimError, CpeSimErrorCode } from './cpe-sim.error';
import { handleCpeMethod } from './cpe.methods';
import { applyXmlQuirks } from './quirk.profile';
import type { SimClock } from './sim.clock';
import type { SimulatedCpe } from './simulated-cpe';

export interface TransportResponse {
  readonly status: number;
  readonly body: string;
}

/** One CWMP session's HTTP exchange (cookies, auth, keep-alive belong to the transport). */
export interface SessionTransport {
  post(body: string): Promise<TransportResponse>;
  close(): void;
}

export type SessionOutcome =
  | { readonly ok: true; readonly messages: number }
  | { readonly ok: false; readonly messages: number; readonly error: string };

// A session that never ends (an ACS looping on requests) is cut here: bounded by design.
const MAX_MESSAGES = 10_000;

function dateTime(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d+Z$/, 'Z');
}

/**
 * Runs one CWMP session as the CPE (TR-069 3.7.1): Inform → InformResponse, the CPE's own
 * requests (TransferComplete, DUStateChangeComplete), then the empty POST and the ACS's RPCs
 * until it answers 204. Throws nothing: the outcome says whether the events were delivered.
 */
export async function runSession(
  cpe: SimulatedCpe,
  transport: SessionTransport,
  clock: SimClock,
): Promise<SessionOutcome> {
  let messages = 0;
  const q = cpe.group.quirks;
  let version: CwmpVersion = cpe.group.cwmpVersion;
  let namespace = namespaceOfVersion(version);
  const options =
    q.booleanDigits === true
      ? { ...cpe.group.serialize, booleanFormat: 'digit' as const }
      : cpe.group.serialize;
  let seq = 0;

  const send = async (
    body: CwmpMessage | undefined,
    header: CwmpHeader,
    isResponse: boolean,
  ): Promise<CwmpEnvelope | undefined> => {
    if (q.dropAfterMessages !== undefined && messages >= q.dropAfterMessages) {
      transport.close();
      throw new CpeSimError(
        CpeSimErrorCode.Transport,
        'connection dropped (quirk dropAfterMessages)',
      );
    }
    if (q.slowResponseMs !== undefined && q.slowResponseMs > 0) {
      const ms = q.slowResponseMs;
      await new Promise<void>((resolve) => clock.setTimer(ms, resolve));
    }
    const xml =
      body === undefined
        ? ''
        : applyXmlQuirks(
            serializeEnvelope({ version, namespace, header, body }, options),
            q,
            isResponse,
          );
    messages++;
    const res = await transport.post(xml);
    if (res.status === 204 || (res.status === 200 && res.body.trim() === '')) return undefined;
    if (res.status !== 200)
      throw new CpeSimError(CpeSimErrorCode.Transport, `HTTP ${res.status} from the ACS`);
    return parseEnvelope(res.body);
  };

  try {
    const inform = cpe.buildInform(dateTime(clock.now()));
    const header: CwmpHeader = {
      id: `${cpe.serial}-${++seq}`,
      ...(version === '1.4' ? { supportedCwmpVersions: CWMP_VERSIONS.slice() } : {}),
    };
    const ir = await send(inform, header, false);
    if (ir?.body.type !== 'InformResponse')
      throw new CpeSimError(
        CpeSimErrorCode.SessionProtocol,
        `expected InformResponse, got ${ir?.body.type ?? 'no body'}`,
      );
    // TR-069 A.3.1.4 (1.4): the ACS picks the version for the rest of the session.
    const use = ir.header.useCwmpVersion;
    if (use !== undefined && (CWMP_VERSIONS as readonly string[]).includes(use)) {
      version = use as CwmpVersion;
      namespace = namespaceOfVersion(version);
    }
    // Without UseCWMPVersion the CPE keeps its own namespace (TR-069 A.3.1.4).
    cpe.acknowledge(inform.event, inform.parameterList);
    cpe.retryCount = 0;

    // The CPE's own requests first (TR-069 3.7.1.2), each removed once answered.
    while (cpe.pending !== undefined && cpe.pending.length > 0) {
      const req = cpe.pending[0];
      if (req === undefined) break;
      const res = await send(req, { id: `${cpe.serial}-${++seq}` }, false);
      if (res?.body.type !== `${req.type}Response`)
        throw new CpeSimError(
          CpeSimErrorCode.SessionProtocol,
          `expected ${req.type}Response, got ${res?.body.type ?? 'no body'}`,
        );
      cpe.pending.shift();
    }
    if (cpe.pending?.length === 0) cpe.pending = undefined;

    // Empty POST, then answer RPCs until the ACS ends the session.
    let request = await send(undefined, {}, false);
    while (request !== undefined) {
      if (messages > MAX_MESSAGES)
        throw new CpeSimError(CpeSimErrorCode.SessionProtocol, 'session too long');
      const response = handleCpeMethod(cpe, request.body);
      const h: CwmpHeader = request.header.id === undefined ? {} : { id: request.header.id };
      request = await send(response, h, true);
    }
    return { ok: true, messages };
  } catch (e) {
    return { ok: false, messages, error: e instanceof Error ? e.message : String(e) };
  } finally {
    transport.close();
  }
}
