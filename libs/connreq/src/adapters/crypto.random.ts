import { randomFillSync } from 'node:crypto';
import type { Random } from '../ports/clock.port';

const POOL = 8192;

/**
 * Cryptographic randomness (message ids, cnonces, jitter), drawn from a pool refilled 8 KiB at a
 * time: one syscall per few hundred wake-ups instead of one per value.
 */
export class CryptoRandom implements Random {
  private readonly pool = Buffer.allocUnsafe(POOL);
  private offset = POOL;

  next(): number {
    return this.take(4).readUInt32BE(0) / 2 ** 32;
  }

  bytes(n: number): Buffer {
    if (n > POOL / 4) return randomFillSync(Buffer.allocUnsafe(n));
    return Buffer.from(this.take(n));
  }

  private take(n: number): Buffer {
    if (this.offset + n > POOL) {
      randomFillSync(this.pool);
      this.offset = 0;
    }
    const out = this.pool.subarray(this.offset, this.offset + n);
    this.offset += n;
    return out;
  }
}
