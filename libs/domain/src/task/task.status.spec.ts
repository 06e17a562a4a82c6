import { faultKey } from '../device/device-state.types';
import { DomainError } from '../domain.error';
import { device, NOW, s, TR181, u } from '../testing/device.fixtures';
import { parseTask } from './task.schema';
import { taskStatus } from './task.status';

const st = device('Device.', TR181);
const PI = 'Device.ManagementServer.PeriodicInformInterval';
const mk = (operation: Record<string, unknown>, over: Record<string, unknown> = {}) =>
  parseTask({ id: 't1', deviceId: st.id, createdAt: NOW - 1000, operation, ...over });

describe(taskStatus.name, () => {
  it('is pending until the value is on the device, then done', () => {
    const t = mk({ kind: 'setParameters', values: { [PI]: 300 } });
    expect(taskStatus(t, st, NOW)).toEqual({ status: 'pending' });
    const set = {
      ...st,
      nodes: { ...st.nodes, [PI]: { kind: 'parameter' as const, value: u(300) } },
    };
    expect(taskStatus(t, set, NOW).status).toBe('done');
  });

  it('is done for a read once every path was read after the task was created', () => {
    const t = mk({ kind: 'getParameters', paths: [PI] });
    expect(taskStatus(t, st, NOW).status).toBe('pending');
    const read = {
      ...st,
      nodes: { ...st.nodes, [PI]: { kind: 'parameter' as const, value: u(1), valueReadAt: NOW } },
    };
    expect(taskStatus(t, read, NOW)).toEqual({ status: 'done', at: NOW, values: { [PI]: u(1) } });
  });

  it('returns the values of a refreshed subtree once it was read as a whole', () => {
    const t = mk({ kind: 'refresh', path: 'Device.WiFi.SSID.2.' });
    expect(taskStatus(t, st, NOW).status).toBe('pending');
    const read = {
      ...st,
      nodes: {
        ...st.nodes,
        'Device.WiFi.SSID.2.': { kind: 'object' as const, instance: true, subtreeReadAt: NOW },
      },
    };
    const r = taskStatus(t, read, NOW);
    expect(r.status === 'done' ? Object.keys(r.values ?? {}).sort() : []).toEqual([
      'Device.WiFi.SSID.2.Alias',
      'Device.WiFi.SSID.2.Enable',
      'Device.WiFi.SSID.2.SSID',
    ]);
  });

  it('is done for a reboot once the action ran', () => {
    const t = mk({ kind: 'reboot' });
    expect(taskStatus(t, { ...st, actionRuns: { 'task:t1': NOW - 10 } }, NOW)).toEqual({
      status: 'done',
      at: NOW - 10,
    });
  });

  it('is done for an addObject once its instance exists with its values', () => {
    const t = mk({ kind: 'addObject', path: 'Device.WiFi.SSID.', parameters: { SSID: 'x' } });
    const created = {
      ...st,
      nodes: {
        ...st.nodes,
        'Device.WiFi.SSID.9.': { kind: 'object' as const, instance: true, createdFor: 'task:t1' },
      },
    };
    expect(taskStatus(t, created, NOW).status).toBe('pending');
    const set = {
      ...created,
      nodes: {
        ...created.nodes,
        'Device.WiFi.SSID.9.SSID': { kind: 'parameter' as const, value: s('x') },
      },
    };
    expect(taskStatus(t, set, NOW).status).toBe('done');
  });

  it('is faulted with the failing parameter', () => {
    const t = mk({ kind: 'setParameters', values: { [PI]: 300 } });
    const source = { kind: 'task' as const, id: 't1' };
    const faulted = {
      ...st,
      faults: {
        [faultKey(source, PI)]: {
          source,
          target: PI,
          kind: 'cpe' as const,
          method: 'SetParameterValues',
          code: 9007,
          message: 'bad value',
          retries: 1,
          firstAt: NOW,
          lastAt: NOW,
          nextRetryAt: NOW + 1,
        },
      },
    };
    expect(taskStatus(t, faulted, NOW)).toEqual({
      status: 'faulted',
      code: 9007,
      message: 'bad value',
      target: PI,
    });
  });

  it('is done for a download only once its transfer completed', () => {
    const t = mk({ kind: 'download', file: { url: 'http://127.0.0.1/cfg' } });
    const accepted = {
      ...st,
      actionRuns: { 'task:t1': NOW - 10 },
      transfers: {
        'task-t1': {
          commandKey: 'task-t1',
          startedAt: NOW - 10,
          source: { kind: 'task' as const, id: 't1' },
          target: 'task:t1',
        },
      },
    };
    expect(taskStatus(t, accepted, NOW).status).toBe('pending');
    expect(taskStatus(t, { ...accepted, transfers: {} }, NOW).status).toBe('done');
  });

  it('expires', () => {
    expect(taskStatus(mk({ kind: 'reboot' }, { expiresAt: NOW }), st, NOW)).toEqual({
      status: 'expired',
    });
  });
});

describe(parseTask.name, () => {
  it.each<[Record<string, unknown>, string]>([
    [{ kind: 'setParameters', values: { 'Device.': 1 } }, 'operation.values.Device.'],
    [{ kind: 'explode' }, 'operation.kind'],
    [{ kind: 'getParameters', paths: [] }, 'operation.paths'],
    [{ kind: 'deleteObject', path: 'Device.WiFi.SSID.1' }, 'operation.path'],
  ])('names the field of an invalid task: %j → %s', (operation, field) => {
    try {
      mk(operation);
      throw new Error('expected a DomainError');
    } catch (e) {
      expect(e).toBeInstanceOf(DomainError);
      expect((e as DomainError).issues.some((i) => i.startsWith(`${field}:`))).toBe(true);
    }
  });

  it('refuses an expiry before creation', () => {
    expect(() => mk({ kind: 'reboot' }, { expiresAt: NOW - 2000 })).toThrow(
      /expiresAt: must be after createdAt/,
    );
  });
});
