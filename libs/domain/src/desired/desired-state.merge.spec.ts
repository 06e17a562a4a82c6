import { parseProfile } from '../profile/profile.loader';
import type { ProfileInput } from '../profile/profile.schema';
import { parseTask, type TaskInput } from '../task/task.schema';
import { device, NOW, TR181 } from '../testing/device.fixtures';
import { comparePrecedence, matchingProfiles, mergeDesired } from './desired-state.merge';

const st = { ...device('Device.', TR181), tags: ['vip'] };
const PI = 'Device.ManagementServer.PeriodicInformInterval';
const prof = (p: Partial<ProfileInput> & { name: string }) => parseProfile(p);
const task = (t: Omit<TaskInput, 'deviceId'> & { deviceId?: string }) =>
  parseTask({ deviceId: st.id, ...t });

describe(mergeDesired.name, () => {
  it('lets the higher priority win and reports the loser as a conflict', () => {
    const d = mergeDesired(
      st,
      [
        prof({ name: 'low', priority: 1, parameters: { [PI]: 60 } }),
        prof({ name: 'high', priority: 5, parameters: { [PI]: 300 } }),
      ],
      [],
      { now: NOW },
    );
    expect(d.values.get(PI)).toMatchObject({ value: 300, source: { name: 'high' } });
    expect(d.conflicts).toEqual([
      {
        what: 'parameter',
        target: PI,
        winner: { kind: 'profile', name: 'high', version: 1 },
        loser: { kind: 'profile', name: 'low', version: 1 },
      },
    ]);
  });

  it('breaks a priority tie by name, ascending', () => {
    const d = mergeDesired(
      st,
      [prof({ name: 'b', parameters: { [PI]: 2 } }), prof({ name: 'a', parameters: { [PI]: 1 } })],
      [],
      { now: NOW },
    );
    expect(d.values.get(PI)?.value).toBe(1);
  });

  it('reports no conflict when two profiles agree', () => {
    const d = mergeDesired(
      st,
      [prof({ name: 'a', parameters: { [PI]: 1 } }), prof({ name: 'b', parameters: { [PI]: 1 } })],
      [],
      { now: NOW },
    );
    expect(d.conflicts).toEqual([]);
  });

  it('leaves out profiles whose filter does not match', () => {
    const d = mergeDesired(
      st,
      [
        prof({
          name: 'ont',
          filter: [{ field: 'productClass', op: 'eq', value: 'ONT' }],
          parameters: { [PI]: 1 },
        }),
      ],
      [],
      { now: NOW },
    );
    expect(d.values.size).toBe(0);
  });

  it('lets the newest task win over older tasks and over every profile', () => {
    const d = mergeDesired(
      st,
      [prof({ name: 'p', priority: 1000, parameters: { [PI]: 1 } })],
      [
        task({
          id: 'old',
          createdAt: NOW - 2000,
          operation: { kind: 'setParameters', values: { [PI]: 2 } },
        }),
        task({
          id: 'new',
          createdAt: NOW - 1000,
          operation: { kind: 'setParameters', values: { [PI]: 3 } },
        }),
      ],
      { now: NOW },
    );
    expect(d.values.get(PI)).toMatchObject({ value: 3, source: { kind: 'task', id: 'new' } });
    expect(d.conflicts).toHaveLength(2);
  });

  it('ignores tasks of other devices and expired tasks', () => {
    const d = mergeDesired(
      st,
      [],
      [
        task({ id: 'a', deviceId: 'other', createdAt: NOW - 10, operation: { kind: 'reboot' } }),
        task({ id: 'b', createdAt: NOW - 10, expiresAt: NOW, operation: { kind: 'reboot' } }),
      ],
      { now: NOW },
    );
    expect(d.actions).toEqual([]);
  });

  it('keys objects by table, key and alias and reports a present/absent conflict', () => {
    const obj = { path: 'Device.NAT.PortMapping.', key: { ExternalPort: 80 } };
    const d = mergeDesired(
      st,
      [
        prof({ name: 'a', objects: [obj] }),
        prof({
          name: 'b',
          objects: [
            { ...obj, present: false },
            { ...obj, key: { ExternalPort: 81 } },
          ],
        }),
      ],
      [],
      { now: NOW },
    );
    expect(d.objects).toHaveLength(2);
    expect(d.objects[0]).toMatchObject({ present: true, source: { name: 'a' } });
    expect(d.conflicts.map((c) => c.what)).toEqual(['object']);
  });

  it('expands templates in object keys, aliases and firmware URLs', () => {
    const d = mergeDesired(
      st,
      [
        prof({
          name: 'a',
          objects: [
            {
              path: 'Device.WiFi.SSID.',
              alias: 'g-{{serialNumber}}',
              key: { SSID: '{{productClass}}-{{serialNumber}}' },
            },
          ],
          firmware: { version: '2.0', url: 'http://127.0.0.1/{{productClass}}/2.0.bin' },
        }),
      ],
      [],
      { now: NOW },
    );
    expect(d.objects[0]).toMatchObject({ alias: 'g-SN1', key: { SSID: 'HGW-SN1' } });
    expect(d.actions[0]).toMatchObject({
      kind: 'download',
      version: '2.0',
      file: { url: 'http://127.0.0.1/HGW/2.0.bin' },
    });
  });

  it('keeps one firmware and reports a second version as a conflict', () => {
    const d = mergeDesired(
      st,
      [
        prof({ name: 'a', firmware: { version: '2.0', url: 'http://x/2' } }),
        prof({ name: 'b', firmware: { version: '3.0', url: 'http://x/3' } }),
      ],
      [],
      { now: NOW },
    );
    expect(d.actions.map((a) => a.key)).toEqual(['firmware:2.0']);
    expect(d.conflicts.map((c) => c.what)).toEqual(['firmware']);
  });

  it('reports a notification conflict', () => {
    const n = 'Device.WiFi.SSID.1.SSID';
    const d = mergeDesired(
      st,
      [
        prof({ name: 'a', notifications: { [n]: 2 } }),
        prof({ name: 'b', notifications: { [n]: 1 } }),
      ],
      [],
      { now: NOW },
    );
    expect(d.notifications.get(n)?.notification).toBe(2);
    expect(d.conflicts.map((c) => c.what)).toEqual(['notification']);
  });

  it('turns maxAge into a read horizon and a task read into its creation time', () => {
    const d = mergeDesired(
      st,
      [prof({ name: 'a', refresh: [{ path: 'Device.DeviceInfo.', maxAge: 60 }] })],
      [
        task({
          id: 't',
          createdAt: NOW - 5,
          operation: { kind: 'refresh', path: 'Device.Hosts.' },
        }),
      ],
      { now: NOW },
    );
    expect(d.refresh.map((r) => [r.path, r.notBefore])).toEqual([
      ['Device.Hosts.', NOW - 5],
      ['Device.DeviceInfo.', NOW - 60_000],
    ]);
  });

  it('counts an interval action from the bootstrap of a device that never ran it', () => {
    const p = prof({ name: 'a', actions: [{ action: 'reboot', on: { every: 3600 } }] });
    expect(
      mergeDesired({ ...st, lastBootstrap: NOW - 60_000 }, [p], [], { now: NOW }).actions,
    ).toEqual([]);
    expect(
      mergeDesired({ ...st, lastBootstrap: NOW - 7_200_000 }, [p], [], { now: NOW }).actions,
    ).toHaveLength(1);
  });
});

describe(matchingProfiles.name, () => {
  it('orders matching profiles by precedence', () => {
    const ps = [
      prof({ name: 'c' }),
      prof({ name: 'a', priority: -1 }),
      prof({ name: 'b', priority: 3 }),
    ];
    expect(matchingProfiles(st, ps).map((p) => p.name)).toEqual(['b', 'c', 'a']);
    expect([...ps].sort(comparePrecedence).map((p) => p.name)).toEqual(['b', 'c', 'a']);
  });
});
