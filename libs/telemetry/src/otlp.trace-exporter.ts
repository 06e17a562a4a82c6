import { OTLPTraceExporter as OtlpJsonTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { OTLPExporterBase } from '@opentelemetry/otlp-exporter-base';
import {
  convertLegacyHttpOptions,
  createOtlpHttpExportDelegate,
} from '@opentelemetry/otlp-exporter-base/node-http';
import {
  ProtobufTraceSerializer,
  TraceExporterMetricsHelper,
  type IExportTraceServiceResponse,
  type ISerializer,
} from '@opentelemetry/otlp-transformer';
import type { ReadableSpan, SpanExporter } from '@opentelemetry/sdk-trace';
import { encodeTraceExportRequest } from './otlp.span-encoder';
import type { OtlpProtocol } from './telemetry.config';

export interface OtlpTraceExporterOptions {
  /** Full traces URL, `<collector>/v1/traces`. */
  readonly url: string;
  readonly protocol: OtlpProtocol;
  /** Per export, retries included (the SDK retries 429/502/503/504 with backoff inside it). */
  readonly timeoutMillis: number;
}

// The request side is ours (encodeTraceExportRequest: same bytes as the SDK's, ~3× cheaper, see
// docs/benchmarks.md "OTLP span encoding"); the response (ExportTraceServiceResponse, partial
// success) is decoded by the SDK's.
const protobufSerializer: ISerializer<ReadableSpan[], IExportTraceServiceResponse> = {
  serializeRequest: encodeTraceExportRequest,
  deserializeResponse: (data) => ProtobufTraceSerializer.deserializeResponse(data),
};

// What @opentelemetry/exporter-trace-otlp-proto's node OTLPTraceExporter is, with our serializer:
// the SDK's HTTP transport, retries, concurrency limit and self-observability metrics.
class OtlpProtobufTraceExporter extends OTLPExporterBase<ReadableSpan[]> implements SpanExporter {
  constructor(options: OtlpTraceExporterOptions) {
    super(
      createOtlpHttpExportDelegate(
        convertLegacyHttpOptions(
          { url: options.url, timeoutMillis: options.timeoutMillis },
          'TRACES',
          'v1/traces',
          { 'Content-Type': 'application/x-protobuf' },
        ),
        protobufSerializer,
        'otlp_http_span_exporter',
        TraceExporterMetricsHelper,
        undefined,
      ),
    );
  }
}

/** The OTLP/HTTP span exporter for `protocol`: protobuf (the OTel default) or JSON. */
export function createOtlpTraceExporter(options: OtlpTraceExporterOptions): SpanExporter {
  switch (options.protocol) {
    case 'http/protobuf':
      return new OtlpProtobufTraceExporter(options);
    case 'http/json':
      return new OtlpJsonTraceExporter({ url: options.url, timeoutMillis: options.timeoutMillis });
  }
}
