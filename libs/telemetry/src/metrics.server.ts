import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { PrometheusExporter } from '@opentelemetry/exporter-prometheus';

/** Runs before each scrape (e.g. to sample counters kept elsewhere); bounded, never fails it. */
export type BeforeCollect = () => Promise<void>;

export interface MetricsAddress {
  readonly host: string;
  readonly port: number;
}

/**
 * The per-app Prometheus scrape endpoint: GET/HEAD /metrics → the exporter's text exposition,
 * anything else 404/405. Its own node:http server so it can bind an ephemeral port and report it.
 */
export class MetricsServer {
  private constructor(
    private readonly server: Server,
    readonly address: MetricsAddress,
  ) {}

  static async listen(
    exporter: PrometheusExporter,
    host: string,
    port: number,
    beforeCollect?: BeforeCollect,
  ): Promise<MetricsServer> {
    const server = createServer((req, res) =>
      MetricsServer.route(exporter, req, res, beforeCollect),
    );
    // A scraper that stalls must not keep sockets open forever.
    server.requestTimeout = 10_000;
    server.headersTimeout = 10_000;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen({ host, port }, () => {
        server.off('error', reject);
        resolve();
      });
    });
    const a = server.address() as AddressInfo;
    return new MetricsServer(server, { host: a.address, port: a.port });
  }

  /** Serves one scrape (used by the server and by apps that mount the handler themselves). */
  static serve(
    exporter: PrometheusExporter,
    req: IncomingMessage,
    res: ServerResponse,
    beforeCollect?: BeforeCollect,
  ): void {
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.statusCode = 405;
      res.setHeader('allow', 'GET, HEAD');
      res.end();
      return;
    }
    if (beforeCollect === undefined) {
      exporter.getMetricsRequestHandler(req, res);
      return;
    }
    // beforeCollect never rejects (see TelemetryHandle.addCollectHook).
    void beforeCollect().then(() => exporter.getMetricsRequestHandler(req, res));
  }

  private static route(
    exporter: PrometheusExporter,
    req: IncomingMessage,
    res: ServerResponse,
    beforeCollect?: BeforeCollect,
  ): void {
    const path = (req.url ?? '').split('?')[0];
    if (path !== '/metrics') {
      res.statusCode = 404;
      res.end();
      return;
    }
    MetricsServer.serve(exporter, req, res, beforeCollect);
  }

  async close(): Promise<void> {
    await new Promise<void>((resolve) => {
      this.server.close(() => resolve());
      this.server.closeAllConnections();
    });
  }
}
