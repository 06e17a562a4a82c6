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
import { traceContextField } from '@acs/telemetry';
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
    // With telemetry on: the active request span's context (a traced bus replaces it with its
    // PRODUCER span, a child of it, in the same trace). Off: the session's traceparent.
    const traceparent = traceContextField()?.traceparent ?? record.trace;
    if (traceparent !== undefined) headers[EVENT_HEADERS.traceparent] = traceparent;
    await this.bus.publish(topic, [{ key: event.deviceId, value: encodeEvent(event), headers }]);
  }
}
