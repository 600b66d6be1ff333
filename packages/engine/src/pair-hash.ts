/**
 * `hash([seed, identityKey])` for the hot path, where the seed (a feature or segment key) is
 * fixed at compile time and the identity key is fixed for one evaluation. When `seed,key` fits
 * in two MD5 blocks (up to 119 bytes: a feature key and `<environment key>_<UUID>` take about
 * 70), the message is assembled from whole words: the seed's words are laid out once, the
 * key's once per evaluation at each byte alignment it is needed at, and the two are OR-ed
 * together with the bit length. No bytes are copied per hash.
 * @module
 */

import { EncodedText, encodedPairPercentage, hashPercentage, percentageOfDigest } from './hash.js';
import { md5Blocks } from './md5.js';

/** Bytes of message that leave room in one block for the 0x80 marker and the 64-bit length. */
const ONE_BLOCK = 55;
/** The same for two blocks; longer messages take the byte path. */
const TWO_BLOCKS = 119;
const WORDS = 32;
const message = new Int32Array(WORDS);

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

  constructor(readonly text: string) {
    this.encoded = new EncodedText(text);
    const withComma = new EncodedText(`${text},`);
    this.length = withComma.length;
    if (this.length < TWO_BLOCKS) {
      this.words = new Int32Array(WORDS);
      layWords(this.words, withComma.bytes, this.length, 0, false);
    }
  }
}

/**
 * An identity key, with its words laid out (lazily, per alignment) for one-block hashes.
 * @example
 * const key = new HashKey();
 * key.set('env_user-1');
 * seededPercentage(new HashSeed('124239'), key);
 */
export class HashKey extends EncodedText {
  private readonly aligned = [
    new Int32Array(WORDS),
    new Int32Array(WORDS),
    new Int32Array(WORDS),
    new Int32Array(WORDS),
  ];
  /** Bit `a` set when `aligned[a]` holds the current key. */
  private ready = 0;

  override set(text: string): void {
    super.set(text);
    this.ready = 0;
  }

  override join(prefix: EncodedText, suffix: string): void {
    super.join(prefix, suffix);
    this.ready = 0;
  }

  /** The key's words starting at byte `alignment` of the first word, then the 0x80 marker. */
  wordsAt(alignment: number): Int32Array {
    const words = this.aligned[alignment];
    if ((this.ready & (1 << alignment)) === 0) {
      layWords(words, this.bytes, this.length, alignment, true);
      this.ready |= 1 << alignment;
    }
    return words;
  }
}

/**
 * `pairPercentage(seed.text, key.text)`, equal to Flagsmith's `hash([seed, key])`.
 * @example
 * seededPercentage(new HashSeed('78986'), key); // with key set to 'test_env_foobar': 54.53090618123625
 */
export function seededPercentage(seed: HashSeed, key: HashKey): number {
  const seedWords = seed.words;
  const length = seed.length + key.length;
  if (seedWords === undefined || length > TWO_BLOCKS) return encodedPairPercentage(seed.encoded, key);
  const blocks = length > ONE_BLOCK ? 2 : 1;
  const end = blocks << 4;
  const shift = seed.length >> 2;
  const keyWords = key.wordsAt(seed.length & 3);
  for (let j = 0; j < shift; j++) message[j] = seedWords[j];
  for (let j = shift; j < end - 2; j++) message[j] = seedWords[j] | keyWords[j - shift];
  message[end - 2] = length * 8;
  message[end - 1] = 0;
  const value = percentageOfDigest(md5Blocks(message, blocks));
  return value === 100 ? hashPercentage([seed.text, key.text], 2) : value;
}
