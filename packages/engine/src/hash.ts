/**
 * Flagsmith's deterministic bucketing: `int(md5(ids joined by ","), 16) % 9999 / 9998 * 100`.
 * The 128-bit digest is reduced modulo 9999 one 32-bit word at a time, most significant first:
 * `r * 2^32 + word < 9999 * 2^32 + 2^32` stays far below 2^53, so plain numbers are exact.
 * @module
 */

import { md5Buffer, writeAscii, writeUtf8 } from './md5.js';
import { pyStr } from './py-values.js';

const COMMA = 0x2c;
const MODULUS = 9999;
const WORD = 0x100000000;

function byteSwap(word: number): number {
  return (((word & 0xff) << 24) | ((word & 0xff00) << 8) | ((word >>> 8) & 0xff00) | (word >>> 24)) >>> 0;
}

function percentageOfBuffer(length: number): number {
  // MD5 state words are little-endian; the hex digest reads each one byte-swapped.
  const words = md5Buffer(length);
  let remainder = byteSwap(words[0]) % MODULUS;
  remainder = (remainder * WORD + byteSwap(words[1])) % MODULUS;
  remainder = (remainder * WORD + byteSwap(words[2])) % MODULUS;
  remainder = (remainder * WORD + byteSwap(words[3])) % MODULUS;
  return (remainder / 9998) * 100;
}

/**
 * Flagsmith's hash of object ids to a percentage in [0, 100). `iterations` repeats the id list
 * (Python's `list * iterations`); a result of exactly 100 is retried with one more iteration.
 * Non-string ids are printed as Python's `str()` would.
 * @example
 * hashPercentage(['78986', 'test_env_foobar']); // 54.53090618123625
 */
export function hashPercentage(ids: readonly unknown[], iterations = 1): number {
  const texts = ids.map(pyStr);
  for (let rounds = iterations; ; rounds++) {
    let end = 0;
    for (let round = 0; round < rounds; round++) {
      for (let i = 0; i < texts.length; i++) {
        if (round > 0 || i > 0) end = writeAscii(COMMA, end);
        end = writeUtf8(texts[i], end);
      }
    }
    const value = percentageOfBuffer(end);
    // The joined string is the same on every round when there are no ids: never loop forever.
    if (value !== 100 || texts.length === 0) return value;
  }
}

/** `hashPercentage([first, second])` without allocating the array or the joined string. */
export function pairPercentage(first: string, second: string): number {
  const end = writeUtf8(second, writeAscii(COMMA, writeUtf8(first, 0)));
  const value = percentageOfBuffer(end);
  return value === 100 ? hashPercentage([first, second], 2) : value;
}
