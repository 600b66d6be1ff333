/**
 * Flagsmith's deterministic bucketing: `int(md5(ids joined by ","), 16) % 9999 / 9998 * 100`.
 * The 128-bit digest is reduced modulo 9999 one 32-bit word at a time, most significant first:
 * `r * 2^32 + word < 9999 * 2^32 + 2^32` stays far below 2^53, so plain numbers are exact.
 * @module
 */

import { encodeUtf8, md5Buffer, writeAscii, writeBytes, writeUtf8 } from './md5.js';
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

/**
 * A string together with its UTF-8 bytes. One evaluation hashes the same identity key with
 * every multivariate feature and percentage split, and every feature key with every identity:
 * encoding each once and copying bytes is cheaper than encoding both strings on every hash.
 * @example
 * const key = new EncodedText('env_user-1');
 * key.set('env_user-2'); // reused for the next identity, no allocation while it fits
 */
export class EncodedText {
  text = '';
  length = 0;
  bytes = new Uint8Array(64);

  constructor(text = '') {
    this.set(text);
  }

  set(text: string): void {
    if (text.length * 3 > this.bytes.length) this.bytes = new Uint8Array(text.length * 3);
    this.length = encodeUtf8(text, this.bytes, 0);
    this.text = text;
  }

  /** Sets the text to `prefix.text + suffix`, copying the prefix's bytes rather than encoding them. */
  join(prefix: EncodedText, suffix: string): void {
    const size = prefix.length + suffix.length * 3;
    if (size > this.bytes.length) this.bytes = new Uint8Array(size);
    const bytes = this.bytes;
    const head = prefix.bytes;
    for (let i = 0; i < prefix.length; i++) bytes[i] = head[i];
    this.length = encodeUtf8(suffix, bytes, prefix.length);
    this.text = prefix.text + suffix;
  }
}

/**
 * `pairPercentage(first.text, second.text)` from already encoded texts.
 * @example
 * encodedPairPercentage(new EncodedText('78986'), new EncodedText('test_env_foobar')); // 54.53090618123625
 */
export function encodedPairPercentage(first: EncodedText, second: EncodedText): number {
  const end = writeBytes(
    second.bytes,
    second.length,
    writeAscii(COMMA, writeBytes(first.bytes, first.length, 0)),
  );
  const value = percentageOfBuffer(end);
  return value === 100 ? hashPercentage([first.text, second.text], 2) : value;
}
