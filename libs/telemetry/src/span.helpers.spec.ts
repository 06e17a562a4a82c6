import { TraceFlags, context, trace } from '@opentelemetry/api';
import { InMemorySpanExporter, type ReadableSpan } from '@opentelemetry/sdk-trace';
import {
  ATTR,
  SpanKind,
  SpanStatusCode,
  TelemetryError,
  TelemetryErrorCode,
  activeSpanIds,
  initTelemetry,
  linksTo,
  recordCwmpFault,
  startSpan,
  traceContextField,
  withSpan,
  type TelemetryHandle,
} from './index';

describe('span helpers', () => {
  const exporter = new InMemorySpanExporter();
  let telemetry: TelemetryHandle;
  beforeAll(async () => {
    telemetry = await initTelemetry({
      serviceName: 't',
      serviceVersion: '0',
      enabled: true,
      spanExporter: exporter,
    });
  });
  afterAll(() => telemetry.shutdown());
  beforeEach(() => exporter.reset());
  const finished = async (): Promise<ReadableSpan[]> => {
    await telemetry.forceFlush();
    return exporter.getFinishedSpans();
  };

  it('makes the span active inside withSpan and ends it afterwards', async () => {
    let inside: ReturnType<typeof activeSpanIds>;
    const result = await withSpan('outer', { kind: SpanKind.SERVER }, async (span) => {
      inside = activeSpanIds();
      await withSpan('inner', {}, () => undefined);
      expect(span.isRecording()).toBe(true);
      return 42;
    });
    expect(result).toBe(42);
    expect(activeSpanIds()).toBeUndefined();
    const [inner, outer] = await finished();
    expect(outer!.name).toBe('outer');
    expect(outer!.kind).toBe(SpanKind.SERVER);
    expect(inside!.spanId).toBe(outer!.spanContext().spanId);
    expect(inner!.parentSpanContext?.spanId).toBe(outer!.spanContext().spanId);
  });

  it('marks the span failed with the error code as error.type and rethrows', async () => {
    const failing = withSpan('publish', {}, () => {
      throw new TelemetryError(TelemetryErrorCode.InvalidOptions, 'boom');
    });
    await expect(failing).rejects.toThrow('boom');
    const [span] = await finished();
    expect(span!.status).toEqual({ code: SpanStatusCode.ERROR, message: 'boom' });
    expect(span!.attributes[ATTR.errorType]).toBe(TelemetryErrorCode.InvalidOptions);
    expect(span!.events.map((e) => e.name)).toEqual(['exception']);
  });

  it('records a CWMP fault code and string', async () => {
    const span = startSpan('cwmp.rpc SetParameterValues', {
      attributes: { [ATTR.rpcSystem]: 'cwmp', [ATTR.rpcMethod]: 'SetParameterValues' },
    });
    recordCwmpFault(span, 9005, 'Invalid parameter name');
    span.end();
    const [s] = await finished();
    expect(s!.attributes).toMatchObject({
      [ATTR.rpcMethod]: 'SetParameterValues',
      [ATTR.faultCode]: '9005',
      [ATTR.faultString]: 'Invalid parameter name',
      [ATTR.errorType]: '9005',
    });
    expect(s!.status.code).toBe(SpanStatusCode.ERROR);
  });

  it('links the session a connection request caused to the API call that asked for it', async () => {
    // NBI call → wake-up command carries its trace context (e.g. stored with the pending wake-up).
    let wakeup: ReturnType<typeof traceContextField>;
    await withSpan('acs.v1.Devices/Reboot', { kind: SpanKind.SERVER }, () => {
      wakeup = traceContextField();
    });
    // Later the CPE opens a session of its own ("6 CONNECTION REQUEST"): a new trace, linked.
    await withSpan(
      'cwmp.session',
      { kind: SpanKind.SERVER, root: true, links: linksTo(wakeup, 'connection-request') },
      () => {},
    );
    const spans = await finished();
    const api = spans.find((s) => s.name === 'acs.v1.Devices/Reboot')!;
    const session = spans.find((s) => s.name === 'cwmp.session')!;
    expect(session.spanContext().traceId).not.toBe(api.spanContext().traceId);
    expect(session.links).toHaveLength(1);
    expect(session.links[0]!.context.traceId).toBe(api.spanContext().traceId);
    expect(session.links[0]!.context.spanId).toBe(api.spanContext().spanId);
    expect(session.links[0]!.attributes).toEqual({ [ATTR.linkReason]: 'connection-request' });
  });

  it('gives no link for a missing or malformed trace context', () => {
    expect(linksTo(undefined, 'x')).toEqual([]);
    expect(linksTo({ traceparent: 'garbage' }, 'x')).toEqual([]);
  });

  it('starts a new trace for root spans even inside another span', async () => {
    await withSpan('outer', {}, () => {
      const root = startSpan('root', { root: true });
      expect(root.spanContext().traceId).not.toBe(trace.getSpanContext(context.active())!.traceId);
      root.end();
    });
    const root = (await finished()).find((s) => s.name === 'root')!;
    expect(root.parentSpanContext).toBeUndefined();
  });

  it('records nothing under an unsampled parent but keeps its trace id for the children', async () => {
    const unsampled = trace.setSpanContext(context.active(), {
      traceId: '0af7651916cd43dd8448eb211c80319c',
      spanId: 'b7ad6b7169203331',
      traceFlags: TraceFlags.NONE,
    });
    const attributes = jest.fn(() => ({ [ATTR.rpcMethod]: 'Inform' }));
    let propagated: ReturnType<typeof traceContextField>;
    await withSpan('cwmp Inform', { parent: unsampled, attributes }, (span) => {
      expect(span.isRecording()).toBe(false);
      propagated = traceContextField();
    });
    const child = startSpan('cwmp Reboot', { parent: unsampled, attributes });
    expect(child.isRecording()).toBe(false);
    child.end();
    expect(attributes).not.toHaveBeenCalled();
    expect(propagated!.traceparent).toBe('00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-00');
    expect(await finished()).toEqual([]);
  });

  it('builds lazy attributes for a recording span', async () => {
    await withSpan('cwmp Empty', { attributes: () => ({ [ATTR.rpcSystem]: 'cwmp' }) }, () => {});
    const [span] = await finished();
    expect(span!.attributes[ATTR.rpcSystem]).toBe('cwmp');
  });
});
