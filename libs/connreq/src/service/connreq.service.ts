import type { EventBus, Subscription } from '@acs/bus';
import { WakeupFanout } from '../fanout/wakeup.fanout';
import {
  DEFAULT_FANOUT_LIMITS,
  type FanoutLimits,
  type FanoutStats,
  type Requesters,
} from '../fanout/fanout.types';
import type { BindingStore } from '../ports/binding-store.port';
import type { Clock, Random } from '../ports/clock.port';
import type { DeviceContactDirectory } from '../ports/device-contact.port';
import { CONNREQ_WAKEUPS_TOPIC } from '../schema/connreq.topics';
import { parseWakeupCommand } from '../schema/wakeup.schema';
import { ConnreqError } from '../connreq.error';
import { BusResultSink } from './bus-result.sink';

export interface ConnectionRequestServiceDeps {
  readonly bus: EventBus;
  readonly directory: DeviceContactDirectory;
  readonly bindings: BindingStore;
  /** The transports this deployment offers (UDP needs the STUN server's socket). */
  readonly requesters: Requesters;
  readonly clock: Clock;
  readonly random: Random;
  readonly limits?: Partial<FanoutLimits>;
  /** Consumer group. Default `acs-connection-request`. */
  readonly groupId?: string;
  readonly wakeupsTopic?: string;
  readonly resultsTopic?: string;
  /** Told about wake-up commands that fail validation (they are skipped, not retried). */
  readonly onMalformed?: (error: ConnreqError, key: string) => void;
}

export interface ConnectionRequestService {
  readonly stats: FanoutStats & { malformed: number };
  /** Resolves when nothing is queued or running. */
  idle(): Promise<void>;
  stop(): Promise<void>;
}

/**
 * The connection-request service: consumes wake-up commands, feeds the fan-out (which bounds
 * memory: the handler awaits admission, so a full fan-out stops the consumer pulling), publishes
 * one result per wake-up. Used by apps/connection-request and, in-process, by apps/acs.
 */
export async function startConnectionRequestService(
  deps: ConnectionRequestServiceDeps,
): Promise<ConnectionRequestService> {
  const fanout = new WakeupFanout({
    directory: deps.directory,
    bindings: deps.bindings,
    requesters: deps.requesters,
    sink: new BusResultSink(deps.bus, deps.resultsTopic),
    clock: deps.clock,
    random: deps.random,
    limits: { ...DEFAULT_FANOUT_LIMITS, ...deps.limits },
  });
  let malformed = 0;
  const sub: Subscription = await deps.bus.subscribe({
    groupId: deps.groupId ?? 'acs-connection-request',
    topics: [deps.wakeupsTopic ?? CONNREQ_WAKEUPS_TOPIC],
    handler: async (m) => {
      let cmd;
      try {
        cmd = parseWakeupCommand(m.value);
      } catch (e) {
        // A malformed command is not retried (it would fail the same way): count and skip.
        malformed++;
        if (e instanceof ConnreqError) deps.onMalformed?.(e, m.key);
        return;
      }
      if (cmd.deviceId !== m.key) {
        malformed++;
        return;
      }
      await fanout.submit(cmd);
    },
  });
  return {
    get stats() {
      return { ...fanout.stats, malformed };
    },
    idle: () => fanout.idle(),
    async stop() {
      fanout.close();
      await sub.stop();
      await fanout.idle();
    },
  };
}
