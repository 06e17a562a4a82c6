import type { OutgoingMessage } from './event-bus.port';

export interface TopicBatch {
  topic: string;
  messages: OutgoingMessage[];
}

interface Pending {
  topic: string;
  messages: readonly OutgoingMessage[];
  resolve: () => void;
  reject: (e: unknown) => void;
}

/**
 * Coalesces concurrent publish calls into one broker request. Under load the
 * gateway publishes one Inform per session from many sessions at once; one
 * produce request per Inform would cost a broker round trip each. Calls made
 * in the same turn of the event loop (or within `lingerMs`) share one request,
 * and each caller's promise settles with the outcome of the request that
 * carried its messages — so "resolved" still means "acknowledged".
 */
export class PublishBatcher {
  private pending: Pending[] = [];
  private size = 0;
  private scheduled = false;

  constructor(
    private readonly send: (batches: TopicBatch[]) => Promise<void>,
    private readonly lingerMs = 0,
    private readonly maxMessages = 5_000,
  ) {}

  add(topic: string, messages: readonly OutgoingMessage[]): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.pending.push({ topic, messages, resolve, reject });
      this.size += messages.length;
      if (this.size >= this.maxMessages) this.flush();
      else this.schedule();
    });
  }

  private schedule(): void {
    if (this.scheduled) return;
    this.scheduled = true;
    const run = () => {
      this.scheduled = false;
      this.flush();
    };
    if (this.lingerMs > 0) setTimeout(run, this.lingerMs);
    else setImmediate(run);
  }

  private flush(): void {
    if (this.pending.length === 0) return;
    const taken = this.pending;
    this.pending = [];
    this.size = 0;
    const byTopic = new Map<string, OutgoingMessage[]>();
    for (const p of taken) {
      const list = byTopic.get(p.topic) ?? [];
      list.push(...p.messages);
      byTopic.set(p.topic, list);
    }
    const batches = [...byTopic].map(([topic, messages]) => ({ topic, messages }));
    this.send(batches).then(
      () => taken.forEach((p) => p.resolve()),
      (e: unknown) => taken.forEach((p) => p.reject(e)),
    );
  }
}
