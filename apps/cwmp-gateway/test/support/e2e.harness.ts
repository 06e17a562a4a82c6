import { KafkaEventBus, type Subscription } from '@acs/bus';
import { RedisSessionRegistry } from '@acs/sessions';
import {
  TOPICS,
  decodeEvent,
  encodeInboxEntry,
  type CwmpEvent,
  type InboxEntry,
  type InformEventV1,
} from '@acs/events';
import { uniqueName } from '@acs/testing';
import { loadInfraConfig } from '@acs/config';
import { loadCwmpGatewayAppConfig } from '../../src/cwmp-gateway.config';
import { GatewayRuntime } from '../../src/gateway.runtime';

/** Names that isolate one test file on the shared Kafka, Redis and MongoDB. */
export interface Isolation {
  readonly topicPrefix: string;
  readonly redisPrefix: string;
  readonly database: string;
}

export function isolation(name: string): Isolation {
  const id = uniqueName(name);
  return {
    topicPrefix: `${id}.`,
    redisPrefix: `${id}:`,
    database: id.replace(/[^A-Za-z0-9_]/g, '_'),
  };
}

/** The real services' endpoints (from the environment the integration setup exported). */
function infraEnv(): Record<string, string> {
  const infra = loadInfraConfig();
  return {
    KAFKA_BROKERS: infra.KAFKA_BROKERS.join(','),
    REDIS_URL: infra.REDIS_URL,
    MONGODB_URI: infra.MONGODB_URI,
  };
}

/** A gateway pod on the real adapters, on 127.0.0.1 with an ephemeral port. */
export async function startPod(
  iso: Isolation,
  env: Record<string, string> = {},
): Promise<{ runtime: GatewayRuntime; url: string }> {
  const config = loadCwmpGatewayAppConfig({
    ...infraEnv(),
    GATEWAY_PORT: '0',
    GATEWAY_BIND: '127.0.0.1',
    ACS_TOPIC_PREFIX: iso.topicPrefix,
    ACS_REDIS_PREFIX: iso.redisPrefix,
    ACS_MONGODB_DATABASE: iso.database,
    ACS_TOPIC_PARTITIONS: '3',
    ACS_LOG_LEVEL: 'silent',
    GATEWAY_AUTH: 'none',
    ...env,
  });
  const runtime = await GatewayRuntime.create(config);
  await runtime.onApplicationBootstrap();
  return { runtime, url: `http://127.0.0.1:${runtime.address?.port}/` };
}

export async function stopPod(runtime: GatewayRuntime, drainMs = 0): Promise<void> {
  await runtime.gateway.shutdown(drainMs, 0);
  await runtime.onApplicationShutdown();
}

/**
 * Plays provisioning's part on the real bus and Redis: consumes informs and rpc-results, and
 * pushes the inbox entries `plan` returns for each.
 */
export class FakeProvisioning {
  readonly events: CwmpEvent[] = [];
  private readonly bus: KafkaEventBus;
  readonly registry: RedisSessionRegistry;
  private sub: Subscription | undefined;

  constructor(
    iso: Isolation,
    private readonly plan: (event: CwmpEvent) => InboxEntry[],
  ) {
    const infra = loadInfraConfig();
    this.bus = new KafkaEventBus({
      brokers: infra.KAFKA_BROKERS,
      clientId: 'fake-provisioning',
      prefix: iso.topicPrefix,
      defaultPartitions: 3,
    });
    this.registry = new RedisSessionRegistry({
      url: infra.REDIS_URL,
      keyPrefix: iso.redisPrefix,
    });
  }

  async start(): Promise<void> {
    this.sub = await this.bus.subscribe({
      groupId: 'provisioning',
      topics: Object.values(TOPICS),
      handler: async (m) => {
        const event = decodeEvent(m.value);
        this.events.push(event);
        const entries = this.plan(event);
        if (entries.length > 0)
          await this.registry.pushInbox(event.sessionId, entries.map(encodeInboxEntry), 60_000);
      },
    });
  }

  of<S extends CwmpEvent['schema']>(
    schema: S,
    deviceId?: string,
  ): Extract<CwmpEvent, { schema: S }>[] {
    return this.events.filter(
      (e): e is Extract<CwmpEvent, { schema: S }> =>
        e.schema === schema && (deviceId === undefined || e.deviceId === deviceId),
    );
  }

  async stop(): Promise<void> {
    await this.sub?.stop();
    await this.bus.close();
    await this.registry.close();
  }
}

export type { InformEventV1 };
