import type { BindingStore } from '../ports/binding-store.port';
import type { Clock } from '../ports/clock.port';
import type { StunCredentialLookup } from '../ports/device-contact.port';
import { StunBindingHandler, type StunServerCounters } from '../stun/stun-binding.handler';
import { StunUdpServer, type StunUdpServerOptions } from '../stun/stun-udp.server';

export interface StunServiceDeps extends StunUdpServerOptions {
  readonly credentials: StunCredentialLookup;
  readonly bindings: BindingStore;
  readonly clock: Clock;
  readonly bindingTtlMs?: number;
  readonly requireAuth?: boolean;
  /** Relay node id recorded in learned bindings (STUN_NODE_ID); see startUdpRelay. */
  readonly node?: string;
}

export interface StunService {
  readonly address: string;
  readonly port: number;
  readonly counters: StunServerCounters;
  /** Sends from the STUN socket: what UDP connection requests use (Annex G.2.1). */
  sendFrom(address: string, port: number, bytes: Buffer): Promise<void>;
  stop(): Promise<void>;
}

/** The STUN server (TR-111): binds the UDP port and answers Binding Requests. */
export async function startStunServer(deps: StunServiceDeps): Promise<StunService> {
  const handler = new StunBindingHandler({
    credentials: deps.credentials,
    bindings: deps.bindings,
    clock: deps.clock,
    ...(deps.bindingTtlMs === undefined ? {} : { bindingTtlMs: deps.bindingTtlMs }),
    ...(deps.requireAuth === undefined ? {} : { requireAuth: deps.requireAuth }),
    ...(deps.node === undefined ? {} : { node: deps.node }),
  });
  const server = new StunUdpServer(handler, deps);
  const { address, port } = await server.start();
  return {
    address,
    port,
    counters: handler.counters,
    sendFrom: (a, p, b) => server.sendFrom(a, p, b),
    stop: () => server.stop(),
  };
}
