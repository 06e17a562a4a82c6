import { Worker } from 'node:worker_threads';
import { XMPP_WORKER_SOURCE } from './xmpp.worker-source';

export interface XmppAccount {
  /** e.g. xmpp://127.0.0.1:15222 (plain TCP; STARTTLS is used when the server offers it). */
  readonly service: string;
  readonly domain: string;
  readonly username: string;
  readonly password: string;
  readonly resource?: string;
}

export type WorkerEvent =
  | { type: 'status'; status: string }
  | { type: 'error'; message: string }
  | { type: 'reply'; id: number; ok: boolean; condition?: string; name?: string; message?: string }
  | { type: 'served'; from: string; username: string; outcome: string }
  | { type: 'stopped' };

/** Runs one @xmpp/client connection in a worker thread (see xmpp.worker-source.ts for why). */
export class XmppWorkerHost {
  private readonly worker: Worker;
  private statusNow = 'offline';
  private readonly listeners = new Set<(e: WorkerEvent) => void>();
  lastError: string | undefined;

  constructor(
    account: XmppAccount,
    role: 'caller' | 'responder',
    extra: Record<string, unknown> = {},
  ) {
    this.worker = new Worker(XMPP_WORKER_SOURCE, {
      eval: true,
      workerData: { options: account, role, resolveFrom: __filename, ...extra },
    });
    this.worker.on('message', (e: WorkerEvent) => {
      if (e.type === 'status') this.statusNow = e.status;
      if (e.type === 'error') this.lastError = e.message;
      for (const l of this.listeners) l(e);
    });
    this.worker.on('error', (e: Error) => {
      this.lastError = e.message;
      this.statusNow = 'offline';
    });
    this.worker.on('exit', () => {
      this.statusNow = 'offline';
    });
  }

  get status(): string {
    return this.statusNow;
  }

  on(listener: (e: WorkerEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  post(message: unknown): void {
    this.worker.postMessage(message);
  }

  /** Resolves once online; rejects after `timeoutMs` with the last connection error. */
  waitOnline(timeoutMs: number): Promise<void> {
    if (this.statusNow === 'online') return Promise.resolve();
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        off();
        reject(
          new Error(`XMPP not online after ${timeoutMs} ms: ${this.lastError ?? this.statusNow}`),
        );
      }, timeoutMs);
      const off = this.on((e) => {
        if (e.type === 'status' && e.status === 'online') {
          clearTimeout(timer);
          off();
          resolve();
        }
      });
    });
  }

  async stop(): Promise<void> {
    const stopped = new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, 3_000);
      this.on((e) => {
        if (e.type === 'stopped') {
          clearTimeout(timer);
          resolve();
        }
      });
    });
    this.post({ op: 'stop' });
    await stopped;
    await this.worker.terminate();
  }
}
