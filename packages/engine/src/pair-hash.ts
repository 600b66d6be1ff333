/**
 * `hash([seed, identityKey])` for the hot path, where the seed (a feature or segment key) is
 * fixed at compile time and the identity key is fixed for one evaluation. When `seed,key` fits
 * in two MD5 blocks (up to 119 bytes: a feature key and `<environment key>_<UUID>` take about
 * 70), the message is assembled from whole words: the seed's words are laid out once, and the
 * key's message (its words after the seed, the 0x80 marker, the bit length) once per evaluation
 * and seed length. A hash then writes only the seed's few words over the front of it; no bytes
 * are copied per hash.
 * @module
 */

import { EncodedText, encodedPairPercentage, hashPercentage, percentageOfDigest } from './hash.js';
import { LITTLE_ENDIAN, md5Blocks, md5Pair } from './md5.js';

/** Bytes of message that leave room in one block for the 0x80 marker and the 64-bit length. */
const ONE_BLOCK = 55;
/** The same for two blocks; longer messages take the byte path. */
const TWO_BLOCKS = 119;
const WORDS = 32;
/** Messages kept per seed length: one per lane of `md5Pair`, as two seeds may share a length. */
const LANES = 2;

/** Little-endian words of `bytes[0, length)` placed at byte `offset`, then 0x80 if `marker`. */
function layWords(
  target: Int32Array,
  bytes: Uint8Array,
  length: number,
  offset: number,
  marker: boolean,
): void {
  target.fill(0);
  for (let i = 0; i < length; i++) {
    const at = offset + i;
    target[at >> 2] |= bytes[i] << ((at & 3) << 3);
  }
  if (marker) target[(offset + length) >> 2] |= 0x80 << (((offset + length) & 3) << 3);
}

/**
 * A seed with its trailing "," laid out as MD5 words.
 * @example
 * const seed = new HashSeed('124239'); // a feature key
 */
export class HashSeed {
  readonly encoded: EncodedText;
  /** Bytes of `seed,`. */
  readonly length: number;
  /** The words of `seed,`, zero after it; undefined when it leaves no room for a key. */
  readonly words: Int32Array | undefined;
  /** The bits of the word after `seed,`'s whole words that hold key bytes (all when `seed,` ends on a word). */
  readonly keyMask: number;

  constructor(readonly text: string) {
    this.encoded = new EncodedText(text);
    const withComma = new EncodedText(`${text},`);
    this.length = withComma.length;
    this.keyMask = -1 << ((this.length & 3) << 3);
    if (this.length < TWO_BLOCKS) {
      this.words = new Int32Array(WORDS);
      layWords(this.words, withComma.bytes, this.length, 0, false);
    }
  }
}

/**
 * An identity key, with its MD5 messages laid out (lazily, per seed length) for word hashes.
 * @example
 * const key = new HashKey();
 * key.set('env_user-1');
 * seededPercentage(new HashSeed('124239'), key);
 */
export class HashKey extends EncodedText {
  /**
   * Per seed length in bytes, the padded message of `<seed bytes>key`, seed bytes left as they
   * were: every seed of one length puts the key at the same place, so the key's words, marker
   * and bit length are laid out once per evaluation, and a hash only writes the seed's words.
   * One evaluation meets few lengths (feature keys, segment keys), so few are ever built.
   * Indexed by `length * LANES + lane`.
   */
  private readonly messages: (Int32Array | undefined)[] = new Array(TWO_BLOCKS * LANES).fill(undefined);
  /** The same memory as `messages`, as bytes. */
  private readonly messageBytes: (Uint8Array | undefined)[] = new Array(TWO_BLOCKS * LANES).fill(undefined);
  /** `messages[i]` holds the current key iff `laid[i] === generation`. */
  private readonly laid = new Float64Array(TWO_BLOCKS * LANES);
  private generation = 1;

  override set(text: string): void {
    super.set(text);
    this.generation++;
  }

  override join(prefix: EncodedText, suffix: string): void {
    super.join(prefix, suffix);
    this.generation++;
  }

  /**
   * The key's message after a seed of `seedLength` bytes, whose words the caller writes in;
   * `seedLength + this.length` must be at most 119 bytes (two blocks). `lane` (0 or 1) picks
   * one of two copies, so two seeds of one length can be hashed together.
   */
  messageAfter(seedLength: number, lane: number): Int32Array {
    const at = seedLength * LANES + lane;
    let message = this.messages[at];
    if (message === undefined) {
      message = new Int32Array(WORDS);
      this.messages[at] = message;
      this.messageBytes[at] = new Uint8Array(message.buffer);
    } else if (this.laid[at] === this.generation) {
      return message;
    }
    const length = seedLength + this.length;
    if (LITTLE_ENDIAN) {
      // The bytes land where layWords would put them, without a shift and OR per byte.
      const target = this.messageBytes[at] as Uint8Array;
      const bytes = this.bytes;
      message.fill(0);
      for (let i = 0; i < this.length; i++) target[seedLength + i] = bytes[i];
      target[length] = 0x80;
    } else {
      layWords(message, this.bytes, this.length, seedLength, true);
    }
    const end = length > ONE_BLOCK ? 32 : 16;
    message[end - 2] = length * 8;
    this.laid[at] = this.generation;
    return message;
  }
}

/**
 * The message of `seed,key` in `lane`, ready to digest, or undefined when it takes more than two
 * blocks (the byte path).
 */
function seededMessage(seed: HashSeed, key: HashKey, lane: number): Int32Array | undefined {
  const seedWords = seed.words;
  const seedLength = seed.length;
  if (seedWords === undefined || seedLength + key.length > TWO_BLOCKS) return undefined;
  const message = key.messageAfter(seedLength, lane);
  // Whole words of the seed, then the word it shares with the key: the key's bytes kept, the
  // previous seed's (of the same length) replaced.
  const shared = seedLength >> 2;
  for (let j = 0; j < shared; j++) message[j] = seedWords[j];
  message[shared] = (message[shared] & seed.keyMask) | seedWords[shared];
  return message;
}

function blocksOf(seed: HashSeed, key: HashKey): number {
  return seed.length + key.length > ONE_BLOCK ? 2 : 1;
}

/** `percentageOfDigest`, with Flagsmith's retry when it gives exactly 100. */
function percentageOf(digest: Int32Array, seed: HashSeed, key: HashKey): number {
  const value = percentageOfDigest(digest);
  return value === 100 ? hashPercentage([seed.text, key.text], 2) : value;
}

/**
 * `pairPercentage(seed.text, key.text)`, equal to Flagsmith's `hash([seed, key])`.
 * @example
 * seededPercentage(new HashSeed('78986'), key); // with key set to 'test_env_foobar': 54.53090618123625
 */
export function seededPercentage(seed: HashSeed, key: HashKey): number {
  const message = seededMessage(seed, key, 0);
  if (message === undefined) return encodedPairPercentage(seed.encoded, key);
  return percentageOf(md5Blocks(message, blocksOf(seed, key)), seed, key);
}

const digestA = new Int32Array(4);
const digestB = new Int32Array(4);

/**
 * `seededPercentage(seeds[i], key)` into `out[i]` for every `i < count`, two hashes at a time
 * (see md5Pair): one evaluation splits every multivariate flag by the same key.
 * @example
 * seededPercentages([new HashSeed('124239'), new HashSeed('124277')], 2, key, new Float64Array(2));
 */
export function seededPercentages(
  seeds: readonly HashSeed[],
  count: number,
  key: HashKey,
  out: Float64Array,
): void {
  let i = 0;
  for (; i + 1 < count; i += 2) {
    const a = seeds[i];
    const b = seeds[i + 1];
    const messageA = seededMessage(a, key, 0);
    const messageB = seededMessage(b, key, 1);
    if (messageA === undefined || messageB === undefined) {
      out[i] = seededPercentage(a, key);
      out[i + 1] = seededPercentage(b, key);
      continue;
    }
    md5Pair(messageA, blocksOf(a, key), messageB, blocksOf(b, key), digestA, digestB);
    out[i] = percentageOf(digestA, a, key);
    out[i + 1] = percentageOf(digestB, b, key);
  }
  if (i < count) out[i] = seededPercentage(seeds[i], key);
}
