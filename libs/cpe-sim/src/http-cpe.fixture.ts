import { ConnectionRequestServer } from './connection-request.server';
import { CpeFleet } from './cpe.fleet';
import { DEFAULT_GROUP, type DeviceGroupConfig } from './device-group.config';
import { HttpFileTransferClient } from './file-transfer.client';
import { HttpSessionTransport } from './http.transport';
import { SystemClock } from './sim.clock';
import type { SimulatedCpe } from './simulated-cpe';

export interface HttpCpeOptions {
  /** Over DEFAULT_GROUP; `crUrlBase` (this fixture's server) and `crMinIntervalMs: 0` are set. */
  readonly group: Partial<DeviceGroupConfig> & { readonly acsUrl: string };
  /** Per CWMP HTTP request. Default 10 s. */
  readonly requestTimeoutMs?: number;
}

export interface HttpCpe {
  readonly fleet: CpeFleet;
  /** Added, not booted: `fleet.boot(cpe)` starts its first session. */
  readonly cpe: SimulatedCpe;
  readonly crServer: ConnectionRequestServer;
  /** The loopback port crServer listens on. */
  readonly crPort: number;
  /** Closes the connection-request server and stops the fleet. */
  readonly stop: () => Promise<void>;
}

/**
 * One simulated CPE talking real HTTP to an ACS, with its HTTP connection-request endpoint on an
 * ephemeral loopback port: what the end-to-end specs of the apps wake and provision.
 */
export async function startHttpCpe(options: HttpCpeOptions): Promise<HttpCpe> {
  const timeoutMs = options.requestTimeoutMs ?? 10_000;
  const fleet = new CpeFleet({
    clock: new SystemClock(),
    random: Math.random,
    transport: (c) => new HttpSessionTransport(c, { timeoutMs }),
    files: new HttpFileTransferClient(),
    maxConcurrentSessions: 10,
    periodic: false,
  });
  const crServer = new ConnectionRequestServer(fleet, {
    host: '127.0.0.1',
    port: 0,
    prefix: '/cr/',
    realm: 'cpe',
  });
  const crPort = await crServer.listen();
  const [cpe] = fleet.add(
    {
      ...DEFAULT_GROUP,
      ...options.group,
      crUrlBase: `http://127.0.0.1:${crPort}/cr/`,
      crMinIntervalMs: 0,
    },
    1,
  ) as [SimulatedCpe];
  return {
    fleet,
    cpe,
    crServer,
    crPort,
    stop: async () => {
      await crServer.close();
      fleet.stop();
    },
  };
}
