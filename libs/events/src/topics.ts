/**
 * Kafka topics the CWMP gateway writes. Key = device id on every topic, so one device's events
 * stay in order on one partition.
 */
export const TOPICS = {
  /** Every Inform, published (and acked by the broker) before the InformResponse. */
  informs: 'acs.cwmp.informs',
  /** CPE-originated requests other than Inform (TransferComplete, RequestDownload, Kicked…). */
  requests: 'acs.cwmp.requests',
  /** The CPE's answer (response or fault) to each RPC the ACS sent. */
  rpcResults: 'acs.cwmp.rpc-results',
  /** Session started / ended (with the reason). */
  sessions: 'acs.cwmp.sessions',
} as const;

export type TopicName = (typeof TOPICS)[keyof typeof TOPICS];

export const ALL_CWMP_TOPICS: readonly TopicName[] = Object.values(TOPICS);

/** Kafka header names set on every event. */
export const EVENT_HEADERS = {
  /** The payload's `schema` (e.g. `cwmp.inform.v1`), so consumers can route before parsing. */
  schema: 'x-event-schema',
  /** W3C Trace Context (https://www.w3.org/TR/trace-context/). */
  traceparent: 'traceparent',
  tracestate: 'tracestate',
} as const;
