import { randomBytes } from 'node:crypto';

let lastMs = 0;
let sequence = 0;

/** Random bytes drawn in bulk: one system call per 512 ids instead of one per id. */
const POOL_BYTES = 4096;
let pool = randomBytes(POOL_BYTES);
let poolOffset = 0;

function randomHex8(): string {
  if (poolOffset + 8 > POOL_BYTES) {
    pool = randomBytes(POOL_BYTES);
    poolOffset = 0;
  }
  const hex = pool.toString('hex', poolOffset, poolOffset + 8);
  poolOffset += 8;
  return hex;
}

/**
 * Time-ordered identifiers: 48-bit millisecond clock, a 16-bit sequence within the
 * millisecond, then 64 random bits, as hex. Ordering by id is ordering by creation within
 * this process, so id cursors page in creation order.
 */
export function newId(now: number = Date.now()): string {
  if (now <= lastMs) {
    sequence++;
    if (sequence > 0xffff) {
      lastMs++;
      sequence = 0;
    }
  } else {
    lastMs = now;
    sequence = 0;
  }
  return lastMs.toString(16).padStart(12, '0') + sequence.toString(16).padStart(4, '0') + randomHex8();
}

/** Secrets handed to clients: a readable prefix and 192 random bits in base64url. */
export function newSecret(prefix: string): string {
  return prefix + randomBytes(24).toString('base64url');
}
