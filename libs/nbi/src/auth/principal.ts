import type { NbiRole } from './roles.table';

/** Who is calling: recorded as `actor` in the audit trail. */
export interface Principal {
  /** `apikey:<id>` or `jwt:<sub>`. */
  readonly id: string;
  readonly role: NbiRole;
  readonly via: 'api-key' | 'jwt';
}
