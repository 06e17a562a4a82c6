import { parseEnvelope, serializeEnvelope, type CwmpMessage, type CwmpVersion } from '@acs/cwmp';
import type { SessionTransport, TransportResponse } from '../cpe.session';
import type { SimulatedCpe } from '../simulated-cpe';

/** One message the CPE sent, as the ACS saw it. */
export interface SeenMessage {
  readonly deviceId: string;
  readonly session: number;
  readonly xml: string;
  readonly message: CwmpMessage | undefined;
}

/**
 * An in-memory ACS for tests (no sockets): answers Inform and CPE requests, then sends the RPCs
 * queued for the device one by one and ends the session with 204. Records everything the CPE sent.
 */
export class ScriptedAcs {
  readonly seen: SeenMessage[] = [];
  private readonly rpcs = new Map<string, CwmpMessage[]>();
  private sessions = 0;
  /** Set to make the next sessions fail at the transport (ACS down). */
  down = false;

  constructor(private readonly version: CwmpVersion = '1.2') {}

  /** Queues RPCs for the device's next session(s). */
  queue(cpe: SimulatedCpe, ...messages: CwmpMessage[]): void {
    const list = this.rpcs.get(cpe.deviceId) ?? [];
    list.push(...messages);
    this.rpcs.set(cpe.deviceId, list);
  }

  /** Messages the CPE sent, of one type. */
  sent<T extends CwmpMessage['type']>(type: T): Extract<CwmpMessage, { type: T }>[] {
    return this.seen
      .map((s) => s.message)
      .filter((m): m is Extract<CwmpMessage, { type: T }> => m?.type === type);
  }

  /** Responses to RPCs, in order (everything that is not a CPE-initiated message). */
  responses(): CwmpMessage[] {
    return this.seen
      .map((s) => s.message)
      .filter(
        (m): m is CwmpMessage =>
          m !== undefined &&
          !['Inform', 'TransferComplete', 'DUStateChangeComplete'].includes(m.type),
      );
  }

  transport = (cpe: SimulatedCpe): SessionTransport => {
    const session = ++this.sessions;
    let id = 0;
    // Answer in the namespace the CPE used (as an ACS does without CWMP 1.4 negotiation).
    let version: CwmpVersion = this.version;
    const reply = (body: CwmpMessage): TransportResponse => ({
      status: 200,
      body: serializeEnvelope({ version, header: { id: `acs-${++id}` }, body }),
    });
    return {
      post: async (xml: string): Promise<TransportResponse> => {
        if (this.down) throw new Error('connect ECONNREFUSED 127.0.0.1');
        let message: CwmpMessage | undefined;
        try {
          const env = xml === '' ? undefined : parseEnvelope(xml);
          message = env?.body;
          if (env !== undefined && env.body.type === 'Inform') version = env.version;
        } catch {
          message = undefined;
        }
        this.seen.push({ deviceId: cpe.deviceId, session, xml, message });
        if (xml !== '' && message === undefined) return { status: 400, body: '' };
        switch (message?.type) {
          case 'Inform':
            return reply({ type: 'InformResponse', maxEnvelopes: 1 });
          case 'TransferComplete':
            return reply({ type: 'TransferCompleteResponse' });
          case 'DUStateChangeComplete':
            return reply({ type: 'DUStateChangeCompleteResponse' });
          default: {
            const next = this.rpcs.get(cpe.deviceId)?.shift();
            return next === undefined ? { status: 204, body: '' } : reply(next);
          }
        }
      },
      close: () => undefined,
    };
  };
}
