import type { AcsMetrics } from '@acs/telemetry';
import { readFileSync } from 'node:fs';
import { InMemoryEventBus } from '@acs/bus';
import { InMemorySessionRegistry } from '@acs/sessions';
import { SqliteDocumentStore } from '@acs/store';
import { StoreCredentialsRepository } from '../credentials.repository';
import { Gateway } from '../gateway';
import { loadGatewayConfig, type GatewayConfig } from '../gateway.config';
import { CpeTestClient, type CpeTestClientOptions } from './cpe-test.client';
import type { EventBus, OutgoingMessage, SubscribeOptions, Subscription } from '@acs/bus';
import { decodeEvent, type CwmpEvent } from '@acs/events';
import type { Clock, TimerHandle } from '../runtime.ports';

/** An EventBus decorator that records each message once the inner bus acknowledged it. */
export class RecordingBus implements EventBus {
  readonly acked: { topic: string; key: string; event: CwmpEvent }[] = [];

  constructor(private readonly inner: EventBus) {}

  ensureTopics(topics: readonly { name: string; partitions: number }[]): Promise<void> {
    return this.inner.ensureTopics(topics);
  }

  async publish(topic: string, messages: readonly OutgoingMessage[]): Promise<void> {
    await this.inner.publish(topic, messages);
    for (const m of messages) this.acked.push({ topic, key: m.key, event: decodeEvent(m.value) });
  }

  subscribe(options: SubscribeOptions): Promise<Subscription> {
    return this.inner.subscribe(options);
  }

  close(): Promise<void> {
    return this.inner.close();
  }

  on(topic: string): CwmpEvent[] {
    return this.acked.filter((a) => a.topic === topic).map((a) => a.event);
  }
}

/** A clock whose time and timers move only when the test says so. */
export class ManualClock implements Clock {
  private t = 1_800_000_000_000;
  private timers: { at: number; fn: () => void; live: boolean }[] = [];

  now(): number {
    return this.t;
  }

  setTimer(ms: number, fn: () => void): TimerHandle {
    const timer = { at: this.t + ms, fn, live: true };
    this.timers.push(timer);
    return { cancel: () => (timer.live = false) };
  }

  advance(ms: number): void {
    this.t += ms;
    const due = this.timers.filter((x) => x.live && x.at <= this.t);
    this.timers = this.timers.filter((x) => x.live && x.at > this.t);
    for (const x of due) x.fn();
  }
}

export interface TestGateway {
  readonly gateway: Gateway;
  readonly url: string;
  readonly bus: RecordingBus;
  readonly registry: InMemorySessionRegistry;
  readonly credentials: StoreCredentialsRepository;
  readonly config: GatewayConfig;
  cpe(serial: string, options?: Partial<CpeTestClientOptions>): CpeTestClient;
  close(): Promise<void>;
}

/** A gateway on 127.0.0.1 (ephemeral port) over the in-process bus, registry and an in-memory SQLite store. */
export async function startTestGateway(
  env: Record<string, string> = {},
  clock?: ManualClock,
  metrics?: AcsMetrics,
): Promise<TestGateway> {
  const config = loadGatewayConfig({ GATEWAY_AUTH: 'none', GATEWAY_PROVISIONING: 'none', ...env });
  const bus = new RecordingBus(new InMemoryEventBus());
  const registry = new InMemorySessionRegistry(clock === undefined ? Date.now : () => clock.now());
  const store = SqliteDocumentStore.open({ directory: ':memory:' });
  const credentials = await StoreCredentialsRepository.open(store);
  const tls =
    config.tls === undefined
      ? undefined
      : { cert: readFileSync(config.tls.certFile), key: readFileSync(config.tls.keyFile) };
  const gateway = new Gateway({
    config,
    bus,
    registry,
    credentials,
    ...(clock === undefined ? {} : { clock }),
    ...(tls === undefined ? {} : { tls }),
    ...(metrics === undefined ? {} : { metrics }),
  });
  const address = await gateway.start(0, '127.0.0.1');
  const url = `${tls === undefined ? 'http' : 'https'}://127.0.0.1:${address.port}/`;
  const clients: CpeTestClient[] = [];
  return {
    gateway,
    url,
    bus,
    registry,
    credentials,
    config,
    cpe(serial, options = {}) {
      const c = new CpeTestClient({
        url,
        identity: { manufacturer: 'Acme', oui: '00D09E', productClass: 'HG', serialNumber: serial },
        root: 'Device',
        ...options,
      });
      clients.push(c);
      return c;
    },
    async close() {
      for (const c of clients) c.close();
      await gateway.shutdown(0);
      await registry.close();
      await bus.close();
      await store.close();
    },
  };
}
