// Types for the parts of the npm `stun` package (dev dependency, no bundled types) that the
// integration tests use as "a real STUN client library".
declare module 'stun' {
  import type { Socket } from 'node:dgram';

  interface StunAddress {
    family: string;
    address: string;
    port: number;
  }

  interface StunMessage {
    readonly type: number;
    readonly transactionId: Buffer;
    getAttribute(type: number): { value: unknown } | undefined;
  }

  interface StunResponse extends StunMessage {
    getAddress(): StunAddress | undefined;
    getXorAddress(): StunAddress | undefined;
  }

  interface StunRequest extends StunMessage {
    addUsername(username: string): unknown;
    addMessageIntegrity(key: string): unknown;
    addFingerprint(): unknown;
    addAttribute(type: number, value: Buffer | string): unknown;
  }

  interface RequestOptions {
    socket?: Socket;
    message?: StunRequest;
    timeout?: number;
    retries?: number;
  }

  export function request(url: string, options?: RequestOptions): Promise<StunResponse>;
  export function createMessage(type: number, transactionId?: Buffer): StunRequest;
  export function encode(message: StunMessage): Buffer;
  export function decode(message: Buffer): StunResponse;
  export function validateMessageIntegrity(message: StunMessage, key: string): boolean;
  export function validateFingerprint(message: StunMessage): boolean;
  export const constants: Record<string, number>;
}
