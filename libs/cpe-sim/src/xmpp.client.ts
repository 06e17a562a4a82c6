import { Worker } from 'node:worker_threads';
import type { SimulatedCpe } from './simulated-cpe';

// TR-069 Annex K (XMPP connection requests), CPE side: the device stays logged in to the XMPP
// server as its ConnReqJabberID; an `<iq type="get">` carrying `<connectionRequest>` with the
// right ConnectionRequestUsername/Password starts a session ("6 CONNECTION REQUEST") and is
// answered with an IQ result; wrong credentials → `not-authorized`; a device that cannot take it
// now (in a session, rate limit) → `service-unavailable` (K.2.2).
//
// @xmpp/client is ESM-only and Jest's CommonJS sandbox cannot load it, so (as libs/connreq does)
// the client runs in a worker thread; the verdict is taken on the fleet's loop and sent back.

export const XMPP_CONNREQ_NS = 'urn:broadband-forum-org:cwmp:xmppConnReq-1-0';

export interface XmppCpeAccount {
  /** e.g. xmpp://127.0.0.1:15222 */
  readonly service: string;
  readonly domain: string;
  readonly username: string;
  readonly password: string;
  readonly resource: string;
}

export type XmppVerdict = 'accepted' | 'not-authorized' | 'service-unavailable';

/** What the fleet offers the XMPP client (CpeFleet.connectionRequest). */
export interface ConnectionRequestSink {
  connectionRequest(cpe: SimulatedCpe): boolean;
}

/** Annex K.2.2 decision for one IQ (pure). */
export function xmppVerdict(
  cpe: SimulatedCpe,
  sink: ConnectionRequestSink,
  username: string,
  password: string,
): XmppVerdict {
  if (username !== cpe.crUsername || password !== cpe.crPassword) return 'not-authorized';
  return sink.connectionRequest(cpe) ? 'accepted' : 'service-unavailable';
}

const WORKER_SOURCE = `
'use strict';
const { parentPort, workerData } = require('node:worker_threads');
const { createRequire } = require('node:module');
const { client, xml } = createRequire(workerData.resolveFrom)('@xmpp/client');
const NS = ${JSON.stringify(XMPP_CONNREQ_NS)};
const STANZAS = 'urn:ietf:params:xml:ns:xmpp-stanzas';
const a = workerData.account;
const x = client({ service: a.service, domain: a.domain, username: a.username, password: a.password, resource: a.resource });
const post = (m) => parentPort.postMessage(m);
const pending = new Map();
let seq = 0;
let stopping = false;
x.on('error', (e) => post({ type: 'error', message: String((e && e.message) || e) }));
x.on('status', (s) => post({ type: 'status', status: s }));
x.iqCallee.get(NS, 'connectionRequest', (ctx) => {
  const el = ctx.element;
  const id = ++seq;
  post({ type: 'request', id, username: el.getChildText('username') || '', password: el.getChildText('password') || '' });
  return new Promise((resolve) => pending.set(id, resolve)).then((verdict) =>
    verdict === 'accepted'
      ? true
      : xml('error', { type: verdict === 'not-authorized' ? 'auth' : 'cancel' }, xml(verdict, STANZAS)),
  );
});
parentPort.on('message', async (m) => {
  if (m.op === 'verdict') {
    const r = pending.get(m.id);
    pending.delete(m.id);
    if (r) r(m.verdict);
  } else if (m.op === 'stop') {
    stopping = true;
    try { await x.stop(); } catch (e) { /* already offline */ }
    post({ type: 'stopped' });
  }
});
function start(delay) {
  x.start().catch((e) => {
    post({ type: 'error', message: String((e && e.message) || e) });
    if (!stopping && x.status !== 'online') setTimeout(() => { if (!stopping && x.status === 'offline') start(Math.min(delay * 2, 10000)); }, delay);
  });
}
start(500);
`;

type WorkerMessage =
  | { readonly type: 'status'; readonly status: string }
  | { readonly type: 'error'; readonly message: string }
  | {
      readonly type: 'request';
      readonly id: number;
      readonly username: string;
      readonly password: string;
    }
  | { readonly type: 'stopped' };

/** One device's XMPP presence for Annex K connection requests. */
export class CpeXmppClient {
  private worker: Worker | undefined;
  status = 'offline';
  lastError: string | undefined;
  readonly verdicts: Record<XmppVerdict, number> = {
    accepted: 0,
    'not-authorized': 0,
    'service-unavailable': 0,
  };
  private readonly waiters = new Set<(m: WorkerMessage) => void>();

  constructor(
    private readonly cpe: SimulatedCpe,
    private readonly sink: ConnectionRequestSink,
    private readonly account: XmppCpeAccount,
  ) {}

  /** The JID the ACS addresses (ManagementServer.ConnReqJabberID). */
  get jid(): string {
    return `${this.account.username}@${this.account.domain}/${this.account.resource}`;
  }

  /** Logs in; resolves once online, rejects after `timeoutMs` with the last error. */
  async start(timeoutMs = 10_000): Promise<void> {
    const worker = new Worker(WORKER_SOURCE, {
      eval: true,
      workerData: { account: this.account, resolveFrom: __filename },
    });
    this.worker = worker;
    worker.on('message', (m: WorkerMessage) => this.onMessage(m));
    worker.on('error', (e: Error) => {
      this.lastError = e.message;
      this.status = 'offline';
    });
    const root = this.cpe.model.root;
    this.cpe.model.write(`${root}ManagementServer.ConnReqJabberID`, this.jid);
    await this.until((m) => m.type === 'status' && m.status === 'online', timeoutMs);
  }

  async stop(): Promise<void> {
    const worker = this.worker;
    if (worker === undefined) return;
    this.worker = undefined;
    worker.postMessage({ op: 'stop' });
    await this.until((m) => m.type === 'stopped', 3_000).catch(() => undefined);
    await worker.terminate();
  }

  private onMessage(m: WorkerMessage): void {
    switch (m.type) {
      case 'status':
        this.status = m.status;
        break;
      case 'error':
        this.lastError = m.message;
        break;
      case 'request': {
        const verdict = xmppVerdict(this.cpe, this.sink, m.username, m.password);
        this.verdicts[verdict]++;
        this.worker?.postMessage({ op: 'verdict', id: m.id, verdict });
        break;
      }
      case 'stopped':
        break;
    }
    for (const w of this.waiters) w(m);
  }

  private until(test: (m: WorkerMessage) => boolean, timeoutMs: number): Promise<void> {
    if (this.status === 'online' && test({ type: 'status', status: 'online' }))
      return Promise.resolve();
    return new Promise((resolve, reject) => {
      const done = (m: WorkerMessage): void => {
        if (!test(m)) return;
        clearTimeout(timer);
        this.waiters.delete(done);
        resolve();
      };
      const timer = setTimeout(() => {
        this.waiters.delete(done);
        reject(new Error(`XMPP: no answer in ${timeoutMs} ms (${this.lastError ?? this.status})`));
      }, timeoutMs);
      this.waiters.add(done);
    });
  }
}
