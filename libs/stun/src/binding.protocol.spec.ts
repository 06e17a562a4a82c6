import {
  buildBindingError,
  buildBindingRequest,
  buildBindingSuccess,
  readBindingRequest,
  readMappedAddress,
} from './binding.protocol';
import { decodeErrorCodeValue, decodeUnknownAttributesValue } from './stun-attributes.codec';
import { StunAttr, TR111_BINDING_VALUE } from './stun.constants';
import { StunError, StunErrorCode } from './stun.error';
import { checkMessageIntegrity, decodeStunMessage, encodeStunMessage } from './stun-message.codec';

const tid = Buffer.from('0102030405060708090a0b0c', 'hex');
const classicTid = Buffer.from('f0e0d0c0b0a090807060504030201000', 'hex');

describe('TR-111 binding protocol', () => {
  it('reads CONNECTION-REQUEST-BINDING, BINDING-CHANGE, USERNAME and MESSAGE-INTEGRITY', () => {
    const v = readBindingRequest(
      buildBindingRequest({
        transactionId: tid,
        username: 'stun-cpe-1',
        connectionRequestBinding: true,
        bindingChange: true,
        integrityKey: Buffer.from('pw'),
        fingerprint: true,
      }),
    );
    expect(v).toMatchObject({
      username: 'stun-cpe-1',
      hasIntegrity: true,
      connectionRequestBinding: true,
      bindingChange: true,
      unknownRequired: [],
      fingerprint: 'ok',
    });
    expect(checkMessageIntegrity(v.message, Buffer.from('pw'))).toBe('ok');
  });

  it('encodes CONNECTION-REQUEST-BINDING as the 20-byte "dslforum.org/TR-111 " value', () => {
    const m = decodeStunMessage(
      buildBindingRequest({ transactionId: tid, connectionRequestBinding: true }),
    );
    const a = m.attributes.find((x) => x.type === 0xc001)!;
    expect(a.value.length).toBe(20);
    expect(a.value.toString('latin1')).toBe(TR111_BINDING_VALUE);
  });

  it.each([
    ['exact', 'dslforum.org/TR-111 ', true],
    ['without the trailing space', 'dslforum.org/TR-111', true],
    ['another marker', 'example.org/TR-111  ', false],
  ])('recognises the binding marker: %s', (_n, value, expected) => {
    const raw = encodeStunMessage({
      method: 1,
      cls: 'request',
      transactionId: tid,
      attributes: [
        { type: StunAttr.ConnectionRequestBinding, value: Buffer.from(value, 'latin1') },
      ],
    });
    expect(readBindingRequest(raw).connectionRequestBinding).toBe(expected);
  });

  it('lists unknown comprehension-required attributes and ignores unknown optional ones', () => {
    const raw = encodeStunMessage({
      method: 1,
      cls: 'request',
      transactionId: tid,
      attributes: [
        { type: 0x0042, value: Buffer.alloc(4) },
        { type: 0x8042, value: Buffer.alloc(4) },
      ],
    });
    expect(readBindingRequest(raw).unknownRequired).toEqual([0x0042]);
  });

  it('ignores attributes after MESSAGE-INTEGRITY (RFC 5389 §15.4)', () => {
    const signed = buildBindingRequest({ transactionId: tid, integrityKey: Buffer.from('k') });
    const extra = Buffer.concat([signed, Buffer.from('0006000441424344', 'hex')]);
    extra.writeUInt16BE(extra.length - 20, 2);
    expect(readBindingRequest(extra).username).toBeUndefined();
  });

  it.each([
    [
      'a success response',
      buildBindingSuccess({
        request: decodeStunMessage(buildBindingRequest({ transactionId: tid })),
        mapped: { family: 4, address: '1.2.3.4', port: 5 },
      }),
    ],
    [
      'an indication',
      encodeStunMessage({ method: 1, cls: 'indication', transactionId: tid, attributes: [] }),
    ],
    [
      'another method',
      encodeStunMessage({ method: 3, cls: 'request', transactionId: tid, attributes: [] }),
    ],
    [
      'an empty USERNAME',
      encodeStunMessage({
        method: 1,
        cls: 'request',
        transactionId: tid,
        attributes: [{ type: StunAttr.Username, value: Buffer.alloc(0) }],
      }),
    ],
  ])('refuses %s as a Binding Request', (_n, raw) => {
    expect(codeOf(() => readBindingRequest(raw))).toBe(StunErrorCode.Malformed);
  });

  it('answers an RFC 5389 request with XOR-MAPPED-ADDRESS and MAPPED-ADDRESS, signed and fingerprinted', () => {
    const req = decodeStunMessage(buildBindingRequest({ transactionId: tid }));
    const res = decodeStunMessage(
      buildBindingSuccess({
        request: req,
        mapped: { family: 4, address: '127.0.0.7', port: 40000 },
        integrityKey: Buffer.from('pw'),
      }),
    );
    expect(res.cls).toBe('success');
    expect(res.transactionId).toEqual(tid);
    expect(res.attributes.map((a) => a.type)).toEqual([0x0001, 0x0020, 0x0008, 0x8028]);
    expect(readMappedAddress(res)).toEqual({ family: 4, address: '127.0.0.7', port: 40000 });
    expect(checkMessageIntegrity(res, Buffer.from('pw'))).toBe('ok');
  });

  it('answers a classic RFC 3489 request with MAPPED-ADDRESS only', () => {
    const req = decodeStunMessage(buildBindingRequest({ transactionId: classicTid }));
    const res = decodeStunMessage(
      buildBindingSuccess({ request: req, mapped: { family: 6, address: '::1', port: 3478 } }),
    );
    expect(res.classic).toBe(true);
    expect(res.transactionId).toEqual(classicTid);
    expect(res.attributes.map((a) => a.type)).toEqual([0x0001]);
    expect(readMappedAddress(res)).toEqual({ family: 6, address: '::1', port: 3478 });
  });

  it('builds 401 and 420 error responses', () => {
    const req = decodeStunMessage(buildBindingRequest({ transactionId: tid }));
    const e401 = decodeStunMessage(
      buildBindingError({ request: req, code: 401, reason: 'Unauthorized' }),
    );
    expect(e401.cls).toBe('error');
    expect(decodeErrorCodeValue(e401.attributes[0]!.value)).toEqual({
      code: 401,
      reason: 'Unauthorized',
    });
    const e420 = decodeStunMessage(
      buildBindingError({
        request: req,
        code: 420,
        reason: 'Unknown Attribute',
        unknown: [0x42, 0x43],
      }),
    );
    expect(decodeUnknownAttributesValue(e420.attributes[1]!.value)).toEqual([0x42, 0x43]);
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
