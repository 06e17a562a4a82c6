import type { Profile as DomainProfile } from '@acs/domain';
import { DomainError, mergeDesired, parseProfile, plan } from '@acs/domain';
import {
  loadState,
  ProvisioningError,
  ProvisioningErrorCode,
  type DeviceDocument,
  type ProfileDocument,
} from '@acs/provisioning';
import type { DeviceDryRun, Profile, ProfilesServiceService } from '@acs/proto';
import type { Query } from '@acs/store';
import type { ServiceMethods } from '../nbi.context';
import { jsonSafe, toTimestamp } from '../nbi.convert';
import type { NbiDeps } from '../nbi.deps';
import { NbiError, NbiErrorCode } from '../nbi.error';
import { evaluateFilter, parseFilter } from '../query/filter.parser';

/** A validation failure with the first issue's path as the field (`definition.objects.0.key`). */
function invalidDefinition(issues: readonly string[], message: string): NbiError {
  const first = issues[0];
  const path = first === undefined ? '' : first.slice(0, first.indexOf(':'));
  const field = path === '' || path === '(root)' ? 'definition' : `definition.${path}`;
  return new NbiError(NbiErrorCode.InvalidArgument, `${field}: ${first ?? message}`, {
    field,
    issues: issues.map((i) => `definition.${i}`),
    reason: ProvisioningErrorCode.InvalidProfile,
  });
}

function validated(definition: Record<string, unknown> | undefined): DomainProfile {
  if (definition === undefined) throw NbiError.invalid('definition', 'required');
  try {
    return parseProfile(definition);
  } catch (e) {
    if (e instanceof DomainError) throw invalidDefinition(e.issues, e.message);
    throw e;
  }
}

function profileOf(d: ProfileDocument): Profile {
  let definition: Record<string, unknown> | undefined;
  try {
    definition = { ...(JSON.parse(d.definition) as Record<string, unknown>), version: d.version };
  } catch {
    definition = undefined;
  }
  return {
    name: d._id,
    version: d.version,
    priority: d.priority,
    definition: jsonSafe(definition) as Record<string, unknown> | undefined,
    updatedAt: toTimestamp(d.updatedAt),
    updatedBy: d.updatedBy,
  };
}

export function profilesApi(deps: NbiDeps): ServiceMethods<typeof ProfilesServiceService> {
  const save = async (
    definition: Record<string, unknown> | undefined,
    actor: string,
    mustExist: boolean,
  ): Promise<Profile> => {
    const p = validated(definition);
    const stored = await deps.repos.profiles.findById(p.name);
    if (mustExist && stored === undefined) throw NbiError.notFound(`profile ${p.name}`);
    if (!mustExist && stored !== undefined)
      throw new NbiError(NbiErrorCode.AlreadyExists, `profile ${p.name} exists (UpdateProfile)`, {
        field: 'definition.name',
      });
    try {
      await deps.profiles.save(definition, actor);
    } catch (e) {
      if (ProvisioningError.is(e, ProvisioningErrorCode.InvalidProfile))
        throw invalidDefinition(e.details, e.message);
      throw e;
    }
    const doc = await deps.repos.profiles.findById(p.name);
    if (doc === undefined) throw NbiError.notFound(`profile ${p.name}`);
    await deps.audit.record(actor, 'profile.saved', '', { name: p.name, version: doc.version });
    return profileOf(doc);
  };

  return {
    async createProfile(req, ctx) {
      return { profile: await save(req.definition, ctx.principal.id, false) };
    },

    async updateProfile(req, ctx) {
      return { profile: await save(req.definition, ctx.principal.id, true) };
    },

    async deleteProfile(req, ctx) {
      if (req.name === '') throw NbiError.invalid('name', 'required');
      if (!(await deps.profiles.remove(req.name))) throw NbiError.notFound(`profile ${req.name}`);
      await deps.audit.record(ctx.principal.id, 'profile.deleted', '', { name: req.name });
      return {};
    },

    async getProfile(req) {
      if (req.name === '') throw NbiError.invalid('name', 'required');
      const d = await deps.repos.profiles.findById(req.name);
      if (d === undefined) throw NbiError.notFound(`profile ${req.name}`);
      return { profile: profileOf(d) };
    },

    async listProfiles() {
      const profiles: Profile[] = [];
      let after: string | undefined;
      // Bounded: 100 pages of 500 profiles is far beyond any real catalog.
      for (let i = 0; i < 100; i++) {
        const page = await deps.repos.profiles.find(
          {},
          { limit: 500, ...(after === undefined ? {} : { after }) },
        );
        profiles.push(...page.items.map(profileOf));
        after = page.next;
        if (after === undefined) break;
      }
      return { profiles };
    },

    async dryRunProfile(req) {
      const profile = validated(req.definition);
      const filter = parseFilter(req.deviceFilter);
      const max = req.maxDevices === 0 ? 1000 : req.maxDevices;
      if (max < 1 || max > deps.limits.dryRunMaxDevices)
        throw NbiError.invalid(
          'max_devices',
          `must be between 1 and ${deps.limits.dryRunMaxDevices}`,
        );
      const others = (await deps.profiles.list()).filter((p) => p.name !== profile.name);
      const profiles = [...others, profile];
      const now = deps.clock.now();
      const devices: DeviceDryRun[] = [];
      let examined = 0;
      let scanned = 0;
      let after: string | undefined;
      let truncated = false;
      // The next plan step of every device with the candidate in place of the stored profile of
      // that name; the RPCs that serve the candidate's declarations are what would change.
      scan: for (;;) {
        const query: Query<DeviceDocument> = after === undefined ? {} : { _id: { $gt: after } };
        const page = await deps.repos.devices.find(query, { sort: { _id: 1 }, limit: 500 });
        for (const doc of page.items) {
          after = doc._id;
          // Bounded like ListDevices: a filter matching little cannot make the call scan the fleet.
          if (++scanned > deps.limits.listScanLimit) {
            truncated = true;
            break scan;
          }
          const state = loadState(doc.state, doc._id);
          if (!evaluateFilter(filter, state)) continue;
          if (examined >= max) {
            truncated = true;
            break scan;
          }
          examined++;
          const next = plan(state, mergeDesired(state, profiles, [], { now }), { now });
          const rpcs = next.rpcs
            .filter((r) =>
              r.items.some((i) => i.source.kind === 'profile' && i.source.name === profile.name),
            )
            .map((r) => ({
              method: r.request.type,
              targets: r.items
                .filter((i) => i.source.kind === 'profile' && i.source.name === profile.name)
                .map((i) => i.target),
            }));
          if (rpcs.length > 0) devices.push({ deviceId: doc._id, rpcs });
        }
        if (page.next === undefined || page.items.length < 500) break;
      }
      return { devices, devicesExamined: examined, truncated };
    },
  };
}
