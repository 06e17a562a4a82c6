import { bytesToIp, ipToBytes, type IpFamily } from './ip.codec';
import { MAGIC_COOKIE } from './stun.constants';
import { StunError, StunErrorCode } from './stun.error';

export interface TransportAddress {
  readonly family: IpFamily;
  readonly address: string;
  readonly port: number;
}

// RFC 5389 §15.1/§15.2: family 0x01 = IPv4, 0x02 = IPv6. XOR-MAPPED-ADDRESS xors the port with
// the cookie's high 16 bits and the address with cookie ‖ transaction id.
function xorPad(transactionId: Buffer): Buffer {
  const pad = Buffer.alloc(16);
  pad.writeUInt32BE(MAGIC_COOKIE, 0);
  transactionId.subarray(transactionId.length - 12).copy(pad, 4);
  return pad;
}

export function encodeAddressValue(a: TransportAddress, xorWith?: Buffer): Buffer {
  const ip = ipToBytes(a.address);
  if (!Number.isInteger(a.port) || a.port < 0 || a.port > 0xffff)
    throw new StunError(StunErrorCode.InvalidArgument, `bad port ${a.port}`);
  const out = Buffer.alloc(4 + ip.length);
  out[1] = ip.length === 4 ? 0x01 : 0x02;
  if (xorWith === undefined) {
    out.writeUInt16BE(a.port, 2);
    ip.copy(out, 4);
  } else {
    const pad = xorPad(xorWith);
    out.writeUInt16BE(a.port ^ (MAGIC_COOKIE >>> 16), 2);
    for (let i = 0; i < ip.length; i++) out[4 + i] = (ip[i] ?? 0) ^ (pad[i] ?? 0);
  }
  return out;
}

/** @throws StunError Malformed */
export function decodeAddressValue(v: Buffer, xorWith?: Buffer): TransportAddress {
  if (v.length < 4) throw new StunError(StunErrorCode.Malformed, 'address attribute too short');
  const fam = v[1];
  const want = fam === 0x01 ? 8 : fam === 0x02 ? 20 : -1;
  if (want < 0 || v.length !== want)
    throw new StunError(
      StunErrorCode.Malformed,
      `bad address family 0x${(fam ?? 0).toString(16)} / length`,
    );
  const ip = Buffer.from(v.subarray(4));
  let port = v.readUInt16BE(2);
  if (xorWith !== undefined) {
    const pad = xorPad(xorWith);
    port ^= MAGIC_COOKIE >>> 16;
    for (let i = 0; i < ip.length; i++) ip[i] = (ip[i] ?? 0) ^ (pad[i] ?? 0);
  }
  return { family: fam === 0x01 ? 4 : 6, address: bytesToIp(ip), port };
}

export interface StunErrorCodeValue {
  readonly code: number;
  readonly reason: string;
}

// RFC 5389 §15.6: class (hundreds) in 3 bits, number (0–99) in 8 bits, then a UTF-8 reason.
export function encodeErrorCodeValue(e: StunErrorCodeValue): Buffer {
  if (!Number.isInteger(e.code) || e.code < 300 || e.code > 699)
    throw new StunError(StunErrorCode.InvalidArgument, `error code ${e.code} not in 300–699`);
  const reason = Buffer.from(e.reason, 'utf8').subarray(0, 763);
  const out = Buffer.alloc(4 + reason.length);
  out[2] = Math.floor(e.code / 100);
  out[3] = e.code % 100;
  reason.copy(out, 4);
  return out;
}

export function decodeErrorCodeValue(v: Buffer): StunErrorCodeValue {
  if (v.length < 4) throw new StunError(StunErrorCode.Malformed, 'ERROR-CODE too short');
  const cls = (v[2] ?? 0) & 0x07;
  const num = v[3] ?? 0;
  if (cls < 3 || num > 99) throw new StunError(StunErrorCode.Malformed, 'ERROR-CODE out of range');
  return { code: cls * 100 + num, reason: v.subarray(4).toString('utf8') };
}

export function encodeUnknownAttributesValue(types: readonly number[]): Buffer {
  const out = Buffer.alloc(types.length * 2);
  types.forEach((t, i) => out.writeUInt16BE(t, i * 2));
  return out;
}

export function decodeUnknownAttributesValue(v: Buffer): number[] {
  if (v.length % 2 !== 0)
    throw new StunError(StunErrorCode.Malformed, 'UNKNOWN-ATTRIBUTES odd length');
  const out: number[] = [];
  for (let i = 0; i < v.length; i += 2) out.push(v.readUInt16BE(i));
  return out;
}
