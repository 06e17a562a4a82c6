import { createSocket, type Socket } from 'node:dgram';
import { performance } from 'node:perf_hooks';
import { parentPort, workerData } from 'node:worker_threads';
import { CpeHttpServer } from '@acs/connreq';

// The CPE side of bench/connreq.bench.ts, in its own thread: UDP listeners that note when each
// device's first connection request arrives, and Digest-challenging HTTP CR servers that note when
// each device's request is accepted. Times go into shared arrays (index = device number).

export interface EndpointsWorkerData {
  readonly udpAddresses: readonly string[];
  readonly udpPortsPerAddress: number;
  readonly httpAddresses: readonly string[];
  readonly httpPortsPerAddress: number;
  readonly username: string;
  readonly password: string;
  /** Float64 per UDP device: epoch ms (performance.timeOrigin based) of the first datagram. */
  readonly udpArrivals: SharedArrayBuffer;
  /** Float64 per HTTP device: when the authenticated GET was accepted. */
  readonly httpArrivals: SharedArrayBuffer;
  /** Int32 [udp datagrams, udp first arrivals, http accepted]. */
  readonly counters: SharedArrayBuffer;
}

const d = workerData as EndpointsWorkerData;
const udpAt = new Float64Array(d.udpArrivals);
const httpAt = new Float64Array(d.httpArrivals);
const counters = new Int32Array(d.counters);
const now = (): number => performance.timeOrigin + performance.now();

// Annex G request line: ...&un=d<index>&... — the device number is in the username.
function deviceOf(datagram: Buffer): number {
  const i = datagram.indexOf('&un=d');
  if (i < 0) return -1;
  let n = 0;
  for (let j = i + 5; j < datagram.length; j++) {
    const c = datagram[j] ?? 0;
    if (c < 48 || c > 57) break;
    n = n * 10 + (c - 48);
  }
  return n;
}

async function main(): Promise<void> {
  const udp: { address: string; port: number }[] = [];
  const sockets: Socket[] = [];
  for (const address of d.udpAddresses) {
    for (let p = 0; p < d.udpPortsPerAddress; p++) {
      const s = createSocket({ type: 'udp4', recvBufferSize: 8 * 1024 * 1024 });
      s.on('message', (m) => {
        Atomics.add(counters, 0, 1);
        const n = deviceOf(m);
        if (n >= 0 && n < udpAt.length && udpAt[n] === 0) {
          udpAt[n] = now();
          Atomics.add(counters, 1, 1);
        }
      });
      await new Promise<void>((resolve) => s.bind(0, address, resolve));
      sockets.push(s);
      udp.push({ address, port: s.address().port });
    }
  }
  const http: { host: string; port: number }[] = [];
  const servers: CpeHttpServer[] = [];
  for (const host of d.httpAddresses) {
    for (let p = 0; p < d.httpPortsPerAddress; p++) {
      const server = new CpeHttpServer({
        host,
        username: d.username,
        password: d.password,
        onAccepted: (path) => {
          const n = Number(path.slice(path.lastIndexOf('/') + 2));
          if (Number.isInteger(n) && n >= 0 && n < httpAt.length && httpAt[n] === 0) {
            httpAt[n] = now();
            Atomics.add(counters, 2, 1);
          }
        },
      });
      http.push(await server.listen());
      servers.push(server);
    }
  }
  parentPort?.on('message', (m: string) => {
    if (m !== 'stop') return;
    for (const s of sockets) s.close();
    void Promise.all(servers.map((s) => s.close())).then(() => parentPort?.close());
  });
  parentPort?.postMessage({ udp, http });
}

void main();
