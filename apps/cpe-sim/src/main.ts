import { writeFileSync } from 'node:fs';
import {
  ConnectionRequestServer,
  CpeStunClient,
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
import { USAGE, loadSimOptions, type SimOptions } from './sim.config';

// `cpe-sim`: thin wiring of @acs/cpe-sim — device groups from the options, the fleet, the
// connection request endpoints, progress lines and the JSON summary at the end.

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

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  if (argv.includes('--help')) {
    process.stdout.write(USAGE);
    return;
  }
  const o = loadSimOptions(argv);
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
  const started = Date.now();
  process.stderr.write(
    `cpe-sim: ${fleet.devices.length} devices → ${o['acs-url']}, connection requests on http://${host}:${crPort}/cr/<device id>${udpPort > 0 ? `, udp ${udpPort}` : ''}\n`,
  );
  fleet.bootAll(o['ramp-up'] * 1000);

  const progress = new ProgressReporter(fleet, (line) => {
    if (!o.quiet) process.stderr.write(`${line}\n`);
  });
  const ticker = setInterval(() => progress.tick(), 1000);
  await new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
    if (o.duration > 0) setTimeout(resolve, o.duration * 1000).unref();
  });
  clearInterval(ticker);
  fleet.stop();
  udp.close();
  for (const c of stunClients) c.stop();
  await cr.close();
  const summary = {
    devices: fleet.devices.length,
    seconds: (Date.now() - started) / 1000,
    sessions: fleet.stats.summary(),
    connectionRequests: { http: { accepted: cr.accepted, refused: cr.refused }, udp: udp.verdicts },
    stun: {
      clients: stunClients.length,
      bound: stunClients.filter((c) => c.state.kind === 'bound').length,
    },
    rssMb: Math.round(process.memoryUsage().rss / 1024 / 1024),
  };
  const json = JSON.stringify(summary, null, 2);
  process.stdout.write(`${json}\n`);
  if (o['summary-file'] !== undefined) writeFileSync(o['summary-file'], json);
}

main().catch((e: unknown) => {
  process.stderr.write(`cpe-sim: ${e instanceof Error ? e.message : String(e)}\n${USAGE}`);
  process.exitCode = 1;
});
