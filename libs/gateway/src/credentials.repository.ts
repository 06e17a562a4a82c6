import {
  StoreError,
  StoreErrorCode,
  type DocumentRepository,
  type DocumentStore,
} from '@acs/store';

/**
 * A CPE's ACS credentials (collection `cpe_credentials`, `_id` = device id): the password, or
 * only HA1 = MD5(username:realm:password) so the store never holds the secret in clear.
 */
export interface CpeCredentials {
  readonly _id: string;
  readonly username: string;
  readonly password?: string;
  readonly ha1?: string;
}

export const CREDENTIALS_COLLECTION = 'cpe_credentials';

export interface CredentialsRepository {
  find(deviceId: string): Promise<CpeCredentials | undefined>;
  /** Stores credentials for a device registered under the bootstrap policy; a concurrent duplicate is fine. */
  register(credentials: CpeCredentials): Promise<void>;
}

export class StoreCredentialsRepository implements CredentialsRepository {
  private constructor(private readonly repo: DocumentRepository<CpeCredentials>) {}

  static async open(store: DocumentStore): Promise<StoreCredentialsRepository> {
    return new StoreCredentialsRepository(
      await store.collection<CpeCredentials>(CREDENTIALS_COLLECTION),
    );
  }

  async find(deviceId: string): Promise<CpeCredentials | undefined> {
    const doc = await this.repo.findById(deviceId);
    if (doc === undefined) return undefined;
    return {
      _id: doc._id,
      username: doc.username,
      ...(doc.password === undefined ? {} : { password: doc.password }),
      ...(doc.ha1 === undefined ? {} : { ha1: doc.ha1 }),
    };
  }

  async register(credentials: CpeCredentials): Promise<void> {
    try {
      await this.repo.insert(credentials);
    } catch (e) {
      if (e instanceof StoreError && e.code === StoreErrorCode.DuplicateKey) return;
      throw e;
    }
  }
}
