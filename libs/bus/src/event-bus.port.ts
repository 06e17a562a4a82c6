import { BusError, BusErrorCode } from './bus.error';

export type Headers = Readonly<Record<string, string>>;

export interface OutgoingMessage {
  /** Partition key: the device id everywhere, so per-device order holds. */
  key: string;
  value: Buffer | string;
  headers?: Headers;
  /**
   * In-process only: an opaque value the in-memory bus hands to the consumer with this message
   * (the publisher's tracing context, so an all-in-one consumer need not parse it back out of
   * the headers). Never serialized: Kafka and the bus journal ignore it, so consumers must not
   * depend on it.
   */
  localContext?: unknown;
}

export interface DeliveredMessage {
  topic: string;
  partition: number;
  /** Broker offset as a decimal string (Kafka offsets are 64-bit). */
  offset: string;
  key: string;
  value: Buffer;
  headers: Headers;
  /** 1 on first delivery to this handler, then 2, 3… while it keeps failing. */
  attempt: number;
  /** The publisher's OutgoingMessage.localContext, when the in-memory bus delivered it. */
  localContext?: unknown;
}

export type MessageHandler = (message: DeliveredMessage) => Promise<void>;

export interface SubscribeOptions {
  groupId: string;
  topics: readonly string[];
  handler: MessageHandler;
  /**
   * Where a message goes after `maxAttempts` failed deliveries; its offset is
   * then committed so the partition moves on. Default `<topic>.dlq`.
   */
  deadLetterTopic?: (topic: string) => string;
  /** Handler attempts before dead-lettering. Default 3. */
  maxAttempts?: number;
  /** Delay between attempts, doubled each time. Default 100 ms. */
  retryBackoffMs?: number;
  /** Start from the earliest offset when the group has none. Default true. */
  fromBeginning?: boolean;
}

export interface Subscription {
  /** Stops consuming; offsets of completed messages are committed first. */
  stop(): Promise<void>;
}

/**
 * The event bus: durable, partitioned, at-least-once.
 *
 * `publish` resolves only when every message is durable (Kafka: acked by all
 * in-sync replicas), so callers may acknowledge the CPE afterwards.
 * Consumers in one group share partitions; a message's offset is committed
 * only after its handler succeeded or it was dead-lettered, so a crash
 * redelivers rather than loses. Messages with one key are handled in order.
 */
export interface EventBus {
  ensureTopics(topics: readonly { name: string; partitions: number }[]): Promise<void>;
  publish(topic: string, messages: readonly OutgoingMessage[]): Promise<void>;
  subscribe(options: SubscribeOptions): Promise<Subscription>;
  close(): Promise<void>;
}

export const DLQ_HEADER = {
  topic: 'x-dlq-topic',
  partition: 'x-dlq-partition',
  offset: 'x-dlq-offset',
  error: 'x-dlq-error',
} as const;

export const defaultDeadLetterTopic = (topic: string): string => `${topic}.dlq`;

export function validateOutgoing(topic: string, messages: readonly OutgoingMessage[]): void {
  if (!/^[A-Za-z0-9._-]{1,249}$/.test(topic)) {
    throw new BusError(
      BusErrorCode.InvalidArgument,
      `invalid topic name: ${JSON.stringify(topic)}`,
    );
  }
  for (const m of messages) {
    if (typeof m.key !== 'string' || m.key.length === 0) {
      throw new BusError(BusErrorCode.InvalidArgument, `message on ${topic} has no key`);
    }
  }
}
