import { Writable } from 'node:stream';
import { InMemorySpanExporter } from '@opentelemetry/sdk-trace';
import { createLogger, initTelemetry, withSpan, type TelemetryHandle } from './index';

/** A pino destination that keeps every JSON line. */
function sink(): { stream: Writable; lines: () => Record<string, unknown>[] } {
  const chunks: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _enc, cb) {
      chunks.push(chunk.toString('utf8'));
      cb();
    },
  });
  const lines = () =>
    chunks
      .join('')
      .split('\n')
      .filter((l) => l !== '')
      .map((l) => JSON.parse(l) as Record<string, unknown>);
  return { stream, lines };
}

describe(createLogger.name, () => {
  let telemetry: TelemetryHandle;
  beforeAll(async () => {
    telemetry = await initTelemetry({
      serviceName: 't',
      serviceVersion: '0',
      enabled: true,
      spanExporter: new InMemorySpanExporter(),
    });
  });
  afterAll(() => telemetry.shutdown());

  it('adds trace_id and span_id of the active span to each line', async () => {
    const { stream, lines } = sink();
    const log = createLogger({ level: 'info', name: 'gateway', destination: stream });
    let ids = { traceId: '', spanId: '' };
    await withSpan('cwmp.inform', {}, (span) => {
      ids = span.spanContext();
      log.info({ deviceId: 'dev-1' }, 'inform accepted');
    });
    log.info('outside');
    const [inside, outside] = lines();
    expect(inside).toMatchObject({
      level: 'info',
      name: 'gateway',
      msg: 'inform accepted',
      deviceId: 'dev-1',
      trace_id: ids.traceId,
      span_id: ids.spanId,
    });
    expect(inside!['trace_id']).toMatch(/^[0-9a-f]{32}$/);
    expect(outside).not.toHaveProperty('trace_id');
    expect(outside).not.toHaveProperty('span_id');
  });

  it('drops lines below the configured level', () => {
    const { stream, lines } = sink();
    const log = createLogger({ level: 'warn', name: 'x', destination: stream });
    log.info('no');
    log.debug('no');
    log.warn('yes');
    expect(lines().map((l) => l['msg'])).toEqual(['yes']);
  });

  it('censors credentials a caller logs by mistake', () => {
    const { stream, lines } = sink();
    const log = createLogger({
      level: 'info',
      name: 'x',
      destination: stream,
      base: { pod: 'gw-0' },
    });
    log.info(
      { password: 'p1', cpe: { password: 'p2' }, headers: { authorization: 'Basic abc' } },
      'auth',
    );
    const [line] = lines();
    expect(JSON.stringify(line)).not.toMatch(/p1|p2|Basic abc/);
    expect(line).toMatchObject({ pod: 'gw-0', password: '[Redacted]' });
  });
});
