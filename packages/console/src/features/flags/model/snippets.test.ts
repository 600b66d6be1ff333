import { describe, expect, it } from 'vitest';
import { snippets } from './snippets.js';

describe('code snippets', () => {
  const all = snippets({
    key: 'checkout_color',
    type: 'string',
    clientKey: 'ck_123',
    origin: 'http://localhost:8420',
  });

  it('covers every SDK and protocol, with the client key and address filled in', () => {
    expect(all.map((s) => s.id)).toEqual(['js', 'react', 'node', 'ofrep', 'flagsmith', 'statsig', 'curl']);
    for (const snippet of all.filter((s) => s.id !== 'node')) {
      expect(snippet.code, snippet.id).toContain('ck_123');
      expect(snippet.code, snippet.id).toContain('http://localhost:8420');
    }
    expect(all.find((s) => s.id === 'js')?.code).toContain(`getString("checkout_color", '')`);
    expect(all.find((s) => s.id === 'ofrep')?.code).toContain('/ofrep/v1/evaluate/flags/checkout_color');
  });

  it('never puts the client key where a server key belongs', () => {
    const node = all.find((s) => s.id === 'node')?.code ?? '';
    expect(node).not.toContain('ck_123');
    expect(node).toContain('process.env.PENNON_SERVER_KEY');
  });

  it('reads booleans as gates and escapes keys in URLs', () => {
    const flags = snippets({ key: 'a/b', type: 'boolean', clientKey: 'k', origin: 'http://h' });
    expect(flags.find((s) => s.id === 'statsig')?.code).toContain('checkGate("a/b")');
    expect(flags.find((s) => s.id === 'ofrep')?.code).toContain('/flags/a%2Fb');
  });
});
