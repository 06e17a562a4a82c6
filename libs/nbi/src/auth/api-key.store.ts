import { createHash, timingSafeEqual } from 'node:crypto';
import type { DocumentRepository, DocumentStore } from '@acs/store';
import { StoreError, StoreErrorCode } from '@acs/store';
import type { NbiClock, RandomSource } from '../nbi.ports';
import { NbiError, NbiErrorCode } from '../nbi.error';
import type { Principal } from './principal';
import type { NbiRole } from './roles.table';

export const API_KEYS_COLLECTION = 'nbi_api_keys';

/** A stored key: only the SHA-256 of its 256-bit secret (a hash this strong needs no salt/KDF). */
export interface ApiKeyDocument {
  readonly _id: string;
  readonly name: string;
  readonly role: NbiRole;
  readonly hash: string;
  readonly createdAt: number;
  readonly createdBy: string;
  readonly revokedAt?: number;
}

export interface CreatedApiKey {
  readonly doc: ApiKeyDocument;
  /** `acs_<id>_<secret>`: shown once. */
  readonly secret: string;
}

const BOOTSTRAP_MARKER = 'bootstrap';
const KEY = /^acs_([0-9a-f]{16})_([A-Za-z0-9_-]{43})$/;

function sha256(text: string): Buffer {
  return createHash('sha256').update(text, 'utf8').digest();
}

/**
 * API keys in the store. Verification reads the key's document by its public id and compares
 * hashes in constant time; results are cached for `cacheMs` (a revocation reaches other API pods
 * within that time, this one at once).
 */
export class ApiKeyStore {
  private readonly cache = new Map<string, { at: number; doc: ApiKeyDocument | undefined }>();

  constructor(
    private readonly repo: DocumentRepository<ApiKeyDocument>,
    private readonly clock: NbiClock,
    private readonly random: RandomSource,
    private readonly cacheMs = 5_000,
  ) {}

  static async open(
    store: DocumentStore,
    clock: NbiClock,
    random: RandomSource,
    cacheMs?: number,
  ): Promise<ApiKeyStore> {
    return new ApiKeyStore(
      await store.collection<ApiKeyDocument>(API_KEYS_COLLECTION),
      clock,
      random,
      cacheMs,
    );
  }

  /** True if the string has the shape of one of our keys (else it may be a JWT). */
  static looksLikeKey(token: string): boolean {
    return token.startsWith('acs_');
  }

  async create(name: string, role: NbiRole, createdBy: string): Promise<CreatedApiKey> {
    const id = this.random.bytes(8).toString('hex');
    const secret = `acs_${id}_${this.random.bytes(32).toString('base64url')}`;
    const doc: ApiKeyDocument = {
      _id: id,
      name,
      role,
      hash: sha256(secret).toString('hex'),
      createdAt: this.clock.now(),
      createdBy,
    };
    await this.repo.insert(doc);
    return { doc, secret };
  }

  async list(): Promise<ApiKeyDocument[]> {
    const out: ApiKeyDocument[] = [];
    let after: string | undefined;
    // Bounded: keys are created by admins, a few hundred at most; 50 pages is far beyond.
    for (let page = 0; page < 50; page++) {
      const p = await this.repo.find({}, { limit: 500, ...(after === undefined ? {} : { after }) });
      out.push(...p.items.filter((d) => d.revokedAt === undefined && d._id !== BOOTSTRAP_MARKER));
      after = p.next;
      if (after === undefined) break;
    }
    return out;
  }

  /** Any admin key not revoked (admin bootstrap checks this). */
  async hasAdmin(): Promise<boolean> {
    const p = await this.repo.find({ role: 'admin', revokedAt: { $exists: false } }, { limit: 1 });
    return p.items.length > 0;
  }

  /**
   * Records that the initial admin key was handed out (DuplicateKey if another instance did):
   * a document no key can match (its id is not 16 hex digits, and it is revoked).
   */
  async claimBootstrap(): Promise<void> {
    const now = this.clock.now();
    await this.repo.insert({
      _id: BOOTSTRAP_MARKER,
      name: 'initial admin key handed out',
      role: 'viewer',
      hash: '',
      createdAt: now,
      createdBy: 'bootstrap',
      revokedAt: now,
    });
  }

  async revoke(id: string): Promise<void> {
    for (let attempt = 0; attempt < 5; attempt++) {
      const d = await this.repo.findById(id);
      if (d === undefined || d.revokedAt !== undefined) throw NbiError.notFound(`API key ${id}`);
      try {
        await this.repo.update(id, d._version, { $set: { revokedAt: this.clock.now() } });
        this.cache.delete(id);
        return;
      } catch (e) {
        if (!StoreError.is(e, StoreErrorCode.VersionConflict)) throw e;
      }
    }
    throw new NbiError(NbiErrorCode.Aborted, `API key ${id} kept changing`);
  }

  /** @throws NbiError Unauthenticated for an unknown, revoked or wrong key */
  async verify(token: string): Promise<Principal> {
    const m = KEY.exec(token);
    if (m === null) throw new NbiError(NbiErrorCode.Unauthenticated, 'malformed API key');
    const id = m[1] as string;
    const now = this.clock.now();
    let hit = this.cache.get(id);
    if (hit === undefined || now - hit.at >= this.cacheMs) {
      hit = { at: now, doc: await this.repo.findById(id) };
      if (this.cache.size >= 10_000) this.cache.clear();
      this.cache.set(id, hit);
    }
    const doc = hit.doc;
    const ok =
      doc !== undefined &&
      doc.revokedAt === undefined &&
      doc.hash.length === 64 &&
      timingSafeEqual(Buffer.from(doc.hash, 'hex'), sha256(token));
    if (!ok || doc === undefined)
      throw new NbiError(NbiErrorCode.Unauthenticated, 'unknown or revoked API key');
    return { id: `apikey:${id}`, role: doc.role, via: 'api-key' };
  }
}
