import fc from 'fast-check';
import { openRepositories, storeState, type ProvisioningRepositories } from '@acs/provisioning';
import type { PathNode } from '@acs/domain';
import { SqliteDocumentStore } from '@acs/store';
import { sampleDevice } from '../testing/nbi.harness';
import { scanDevices } from './device.list';
import { parseFilter } from './filter.parser';
import { storeConditions, storedForms, TAGS_PATH } from './filter.state';

const TAGS = ['gold', 'silver', 'lab', '5'];
const SSIDS = ['home', 'guest'];

// Filter text over the fields the devices vary in: tags, a fact, a parameter.
const leaf = fc.oneof(
  fc.constantFrom(...TAGS).map((t) => `tag = "${t}"`),
  fc.constant('tag = 5'),
  fc.constantFrom(...TAGS).map((t) => `tag != "${t}"`),
  fc.constantFrom(...SSIDS).map((s) => `Device.WiFi.SSID.1.SSID = "${s}"`),
  // Typed parameters: the filter compares their lexical form, the store their stored form.
  fc.constantFrom('1', '2', '02', '2.0', 'x').map((v) => `Device.DeviceInfo.UpTime = "${v}"`),
  fc.constantFrom('true', 'false', '1').map((v) => `Device.WiFi.SSID.1.Enable = "${v}"`),
  fc.constantFrom('0a1b', '0A1B', 'Chs=', '').map((v) => `Device.X_MAC = "${v}"`),
  fc.constant('Device.WiFi.SSID.[x].SSID = "home"'),
  fc.constantFrom(...SSIDS).map((s) => `Device.WiFi.SSID.1.SSID != "${s}"`),
  fc.constantFrom('HG', 'ONT').map((p) => `productClass = "${p}"`),
  fc.constant('tag IN ("gold", "lab")'),
);
const { filter } = fc.letrec<{ filter: string }>((tie) => ({
  filter: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    leaf,
    fc
      .tuple(tie('filter'), fc.constantFrom('AND', 'OR'), tie('filter'))
      .map(([a, op, b]) => `(${a}) ${op} (${b})`),
    tie('filter').map((f) => `NOT (${f})`),
  ),
}));
const device = fc.record({
  tags: fc.uniqueArray(fc.constantFrom(...TAGS), { maxLength: 3 }),
  ssid: fc.constantFrom(...SSIDS),
  productClass: fc.constantFrom('HG', 'ONT'),
  upTime: fc.option(fc.integer({ min: 0, max: 3 })),
  enable: fc.option(fc.boolean()),
  mac: fc.option(fc.constantFrom('0a1b', '')),
});
type SeedDevice = typeof device extends fc.Arbitrary<infer D> ? D : never;

function typedNodes(d: SeedDevice): Record<string, PathNode> {
  const nodes: Record<string, PathNode> = {};
  if (d.upTime !== null)
    nodes['Device.DeviceInfo.UpTime'] = {
      kind: 'parameter',
      value: { type: 'unsignedInt', value: d.upTime },
    };
  if (d.enable !== null)
    nodes['Device.WiFi.SSID.1.Enable'] = {
      kind: 'parameter',
      value: { type: 'boolean', value: d.enable },
    };
  if (d.mac !== null)
    nodes['Device.X_MAC'] = {
      kind: 'parameter',
      value: { type: 'hexBinary', value: new Uint8Array(Buffer.from(d.mac, 'hex')) },
    };
  return nodes;
}

async function seeded(
  devices: readonly SeedDevice[],
): Promise<{ store: SqliteDocumentStore; repos: ProvisioningRepositories }> {
  const store = SqliteDocumentStore.open({ directory: ':memory:' });
  const repos = await openRepositories(store);
  for (const [n, d] of devices.entries()) {
    const base = sampleDevice(n, d.tags, d.ssid);
    const state = {
      ...base,
      facts: { ...base.facts, productClass: d.productClass },
      nodes: { ...base.nodes, ...typedNodes(d) },
    };
    await repos.devices.insert({
      _id: state.id,
      state: storeState(state),
      appliedEvents: [],
      createdAt: 1,
      updatedAt: 1,
    });
  }
  return { store, repos };
}

async function allPages(
  repos: ProvisioningRepositories,
  text: string,
  pushdown: boolean,
  scanLimit: number,
): Promise<string[][]> {
  const pages: string[][] = [];
  let after: string | undefined;
  for (let round = 0; round < 200; round++) {
    const scan = await scanDevices(repos.devices, parseFilter(text), {
      size: 3,
      scanLimit,
      pushdown,
      ...(after === undefined ? {} : { after }),
    });
    pages.push(scan.docs.map((d) => d._id));
    if (scan.exhausted || scan.after === undefined) break;
    after = scan.after;
  }
  // The store may know sooner that no candidate is left (no token), where the unnarrowed scan
  // hands out one more, empty page: the same devices either way.
  while (pages.length > 1 && pages[pages.length - 1]?.length === 0) pages.pop();
  return pages;
}

describe(scanDevices.name, () => {
  it('returns the same pages with and without the store pushdown, for random filters', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(device, { maxLength: 25 }), filter, async (devices, text) => {
        const { store, repos } = await seeded(devices);
        try {
          // Unbounded scan: page for page; bounded (short pages): the same devices in order.
          expect(await allPages(repos, text, true, 10_000)).toEqual(
            await allPages(repos, text, false, 10_000),
          );
          expect((await allPages(repos, text, true, 4)).flat()).toEqual(
            (await allPages(repos, text, false, 4)).flat(),
          );
        } finally {
          await store.close();
        }
      }),
      { numRuns: 60 },
    );
  });

  it('reads the tags index for a tag ANDed at the top level of the filter', async () => {
    const plain = { upTime: null, enable: null, mac: null };
    const { store, repos } = await seeded([
      { tags: ['gold'], ssid: 'home', productClass: 'HG', ...plain },
      { tags: ['lab'], ssid: 'home', productClass: 'HG', ...plain },
    ]);
    const conditions = storeConditions(parseFilter('tag = "gold" AND productClass = "HG"'));
    expect(conditions).toEqual({ [TAGS_PATH]: { $has: 'gold' }, 'state.facts.productClass': 'HG' });
    const withParameter = storeConditions(
      parseFilter('tag = "gold" AND Device.WiFi.SSID.1.SSID = "home" AND productClass = "HG"'),
    );
    for (const query of [conditions, withParameter]) {
      const plan = store.explainFind('devices', query, { limit: 10 }).join('\n');
      expect(plan).toContain('SEARCH m USING PRIMARY KEY');
      expect(plan).not.toContain('TEMP B-TREE');
    }
    const scan = await scanDevices(repos.devices, parseFilter('tag = "gold"'), {
      size: 10,
      scanLimit: 100,
    });
    expect(scan.docs.map((d) => d._id)).toEqual(['00D09E-HG-0000']);
    await store.close();
  });

  it('pushes nothing from under OR or NOT', () => {
    for (const text of ['tag = "a" OR oui = "x"', 'NOT tag = "a"', 'NOT (tag = "a" AND oui = "x")'])
      expect(storeConditions(parseFilter(text))).toEqual({});
    expect(storeConditions(parseFilter('tag = 5 AND (tag = "b" OR oui = "x")'))).toEqual({
      [TAGS_PATH]: { $has: '5' },
    });
  });

  it('pushes a parameter = "text" as the stored forms of that text', () => {
    expect(
      storeConditions(parseFilter('Device.DeviceInfo.UpTime = "123" AND Device.A.B = "true"')),
    ).toEqual({
      'state.nodes.Device%2EDeviceInfo%2EUpTime.value.value': { $in: ['123', 123] },
      'state.nodes.Device%2EA%2EB.value.value': { $in: ['true', true] },
    });
    expect(storedForms('0a1b')).toEqual(['0a1b', 'Chs=']);
    // Not a store field name, a number operand, another operator: not pushed.
    expect(
      storeConditions(parseFilter('Device.A.[x].B = "1" AND Device.A.B = 1 AND Device.A.C != "1"')),
    ).toEqual({});
  });
});
