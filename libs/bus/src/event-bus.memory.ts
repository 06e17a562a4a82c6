import { BusError, BusErrorCode } from './bus.error';
import type { BusJournal, JournalMessage } from './bus-journal';
import { deadLetterOf, runWithRetries } from './dead-letter';
import {
  defaultDeadLetterTopic,
  validateOutgoing,
  type DeliveredMessage,
  type EventBus,
  type OutgoingMessage,
  type SubscribeOptions,
  type Subscription,
} from './event-bus.port';

interface StoredMessage {
  key: string;
  value: Buffer;
  headers: Readonly<Record<string, string>>;
  /** Not journaled: a message restored after a restart has none. */
  localContext?: unknown;
}

interface PartitionLog {
  /** Offset of messages[0]; older entries were trimmed after every group passed them. */
  base: number;
  messages: StoredMessage[];
}

interface Member {
  options: Required<Omit<SubscribeOptions, 'deadLetterTopic'>> & {
    deadLetterTopic: (topic: string) => string;
  };
  active: boolean;
  /** Handler calls in progress; stop() waits for them. */
  inflight: number;
  idle: (() => void)[];
}

interface Group {
  name: string;
  members: Member[];
  committed: Map<string, number>;
  /** Partitions that currently have a worker loop running. */
  running: Set<string>;
}

/**
 * In-process bus for the all-in-one ACS and fast unit tests. Same contract
 * as Kafka: partitions by key hash, consumer groups sharing partitions,
 * commit after success, retries then dead-letter. With a journal (SQLite in
 * the all-in-one ACS) published messages and committed offsets survive a
 * restart; without one it is memory only (unit tests).
 */
export class InMemoryEventBus implements EventBus {
  private readonly topics = new Map<string, PartitionLog[]>();
  private readonly groups = new Map<string, Group>();
  private readonly notify = new Map<string, Set<() => void>>();
  private closed = false;

  /**
   * @param retainPerPartition like Kafka's retention: the oldest messages beyond this count are
   *   dropped even if a group has not consumed them (that group then skips ahead), so a topic
   *   nobody consumes cannot grow without bound.
   */
  constructor(
    private readonly defaultPartitions = 1,
    private readonly journal?: BusJournal,
    private readonly retainPerPartition = 200_000,
  ) {
    if (journal) this.restore(journal);
  }

  private restore(journal: BusJournal): void {
    const state = journal.load();
    for (const t of state.topics) this.topics.set(t.name, newLogs(t.partitions));
    for (const b of state.bases) {
      const log = this.topics.get(b.topic)?.[b.partition];
      if (log) log.base = b.base;
    }
    for (const m of state.messages) {
      const log = this.topics.get(m.topic)?.[m.partition];
      if (!log) continue;
      if (log.messages.length === 0) log.base = m.offset;
      log.messages.push({ key: m.key, value: m.value, headers: m.headers });
    }
    for (const c of state.commits)
      this.groupOf(c.group).committed.set(`${c.topic}:${c.partition}`, c.offset);
  }

  async ensureTopics(topics: readonly { name: string; partitions: number }[]): Promise<void> {
    this.check();
    for (const t of topics) {
      validateOutgoing(t.name, []);
      if (!this.topics.has(t.name)) this.createTopic(t.name, Math.max(1, t.partitions));
    }
  }

  async publish(topic: string, messages: readonly OutgoingMessage[]): Promise<void> {
    this.check();
    validateOutgoing(topic, messages);
    const logs = this.logsOf(topic);
    const placed = messages.map((m) => {
      const partition = partitionOf(m.key, logs.length);
      const stored: StoredMessage = {
        key: m.key,
        value: Buffer.isBuffer(m.value) ? Buffer.from(m.value) : Buffer.from(m.value, 'utf8'),
        headers: { ...(m.headers ?? {}) },
      };
      if (m.localContext !== undefined) stored.localContext = m.localContext;
      return { partition, stored };
    });
    if (this.journal) {
      const next = logs.map((l) => l.base + l.messages.length);
      const entries: JournalMessage[] = placed.map(({ partition, stored }) => ({
        topic,
        partition,
        offset: next[partition]!++,
        key: stored.key,
        value: stored.value,
        headers: stored.headers,
      }));
      // Written before the messages become visible and before publish resolves.
      try {
        this.journal.append(entries);
      } catch (e) {
        throw new BusError(BusErrorCode.Unavailable, `bus journal: ${String(e)}`, { cause: e });
      }
    }
    for (const { partition, stored } of placed) logs[partition]!.messages.push(stored);
    for (const partition of new Set(placed.map((p) => p.partition)))
      this.enforceRetention(topic, partition);
    this.wake(topic);
  }

  async subscribe(options: SubscribeOptions): Promise<Subscription> {
    this.check();
    const member: Member = {
      active: true,
      inflight: 0,
      idle: [],
      options: {
        groupId: options.groupId,
        topics: [...options.topics],
        handler: options.handler,
        deadLetterTopic: options.deadLetterTopic ?? defaultDeadLetterTopic,
        maxAttempts: options.maxAttempts ?? 3,
        retryBackoffMs: options.retryBackoffMs ?? 100,
        fromBeginning: options.fromBeginning ?? true,
      },
    };
    const group = this.groupOf(options.groupId);
    group.members.push(member);
    for (const topic of member.options.topics) {
      const logs = this.logsOf(topic);
      logs.forEach((_, p) => this.startWorker(group, topic, p, member));
    }
    return {
      stop: async () => {
        member.active = false;
        group.members = group.members.filter((m) => m !== member);
        for (const topic of member.options.topics) this.wake(topic);
        if (member.inflight > 0) await new Promise<void>((r) => member.idle.push(r));
      },
    };
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.journal?.close();
    for (const group of this.groups.values()) {
      for (const m of group.members) m.active = false;
      group.members = [];
    }
    for (const topic of this.notify.keys()) this.wake(topic);
  }

  private wake(topic: string): void {
    for (const wake of [...(this.notify.get(topic) ?? [])]) wake();
  }

  /** One loop per (group, topic, partition): sequential handling keeps per-key order. */
  private startWorker(group: Group, topic: string, partition: number, joined: Member): void {
    const id = `${topic}:${partition}`;
    const groupName = group.name;
    if (group.running.has(id)) return;
    group.running.add(id);
    const log = this.logsOf(topic)[partition]!;
    if (!group.committed.has(id)) {
      group.committed.set(
        id,
        joined.options.fromBeginning ? log.base : log.base + log.messages.length,
      );
    }
    void (async () => {
      try {
        for (;;) {
          const owner = this.ownerOf(group, topic, partition);
          if (!owner || this.closed) return;
          const next = group.committed.get(id)!;
          const stored = log.messages[next - log.base];
          if (!stored) {
            await this.waitForPublish(topic);
            continue;
          }
          const message: Omit<DeliveredMessage, 'attempt'> = {
            topic,
            partition,
            offset: String(next),
            key: stored.key,
            value: stored.value,
            headers: stored.headers,
          };
          if (stored.localContext !== undefined) message.localContext = stored.localContext;
          const o = owner.options;
          owner.inflight++;
          try {
            const result = await runWithRetries(
              message,
              o.handler,
              o.maxAttempts,
              o.retryBackoffMs,
              () => !owner.active,
            );
            if (!result.ok) {
              // A stopping member leaves the message uncommitted for the next owner.
              if (!owner.active) continue;
              const dead = deadLetterOf({ ...message, attempt: o.maxAttempts }, result.error);
              await this.publish(o.deadLetterTopic(topic), [dead]);
            }
            group.committed.set(id, next + 1);
            if (!this.closed) this.journal?.commit(groupName, topic, partition, next + 1);
          } finally {
            if (--owner.inflight === 0) for (const r of owner.idle.splice(0)) r();
          }
          this.trim(topic, partition);
        }
      } finally {
        group.running.delete(id);
      }
    })();
  }

  /** Range assignment: partition p of a topic goes to subscribed member p mod n. */
  private ownerOf(group: Group, topic: string, partition: number): Member | undefined {
    const subscribed = group.members.filter((m) => m.active && m.options.topics.includes(topic));
    return subscribed[partition % Math.max(1, subscribed.length)];
  }

  private waitForPublish(topic: string): Promise<void> {
    return new Promise((resolve) => {
      const set = this.notify.get(topic) ?? new Set();
      this.notify.set(topic, set);
      const wake = () => {
        set.delete(wake);
        resolve();
      };
      set.add(wake);
    });
  }

  private enforceRetention(topic: string, partition: number): void {
    const log = this.logsOf(topic)[partition]!;
    const excess = log.messages.length - this.retainPerPartition;
    if (excess <= 0) return;
    log.messages.splice(0, excess);
    log.base += excess;
    const id = `${topic}:${partition}`;
    for (const g of this.groups.values()) {
      const c = g.committed.get(id);
      if (c !== undefined && c < log.base) g.committed.set(id, log.base);
    }
    if (!this.closed) this.journal?.trim(topic, partition, log.base);
  }

  /** Drops messages every group has committed past, so memory stays bounded. */
  private trim(topic: string, partition: number): void {
    const log = this.logsOf(topic)[partition]!;
    const id = `${topic}:${partition}`;
    let min = Infinity;
    for (const g of this.groups.values()) {
      const c = g.committed.get(id);
      if (c !== undefined) min = Math.min(min, c);
    }
    const drop = min - log.base;
    if (drop >= 1024 && Number.isFinite(drop)) {
      log.messages.splice(0, drop);
      log.base += drop;
      if (!this.closed) this.journal?.trim(topic, partition, log.base);
    }
  }

  private logsOf(topic: string): PartitionLog[] {
    let logs = this.topics.get(topic);
    if (!logs) {
      validateOutgoing(topic, []);
      logs = this.createTopic(topic, this.defaultPartitions);
    }
    return logs;
  }

  private createTopic(name: string, partitions: number): PartitionLog[] {
    const logs = newLogs(partitions);
    this.topics.set(name, logs);
    this.journal?.createTopic(name, partitions);
    return logs;
  }

  private groupOf(groupId: string): Group {
    let g = this.groups.get(groupId);
    if (!g) {
      g = { name: groupId, members: [], committed: new Map(), running: new Set() };
      this.groups.set(groupId, g);
    }
    return g;
  }

  private check(): void {
    if (this.closed) throw new BusError(BusErrorCode.Closed, 'event bus is closed');
  }
}

function newLogs(n: number): PartitionLog[] {
  return Array.from({ length: n }, () => ({ base: 0, messages: [] }));
}

/** FNV-1a over the key's UTF-8 bytes: stable, cheap, spreads device ids evenly. */
export function partitionOf(key: string, partitions: number): number {
  let h = 0x811c9dc5;
  for (const byte of Buffer.from(key, 'utf8')) {
    h ^= byte;
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h % partitions;
}
