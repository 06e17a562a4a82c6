import type { EventBus } from '@acs/bus';
import type { ResultSink } from '../fanout/fanout.types';
import { CONNREQ_RESULTS_TOPIC } from '../schema/connreq.topics';
import type { ConnreqResult } from '../schema/wakeup.schema';

/** Publishes results on `acs.connreq.results`, key = device id. */
export class BusResultSink implements ResultSink {
  constructor(
    private readonly bus: EventBus,
    private readonly topic = CONNREQ_RESULTS_TOPIC,
  ) {}

  publish(result: ConnreqResult): Promise<void> {
    return this.bus.publish(this.topic, [{ key: result.deviceId, value: JSON.stringify(result) }]);
  }
}
