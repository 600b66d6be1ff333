/**
 * A random identifier for idempotency keys. `crypto.randomUUID` exists only in secure contexts
 * (https, localhost), so a page served over plain http falls back to `getRandomValues`, which
 * browsers offer everywhere.
 * @example
 * randomId(); // 'c1f0e2a4-…'
 */
export function randomId(): string {
  const crypto = globalThis.crypto;
  if (typeof crypto.randomUUID === 'function') return crypto.randomUUID();
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}
