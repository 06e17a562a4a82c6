import type { DeviceState, SourceRef } from '../device/device-state.types';
import type { DesiredAction } from '../desired/desired-state.types';
import type { DeviceView } from './device-view';
import type { PlanContext, PlannedRpc, SkipReason } from './plan.types';
import { stableHash } from './stable-hash';

// One-off actions: DeleteObject from tasks (write step), then Download, Upload, ScheduleInform,
// and FactoryReset or Reboot last (actions step): a transfer or a scheduled Inform accepted
// before the reboot is kept across it (TR-069 A.3.2.8, A.4.1.5), one sent after would be lost
// with the session the reboot ends.

/** What the action planners need from the engine: the state, fault gating and skip reporting. */
export interface PlanGate {
  readonly state: DeviceState;
  readonly ctx: PlanContext;
  readonly view: DeviceView;
  allowed(target: string, source: SourceRef): boolean;
  skip(target: string, source: SourceRef, reason: SkipReason): void;
}

/** A Download/Upload with this CommandKey was accepted and has not timed out yet. */
function transferInProgress(b: PlanGate, commandKey: string): boolean {
  const t = b.state.transfers[commandKey];
  return t !== undefined && b.ctx.now - t.startedAt < b.view.policy.transferTimeoutMs;
}

export function actionRpcs(b: PlanGate, actions: readonly DesiredAction[]): PlannedRpc[] {
  const downloads: PlannedRpc[] = [];
  const uploads: PlannedRpc[] = [];
  const informs: PlannedRpc[] = [];
  const reboots: DesiredAction[] = [];
  const resets: DesiredAction[] = [];
  for (const a of actions) {
    if (a.kind === 'deleteObject') continue;
    if (!b.allowed(a.key, a.source)) continue;
    const item = { target: a.key, source: a.source };
    switch (a.kind) {
      case 'download': {
        if (transferInProgress(b, a.commandKey)) {
          b.skip(a.key, a.source, 'inProgress');
          break;
        }
        downloads.push({
          request: {
            type: 'Download',
            commandKey: a.commandKey,
            ...a.file,
            delaySeconds: 0,
            successUrl: '',
            failureUrl: '',
          },
          purpose: 'download',
          items: [item],
          actionKeys: [a.key],
          ...(a.version === undefined ? {} : { version: a.version }),
        });
        break;
      }
      case 'upload': {
        if (transferInProgress(b, a.commandKey)) {
          b.skip(a.key, a.source, 'inProgress');
          break;
        }
        uploads.push({
          request: { type: 'Upload', commandKey: a.commandKey, ...a.file },
          purpose: 'upload',
          items: [item],
          actionKeys: [a.key],
        });
        break;
      }
      case 'scheduleInform':
        informs.push({
          request: {
            type: 'ScheduleInform',
            delaySeconds: a.delaySeconds,
            commandKey: a.commandKey ?? a.key.slice(-32),
          },
          purpose: 'scheduleInform',
          items: [item],
          actionKeys: [a.key],
        });
        break;
      case 'reboot':
        reboots.push(a);
        break;
      case 'factoryReset':
        resets.push(a);
        break;
    }
  }
  const last: PlannedRpc[] = [];
  // A factory reset reboots too: one of them, never both (TR-069 A.4.1.6).
  if (resets.length > 0)
    last.push({
      request: { type: 'FactoryReset' },
      purpose: 'factoryReset',
      items: [...resets, ...reboots].map((a) => ({ target: a.key, source: a.source })),
      actionKeys: [...resets, ...reboots].map((a) => a.key),
    });
  else if (reboots.length > 0)
    last.push({
      request: {
        type: 'Reboot',
        commandKey: `reboot-${stableHash(reboots.map((a) => a.key).join('|'))}`,
      },
      purpose: 'reboot',
      items: reboots.map((a) => ({ target: a.key, source: a.source })),
      actionKeys: reboots.map((a) => a.key),
    });
  return [...downloads, ...uploads, ...informs, ...last];
}

export function deleteActions(b: PlanGate, actions: readonly DesiredAction[]): PlannedRpc[] {
  const out: PlannedRpc[] = [];
  for (const a of actions) {
    if (a.kind !== 'deleteObject' || !b.allowed(a.key, a.source)) continue;
    if (b.view.missing(a.path)) {
      b.skip(a.path, a.source, 'absent');
      continue;
    }
    out.push({
      request: {
        type: 'DeleteObject',
        objectName: a.path,
        parameterKey: stableHash(`delete|${a.path}`),
      },
      purpose: 'deleteObject',
      items: [{ target: a.key, source: a.source }],
      actionKeys: [a.key],
    });
  }
  return out;
}
