/**
 * Flagsmith's deterministic bucketing: `int(md5(ids joined by ","), 16) % 9999 / 9998 * 100`.
 * The 128-bit digest is reduced modulo 9999 16 bits at a time, most significant first, so
 * every step is exact small-integer arithmetic.
 * @module
 */

import { encodeUtf8, md5Buffer, writeAscii, writeBytes, writeUtf8 } from './md5.js';
import { pyStr } from './py-values.js';

const COMMA = 0x2c;
const MODULUS = 9999;

/**
 * Folds one digest word into `remainder`, 16 bits at a time: `remainder * 2^16 + half` stays
 * below 2^31, so V8 keeps it in small-integer arithmetic (a float modulo costs several times
 * more). MD5 state words are little-endian; the hex digest reads each one byte-swapped.
 */
function foldWord(remainder: number, word: number): number {
  const high = ((word & 0xff) << 8) | ((word >>> 8) & 0xff);
  const low = (((word >>> 16) & 0xff) << 8) | (word >>> 24);
  return (((remainder * 0x10000 + high) % MODULUS) * 0x10000 + low) % MODULUS;
}

/**
 * The percentage of an MD5 digest (its four state words, as `md5Blocks` returns them).
 * @example
 * percentageOfDigest(md5Blocks(paddedMessage, 1)); // in [0, 100]
 */
export function percentageOfDigest(words: Int32Array): number {
  let remainder = foldWord(0, words[0]);
  remainder = foldWord(remainder, words[1]);
  remainder = foldWord(remainder, words[2]);
  remainder = foldWord(remainder, words[3]);
  return (remainder / 9998) * 100;
}

function percentageOfBuffer(length: number): number {
  return percentageOfDigest(md5Buffer(length));
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
