import { spawn } from 'node:child_process';

// A loopback OTLP/HTTP trace collector for the benchmarks, in a child process as a real collector
// runs elsewhere: its parsing is not billed to the measured process. It counts the spans it
// receives in either encoding, by content type: JSON by its "spanId" fields; protobuf by walking
// the wire format ExportTraceServiceRequest.resource_spans (1) → ResourceSpans.scope_spans (2) →
// ScopeSpans.spans (2), counting Span entries. GET answers the count so far.
const COLLECTOR = `
const http = require('node:http');
const zlib = require('node:zlib');
let spans = 0;
function varint(b, at) {
  let v = 0, mul = 1, p = at.p;
  for (;;) {
    if (p >= b.length) throw new Error('truncated varint');
    const x = b[p++];
    v += (x & 0x7f) * mul;
    if (x < 0x80) break;
    mul *= 128;
  }
  at.p = p;
  return v;
}
// Calls onField(fieldNumber, start, end) for each length-delimited field of b[start, end).
function fields(b, start, end, onField) {
  const at = { p: start };
  while (at.p < end) {
    const key = varint(b, at);
    const wire = key % 8;
    if (wire === 0) varint(b, at);
    else if (wire === 1) at.p += 8;
    else if (wire === 5) at.p += 4;
    else if (wire === 2) {
      const len = varint(b, at);
      if (at.p + len > end) throw new Error('length past end');
      onField(Math.floor(key / 8), at.p, at.p + len);
      at.p += len;
    } else throw new Error('wire type ' + wire);
  }
}
function countProtobuf(b) {
  let n = 0;
  fields(b, 0, b.length, (f, s, e) => {
    if (f === 1) fields(b, s, e, (f2, s2, e2) => {
      if (f2 === 2) fields(b, s2, e2, (f3) => { if (f3 === 2) n++; });
    });
  });
  return n;
}
const server = http.createServer((req, res) => {
  if (req.method === 'GET') { res.end(String(spans)); return; }
  const chunks = [];
  req.on('data', (c) => chunks.push(c));
  req.on('end', () => {
    let body = Buffer.concat(chunks);
    if (req.headers['content-encoding'] === 'gzip') body = zlib.gunzipSync(body);
    const type = req.headers['content-type'] || '';
    try {
      if (type.startsWith('application/x-protobuf')) {
        spans += countProtobuf(body);
        res.setHeader('content-type', 'application/x-protobuf');
        res.end();
      } else {
        spans += body.toString('utf8').split('"spanId"').length - 1;
        res.setHeader('content-type', 'application/json');
        res.end('{}');
      }
    } catch (e) {
      res.statusCode = 400;
      res.end(String(e));
    }
  });
});
server.listen(0, '127.0.0.1', () => process.stdout.write(String(server.address().port) + '\\n'));
process.stdin.on('end', () => process.exit(0));
process.stdin.resume();
`;

export interface OtlpCollector {
  /** Base URL (exporters post to `<url>/v1/traces`). */
  readonly url: string;
  /** Spans received so far. */
  spans(): Promise<number>;
  /** Ends the child (it exits when this process closes its stdin). */
  stop(): void;
}

/** Starts the loopback collector child process. */
export async function startCollector(): Promise<OtlpCollector> {
  const child = spawn(process.execPath, ['-e', COLLECTOR], { stdio: ['pipe', 'pipe', 'inherit'] });
  const port = await new Promise<number>((resolve, reject) => {
    child.once('error', reject);
    child.stdout.once('data', (d: Buffer) => resolve(Number(d.toString('utf8').trim())));
  });
  const url = `http://127.0.0.1:${port}`;
  return {
    url,
    spans: async () => Number(await (await fetch(url)).text()),
    stop: () => child.stdin.end(),
  };
}
