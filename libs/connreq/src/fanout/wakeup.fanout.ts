import type { BindingStore, StunBinding } from '../ports/binding-store.port';
import type { AttemptOutcome } from '../ports/attempt.outcome';
import type { Clock, Random } from '../ports/clock.port';
import type { DeviceContactDirectory } from '../ports/device-contact.port';
import {
  RESULT_SCHEMA_V1,
  type AttemptRecord,
  type ConnreqMethod,
  type ConnreqResult,
  type DeviceContact,
  type ResultOutcome,
  type WakeupCommand,
} from '../schema/wakeup.schema';
import { parseHostPort } from '../udp/udp-connreq.sender';
import { backoffDelay } from './backoff';
import type { FanoutLimits, FanoutStats, Requesters, ResultSink } from './fanout.types';
import { chooseMethods } from './method.selector';
import { Semaphore } from './semaphore';
import { TokenBucket } from './token-bucket';

/** The small per-device state while a wake-up is queued or running; nothing else is kept. */
interface Slot {
  coalesced: number;
  /** The first wake-up's requestedAt, as given (validated ISO-8601 on the bus path). */
  requestedAt: string;
  expiresAt?: number;
  methods?: ConnreqMethod[];
  contact?: DeviceContact;
}

export interface WakeupFanoutDeps {
  readonly directory: DeviceContactDirectory;
  readonly bindings: BindingStore;
  readonly requesters: Requesters;
  readonly sink: ResultSink;
  readonly clock: Clock;
  readonly random: Random;
  readonly limits: FanoutLimits;
}

const MAX_ATTEMPT_RECORDS = 16;

/**
 * The fan-out: one request in flight per device (wake-ups for a queued or running device merge
 * into it), methods chosen per device, a global concurrency bound and rate limit, per-method
 * retries with exponential backoff and jitter, one result per wake-up.
 *
 * Memory is bounded by `maxPending`: `submit` resolves only once the device has a slot, so a
 * consumer awaiting it stops pulling from the bus (back-pressure); queued devices cost one map
 * entry and one queue entry.
 */
export class WakeupFanout {
  private readonly slots = new Map<string, Slot>();
  private queue: string[] = [];
  private head = 0;
  private readonly admitWaiters: (() => void)[] = [];
  private readonly sem: Semaphore;
  private readonly bucket: TokenBucket;
  private readonly available: ReadonlySet<ConnreqMethod>;
  private closed = false;
  private readonly idleWaiters: (() => void)[] = [];
  readonly stats: FanoutStats = {
    submitted: 0,
    coalesced: 0,
    started: 0,
    finished: 0,
    attempts: 0,
    pending: 0,
    running: 0,
    byOutcome: {},
    resultErrors: 0,
  };

  constructor(private readonly deps: WakeupFanoutDeps) {
    const l = deps.limits;
    this.sem = new Semaphore(l.concurrency);
    this.bucket = new TokenBucket(
      l.ratePerSec,
      l.burst ?? Math.max(1, l.ratePerSec / 10),
      deps.clock,
    );
    const r = deps.requesters;
    this.available = new Set<ConnreqMethod>([
      ...(r.http === undefined ? [] : (['http'] as const)),
      ...(r.udp === undefined ? [] : (['udp'] as const)),
      ...(r.xmpp === undefined ? [] : (['xmpp'] as const)),
    ]);
  }

  /** Admits a wake-up (merging it into a pending one for the same device); waits while full. */
  async submit(cmd: WakeupCommand): Promise<void> {
    this.stats.submitted++;
    for (;;) {
      if (this.closed) return;
      const slot = this.slots.get(cmd.deviceId);
      if (slot !== undefined) {
        merge(slot, cmd);
        this.stats.coalesced++;
        return;
      }
      if (this.slots.size < this.deps.limits.maxPending) break;
      await new Promise<void>((resolve) => this.admitWaiters.push(resolve));
    }
    this.slots.set(cmd.deviceId, {
      coalesced: 0,
      requestedAt: cmd.requestedAt,
      ...(cmd.expiresAt === undefined ? {} : { expiresAt: Date.parse(cmd.expiresAt) }),
      ...(cmd.methods === undefined ? {} : { methods: [...cmd.methods] }),
      ...(cmd.contact === undefined ? {} : { contact: cmd.contact }),
    });
    this.queue.push(cmd.deviceId);
    this.stats.pending = this.slots.size;
    this.pump();
  }

  /** Resolves when nothing is queued or running. */
  idle(): Promise<void> {
    if (this.slots.size === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  /** Stops admitting; running requests finish. */
  close(): void {
    this.closed = true;
    for (const w of this.admitWaiters.splice(0)) w();
  }

  get pendingDevices(): number {
    return this.slots.size;
  }

  private pump(): void {
    while (this.head < this.queue.length && this.sem.tryAcquire()) {
      const id = this.queue[this.head++] ?? '';
      void this.run(id);
    }
    // Compact the consumed prefix now and then instead of shifting (O(1) amortised).
    if (this.head > 1024 && this.head * 2 > this.queue.length) {
      this.queue = this.queue.slice(this.head);
      this.head = 0;
    }
  }

  private async run(deviceId: string): Promise<void> {
    const slot = this.slots.get(deviceId);
    if (slot === undefined) {
      this.sem.release();
      return;
    }
    this.stats.started++;
    this.stats.running++;
    const attempts: AttemptRecord[] = [];
    let outcome: ResultOutcome = 'no-method';
    let method: ConnreqMethod | undefined;
    let holding = true;
    let detail: string | undefined;
    try {
      const contact = slot.contact ?? (await this.deps.directory.get(deviceId));
      const binding =
        contact?.udp === undefined ? undefined : await this.deps.bindings.get(deviceId);
      const methods = chooseMethods({
        contact,
        binding,
        available: this.available,
        ...(slot.methods === undefined ? {} : { requested: slot.methods }),
      });
      if (methods.length === 0)
        detail =
          contact === undefined
            ? 'no contact data for the device'
            : 'no method both the device and this deployment support';
      outer: for (const m of methods) {
        const policy = this.deps.limits.retry[m];
        for (let n = 1; n <= policy.maxAttempts; n++) {
          if (slot.expiresAt !== undefined && this.deps.clock.now() >= slot.expiresAt) {
            outcome = 'expired';
            break outer;
          }
          if (!this.bucket.tryTake().ok) await this.token();
          method = m;
          const r = await this.call(m, contact, binding);
          this.stats.attempts++;
          if (attempts.length < MAX_ATTEMPT_RECORDS)
            attempts.push({
              method: m,
              outcome: r.kind,
              ...(r.detail === undefined ? {} : { detail: r.detail.slice(0, 512) }),
              at: this.isoNow(),
            });
          outcome = r.kind;
          if (r.kind === 'accepted' || r.kind === 'sent') break outer;
          // Wrong credentials or a refused target do not get better by retrying this method.
          if (r.kind === 'auth-failed' || r.kind === 'denied' || n === policy.maxAttempts) break;
          const delay = r.retryAfterMs ?? backoffDelay(policy, n, this.deps.random.next());
          // Do not hold a concurrency slot while waiting out a busy CPE.
          this.sem.release();
          holding = false;
          this.pump();
          await this.deps.clock.sleep(delay);
          await this.sem.acquire();
          holding = true;
        }
      }
    } catch (e) {
      // A port failed (directory, binding store): the device gets an error result, not a stuck slot.
      outcome = 'error';
      detail = `internal: ${(e as Error).message}`.slice(0, 512);
    }
    if (holding) this.sem.release();
    this.stats.running--;
    this.pump();
    const result: ConnreqResult = {
      schema: RESULT_SCHEMA_V1,
      deviceId,
      outcome,
      ...(method === undefined ? {} : { method }),
      ...(detail === undefined ? {} : { detail }),
      attempts,
      coalesced: slot.coalesced,
      requestedAt: slot.requestedAt,
      finishedAt: this.isoNow(),
    };
    this.stats.byOutcome[outcome] = (this.stats.byOutcome[outcome] ?? 0) + 1;
    try {
      await Promise.all([this.deps.sink.publish(result), this.deps.directory.recordResult(result)]);
    } catch {
      this.stats.resultErrors++;
    }
    this.slots.delete(deviceId);
    this.stats.finished++;
    this.stats.pending = this.slots.size;
    this.admitWaiters.shift()?.();
    if (this.slots.size === 0) for (const w of this.idleWaiters.splice(0)) w();
  }

  // One ISO string per millisecond: at tens of thousands of results per second, the same instant
  // is formatted many times.
  private isoAt = -1;
  private isoText = '';
  private isoNow(): string {
    const t = this.deps.clock.now();
    if (t !== this.isoAt) {
      this.isoAt = t;
      this.isoText = new Date(t).toISOString();
    }
    return this.isoText;
  }

  private async token(): Promise<void> {
    for (;;) {
      const t = this.bucket.tryTake();
      if (t.ok) return;
      await this.deps.clock.sleep(t.waitMs);
    }
  }

  private async call(
    m: ConnreqMethod,
    contact: DeviceContact | undefined,
    binding: StunBinding | undefined,
  ): Promise<AttemptOutcome> {
    const r = this.deps.requesters;
    switch (m) {
      case 'http':
        if (r.http === undefined || contact?.http === undefined) return missing(m);
        return r.http.request(contact.http);
      case 'udp': {
        const udp = contact?.udp;
        if (r.udp === undefined || udp === undefined) return missing(m);
        // The STUN-learned binding first; the reported address is parsed only without one.
        const target =
          binding ?? (udp.address === undefined ? undefined : parseHostPort(udp.address));
        if (target === undefined) return missing(m);
        return r.udp.request({
          target: {
            address: target.address,
            port: target.port,
            ...('via' in target && target.via !== undefined ? { via: target.via } : {}),
          },
          hostPort: udp.address ?? formatHostPort(target.address, target.port),
          username: udp.username,
          password: udp.password,
        });
      }
      case 'xmpp':
        if (r.xmpp === undefined || contact?.xmpp === undefined) return missing(m);
        return r.xmpp.request(contact.xmpp);
    }
  }
}

function missing(m: ConnreqMethod): AttemptOutcome {
  return { kind: 'error', detail: `no ${m} contact data` };
}

function formatHostPort(address: string, port: number): string {
  return address.includes(':') ? `[${address}]:${port}` : `${address}:${port}`;
}

/** A later wake-up for a pending device: newest contact data, union of methods, latest expiry. */
function merge(slot: Slot, cmd: WakeupCommand): void {
  slot.coalesced++;
  if (cmd.contact !== undefined) slot.contact = cmd.contact;
  if (slot.methods !== undefined)
    slot.methods =
      cmd.methods === undefined ? undefined : [...new Set([...slot.methods, ...cmd.methods])];
  if (cmd.expiresAt === undefined) delete slot.expiresAt;
  else if (slot.expiresAt !== undefined)
    slot.expiresAt = Math.max(slot.expiresAt, Date.parse(cmd.expiresAt));
}
