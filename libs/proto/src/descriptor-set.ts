import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * The binary FileDescriptorSet of acs.v1 and its imports (google/protobuf), built by
 * `buf build` in generate.sh. Resolved from this file's directory, which is `src/` under ts and
 * `dist/` once built: both sit next to `descriptor/`.
 */
export const DESCRIPTOR_SET_PATH = join(__dirname, '..', 'descriptor', 'acs.v1.binpb');

export function loadDescriptorSet(): Buffer {
  return readFileSync(DESCRIPTOR_SET_PATH);
}
