import { randomUUID } from 'node:crypto';
import type { DeliveredMessage, EventBus, Headers } from '@acs/bus';
import { DLQ_HEADER, defaultDeadLetterTopic } from '@acs/bus';
import { EVENT_HEADERS } from '@acs/events';
import { PROVISIONING_TOPICS } from './provisioning.consumer';
import { ProvisioningError, ProvisioningErrorCode } from './provisioning.error';

/** Header a replayed event carries: where in the dead-letter topic it came from. */
export const REPLAYED_FROM_HEADER = 'x-dlq-replayed-from';

/** One dead-lettered event, as found in a dead-letter topic. */
export interface DeadLetter {
  /** `<dlqTopic>:<partition>:<offset>`, what `replay --id` takes. */
  readonly id: string;
  readonly dlqTopic: string;
  readonly partition: number;
  readonly offset: string;
  /** The topic it failed on (and is replayed to). */
  readonly topic: string;
  readonly key: string;
  readonly error: string;
  readonly schema?: string;
  /** The event id when the value is JSON with one (for the operator; not needed to replay). */
  readonly eventId?: string;
  readonly value: Buffer;
  readonly headers: Headers;
}

/** Time for the scan's idle detection; injectable so the scan is testable without waiting. */
export interface ScanTimer {
  now(): number;
  sleep(ms: number): Promise<void>;
}

export const realScanTimer: ScanTimer = {
  now: () => Date.now(),
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
};

export interface DlqScanOptions {
  /** Dead-letter topics to read. Default: those of the provisioning topics (`<topic>.dlq`). */
  readonly topics?: readonly string[];
  /** The scan ends after this long without a new message (Kafka: covers the group join). */
  readonly idleMs?: number;
  /** …and after this long in any case. */
  readonly maxMs?: number;
  /** …or once this many letters were read. */
  readonly limit?: number;
}

export interface DlqSelection {
  /** Every letter read (still narrowed by key/error). */
  readonly all?: boolean;
  /** Letter ids (`<dlqTopic>:<partition>:<offset>`). */
  readonly ids?: readonly string[];
  readonly key?: string;
  /** Substring of the recorded error. */
  readonly errorContains?: string;
}

function eventIdOf(value: Buffer): string | undefined {
  if (value.length > 1 << 20) return undefined;
  try {
    const parsed: unknown = JSON.parse(value.toString('utf8'));
    if (parsed !== null && typeof parsed === 'object' && 'eventId' in parsed) {
      const id = parsed.eventId;
      return typeof id === 'string' ? id.slice(0, 200) : undefined;
    }
  } catch {
    // Not JSON: it was dead-lettered for that; listed without an event id.
  }
  return undefined;
}

/** Reads a delivered dead-letter message; the topic it is replayed to is derived, never trusted. */
export function deadLetterOf(m: DeliveredMessage): DeadLetter {
  // Replay only ever goes back to the topic this DLQ belongs to (`<topic>.dlq` → `<topic>`), so a
  // crafted x-dlq-topic header cannot redirect events elsewhere.
  const topic = m.topic.endsWith('.dlq') ? m.topic.slice(0, -'.dlq'.length) : m.topic;
  const schema = m.headers[EVENT_HEADERS.schema];
  const eventId = eventIdOf(m.value);
  return {
    id: `${m.topic}:${m.partition}:${m.offset}`,
    dlqTopic: m.topic,
    partition: m.partition,
    offset: m.offset,
    topic,
    key: m.key,
    error: m.headers[DLQ_HEADER.error] ?? '',
    ...(schema === undefined ? {} : { schema }),
    ...(eventId === undefined ? {} : { eventId }),
    value: m.value,
    headers: m.headers,
  };
}

/** The letters an operator selected; ids not found are reported, not ignored. */
export function selectLetters(
  letters: readonly DeadLetter[],
  selection: DlqSelection,
): { selected: DeadLetter[]; missing: string[] } {
  if (selection.all !== true && (selection.ids ?? []).length === 0)
    throw new ProvisioningError(
      ProvisioningErrorCode.InvalidArgument,
      'select letters with all or with ids',
    );
  const ids = new Set(selection.ids ?? []);
  const selected = letters.filter(
    (l) =>
      (selection.all === true || ids.has(l.id)) &&
      (selection.key === undefined || l.key === selection.key) &&
      (selection.errorContains === undefined || l.error.includes(selection.errorContains)),
  );
  const found = new Set(letters.map((l) => l.id));
  return { selected, missing: [...ids].filter((id) => !found.has(id)) };
}

/**
 * Lists and replays dead-lettered events (issue 5: a transient failure that outlasted the retries,
 * e.g. a store outage of minutes, ends in `<topic>.dlq`). Listing reads the dead-letter topics
 * from the beginning with a fresh consumer group (nothing is consumed for anyone else) until
 * they stay idle; replaying publishes the selected letters back to their own topic with their
 * key, value and headers (minus the `x-dlq-*` ones, plus `x-dlq-replayed-from`). Replaying twice
 * is harmless: the service is idempotent by event id.
 */
export class DlqReplayer {
  constructor(
    private readonly bus: EventBus,
    private readonly timer: ScanTimer = realScanTimer,
    private readonly groupSuffix: () => string = () => randomUUID(),
  ) {}

  async scan(options: DlqScanOptions = {}): Promise<DeadLetter[]> {
    const topics = options.topics ?? PROVISIONING_TOPICS.map(defaultDeadLetterTopic);
    const idleMs = options.idleMs ?? 5_000;
    const maxMs = options.maxMs ?? 60_000;
    const limit = options.limit ?? 10_000;
    const letters: DeadLetter[] = [];
    const start = this.timer.now();
    let last = start;
    const subscription = await this.bus.subscribe({
      groupId: `dlq-scan-${this.groupSuffix()}`,
      topics,
      fromBeginning: true,
      maxAttempts: 1,
      handler: async (m) => {
        if (letters.length < limit) letters.push(deadLetterOf(m));
        last = this.timer.now();
        await Promise.resolve();
      },
    });
    try {
      for (;;) {
        const now = this.timer.now();
        if (letters.length >= limit || now - last >= idleMs || now - start >= maxMs) break;
        await this.timer.sleep(Math.min(200, idleMs));
      }
    } finally {
      await subscription.stop();
    }
    return letters.sort(
      (a, b) =>
        a.dlqTopic.localeCompare(b.dlqTopic) ||
        a.partition - b.partition ||
        Number(BigInt(a.offset) - BigInt(b.offset)),
    );
  }

  /** Publishes each letter back to its topic (per topic, in the order given). */
  async replay(letters: readonly DeadLetter[]): Promise<number> {
    const byTopic = new Map<string, DeadLetter[]>();
    for (const l of letters) byTopic.set(l.topic, [...(byTopic.get(l.topic) ?? []), l]);
    for (const [topic, list] of byTopic)
      await this.bus.publish(
        topic,
        list.map((l) => ({
          key: l.key,
          value: l.value,
          headers: {
            ...Object.fromEntries(
              Object.entries(l.headers).filter(([k]) => !k.startsWith('x-dlq-')),
            ),
            [REPLAYED_FROM_HEADER]: l.id,
          },
        })),
      );
    return letters.length;
  }
}
