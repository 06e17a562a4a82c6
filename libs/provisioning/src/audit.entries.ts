import type { CwmpMessage } from '@acs/cwmp';
import type { PlannedRpc, SourceRef } from '@acs/domain';
import { lexical, sourceKey } from '@acs/domain';
import type { AuditDocument } from './device.document';

// Audit entries (who / what / when) for what one RPC result changed on the device. Details use
// arrays of {path, value}: a path as a field name would need escaping.

export type AuditDraft = Omit<AuditDocument, '_id' | 'deviceId' | 'cause'>;

function sources(rpc: PlannedRpc): string[] {
  return [...new Set(rpc.items.map((i) => sourceKey(i.source)))];
}

export function auditOfResult(rpc: PlannedRpc, result: CwmpMessage, at: number): AuditDraft[] {
  const actor = 'provisioning';
  const req = rpc.request;
  if (result.type === 'Fault') {
    if (rpc.purpose === 'discover' || rpc.purpose === 'read' || rpc.purpose === 'readAttributes')
      return [];
    return [
      {
        at,
        actor,
        action: 'fault.recorded',
        details: {
          method: req.type,
          code: result.detail?.faultCode ?? 0,
          message: result.detail?.faultString ?? result.faultString,
          targets: rpc.items.map((i) => i.target),
          sources: sources(rpc),
        },
      },
    ];
  }
  switch (req.type) {
    case 'SetParameterValues':
      return [
        {
          at,
          actor,
          action: 'parameters.set',
          details: {
            parameters: req.parameterList.map((p) => ({ path: p.name, value: lexical(p.value) })),
            parameterKey: req.parameterKey,
            sources: sources(rpc),
          },
        },
      ];
    case 'SetParameterAttributes':
      return [
        {
          at,
          actor,
          action: 'attributes.set',
          details: { paths: req.parameterList.map((p) => p.name), sources: sources(rpc) },
        },
      ];
    case 'AddObject':
      return [
        {
          at,
          actor,
          action: 'object.added',
          details: {
            table: req.objectName,
            instance: result.type === 'AddObjectResponse' ? result.instanceNumber : null,
            sources: sources(rpc),
          },
        },
      ];
    case 'DeleteObject':
      return [
        {
          at,
          actor,
          action: 'object.deleted',
          details: { path: req.objectName, sources: sources(rpc) },
        },
      ];
    case 'Reboot':
    case 'FactoryReset':
    case 'Download':
    case 'Upload':
    case 'ScheduleInform':
      return [
        {
          at,
          actor,
          action: 'action.done',
          details: { method: req.type, keys: rpc.actionKeys ?? [], sources: sources(rpc) },
        },
      ];
    default:
      return [];
  }
}

export function sourceName(source: SourceRef): string {
  return source.kind === 'profile' ? source.name : source.id;
}
