import type { Profile, ScriptEvaluator } from '@acs/domain';
import { DomainError, parseProfile } from '@acs/domain';
import type { DocumentRepository } from '@acs/store';
import { StoreError, StoreErrorCode } from '@acs/store';
import type { Clock } from './provisioning.ports';
import { ProvisioningError, ProvisioningErrorCode } from './provisioning.error';
import type { ProfileDocument } from './provisioning.repositories';

/**
 * Profiles, versioned in the store and cached in memory: every Inform needs all of them, so they
 * are read once per TTL (default 5 s), not per session. Saving through this catalog refreshes the
 * local cache at once; other pods see the new version within the TTL.
 */
export class ProfileCatalog {
  private cache: { at: number; profiles: readonly Profile[] } | undefined;
  private loading: Promise<readonly Profile[]> | undefined;

  constructor(
    private readonly repo: DocumentRepository<ProfileDocument>,
    private readonly clock: Clock,
    private readonly ttlMs = 5_000,
    /** Compiles profile scripts on save, so a syntax error is refused then, not found in a session. */
    private readonly scripts?: ScriptEvaluator,
  ) {}

  /**
   * Validates and stores a profile. Same content as stored → unchanged; different → stored with
   * the next version (or the declared one if higher), which retries the profile's loop faults.
   */
  async save(input: unknown, actor: string): Promise<Profile> {
    let parsed: Profile;
    try {
      parsed = parseProfile(input);
    } catch (e) {
      if (e instanceof DomainError)
        throw new ProvisioningError(ProvisioningErrorCode.InvalidProfile, e.message, e.issues);
      throw e;
    }
    const syntax =
      parsed.script === undefined
        ? undefined
        : this.scripts?.check?.(parsed.name, parsed.script.source);
    if (syntax !== undefined)
      throw new ProvisioningError(
        ProvisioningErrorCode.InvalidProfile,
        'invalid profile: script does not compile',
        [`script.source: ${syntax}`],
      );
    // Compared and stored without the version, which the catalog assigns.
    const definition = JSON.stringify({ ...parsed, version: 1 });
    for (let attempt = 0; attempt < 5; attempt++) {
      const stored = await this.repo.findById(parsed.name);
      if (stored?.definition === definition) return { ...parsed, version: stored.version };
      const version = Math.max(parsed.version, (stored?.version ?? 0) + 1);
      const doc = {
        version,
        priority: parsed.priority,
        definition,
        updatedAt: this.clock.now(),
        updatedBy: actor,
      };
      try {
        if (stored === undefined) await this.repo.insert({ _id: parsed.name, ...doc });
        else await this.repo.update(parsed.name, stored._version, { $replace: doc });
        this.cache = undefined;
        return { ...parsed, version };
      } catch (e) {
        if (
          !StoreError.is(e, StoreErrorCode.VersionConflict) &&
          !StoreError.is(e, StoreErrorCode.DuplicateKey)
        )
          throw e;
      }
    }
    throw new ProvisioningError(
      ProvisioningErrorCode.Contention,
      `profile ${parsed.name} kept changing`,
    );
  }

  async remove(name: string): Promise<boolean> {
    try {
      await this.repo.delete(name);
      this.cache = undefined;
      return true;
    } catch (e) {
      if (StoreError.is(e, StoreErrorCode.NotFound)) return false;
      throw e;
    }
  }

  /** Every profile (cached for the TTL). */
  async list(): Promise<readonly Profile[]> {
    const now = this.clock.now();
    if (this.cache !== undefined && now - this.cache.at < this.ttlMs) return this.cache.profiles;
    // One read for all concurrent callers.
    this.loading ??= this.load(now).finally(() => (this.loading = undefined));
    return this.loading;
  }

  invalidate(): void {
    this.cache = undefined;
  }

  private async load(now: number): Promise<readonly Profile[]> {
    const profiles: Profile[] = [];
    let after: string | undefined;
    do {
      const page = await this.repo.find(
        {},
        { limit: 500, ...(after === undefined ? {} : { after }) },
      );
      for (const d of page.items) profiles.push(this.decode(d));
      after = page.next;
    } while (after !== undefined);
    this.cache = { at: now, profiles };
    return profiles;
  }

  private decode(d: ProfileDocument): Profile {
    try {
      return { ...parseProfile(JSON.parse(d.definition)), version: d.version };
    } catch (e) {
      throw new ProvisioningError(
        ProvisioningErrorCode.CorruptDocument,
        `profile ${d._id}: stored definition unreadable`,
        [],
        { cause: e },
      );
    }
  }
}
