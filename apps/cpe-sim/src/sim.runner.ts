import {
  ConnectionRequestServer,
  CpeStunClient,
  CpeXmppClient,
  CpeFleet,
  DEFAULT_GROUP,
  HttpFileTransferClient,
  HttpSessionTransport,
  SystemClock,
  UdpConnectionRequestListener,
  parseQuirks,
  type DeviceGroupConfig,
} from '@acs/cpe-sim';
import { ProgressReporter } from './progress.reporter';
import type { SimOptions } from './sim.config';

// The simulator run behind the CLI: device groups from the options, the fleet, the connection
// request endpoints (HTTP, UDP, STUN), progress lines, and the summary once `stop` resolves.

export interface SimSummary {
  readonly devices: number;
  readonly seconds: number;
  readonly sessions: ReturnType<CpeFleet['stats']['summary']>;
  readonly connectionRequests: {
    readonly http: { readonly accepted: number; readonly refused: number };
    readonly udp: UdpConnectionRequestListener['verdicts'];
  };
  readonly stun: { readonly clients: number; readonly bound: number };
  readonly xmpp: { readonly clients: number; readonly accepted: number; readonly refused: number };
  readonly rssMb: number;
}

export interface SimIo {
  /** Progress and status lines (stderr in the CLI). */
  readonly log: (line: string) => void;
  /** Resolves when the run should end (signal, duration). */
  readonly stop: Promise<void>;
  /** Called once everything listens (tests use it to learn the CR port). */
  readonly started?: (info: { crPort: number; udpPort: number; fleet: CpeFleet }) => void;
}

function groups(o: SimOptions, crUrlBase: string): { group: DeviceGroupConfig; count: number }[] {
  const quirks = parseQuirks(o.quirks);
  const total = o.templates.reduce((a, t) => a + t.share, 0);
  const out: { group: DeviceGroupConfig; count: number }[] = [];
  let assigned = 0;
  o.templates.forEach((t, i) => {
    const count =
      i === o.templates.length - 1
        ? o.devices - assigned
        : Math.round((o.devices * t.share) / total);
    assigned += count;
    const quirky = Math.round(count * o['quirk-share']);
    const base: DeviceGroupConfig = {
      ...DEFAULT_GROUP,
      name: t.template,
      template: t.template,
      productClass: t.template === 'tr181' ? 'HG2000' : 'HG1000',
      serialPrefix: o['serial-prefix'],
      acsUrl: o['acs-url'],
      acsPassword: o['acs-password'],
      cwmpVersion: o['cwmp-version'],
      informIntervalSec: o.interval,
      crPassword: o['cr-password'],
      crUrlBase,
    };
    if (count - quirky > 0) out.push({ group: base, count: count - quirky });
    if (quirky > 0)
      out.push({ group: { ...base, name: `${t.template}-quirky`, quirks }, count: quirky });
  });
  return out;
}

/** Runs the simulator until `io.stop` resolves; returns the JSON summary. */
export async function runSimulator(o: SimOptions, io: SimIo): Promise<SimSummary> {
  const clock = new SystemClock();
  const fleet = new CpeFleet({
    clock,
    random: Math.random,
    transport: (cpe) => new HttpSessionTransport(cpe, { timeoutMs: 30_000 }),
    files: new HttpFileTransferClient(),
    maxConcurrentSessions: o.concurrency,
    periodic: true,
  });
  const cr = new ConnectionRequestServer(fleet, {
    host: o['cr-host'],
    port: o['cr-port'],
    prefix: '/cr/',
    realm: 'cpe-sim',
  });
  const crPort = await cr.listen();
  const host = o['cr-host'].includes(':') ? `[${o['cr-host']}]` : o['cr-host'];
  for (const { group, count } of groups(o, `http://${host}:${crPort}/cr/`)) fleet.add(group, count);
  const udp = new UdpConnectionRequestListener(fleet);
  const udpPort = o['udp-port'] > 0 ? await udp.listen(o['cr-host'], o['udp-port']) : 0;
  const stunClients: CpeStunClient[] = [];
  const stun = o['stun-server'];
  if (stun !== undefined) {
    const [stunHost = '', stunPort = ''] = stun.split(':');
    for (const cpe of fleet.devices.slice(0, o['stun-devices'])) {
      const c = new CpeStunClient(cpe, udp, {
        server: { host: stunHost, port: Number(stunPort) },
        bindHost: o['cr-host'],
        keepAliveMs: 30_000,
        retransmitMs: 5_000,
        clock,
      });
      await c.start();
      stunClients.push(c);
    }
  }
  const xmppClients: CpeXmppClient[] = [];
  const xmpp = o['xmpp-service'];
  if (xmpp !== undefined) {
    const devices = fleet.devices.slice(0, o['xmpp-devices']);
    for (const [i, cpe] of devices.entries()) {
      const c = new CpeXmppClient(cpe, fleet, {
        service: xmpp,
        domain: o['xmpp-domain'],
        username: `${o['xmpp-user-prefix']}${i + 1}`,
        password: o['xmpp-password'],
        resource: `cpe-sim-${process.pid}-${i}`,
      });
      xmppClients.push(c);
    }
    // One worker thread each; log in together.
    await Promise.all(xmppClients.map((c) => c.start()));
  }
  const started = Date.now();
  io.started?.({ crPort, udpPort, fleet });
  io.log(
    `cpe-sim: ${fleet.devices.length} devices → ${o['acs-url']}, connection requests on http://${host}:${crPort}/cr/<device id>${udpPort > 0 ? `, udp ${udpPort}` : ''}`,
  );
  fleet.bootAll(o['ramp-up'] * 1000);

  const progress = new ProgressReporter(fleet, (line) => {
    if (!o.quiet) io.log(line);
  });
  const ticker = setInterval(() => progress.tick(), 1000);
  await io.stop;
  clearInterval(ticker);
  fleet.stop();
  udp.close();
  for (const c of stunClients) c.stop();
  await Promise.all(xmppClients.map((c) => c.stop()));
  await cr.close();
  const summary: SimSummary = {
    devices: fleet.devices.length,
    seconds: (Date.now() - started) / 1000,
    sessions: fleet.stats.summary(),
    connectionRequests: { http: { accepted: cr.accepted, refused: cr.refused }, udp: udp.verdicts },
    stun: {
      clients: stunClients.length,
      bound: stunClients.filter((c) => c.state.kind === 'bound').length,
    },
    xmpp: {
      clients: xmppClients.length,
      accepted: xmppClients.reduce((a, c) => a + c.verdicts.accepted, 0),
      refused: xmppClients.reduce(
        (a, c) => a + c.verdicts['not-authorized'] + c.verdicts['service-unavailable'],
        0,
      ),
    },
    rssMb: Math.round(process.memoryUsage().rss / 1024 / 1024),
  };
  return summary;
}
