import type { DocumentRepository, DocumentStore } from '@acs/store';
import { COLLECTIONS } from '@acs/provisioning';
import type { NbiClock, RandomSource } from './nbi.ports';

/**
 * Changes made through the API that the provisioning library does not record itself (it records
 * task creation/cancel and tag changes with the caller as actor). Same collection and shape as
 * its AuditDocument, with the API's own actions; `deviceId` is '' for fleet-wide changes.
 */
export type NbiAuditAction =
  | 'device.deleted'
  | 'device.wakeup'
  | 'profile.saved'
  | 'profile.deleted'
  | 'fault.cleared'
  | 'fault.retried'
  | 'task.retried'
  | 'apikey.created'
  | 'apikey.revoked';

export interface NbiAuditDocument {
  readonly _id: string;
  readonly deviceId: string;
  readonly at: number;
  readonly actor: string;
  readonly action: string;
  readonly cause: string;
  readonly details: Readonly<Record<string, unknown>>;
}

export class AuditTrail {
  constructor(
    readonly repo: DocumentRepository<NbiAuditDocument>,
    private readonly clock: NbiClock,
    private readonly random: RandomSource,
  ) {}

  static async open(store: DocumentStore, clock: NbiClock, random: RandomSource) {
    return new AuditTrail(
      await store.collection<NbiAuditDocument>(COLLECTIONS.audit, {
        indexes: [{ fields: { deviceId: 1, at: 1 } }],
      }),
      clock,
      random,
    );
  }

  /** Written before the call answers: a change the caller saw succeed is always in the trail. */
  async record(
    actor: string,
    action: NbiAuditAction,
    deviceId: string,
    details: Record<string, unknown>,
  ): Promise<void> {
    const at = this.clock.now();
    const id = `nbi:${at}:${this.random.bytes(6).toString('hex')}`;
    await this.repo.insert({ _id: id, deviceId, at, actor, action, cause: id, details });
  }
}
