import { randomBytes, randomInt } from 'node:crypto';
import type { Random } from '../ports/clock.port';

export class CryptoRandom implements Random {
  next(): number {
    return randomInt(0, 2 ** 32) / 2 ** 32;
  }

  bytes(n: number): Buffer {
    return randomBytes(n);
  }
}
