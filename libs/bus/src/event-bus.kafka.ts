import {
  Kafka,
  logLevel,
  Partitioners,
  type Consumer,
  type EachBatchPayload,
  type IHeaders,
  type LogEntry,
  type Producer,
} from 'kafkajs';
import { BusError, BusErrorCode } from './bus.error';
import { deadLetterOf, runWithRetries } from './dead-letter';
import { PublishBatcher, type TopicBatch } from './publish-batcher';
import {
  defaultDeadLetterTopic,
  validateOutgoing,
  type DeliveredMessage,
  type EventBus,
  type OutgoingMessage,
  type SubscribeOptions,
  type Subscription,
} from './event-bus.port';

export type BusLogger = (level: 'error' | 'warn' | 'info', message: string, extra: object) => void;

export interface KafkaEventBusOptions {
  brokers: readonly string[];
  clientId: string;
  /** Prepended to every topic and group id, so tests and tenants can share a cluster. */
  prefix?: string;
  /** How long a publish may keep retrying (broker down) before it fails. Default 10 s. */
  publishTimeoutMs?: number;
  sessionTimeoutMs?: number;
  /** Extra time a publish waits for others to share its produce request. Default 0 (same tick). */
  lingerMs?: number;
  /** Partitions of topics this adapter creates itself. Default 1. */
  defaultPartitions?: number;
  logger?: BusLogger;
}

/** Offsets are committed at least this often while a batch is being worked through. */
const COMMIT_EVERY_MESSAGES = 100;
const COMMIT_EVERY_MS = 1_000;

/**
 * Kafka adapter on kafkajs. Produces with acks=all; consumes with explicit
 * commits after each handled (or dead-lettered) message, in batches.
 */
export class KafkaEventBus implements EventBus {
  private readonly kafka: Kafka;
  private readonly prefix: string;
  private producer: Producer | null = null;
  private connecting: Promise<Producer> | null = null;
  private readonly consumers = new Set<Consumer>();
  private closed = false;
  private readonly defaultPartitions: number;
  private readonly batcher: PublishBatcher;

  constructor(private readonly options: KafkaEventBusOptions) {
    this.prefix = options.prefix ?? '';
    this.defaultPartitions = options.defaultPartitions ?? 1;
    this.batcher = new PublishBatcher(
      (batches) => this.sendBatches(batches),
      options.lingerMs ?? 0,
    );
    const publishTimeout = options.publishTimeoutMs ?? 10_000;
    const log = options.logger;
    this.kafka = new Kafka({
      clientId: options.clientId,
      brokers: [...options.brokers],
      connectionTimeout: 3_000,
      requestTimeout: Math.max(5_000, publishTimeout),
      retry: { initialRetryTime: 100, maxRetryTime: 2_000, retries: 8 },
      logLevel: log ? logLevel.INFO : logLevel.NOTHING,
      logCreator: () => (entry: LogEntry) => {
        if (!log) return;
        const { message, ...extra } = entry.log;
        const level =
          entry.level === logLevel.ERROR
            ? 'error'
            : entry.level === logLevel.WARN
              ? 'warn'
              : 'info';
        log(level, `kafkajs ${entry.namespace}: ${message}`, extra);
      },
    });
  }

  async ensureTopics(topics: readonly { name: string; partitions: number }[]): Promise<void> {
    this.check();
    topics.forEach((t) => validateOutgoing(t.name, []));
    const admin = this.kafka.admin();
    try {
      await admin.connect();
      await retryingMetadata(async () => {
        const existing = new Set(await admin.listTopics());
        const missing = topics.filter((t) => !existing.has(this.topic(t.name)));
        if (missing.length === 0) return;
        await admin.createTopics({
          waitForLeaders: true,
          topics: missing.map((t) => ({ topic: this.topic(t.name), numPartitions: t.partitions })),
        });
      });
    } catch (e) {
      throw unavailable('create topics', e);
    } finally {
      await admin.disconnect().catch(() => undefined);
    }
  }

  async publish(topic: string, messages: readonly OutgoingMessage[]): Promise<void> {
    this.check();
    validateOutgoing(topic, messages);
    if (messages.length === 0) return;
    await this.batcher.add(topic, messages);
  }

  /** One produce request for everything the batcher collected. */
  private async sendBatches(batches: TopicBatch[]): Promise<void> {
    const producer = await this.connectedProducer();
    try {
      await producer.sendBatch({
        acks: -1,
        topicMessages: batches.map((b) => ({
          topic: this.topic(b.topic),
          messages: b.messages.map((m) => ({
            key: m.key,
            value: m.value,
            headers: { ...(m.headers ?? {}) },
          })),
        })),
      });
    } catch (e) {
      // Start from a fresh connection next time: kafkajs may keep a broken one.
      this.dropProducer(producer);
      throw unavailable(`publish to ${batches.map((b) => b.topic).join(',')}`, e);
    }
  }

  async subscribe(options: SubscribeOptions): Promise<Subscription> {
    this.check();
    const groupId = this.prefix + options.groupId;
    const maxAttempts = options.maxAttempts ?? 3;
    const backoff = options.retryBackoffMs ?? 100;
    const dlq = options.deadLetterTopic ?? defaultDeadLetterTopic;
    const consumer = this.kafka.consumer({
      groupId,
      sessionTimeout: this.options.sessionTimeoutMs ?? 10_000,
      heartbeatInterval: 1_000,
      rebalanceTimeout: 20_000,
      maxWaitTimeInMs: 500,
      retry: { retries: Number.MAX_SAFE_INTEGER, initialRetryTime: 200, maxRetryTime: 3_000 },
    });
    let running = true;
    // Subscribing to a topic that does not exist yet races its auto-creation.
    await this.ensureTopics(
      options.topics.map((name) => ({ name, partitions: this.defaultPartitions })),
    );
    try {
      await consumer.connect();
      await retryingMetadata(() =>
        consumer.subscribe({
          topics: options.topics.map((t) => this.topic(t)),
          fromBeginning: options.fromBeginning ?? true,
        }),
      );
    } catch (e) {
      await consumer.disconnect().catch(() => undefined);
      throw unavailable(`subscribe ${groupId}`, e);
    }
    this.consumers.add(consumer);

    const eachBatch = async (payload: EachBatchPayload): Promise<void> => {
      const { batch } = payload;
      const topic = batch.topic.slice(this.prefix.length);
      let uncommitted: string | null = null;
      let sinceCommit = 0;
      let lastCommit = Date.now();
      const commit = async () => {
        if (uncommitted === null) return;
        const offset = (BigInt(uncommitted) + 1n).toString();
        await consumer.commitOffsets([{ topic: batch.topic, partition: batch.partition, offset }]);
        uncommitted = null;
        sinceCommit = 0;
        lastCommit = Date.now();
      };
      try {
        for (const m of batch.messages) {
          if (!running || !payload.isRunning() || payload.isStale()) break;
          const message: Omit<DeliveredMessage, 'attempt'> = {
            topic,
            partition: batch.partition,
            offset: m.offset,
            key: m.key?.toString('utf8') ?? '',
            value: m.value ?? Buffer.alloc(0),
            headers: headersOf(m.headers),
          };
          const result = await runWithRetries(
            message,
            options.handler,
            maxAttempts,
            backoff,
            () => !running,
          );
          if (!result.ok) {
            if (!running) break;
            await this.publish(dlq(topic), [
              deadLetterOf({ ...message, attempt: maxAttempts }, result.error),
            ]);
          }
          payload.resolveOffset(m.offset);
          uncommitted = m.offset;
          if (
            ++sinceCommit >= COMMIT_EVERY_MESSAGES ||
            Date.now() - lastCommit >= COMMIT_EVERY_MS
          ) {
            await commit();
            await payload.heartbeat();
          }
        }
      } finally {
        // Commit what was completed even when the batch stops early.
        await commit();
      }
    };

    await consumer.run({
      autoCommit: false,
      eachBatchAutoResolve: false,
      partitionsConsumedConcurrently: 4,
      eachBatch,
    });
    return {
      stop: async () => {
        running = false;
        this.consumers.delete(consumer);
        await consumer.disconnect().catch(() => undefined);
      },
    };
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await Promise.allSettled([...this.consumers].map((c) => c.disconnect()));
    this.consumers.clear();
    if (this.producer) await this.producer.disconnect().catch(() => undefined);
    this.producer = null;
  }

  private async connectedProducer(): Promise<Producer> {
    if (this.producer) return this.producer;
    this.connecting ??= (async () => {
      const producer = this.kafka.producer({
        createPartitioner: Partitioners.DefaultPartitioner,
        allowAutoTopicCreation: true,
        retry: { initialRetryTime: 100, maxRetryTime: 1_000, retries: 5 },
      });
      try {
        await producer.connect();
      } catch (e) {
        await producer.disconnect().catch(() => undefined);
        throw unavailable('connect producer', e);
      }
      this.producer = producer;
      return producer;
    })().finally(() => {
      this.connecting = null;
    });
    return this.connecting;
  }

  private dropProducer(producer: Producer): void {
    if (this.producer === producer) this.producer = null;
    void producer.disconnect().catch(() => undefined);
  }

  private topic(name: string): string {
    return this.prefix + name;
  }

  private check(): void {
    if (this.closed) throw new BusError(BusErrorCode.Closed, 'event bus is closed');
  }
}

function headersOf(headers: IHeaders | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(headers ?? {})) {
    if (v === undefined) continue;
    out[k] = Array.isArray(v) ? v.map((x) => x.toString()).join(',') : v.toString();
  }
  return out;
}

/** Attempts of a metadata-dependent admin/consumer call against retriable broker errors. */
const METADATA_ATTEMPTS = 5;

/**
 * Runs `call` again (200 ms, doubling; ~3 s in all) while it fails with a retriable broker error:
 * a broker that has just started answers "does not host this topic-partition" while new topics'
 * metadata propagates, and apps starting together race to create the same topics.
 */
async function retryingMetadata<T>(call: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await call();
    } catch (e) {
      if (attempt >= METADATA_ATTEMPTS || !isRetriable(e)) throw e;
      await new Promise((r) => setTimeout(r, 100 * 2 ** attempt));
    }
  }
}

/** kafkajs marks the protocol errors a client may retry (UNKNOWN_TOPIC_OR_PARTITION, …). */
function isRetriable(e: unknown): boolean {
  return (
    typeof e === 'object' &&
    e !== null &&
    ((e as { retriable?: unknown }).retriable === true ||
      (e as { type?: unknown }).type === 'TOPIC_ALREADY_EXISTS')
  );
}

function unavailable(what: string, e: unknown): BusError {
  if (e instanceof BusError) return e;
  const reason = e instanceof Error ? e.message : String(e);
  return new BusError(BusErrorCode.Unavailable, `kafka: ${what} failed: ${reason}`, { cause: e });
}
