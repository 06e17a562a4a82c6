import type { DocumentRepository, DocumentStore } from '@acs/store';
import type { StunCredential, StunCredentialStore } from '../ports/device-contact.port';

/** In-process STUN credentials, by STUNUsername. */
export class InMemoryStunCredentials implements StunCredentialStore {
  private readonly byUser = new Map<string, StunCredential>();

  set(username: string, credential: StunCredential): void {
    this.byUser.set(username, credential);
  }

  lookup(username: string): Promise<StunCredential | undefined> {
    return Promise.resolve(this.byUser.get(username));
  }
}

interface StunCredentialDoc extends StunCredential {
  /** The STUNUsername. */
  readonly _id: string;
}

/** STUN credentials in the document store (one collection, `_id` = STUNUsername). */
export class StoreStunCredentials implements StunCredentialStore {
  private constructor(private readonly repo: DocumentRepository<StunCredentialDoc>) {}

  static async open(
    store: DocumentStore,
    name = 'connreq_stun_credentials',
  ): Promise<StoreStunCredentials> {
    return new StoreStunCredentials(await store.collection<StunCredentialDoc>(name));
  }

  async set(username: string, c: StunCredential): Promise<void> {
    await this.repo.upsert({ _id: username, ...c });
  }

  async lookup(username: string): Promise<StunCredential | undefined> {
    const d = await this.repo.findById(username);
    if (d === undefined) return undefined;
    return {
      deviceId: d.deviceId,
      password: d.password,
      ...(d.reportedAddress === undefined ? {} : { reportedAddress: d.reportedAddress }),
    };
  }
}
