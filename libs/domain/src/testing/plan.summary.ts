import type { Plan, PlannedRpc } from '../plan/plan.types';
import { lexical } from '../value/value.convert';

/** One line per RPC, for table-driven expectations: `SPV a=unsignedInt:5`, `GPV a,b`, … */
export function summarize(rpc: PlannedRpc): string {
  const r = rpc.request;
  switch (r.type) {
    case 'GetParameterNames':
      return `GPN ${r.parameterPath} ${r.nextLevel}`;
    case 'GetParameterValues':
      return `GPV ${r.parameterNames.join(',')}`;
    case 'GetParameterAttributes':
      return `GPA ${r.parameterNames.join(',')}`;
    case 'SetParameterValues':
      return `SPV ${r.parameterList.map((p) => `${p.name}=${p.value.type}:${lexical(p.value)}`).join(',')}`;
    case 'SetParameterAttributes':
      return `SPA ${r.parameterList.map((p) => `${p.name}=${p.notification}`).join(',')}`;
    case 'AddObject':
      return `Add ${r.objectName}`;
    case 'DeleteObject':
      return `Del ${r.objectName}`;
    case 'Download':
      return `Download ${r.url}`;
    case 'Upload':
      return `Upload ${r.fileType} ${r.url}`;
    case 'ScheduleInform':
      return `ScheduleInform ${r.delaySeconds}`;
    case 'Reboot':
      return 'Reboot';
    case 'FactoryReset':
      return 'FactoryReset';
    default:
      return r.type;
  }
}

export function summarizePlan(p: Plan): { phase: string; rpcs: string[]; skipped: string[] } {
  return {
    phase: p.phase,
    rpcs: p.rpcs.map(summarize),
    skipped: p.skipped.map((x) => `${x.target}:${x.reason}`),
  };
}
