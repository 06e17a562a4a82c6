import type { EventBus } from '@acs/bus';
import type { CpeMethodRequest, Inform } from '@acs/cwmp';
import {
  EVENT_HEADERS,
  TOPICS,
  encodeEvent,
  type CwmpEvent,
  type RpcOutcome,
  type SessionEndReason,
} from '@acs/events';
import type { Clock } from './runtime.ports';
import type { SessionRecord } from './session.record';
import type { CpeRequest } from './session.state-machine';

/**
 * Builds the session's events (`@acs/events` schemas) and publishes them keyed by device id,
 * with the session's traceparent. Each call resolves once the bus acknowledged the event.
 * Event ids are stable per fact, for consumer-side dedupe under at-least-once delivery.
 */
export class SessionEventPublisher {
  constructor(
    private readonly bus: EventBus,
    private readonly clock: Clock,
  ) {}

  inform(record: SessionRecord, inform: Inform, remoteAddress: string): Promise<void> {
    return this.publish(TOPICS.informs, record, {
      schema: 'cwmp.inform.v1',
      eventId: `${record.sessionId}/inform`,
      ...this.base(record),
      cwmpVersion: record.cwmpVersion,
      inform,
      remoteAddress,
    });
  }

  started(record: SessionRecord, inform: Inform): Promise<void> {
    return this.publish(TOPICS.sessions, record, {
      schema: 'cwmp.session.v1',
      eventId: `${record.sessionId}/started`,
      ...this.base(record),
      kind: 'started',
      events: inform.event.map((e) => e.eventCode),
    });
  }

  /** The n-th CPE request of the session. */
  request(record: SessionRecord, n: number, request: CpeRequest): Promise<void> {
    return this.publish(TOPICS.requests, record, {
      schema: 'cwmp.request.v1',
      eventId: `${record.sessionId}/request/${n}`,
      ...this.base(record),
      request,
    });
  }

  rpcResult(
    record: SessionRecord,
    rpcId: string,
    requestType: CpeMethodRequest['type'],
    outcome: RpcOutcome,
  ): Promise<void> {
    return this.publish(TOPICS.rpcResults, record, {
      schema: 'cwmp.rpc-result.v1',
      eventId: `${record.sessionId}/rpc/${rpcId}`,
      ...this.base(record),
      rpcId,
      requestType,
      outcome,
    });
  }

  ended(record: SessionRecord, reason: SessionEndReason): Promise<void> {
    return this.publish(TOPICS.sessions, record, {
      schema: 'cwmp.session.v1',
      eventId: `${record.sessionId}/ended`,
      ...this.base(record),
      kind: 'ended',
      reason,
      rpcCount: record.rpcCount,
    });
  }

  private lastMs = NaN;
  private lastIso = '';

  private base(record: SessionRecord): { deviceId: string; sessionId: string; occurredAt: string } {
    const now = this.clock.now();
    // Several events per millisecond under load: format each millisecond once.
    if (now !== this.lastMs) {
      this.lastMs = now;
      this.lastIso = new Date(now).toISOString();
    }
    return { deviceId: record.deviceId, sessionId: record.sessionId, occurredAt: this.lastIso };
  }

  private async publish(topic: string, record: SessionRecord, event: CwmpEvent): Promise<void> {
    const headers: Record<string, string> = { [EVENT_HEADERS.schema]: event.schema };
    // The session's traceparent. With telemetry on the apps publish through a TracedEventBus,
    // which refines it to the active request span (or its PRODUCER span) of the same trace, so
    // the consumer becomes that span's child; writing the active context here as well only did
    // the same work twice per event (docs/benchmarks.md, "Telemetry cost").
    if (record.trace !== undefined) headers[EVENT_HEADERS.traceparent] = record.trace;
    await this.bus.publish(topic, [{ key: event.deviceId, value: encodeEvent(event), headers }]);
  }
}
