import { Agent, request } from 'node:http';
import { performance } from 'node:perf_hooks';
import { serializeEnvelope, type Inform } from '@acs/cwmp';

// Load generator for the gateway benchmark: N simulated CPEs, each on its own keep-alive
// connection, running periodic-Inform sessions back to back (Inform → InformResponse, empty
// POST → 204) until a deadline. Requests go to loopback only; the loop stops by itself.

export interface LoadOptions {
  /** http://127.0.0.1:port/ */
  readonly url: string;
  readonly cpes: number;
  readonly warmupMs: number;
  readonly durationMs: number;
  /** Hard cap on sessions per CPE, so a broken target cannot spin forever. */
  readonly maxSessionsPerCpe?: number;
}

export interface LoadResult {
  readonly sessions: number;
  readonly errors: number;
  readonly errorSamples: readonly string[];
  readonly sessionsPerSec: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
}

export function informBytes(
  serial: string,
  root: 'Device' | 'InternetGatewayDevice' = 'Device',
): Buffer {
  const s = (name: string, value: string) => ({
    name: `${root}.${name}`,
    value: { type: 'string' as const, value },
  });
  const inform: Inform = {
    type: 'Inform',
    deviceId: { manufacturer: 'Bench', oui: '00D09E', productClass: 'BENCH', serialNumber: serial },
    event: [{ eventCode: '2 PERIODIC', commandKey: '' }],
    maxEnvelopes: 1,
    currentTime: '2026-11-29T10:00:00Z',
    retryCount: 0,
    parameterList: [
      s('DeviceInfo.HardwareVersion', 'HW1'),
      s('DeviceInfo.SoftwareVersion', 'SW1'),
      s('DeviceInfo.ProvisioningCode', ''),
      s('ManagementServer.ParameterKey', ''),
      s('ManagementServer.ConnectionRequestURL', 'http://127.0.0.1:7548/'),
    ],
  };
  return Buffer.from(serializeEnvelope({ version: '1.2', header: { id: '1' }, body: inform }));
}

interface Reply {
  status: number;
  cookie: string | undefined;
  bytes: number;
}

function post(url: string, agent: Agent, body: Buffer, cookie: string | undefined): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const headers: Record<string, string> = { 'content-length': String(body.length) };
    if (body.length > 0) headers['content-type'] = 'text/xml; charset="utf-8"';
    if (cookie !== undefined) headers['cookie'] = cookie;
    const req = request(url, { method: 'POST', agent, headers }, (res) => {
      let bytes = 0;
      res.on('data', (c: Buffer) => (bytes += c.length));
      res.on('end', () =>
        resolve({
          status: res.statusCode ?? 0,
          cookie: res.headers['set-cookie']?.[0]?.split(';')[0],
          bytes,
        }),
      );
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(body);
  });
}

export async function runCpeLoad(options: LoadOptions): Promise<LoadResult> {
  const empty = Buffer.alloc(0);
  const start = performance.now();
  const measureFrom = start + options.warmupMs;
  const deadline = measureFrom + options.durationMs;
  const maxSessions = options.maxSessionsPerCpe ?? 1_000_000;
  const latencies: number[] = [];
  const errorSamples: string[] = [];
  let errors = 0;
  const fail = (why: string): void => {
    errors++;
    if (errorSamples.length < 5) errorSamples.push(why);
  };

  const cpe = async (i: number): Promise<void> => {
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    const inform = informBytes(`SN${i.toString().padStart(6, '0')}`);
    try {
      for (let n = 0; n < maxSessions; n++) {
        const t0 = performance.now();
        if (t0 >= deadline) break;
        try {
          const r1 = await post(options.url, agent, inform, undefined);
          if (r1.status !== 200 || r1.bytes === 0) {
            fail(`Inform → ${r1.status}`);
            continue;
          }
          const r2 = await post(options.url, agent, empty, r1.cookie);
          if (r2.status !== 204) {
            fail(`empty POST → ${r2.status}`);
            continue;
          }
          const t1 = performance.now();
          if (t0 >= measureFrom && t1 <= deadline) latencies.push(t1 - t0);
        } catch (e) {
          fail((e as Error).message);
        }
      }
    } finally {
      agent.destroy();
    }
  };

  await Promise.all(Array.from({ length: options.cpes }, (_, i) => cpe(i)));
  latencies.sort((a, b) => a - b);
  const q = (p: number): number =>
    latencies[Math.min(latencies.length - 1, Math.floor(p * latencies.length))] ?? NaN;
  return {
    sessions: latencies.length,
    errors,
    errorSamples,
    sessionsPerSec: (latencies.length * 1000) / options.durationMs,
    p50Ms: q(0.5),
    p99Ms: q(0.99),
  };
}
