import { Agent, createServer, request, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * An HTTP proxy that sends each request to the next upstream in turn (no stickiness at all), the
 * worst case for a stateful gateway. An upstream that refuses connections is skipped (the
 * failover any load balancer does); a request in flight when its upstream dies gets 502.
 */
export class RoundRobinProxy {
  private readonly server: Server;
  private readonly agent = new Agent({ keepAlive: true, maxSockets: 256 });
  private turn = 0;
  readonly served: number[];

  constructor(private readonly upstreams: readonly string[]) {
    this.served = upstreams.map(() => 0);
    this.server = createServer({ keepAlive: true }, (req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        void this.forward(req, Buffer.concat(chunks), this.turn++ % upstreams.length, 0).then(
          (up) => {
            res.writeHead(up.status, up.headers);
            res.end(up.body);
          },
          () => {
            res.writeHead(502, { 'content-length': '0' });
            res.end();
          },
        );
      });
    });
  }

  async listen(): Promise<string> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/`;
  }

  async close(): Promise<void> {
    this.agent.destroy();
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private forward(
    req: IncomingMessage,
    body: Buffer,
    index: number,
    tried: number,
  ): Promise<{ status: number; headers: Record<string, string | string[]>; body: Buffer }> {
    const target = this.upstreams[index] as string;
    return new Promise((resolve, reject) => {
      const headers = { ...req.headers, 'content-length': String(body.length) };
      delete headers['transfer-encoding'];
      const up = request(target, { method: req.method, headers, agent: this.agent }, (res) => {
        const parts: Buffer[] = [];
        res.on('data', (c: Buffer) => parts.push(c));
        res.on('error', reject);
        res.on('end', () => {
          this.served[index] = (this.served[index] ?? 0) + 1;
          const out: Record<string, string | string[]> = {};
          for (const [k, v] of Object.entries(res.headers))
            if (v !== undefined && k !== 'connection' && k !== 'keep-alive') out[k] = v;
          resolve({ status: res.statusCode ?? 502, headers: out, body: Buffer.concat(parts) });
        });
      });
      up.on('error', (e: NodeJS.ErrnoException) => {
        if (e.code === 'ECONNREFUSED' && tried + 1 < this.upstreams.length)
          resolve(this.forward(req, body, (index + 1) % this.upstreams.length, tried + 1));
        else reject(e);
      });
      up.end(body);
    });
  }
}
