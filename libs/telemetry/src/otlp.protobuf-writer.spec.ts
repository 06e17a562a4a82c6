import { LEN, ProtobufWriter, tag } from './otlp.protobuf-writer';

describe(ProtobufWriter.name, () => {
  it('does not take a non-ASCII value for ASCII when the buffer ends right after it', () => {
    // 'éa' is 2 units but 3 UTF-8 bytes: with only 2 bytes of room a write stops after 'é' and
    // reports 2 bytes — as many as units. The writer must not trust that count.
    const key = 'k';
    const value = 'éa';
    const w = new ProtobufWriter(Buffer.alloc(8 + key.length + value.length));
    expect(w.asciiKv(tag(9, LEN), key, value)).toBe(false);
    expect(w.pos).toBe(0);
  });

  it('writes a short ASCII key and value as one KeyValue', () => {
    const w = new ProtobufWriter(Buffer.alloc(4));
    expect(w.asciiKv(tag(9, LEN), 'k', 'v')).toBe(true);
    expect([...w.buf.subarray(0, w.pos)]).toEqual([
      tag(9, LEN),
      8,
      tag(1, LEN),
      1,
      0x6b,
      tag(2, LEN),
      3,
      tag(1, LEN),
      1,
      0x76,
    ]);
  });
});
