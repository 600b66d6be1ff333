import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { md5Blocks, md5Hex, md5Pair } from './md5.js';

const nodeMd5 = (text: string) => createHash('md5').update(text, 'utf8').digest('hex');

function randomString(length: number, maxCode: number): string {
  let text = '';
  for (let i = 0; i < length; i++) text += String.fromCodePoint(Math.floor(Math.random() * maxCode));
  return text;
}

describe('md5Hex', () => {
  it('matches the RFC 1321 test suite', () => {
    expect(md5Hex('')).toBe('d41d8cd98f00b204e9800998ecf8427e');
    expect(md5Hex('a')).toBe('0cc175b9c0f1b6a831c399e269772661');
    expect(md5Hex('abc')).toBe('900150983cd24fb0d6963f7d28e17f72');
    expect(md5Hex('message digest')).toBe('f96b697d7cb7938d525a2f31aaf161d0');
    expect(md5Hex('abcdefghijklmnopqrstuvwxyz')).toBe('c3fcd3d76192e4007dfb496cca67e13b');
    expect(md5Hex('1234567890'.repeat(8))).toBe('57edf4a22be3c955ac49da2e2107b67a');
  });

  it('handles every length around the 64-byte block and padding boundaries', () => {
    for (let length = 0; length <= 200; length++) {
      const text = 'x'.repeat(length);
      expect(md5Hex(text), `length ${length}`).toBe(nodeMd5(text));
    }
  });

  it('hashes the UTF-8 bytes of any string, as node:crypto does', () => {
    for (let i = 0; i < 500; i++) {
      const text = randomString(Math.floor(Math.random() * 150), i % 2 ? 0x800 : 0x110000);
      expect(md5Hex(text)).toBe(nodeMd5(text));
    }
  });

  it('encodes lone surrogates as U+FFFD, like Buffer and TextEncoder', () => {
    for (const text of ['\ud800', 'a\udc00b', '\ud83d', 'x\ud83d\ude00\ud83d'])
      expect(md5Hex(text)).toBe(nodeMd5(text));
  });

  it('hashes long inputs after shorter ones without stale bytes', () => {
    const long = randomString(100_000, 0x10000);
    expect(md5Hex(long)).toBe(nodeMd5(long));
    expect(md5Hex('abc')).toBe('900150983cd24fb0d6963f7d28e17f72');
  });
});

describe('md5Pair', () => {
  it('gives the states md5Blocks gives each message, for every mix of one and two blocks', () => {
    const digestA = new Int32Array(4);
    const digestB = new Int32Array(4);
    for (let i = 0; i < 50; i++) {
      const a = Int32Array.from({ length: 32 }, () => (Math.random() * 2 ** 32) | 0);
      const b = Int32Array.from({ length: 32 }, () => (Math.random() * 2 ** 32) | 0);
      for (const [blocksA, blocksB] of [
        [1, 1],
        [1, 2],
        [2, 1],
        [2, 2],
      ]) {
        md5Pair(a, blocksA, b, blocksB, digestA, digestB);
        expect([...digestA]).toEqual([...md5Blocks(a, blocksA)]);
        expect([...digestB]).toEqual([...md5Blocks(b, blocksB)]);
      }
    }
  });
});
