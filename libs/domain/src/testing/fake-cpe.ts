import type {
  CpeMethodRequest,
  CwmpMessage,
  CwmpValue,
  Fault,
  Inform,
  NotificationValue,
  SetParameterValuesFault,
} from '@acs/cwmp';
import { FACTS } from './device.fixtures';

// A pure in-memory CPE for convergence tests: it answers the RPCs the engine plans from a flat
// parameter map, the way TR-069 Annex A says a device does (9005 for unknown names, SPV atomic).

interface Param {
  value: CwmpValue;
  writable: boolean;
  notification: NotificationValue;
}

export interface FakeCpeOptions {
  /** Paths whose SPV "succeeds" but that keep their old value (a device overriding the ACS). */
  readonly sticky?: readonly string[];
  /** Answer SPV faults without SetParameterValuesFault details (some field devices do). */
  readonly terseFaults?: boolean;
  /** Per table, the parameters a new instance starts with. */
  readonly instanceTemplate?: Readonly<Record<string, Readonly<Record<string, CwmpValue>>>>;
  readonly softwareVersion?: string;
}

const fault = (code: number, spv?: SetParameterValuesFault[]): Fault => ({
  type: 'Fault',
  faultCode: code === 9002 ? 'Server' : 'Client',
  faultString: 'CWMP fault',
  detail: {
    faultCode: code,
    faultString: `fault ${code}`,
    ...(spv ? { setParameterValuesFault: spv } : {}),
  },
});

export class FakeCpe {
  readonly params = new Map<string, Param>();
  /** Object paths (tables and instances) that exist, e.g. `Device.NAT.PortMapping.`. */
  readonly objects = new Set<string>();
  readonly calls: string[] = [];
  private parameterKey = '';

  constructor(
    readonly root: string,
    initial: Readonly<Record<string, CwmpValue>>,
    tables: readonly string[],
    private readonly options: FakeCpeOptions = {},
  ) {
    for (const [p, value] of Object.entries(initial))
      this.params.set(p, { value, writable: true, notification: 0 });
    for (const t of tables) this.objects.add(t);
    for (const p of this.params.keys()) this.addAncestors(p);
  }

  private addAncestors(path: string): void {
    for (let i = path.indexOf('.'); i >= 0 && i < path.length - 1; i = path.indexOf('.', i + 1))
      this.objects.add(path.slice(0, i + 1));
  }

  private get softwareVersion(): string {
    return this.options.softwareVersion ?? '1.0';
  }

  inform(events: readonly string[]): Inform {
    return {
      type: 'Inform',
      deviceId: { ...FACTS },
      event: events.map((eventCode) => ({ eventCode, commandKey: '' })),
      maxEnvelopes: 1,
      currentTime: '2026-01-01T00:00:00Z',
      retryCount: 0,
      parameterList: [
        {
          name: `${this.root}DeviceInfo.SoftwareVersion`,
          value: { type: 'string', value: this.softwareVersion },
        },
        {
          name: `${this.root}ManagementServer.ParameterKey`,
          value: { type: 'string', value: this.parameterKey },
        },
      ],
    };
  }

  /** `[alias]` → instance number, by the instance's Alias parameter. */
  private resolve(path: string): string | undefined {
    let out = path;
    for (let m = /\.\[([^\]]*)\]\./.exec(out); m !== null; m = /\.\[([^\]]*)\]\./.exec(out)) {
      const table = out.slice(0, m.index + 1);
      let found: string | undefined;
      for (const [p, v] of this.params)
        if (
          p.startsWith(table) &&
          p.endsWith('.Alias') &&
          v.value.type === 'string' &&
          v.value.value === m[1]
        )
          found = p.slice(0, -'Alias'.length);
      if (found === undefined) return undefined;
      out = found + out.slice(m.index + m[0].length);
    }
    return out;
  }

  answer(req: CpeMethodRequest): CwmpMessage {
    this.calls.push(req.type);
    switch (req.type) {
      case 'GetParameterNames': {
        const base = req.parameterPath;
        if (!this.objects.has(base)) return fault(9005);
        const names = new Map<string, boolean>();
        for (const o of this.objects) if (o.startsWith(base) && o !== base) names.set(o, true);
        for (const [p, v] of this.params) if (p.startsWith(base)) names.set(p, v.writable);
        const list = [...names].filter(([n]) => {
          if (!req.nextLevel) return true;
          const rest = n.slice(base.length, n.endsWith('.') ? -1 : undefined);
          return !rest.includes('.');
        });
        return {
          type: 'GetParameterNamesResponse',
          parameterList: list.map(([name, writable]) => ({ name, writable })),
        };
      }
      case 'GetParameterValues': {
        const out: { name: string; value: CwmpValue }[] = [];
        for (const n of req.parameterNames) {
          if (n.endsWith('.')) {
            if (!this.objects.has(n)) return fault(9005);
            for (const [p, v] of this.params)
              if (p.startsWith(n)) out.push({ name: p, value: v.value });
          } else {
            const v = this.params.get(n);
            if (v === undefined) return fault(9005);
            out.push({ name: n, value: v.value });
          }
        }
        return { type: 'GetParameterValuesResponse', parameterList: out };
      }
      case 'SetParameterValues': {
        const errors: SetParameterValuesFault[] = [];
        for (const pv of req.parameterList) {
          const path = this.resolve(pv.name);
          const cur = path === undefined ? undefined : this.params.get(path);
          if (cur === undefined) errors.push({ parameterName: pv.name, faultCode: 9005 });
          else if (cur.value.type !== pv.value.type)
            errors.push({ parameterName: pv.name, faultCode: 9006 });
        }
        if (errors.length > 0)
          return this.options.terseFaults === true ? fault(9003) : fault(9003, errors);
        for (const pv of req.parameterList) {
          const path = this.resolve(pv.name) ?? '';
          if (this.options.sticky?.includes(path)) continue;
          const cur = this.params.get(path);
          if (cur !== undefined) cur.value = pv.value;
        }
        this.parameterKey = req.parameterKey;
        return { type: 'SetParameterValuesResponse', status: 0 };
      }
      case 'GetParameterAttributes': {
        const list = [];
        for (const n of req.parameterNames) {
          const v = this.params.get(n);
          if (v === undefined) return fault(9005);
          list.push({ name: n, notification: v.notification, accessList: [] });
        }
        return { type: 'GetParameterAttributesResponse', parameterList: list };
      }
      case 'SetParameterAttributes': {
        for (const a of req.parameterList) {
          const v = this.params.get(this.resolve(a.name) ?? '');
          if (v === undefined) return fault(9005);
          if (a.notificationChange) v.notification = a.notification;
        }
        return { type: 'SetParameterAttributesResponse' };
      }
      case 'AddObject': {
        const m = /^(.*\.)\[([^\]]*)\]\.$/.exec(req.objectName);
        const table = m?.[1] ?? req.objectName;
        if (!this.objects.has(table)) return fault(9005);
        let n = 1;
        while (this.objects.has(`${table}${n}.`)) n++;
        const inst = `${table}${n}.`;
        this.objects.add(inst);
        for (const [k, value] of Object.entries(this.options.instanceTemplate?.[table] ?? {}))
          this.params.set(`${inst}${k}`, { value, writable: true, notification: 0 });
        this.params.set(`${inst}Alias`, {
          value: { type: 'string', value: m?.[2] ?? `cpe-${n}` },
          writable: true,
          notification: 0,
        });
        this.parameterKey = req.parameterKey;
        return { type: 'AddObjectResponse', instanceNumber: n, status: 0 };
      }
      case 'DeleteObject': {
        const path = this.resolve(req.objectName);
        if (path === undefined || !this.objects.has(path)) return fault(9005);
        for (const o of [...this.objects]) if (o.startsWith(path)) this.objects.delete(o);
        for (const p of [...this.params.keys()]) if (p.startsWith(path)) this.params.delete(p);
        this.parameterKey = req.parameterKey;
        return { type: 'DeleteObjectResponse', status: 0 };
      }
      case 'Reboot':
        return { type: 'RebootResponse' };
      case 'FactoryReset':
        return { type: 'FactoryResetResponse' };
      case 'ScheduleInform':
        return { type: 'ScheduleInformResponse' };
      case 'Upload':
        return {
          type: 'UploadResponse',
          status: 1,
          startTime: '0001-01-01T00:00:00Z',
          completeTime: '0001-01-01T00:00:00Z',
        };
      case 'Download':
        return {
          type: 'DownloadResponse',
          status: 1,
          startTime: '0001-01-01T00:00:00Z',
          completeTime: '0001-01-01T00:00:00Z',
        };
      default:
        return fault(9000);
    }
  }

  value(path: string): CwmpValue | undefined {
    return this.params.get(path)?.value;
  }
}
