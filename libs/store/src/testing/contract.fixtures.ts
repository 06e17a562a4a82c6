import { StoreErrorCode } from '../store.error';

/** Shared by the contract files: a CPE-like document and matcher helpers. */
export interface Device {
  _id: string;
  oui: string;
  serial: string;
  model?: string | null;
  uptime?: number;
  online?: boolean;
  firmware?: { version: string; build?: number };
  tags?: string[];
  /** Mixed-type array: `$has` compares within one type. */
  labels?: (string | number | boolean)[];
}

// Typed `unknown`: Jest's asymmetric matchers are `any`.
export const code = (c: StoreErrorCode): unknown =>
  expect.objectContaining({ name: 'StoreError', code: c });
export const ids = (docs: readonly { _id: string }[]) => docs.map((d) => d._id);

export const dev = (n: number, extra: Partial<Device> = {}): Device => ({
  _id: `d${String(n).padStart(3, '0')}`,
  oui: 'A1B2C3',
  serial: `S${n}`,
  ...extra,
});
