import {
  checkFingerprint,
  checkMessageIntegrity,
  decodeStunMessage,
  encodeStunMessage,
  messageType,
} from './stun-message.codec';
import { decodeAddressValue, encodeAddressValue } from './stun-attributes.codec';
import { StunAttr } from './stun.constants';
import { StunError, StunErrorCode } from './stun.error';

const hex = (s: string): Buffer => Buffer.from(s.replace(/\s+/g, ''), 'hex');

// RFC 5769 §2.1 and §2.2: the published test vectors (short-term credential).
const RFC5769_REQUEST = hex(`
  0001 0058 2112a442 b7e7a701bc34d686fa87dfae
  8022 0010 5354554e 20746573 7420636c 69656e74
  0024 0004 6e0001ff
  8029 0008 932ff9b1 51263b36
  0006 0009 6576746a 3a683676 59202020
  0008 0014 9aeaa70c bfd8cb56 781ef2b5 b2d3f249 c1b571a2
  8028 0004 e57a3bcf`);
const RFC5769_PASSWORD = Buffer.from('VOkJxbRl1RmTxUk/WvJxBt');
const RFC5769_RESPONSE_V4 = hex(`
  0101 003c 2112a442 b7e7a701bc34d686fa87dfae
  8022 000b 74657374 20766563 746f7220
  0020 0008 0001a147 e112a643
  0008 0014 2b91f599 fd9e90c3 8c7489f9 2af9ba53 f06be7d7
  8028 0004 c07d4c96`);

describe('STUN message codec', () => {
  it('verifies the RFC 5769 sample request (MESSAGE-INTEGRITY and FINGERPRINT)', () => {
    const m = decodeStunMessage(RFC5769_REQUEST);
    expect(m).toMatchObject({ method: 1, cls: 'request', classic: false });
    expect(m.attributes.map((a) => a.type)).toEqual([
      0x8022, 0x0024, 0x8029, 0x0006, 0x0008, 0x8028,
    ]);
    expect(m.attributes[3]?.value.toString()).toBe('evtj:h6vY');
    expect(checkMessageIntegrity(m, RFC5769_PASSWORD)).toBe('ok');
    expect(checkMessageIntegrity(m, Buffer.from('wrong'))).toBe('bad');
    expect(checkFingerprint(m)).toBe('ok');
  });

  it('decodes the RFC 5769 IPv4 response XOR-MAPPED-ADDRESS as 192.0.2.1:32853', () => {
    const m = decodeStunMessage(RFC5769_RESPONSE_V4);
    expect(m.cls).toBe('success');
    const xor = m.attributes.find((a) => a.type === StunAttr.XorMappedAddress)!;
    expect(decodeAddressValue(xor.value, m.transactionId)).toEqual({
      family: 4,
      address: '192.0.2.1',
      port: 32853,
    });
    expect(checkMessageIntegrity(m, RFC5769_PASSWORD)).toBe('ok');
    expect(checkFingerprint(m)).toBe('ok');
  });

  it.each([
    ['request', 0x0001],
    ['indication', 0x0011],
    ['success', 0x0101],
    ['error', 0x0111],
  ] as const)('encodes the Binding %s message type as %d', (cls, type) => {
    expect(messageType(1, cls)).toBe(type);
  });

  it('round-trips a message with integrity and fingerprint', () => {
    const tid = Buffer.alloc(12, 7);
    const raw = encodeStunMessage({
      method: 1,
      cls: 'request',
      transactionId: tid,
      attributes: [{ type: StunAttr.Username, value: Buffer.from('cpe-1') }],
      integrityKey: Buffer.from('secret'),
      fingerprint: true,
    });
    const m = decodeStunMessage(raw);
    expect(m.transactionId).toEqual(tid);
    expect(checkMessageIntegrity(m, Buffer.from('secret'))).toBe('ok');
    expect(checkFingerprint(m)).toBe('ok');
    const tampered = Buffer.from(raw);
    tampered[24] = (tampered[24] ?? 0) ^ 1;
    expect(checkMessageIntegrity(decodeStunMessage(tampered), Buffer.from('secret'))).toBe('bad');
    expect(checkFingerprint(decodeStunMessage(tampered))).toBe('bad');
  });

  it('treats a message without the magic cookie as classic RFC 3489 with a 16-byte transaction id', () => {
    const tid = Buffer.from('00112233445566778899aabbccddeeff', 'hex');
    const raw = encodeStunMessage({
      method: 1,
      cls: 'request',
      transactionId: tid,
      attributes: [],
    });
    const m = decodeStunMessage(raw);
    expect(m.classic).toBe(true);
    expect(m.transactionId).toEqual(tid);
  });

  it('accepts RFC 3489 MESSAGE-INTEGRITY computed over the 64-byte padded text', () => {
    const { createHmac } = jest.requireActual<typeof import('node:crypto')>('node:crypto');
    const tid = Buffer.alloc(16, 3);
    const body = encodeStunMessage({
      method: 1,
      cls: 'request',
      transactionId: tid,
      attributes: [{ type: StunAttr.Username, value: Buffer.from('abcd') }],
    });
    const full = Buffer.concat([body, Buffer.alloc(24)]);
    full.writeUInt16BE(full.length - 20, 2);
    const padded = Buffer.alloc(64);
    full.copy(padded, 0, 0, body.length);
    const mac = createHmac('sha1', 'pw').update(padded).digest();
    full.writeUInt16BE(StunAttr.MessageIntegrity, body.length);
    full.writeUInt16BE(20, body.length + 2);
    mac.copy(full, body.length + 4);
    expect(checkMessageIntegrity(decodeStunMessage(full), Buffer.from('pw'))).toBe('ok');
  });

  it.each([
    ['too short', hex('0001 0000 2112a442')],
    ['leading bits set', hex('c001 0000 2112a442 000000000000000000000000')],
    ['length not a multiple of 4', hex('0001 0002 2112a442 000000000000000000000000 0000')],
    [
      'length longer than the datagram',
      hex('0001 0008 2112a442 000000000000000000000000 00060000'),
    ],
  ])('refuses a datagram that is not STUN: %s', (_name, buf) => {
    expect(codeOf(() => decodeStunMessage(buf))).toBe(StunErrorCode.NotStun);
  });

  it.each([
    ['attribute overrun', hex('0001 0008 2112a442 000000000000000000000000 00060008 41414141')],
    [
      'value shorter than its length field',
      hex('0001 0008 2112a442 000000000000000000000000 00060005 41414141'),
    ],
  ])('refuses a malformed attribute list: %s', (_name, buf) => {
    expect(codeOf(() => decodeStunMessage(buf))).toBe(StunErrorCode.Malformed);
  });

  it.each([
    ['IPv4', { family: 4, address: '203.0.113.9', port: 7547 }],
    ['IPv6', { family: 6, address: '2001:db8::1', port: 30005 }],
  ] as const)('round-trips a %s address plain and XORed', (_n, a) => {
    const tid = Buffer.alloc(12, 0x5a);
    expect(decodeAddressValue(encodeAddressValue(a))).toEqual(a);
    expect(decodeAddressValue(encodeAddressValue(a, tid), tid)).toEqual(a);
    expect(encodeAddressValue(a, tid)).not.toEqual(encodeAddressValue(a));
  });

  it('refuses an address attribute with an unknown family', () => {
    expect(codeOf(() => decodeAddressValue(hex('0003 1234 01020304')))).toBe(
      StunErrorCode.Malformed,
    );
  });
});

function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (e) {
    return e instanceof StunError ? e.code : 'not a StunError';
  }
  return undefined;
}
