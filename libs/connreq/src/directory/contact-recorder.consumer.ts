import type { EventBus, Subscription } from '@acs/bus';
import { decodeEvent, TOPICS, type CwmpEvent } from '@acs/events';
import { managementServerValues } from './management-server.params';
import type { ContactRecorder, ContactRecorderStats } from './contact.recorder';

export interface ContactRecorderConsumerDeps {
  readonly bus: EventBus;
  readonly recorder: ContactRecorder;
  /** Consumer group. Default `acs-connreq-contacts`. */
  readonly groupId?: string;
  /** Where events go after the handler failed `maxAttempts` times (the store was down). */
  readonly deadLetterTopic?: string;
}

export interface ContactRecorderConsumer {
  readonly stats: ContactRecorderStats & { malformed: number };
  stop(): Promise<void>;
}

export const CONTACTS_DEAD_LETTER_TOPIC = 'acs.connreq.contacts.dlq';

/**
 * Feeds the ContactRecorder from the gateway's topics: every Inform (its ParameterList carries
 * ConnectionRequestURL, and whatever else the CPE reports), and every session end — by then
 * provisioning has stored what the session read and set (a new ConnectionRequestPassword, a
 * ConnReqJabberID read by a profile's refresh), which the next wake-up needs before the next
 * Inform. Keyed by device id, so one device's refreshes run in order.
 */
export async function startContactRecorder(
  deps: ContactRecorderConsumerDeps,
): Promise<ContactRecorderConsumer> {
  let malformed = 0;
  const sub: Subscription = await deps.bus.subscribe({
    groupId: deps.groupId ?? 'acs-connreq-contacts',
    topics: [TOPICS.informs, TOPICS.sessions],
    maxAttempts: 5,
    retryBackoffMs: 200,
    deadLetterTopic: () => deps.deadLetterTopic ?? CONTACTS_DEAD_LETTER_TOPIC,
    handler: async (m) => {
      let event: CwmpEvent;
      try {
        event = decodeEvent(m.value);
      } catch {
        // Not ours to judge (the gateway wrote it); retrying would fail the same way.
        malformed++;
        return;
      }
      if (event.schema === 'cwmp.inform.v1')
        await deps.recorder.refresh(
          event.deviceId,
          managementServerValues(event.inform.parameterList),
        );
      else if (event.schema === 'cwmp.session.v1' && event.kind === 'ended')
        await deps.recorder.refresh(event.deviceId);
    },
  });
  return {
    get stats() {
      return { ...deps.recorder.stats, malformed };
    },
    stop: () => sub.stop(),
  };
}
