import type { CpeMethodRequest, CpeMethodResponse, CwmpMessage } from '@acs/cwmp';
import { handleCpeMethod, type SimulatedCpe } from '@acs/cpe-sim';
import {
  decodeEvent,
  decodeInboxEntry,
  encodeEvent,
  type CwmpEvent,
  type InformEventV1,
} from '@acs/events';
import type { SessionRegistry } from '@acs/sessions';

/** Something that takes CWMP events: the service itself, or a bus publish. */
export type EventSink = (event: CwmpEvent) => Promise<void>;

export interface DrivenSession {
  readonly sessionId: string;
  readonly rpcs: CpeMethodRequest[];
  readonly rpcIds: string[];
}

/**
 * Plays the gateway's part for unit tests without HTTP: sends a simulated CPE's Inform as an
 * event, then takes each inbox entry, lets the CPE (`@acs/cpe-sim`) answer it and sends the
 * answer back as an rpc-result event, until `done`. Every event goes through the real codec.
 */
export class SessionDriver {
  private n = 0;

  constructor(
    private readonly sink: EventSink,
    private readonly registry: SessionRegistry,
    private readonly clock: () => number,
    private readonly prefix = 'sess',
  ) {}

  informEvent(cpe: SimulatedCpe, events: readonly string[], sessionId: string): InformEventV1 {
    cpe.events = events.map((eventCode) => ({ eventCode, commandKey: '' }));
    const inform = cpe.buildInform(new Date(this.clock()).toISOString());
    cpe.acknowledge(inform.event, inform.parameterList);
    return {
      schema: 'cwmp.inform.v1',
      eventId: `${sessionId}/inform`,
      deviceId: cpe.deviceId,
      sessionId,
      occurredAt: new Date(this.clock()).toISOString(),
      cwmpVersion: '1.2',
      inform,
    };
  }

  async send(event: CwmpEvent): Promise<void> {
    await this.sink(decodeEvent(encodeEvent(event)));
  }

  /** One whole session; throws when the inbox stays empty (a stranded session). */
  async session(cpe: SimulatedCpe, events: readonly string[]): Promise<DrivenSession> {
    const sessionId = `${this.prefix}${++this.n}`;
    await this.send(this.informEvent(cpe, events, sessionId));
    return this.drain(cpe, sessionId);
  }

  /** Answers inbox entries of a session until `done`. */
  async drain(cpe: SimulatedCpe, sessionId: string, waitMs = 5_000): Promise<DrivenSession> {
    const out: DrivenSession = { sessionId, rpcs: [], rpcIds: [] };
    for (let i = 0; i < 500; i++) {
      const raw = await this.registry.popInbox(sessionId, waitMs);
      if (raw === null)
        throw new Error(`session ${sessionId} stranded after ${out.rpcs.length} RPCs`);
      const entry = decodeInboxEntry(raw);
      if (entry.kind === 'done') return out;
      out.rpcs.push(entry.request);
      out.rpcIds.push(entry.rpcId);
      const answer: CwmpMessage = handleCpeMethod(cpe, entry.request);
      await this.send({
        schema: 'cwmp.rpc-result.v1',
        eventId: `${sessionId}/rpc/${entry.rpcId}`,
        deviceId: cpe.deviceId,
        sessionId,
        occurredAt: new Date(this.clock()).toISOString(),
        rpcId: entry.rpcId,
        requestType: entry.request.type,
        outcome:
          answer.type === 'Fault'
            ? { kind: 'fault', fault: answer }
            : // handleCpeMethod answers a CPE method with its response type.
              { kind: 'response', response: answer as CpeMethodResponse },
      });
    }
    throw new Error(`session ${sessionId} did not end within 500 RPCs`);
  }
}
