import { describe, expect, it } from 'vitest';
import { EncodedText, pairPercentage } from './hash.js';
import { HashKey, HashSeed, seededPercentage, seededPercentages } from './pair-hash.js';

describe('seededPercentage', () => {
  it('equals pairPercentage for every alignment and around the one- and two-block limits', () => {
    const key = new HashKey();
    // Seeds of 1 to 12 bytes cover the four alignments; keys of 30 to 130 bytes cross the
    // 55-byte limit of one block and the 119-byte limit of two (the byte path past it).
    for (let s = 1; s <= 12; s++) {
      const seed = new HashSeed('7'.repeat(s));
      for (let k = 30; k <= 130; k++) {
        const text = `env_${'u'.repeat(k - 4)}`;
        key.set(text);
        expect(seededPercentage(seed, key)).toBe(pairPercentage(seed.text, text));
      }
    }
  });

  it('takes the byte path for seeds too long to share two blocks with a key', () => {
    const key = new HashKey();
    key.set('env_user-1');
    const seed = new HashSeed('k'.repeat(130));
    expect(seed.words).toBeUndefined();
    expect(seededPercentage(seed, key)).toBe(pairPercentage(seed.text, 'env_user-1'));
  });

  it('handles multi-byte keys and seeds, and keys joined from a prefix', () => {
    const key = new HashKey();
    const prefix = new EncodedText('énv_');
    for (let i = 0; i < 500; i++) {
      const seed = new HashSeed(i % 7 === 0 ? `clé-${i}` : String(i * 131));
      const identifier = `user-${i}${'😀'.repeat(i % 4)}`;
      key.join(prefix, identifier);
      expect(key.text).toBe(`énv_${identifier}`);
      expect(seededPercentage(seed, key)).toBe(pairPercentage(seed.text, `énv_${identifier}`));
    }
  });

  it('hashes one key with seeds of the same and of other lengths in any order', () => {
    // Seeds of one length share the key's laid-out message: each must overwrite the last one's
    // bytes, including those in the word the seed shares with the key.
    const key = new HashKey();
    const seeds = ['124239', '9', '124277', 'clé', '124302', '12', '999999', '7777777', '12345678'];
    for (const identifier of ['u', 'f8fb3325-2d32-4e0e-8361-a77c0b666633', 'user_44rtm']) {
      key.join(new EncodedText('benchc212tece89e07a0fb40_'), identifier);
      for (let round = 0; round < 3; round++) {
        for (const text of seeds) {
          expect(seededPercentage(new HashSeed(text), key)).toBe(pairPercentage(text, key.text));
        }
      }
    }
  });

  it('hashes seeds two at a time as one at a time, whatever their lengths and blocks', () => {
    // Pairs of one length (sharing a layout), of two lengths, one- and two-block messages side
    // by side, seeds too long for words, and an odd count (the last one alone).
    const seeds = ['124239', '124277', '9', '7'.repeat(40), '124302', 'k'.repeat(130), 'clé', '12', '3'];
    const hashSeeds = seeds.map((text) => new HashSeed(text));
    const key = new HashKey();
    const out = new Float64Array(seeds.length);
    for (const identifier of ['u', 'f8fb3325-2d32-4e0e-8361-a77c0b666633', 'x'.repeat(60)]) {
      key.join(new EncodedText('benchc212tece89e07a0fb40_'), identifier);
      for (let count = 0; count <= seeds.length; count++) {
        out.fill(-1);
        seededPercentages(hashSeeds, count, key, out);
        for (let i = 0; i < seeds.length; i++) {
          expect(out[i], `${seeds[i]} of ${count}`).toBe(i < count ? pairPercentage(seeds[i], key.text) : -1);
        }
      }
    }
  });

  it('forgets the previous key when set again (layouts are cached per key)', () => {
    const key = new HashKey();
    const seed = new HashSeed('124239');
    key.set('env_a');
    const first = seededPercentage(seed, key);
    key.set('env_b');
    expect(seededPercentage(seed, key)).toBe(pairPercentage('124239', 'env_b'));
    key.set('env_a');
    expect(seededPercentage(seed, key)).toBe(first);
  });
});
