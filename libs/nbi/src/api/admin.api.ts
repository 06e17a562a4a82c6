import {
  Role,
  type ApiKey,
  type ApiKeysServiceService,
  type AuditServiceService,
} from '@acs/proto';
import type { Query } from '@acs/store';
import type { ApiKeyDocument } from '../auth/api-key.store';
import type { NbiRole } from '../auth/roles.table';
import type { NbiAuditDocument } from '../audit.trail';
import type { ServiceMethods } from '../nbi.context';
import { jsonSafe, toTimestamp } from '../nbi.convert';
import type { NbiDeps } from '../nbi.deps';
import { NbiError } from '../nbi.error';
import { decodePageToken, encodePageToken, pageSize } from '../query/page.token';

const ROLE_OF: Partial<Record<Role, NbiRole>> = {
  [Role.ROLE_VIEWER]: 'viewer',
  [Role.ROLE_OPERATOR]: 'operator',
  [Role.ROLE_ADMIN]: 'admin',
};
const PROTO_ROLE: Record<NbiRole, Role> = {
  viewer: Role.ROLE_VIEWER,
  operator: Role.ROLE_OPERATOR,
  admin: Role.ROLE_ADMIN,
};

function keyOf(d: ApiKeyDocument): ApiKey {
  return {
    id: d._id,
    name: d.name,
    role: PROTO_ROLE[d.role],
    createdAt: toTimestamp(d.createdAt),
    createdBy: d.createdBy,
  };
}

export function apiKeysApi(deps: NbiDeps): ServiceMethods<typeof ApiKeysServiceService> {
  return {
    async createApiKey(req, ctx) {
      const role = ROLE_OF[req.role];
      if (role === undefined)
        throw NbiError.invalid('role', 'one of ROLE_VIEWER, ROLE_OPERATOR, ROLE_ADMIN');
      if (req.name === '' || req.name.length > 128)
        throw NbiError.invalid('name', 'required, at most 128 characters');
      const created = await deps.keys.create(req.name, role, ctx.principal.id);
      await deps.audit.record(ctx.principal.id, 'apikey.created', '', {
        id: created.doc._id,
        name: req.name,
        role,
      });
      return { key: keyOf(created.doc), secret: created.secret };
    },

    async listApiKeys() {
      return { keys: (await deps.keys.list()).map(keyOf) };
    },

    async revokeApiKey(req, ctx) {
      if (req.id === '') throw NbiError.invalid('id', 'required');
      await deps.keys.revoke(req.id);
      await deps.audit.record(ctx.principal.id, 'apikey.revoked', '', { id: req.id });
      return {};
    },
  };
}

export function auditApi(deps: NbiDeps): ServiceMethods<typeof AuditServiceService> {
  return {
    async listAuditEntries(req) {
      if (req.deviceId === '' && !req.global)
        throw NbiError.invalid('device_id', 'required (or global = true)');
      const deviceId = req.global ? '' : req.deviceId;
      const size = pageSize(req.pageSize, 100, 1000);
      const cursor = decodePageToken(req.pageToken, deviceId);
      const query: Query<NbiAuditDocument> = { deviceId };
      const page = await deps.audit.repo.find(query, {
        sort: { at: 1 },
        limit: size,
        ...(cursor === undefined ? {} : { after: cursor.after }),
      });
      return {
        entries: page.items.map((d) => ({
          id: d._id,
          deviceId: d.deviceId,
          at: toTimestamp(d.at),
          actor: d.actor,
          action: d.action,
          cause: d.cause,
          details: jsonSafe(d.details) as Record<string, unknown>,
        })),
        nextPageToken: page.next === undefined ? '' : encodePageToken(page.next, deviceId),
      };
    },
  };
}
