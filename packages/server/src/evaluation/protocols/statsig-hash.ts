import { createHash } from 'node:crypto';

/** How an initialize response names its entries; the client asks with `hash`. */
export type StatsigHash = 'djb2' | 'sha256' | 'none';

/**
 * Statsig's djb2 as its clients compute it: `h = 31*h + c` over UTF-16 code units, wrapped
 * to 32 bits, printed unsigned. The client looks a name up as given and as this hash.
 *
 * @example
 * djb2('a'); // '97'
 * djb2('ab'); // '3105' (31 * 97 + 98)
 */
export function djb2(value: string): string {
  let hash = 0;
  for (let i = 0; i < value.length; i++) {
    hash = (Math.imul(hash, 31) + value.charCodeAt(i)) | 0;
  }
  return String(hash >>> 0);
}

/**
 * @example
 * hashName('my_gate', 'none'); // 'my_gate'
 * hashName('my_gate', 'sha256'); // base64 of the SHA-256 of the UTF-8 bytes
 */
export function hashName(name: string, algorithm: StatsigHash): string {
  switch (algorithm) {
    case 'none':
      return name;
    case 'sha256':
      return createHash('sha256').update(name, 'utf8').digest('base64');
    case 'djb2':
      return djb2(name);
  }
}
