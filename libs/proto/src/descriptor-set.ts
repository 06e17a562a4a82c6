import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { BinaryReader, WireType } from '@bufbuild/protobuf/wire';

/**
 * The binary FileDescriptorSet of acs.v1 and its imports (google/protobuf), built by
 * `buf build` in generate.sh. Resolved from this file's directory, which is `src/` under ts and
 * `dist/` once built: both sit next to `descriptor/`.
 */
export const DESCRIPTOR_SET_PATH = join(__dirname, '..', 'descriptor', 'acs.v1.binpb');

export function loadDescriptorSet(): Buffer {
  return readFileSync(DESCRIPTOR_SET_PATH);
}

/**
 * The serialized FileDescriptorProtos of the set, one per .proto file, exactly as buf wrote them
 * (names and dependencies intact) — what a reflection service hands to clients.
 */
export function fileDescriptorProtos(set: Uint8Array = loadDescriptorSet()): Buffer[] {
  // FileDescriptorSet: `repeated FileDescriptorProto file = 1;` and nothing else.
  const reader = new BinaryReader(set);
  const files: Buffer[] = [];
  while (reader.pos < reader.len) {
    const [field, wire] = reader.tag();
    if (field === 1 && wire === WireType.LengthDelimited) files.push(Buffer.from(reader.bytes()));
    else reader.skip(wire);
  }
  return files;
}
