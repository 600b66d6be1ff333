/**
 * MD5 (RFC 1321) over the UTF-8 bytes of strings, written for the hot path: strings are
 * encoded straight into one shared, growable buffer and digested without intermediate arrays.
 * Pure JS so the engine runs in browsers, where no synchronous MD5 exists.
 * @module
 */

import { compress, compressPair } from './md5-rounds.js';

let buffer = new Uint8Array(512);
/** The same memory as `buffer`, as 32-bit words: MD5 blocks read in place on little-endian hosts. */
let words = new Int32Array(buffer.buffer);
const block = new Int32Array(16);
/** MD5 reads its input as little-endian words: on such hosts bytes can be written in place. */
export const LITTLE_ENDIAN = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;
const digest = new Int32Array(4);

function reserve(end: number): void {
  if (end <= buffer.length) return;
  // Whole words, so the word view covers every byte.
  const grown = new Uint8Array(Math.max(end + 3 - ((end + 3) % 4), buffer.length * 2));
  grown.set(buffer);
  buffer = grown;
  words = new Int32Array(grown.buffer);
}

/**
 * Encodes `text` as UTF-8 into `bytes` at `at` (which must have room for 3 bytes per UTF-16
 * unit); returns the end. Lone surrogates become U+FFFD, as in `TextEncoder`.
 * @example
 * const bytes = new Uint8Array(6);
 * encodeUtf8('é', bytes, 0); // 2
 */
export function encodeUtf8(text: string, bytes: Uint8Array, at: number): number {
  for (let i = 0; i < text.length; i++) {
    let code = text.charCodeAt(i);
    if (code < 0x80) {
      bytes[at++] = code;
    } else if (code < 0x800) {
      bytes[at++] = 0xc0 | (code >> 6);
      bytes[at++] = 0x80 | (code & 0x3f);
    } else {
      if (code >= 0xd800 && code <= 0xdfff) {
        const low = text.charCodeAt(i + 1);
        if (code <= 0xdbff && low >= 0xdc00 && low <= 0xdfff) {
          code = 0x10000 + ((code - 0xd800) << 10) + (low - 0xdc00);
          i++;
          bytes[at++] = 0xf0 | (code >> 18);
          bytes[at++] = 0x80 | ((code >> 12) & 0x3f);
          bytes[at++] = 0x80 | ((code >> 6) & 0x3f);
          bytes[at++] = 0x80 | (code & 0x3f);
          continue;
        }
        code = 0xfffd;
      }
      bytes[at++] = 0xe0 | (code >> 12);
      bytes[at++] = 0x80 | ((code >> 6) & 0x3f);
      bytes[at++] = 0x80 | (code & 0x3f);
    }
  }
  return at;
}

/** Writes the UTF-8 encoding of `text` into the shared buffer at byte `at`; returns the end. */
export function writeUtf8(text: string, at: number): number {
  // 3 bytes per UTF-16 unit is the worst case; 72 more leave room for MD5 padding.
  reserve(at + text.length * 3 + 72);
  return encodeUtf8(text, buffer, at);
}

/**
 * Writes `bytes[0, length)` into the shared buffer at byte `at`; returns the end. Already
 * encoded text (a seed, an identity key) is copied rather than encoded again on every hash.
 */
export function writeBytes(bytes: Uint8Array, length: number, at: number): number {
  reserve(at + length + 72);
  const target = buffer;
  // Keys are tens of bytes: a plain loop beats `set(subarray(...))`, which allocates a view.
  for (let i = 0; i < length; i++) target[at + i] = bytes[i];
  return at + length;
}

/** Writes one ASCII character code at `at` (used for separators); returns the end. */
export function writeAscii(code: number, at: number): number {
  reserve(at + 73);
  buffer[at] = code;
  return at + 1;
}

/**
 * Digests the first `length` bytes of the shared buffer. Returns the four state words
 * (little-endian, as RFC 1321 lays out the digest); the array is reused by the next call.
 */
export function md5Buffer(length: number): Int32Array {
  // Room for 0x80, zero fill and the 64-bit length, up to the next 64-byte boundary.
  const padded = (Math.floor((length + 8) / 64) + 1) * 64;
  reserve(padded);
  const bytes = buffer;
  bytes[length] = 0x80;
  bytes.fill(0, length + 1, padded - 8);
  const bits = length * 8;
  const low = bits >>> 0;
  const high = Math.floor(bits / 0x100000000) >>> 0;
  for (let i = 0; i < 4; i++) {
    bytes[padded - 8 + i] = (low >>> (8 * i)) & 0xff;
    bytes[padded - 4 + i] = (high >>> (8 * i)) & 0xff;
  }
  startState(digest);
  for (let offset = 0; offset < padded; offset += 64) {
    if (LITTLE_ENDIAN) {
      compress(digest, words, offset >> 2);
      continue;
    }
    for (let j = 0, o = offset; j < 16; j++, o += 4) {
      block[j] = bytes[o] | (bytes[o + 1] << 8) | (bytes[o + 2] << 16) | (bytes[o + 3] << 24);
    }
    compress(digest, block, 0);
  }
  return digest;
}

/** MD5's initial state (RFC 1321 §3.3) into `state`. */
function startState(state: Int32Array): void {
  state[0] = 0x67452301;
  state[1] = 0xefcdab89 | 0;
  state[2] = 0x98badcfe | 0;
  state[3] = 0x10325476;
}

/**
 * Digests the first `blocks` 16-word blocks of `words`, a message already padded by the
 * caller (0x80 marker, bit length in the last two words). Returns the four state words,
 * reused by the next call.
 * @example
 * const message = new Int32Array(16);
 * message[0] = 0x80; // the empty message: marker only, bit length 0
 * md5Blocks(message, 1); // the state of md5('') = d41d8cd98f00b204e9800998ecf8427e
 */
export function md5Blocks(words: Int32Array, blocks: number): Int32Array {
  startState(digest);
  for (let block = 0; block < blocks; block++) compress(digest, words, block << 4);
  return digest;
}

/**
 * `md5Blocks` of two messages at once (see compressPair): their first blocks together, and
 * their second ones together when both have one. The states go into `digestA` and `digestB`.
 * @example
 * md5Pair(messageA, 1, messageB, 2, digestA, digestB);
 */
export function md5Pair(
  a: Int32Array,
  blocksA: number,
  b: Int32Array,
  blocksB: number,
  digestA: Int32Array,
  digestB: Int32Array,
): void {
  startState(digestA);
  startState(digestB);
  compressPair(digestA, a, 0, digestB, b, 0);
  if (blocksA === 2 && blocksB === 2) compressPair(digestA, a, 16, digestB, b, 16);
  else if (blocksA === 2) compress(digestA, a, 16);
  else if (blocksB === 2) compress(digestB, b, 16);
}

/**
 * The MD5 of the UTF-8 bytes of `text`, as 32 lowercase hex digits.
 * @example
 * md5Hex('abc'); // '900150983cd24fb0d6963f7d28e17f72'
 */
export function md5Hex(text: string): string {
  const words = md5Buffer(writeUtf8(text, 0));
  let hex = '';
  for (let i = 0; i < 4; i++) {
    for (let shift = 0; shift < 32; shift += 8) {
      hex += ((words[i] >>> shift) & 0xff).toString(16).padStart(2, '0');
    }
  }
  return hex;
}
