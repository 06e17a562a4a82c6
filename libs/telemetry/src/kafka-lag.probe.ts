import { Kafka, logLevel, type Admin } from 'kafkajs';
import type { AcsMetrics } from './metrics.registry';

export interface KafkaConsumerLagProbeOptions {
  readonly brokers: readonly string[];
  readonly clientId: string;
  /** The prefix the KafkaEventBus puts before topics and consumer groups (tenants, tests). */
  readonly prefix?: string;
  /** The consumer group (as given to `subscribe`, without prefix) and its topics. */
  readonly groups: readonly { readonly groupId: string; readonly topics: readonly string[] }[];
}

/**
 * Measures `acs.bus.consumer.lag` {topic, group, partition} = end offset − committed offset of
 * each partition, with a Kafka admin client of its own. Meant as a collect hook
 * (`telemetry.addCollectHook(() => probe.sample())`): the lag is queried when Prometheus scrapes,
 * not on a timer. A partition the group never committed counts from its low watermark. Labels
 * carry the topic and group names without the prefix. Admin failures are swallowed (the scrape
 * shows the previous values; the admin client reconnects by itself).
 */
export class KafkaConsumerLagProbe {
  private readonly admin: Admin;
  private connected: Promise<void> | undefined;
  private closed = false;

  constructor(
    private readonly metrics: AcsMetrics,
    private readonly options: KafkaConsumerLagProbeOptions,
  ) {
    this.admin = new Kafka({
      clientId: options.clientId,
      brokers: [...options.brokers],
      connectionTimeout: 3_000,
      requestTimeout: 5_000,
      retry: { retries: 1 },
      logLevel: logLevel.NOTHING,
    }).admin();
  }

  /** Queries the offsets and records the lag of every partition; never rejects. */
  async sample(): Promise<void> {
    if (this.closed) return;
    try {
      this.connected ??= this.admin.connect();
      await this.connected;
      const prefix = this.options.prefix ?? '';
      for (const { groupId, topics } of this.options.groups) {
        const committed = await this.admin.fetchOffsets({
          groupId: prefix + groupId,
          topics: topics.map((t) => prefix + t),
        });
        for (const { topic, partitions } of committed) {
          const ends = await this.admin.fetchTopicOffsets(topic);
          for (const end of ends) {
            const c = partitions.find((p) => p.partition === end.partition);
            const from =
              c === undefined || Number(c.offset) < 0 ? Number(end.low) : Number(c.offset);
            this.metrics.busConsumerLag.record(Math.max(0, Number(end.high) - from), {
              'messaging.destination.name': topic.slice(prefix.length),
              'messaging.consumer.group.name': groupId,
              'messaging.destination.partition.id': String(end.partition),
            });
          }
        }
      }
    } catch {
      // Broker or group not reachable right now: keep the last values; reconnect next time.
      this.connected = undefined;
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    await this.admin.disconnect().catch(() => undefined);
  }
}
