import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { environmentDocument } from '../evaluation/environment-document.js';
import { buildSnapshot } from '../evaluation/snapshot.js';
import { snapshotFromDocument } from './document-snapshot.js';
import { DocumentStore } from './document-store.js';

/** A snapshot as the server builds it from storage: a segment override and an identity override. */
const served = buildSnapshot({
  environment: {
    id: 'env-1',
    project_id: 'project-1',
    key: 'production',
    name: 'Production',
    client_key: 'client-key-1',
    hide_disabled_flags: 1,
    hide_sensitive_data: 0,
    allow_client_traits: 1,
    created_at: '2026-01-01T00:00:00.000Z',
    updated_at: '2026-03-09T14:30:00.000Z',
  } as never,
  projectName: 'Storefront',
  features: [
    {
      row: {
        id: 'f-1',
        project_id: 'project-1',
        number: 1,
        key: 'banner',
        type: 'string',
        description: 'Top banner',
        tags: '["ui"]',
        server_key_only: 0,
        default_enabled: 0,
        default_value: '"hello"',
      } as never,
      state: { enabled: true, value: 'hello', variants: [], hashKey: 'hk-1', rolloutPercentage: null },
    },
  ],
  segments: [
    {
      id: 's-1',
      name: 'pros',
      hashKey: 's-1',
      rules: [{ type: 'ALL', conditions: [{ property: 'plan', operator: 'EQUAL', value: 'pro' }] }],
      overrides: [
        {
          featureKey: 'banner',
          featureId: 'f-1',
          priority: 0,
          enabled: true,
          value: 'for pros',
          variants: [],
          hashKey: 'hk-2',
          rolloutPercentage: null,
        },
      ],
    },
  ],
  identityOverrides: [
    { identifier: 'vip', featureKey: 'banner', enabled: true, value: 'for vip', hashKey: 'hk-3' },
  ],
});

describe('an edge snapshot from the server document', () => {
  it('is the snapshot the server evaluates with: settings, features, ETag, answers', () => {
    const rebuilt = snapshotFromDocument(environmentDocument(served));
    const { compiled: _a, ...expected } = served;
    const { compiled: _b, ...actual } = rebuilt;
    expect(actual).toEqual(expected);
    for (const identity of [
      undefined,
      { identifier: 'vip' },
      { identifier: 'ana', traits: { plan: 'pro' } },
    ]) {
      expect(rebuilt.compiled.evaluate(identity)).toEqual(served.compiled.evaluate(identity));
    }
    // The identity override keeps its rank above every segment (-infinity, as JSON cannot say).
    expect(
      rebuilt.compiled.evaluate({ identifier: 'vip', traits: { plan: 'pro' } }).flags.banner?.value,
    ).toBe('for vip');
    expect(environmentDocument(rebuilt)).toBe(environmentDocument(served));
  });

  it.each([
    ['{"environment":', 'it is not JSON'],
    ['{"environment":{"id":"e","name":"n","updated_at":"t"},"context":{}}', 'at least as new as this edge'],
    [JSON.stringify({ ...JSON.parse(environmentDocument(served)), features: [{ key: 'x' }] }), '/features/0'],
  ])('refuses an unusable document %#, saying why', (text, message) => {
    expect(() => snapshotFromDocument(text)).toThrow(message);
    try {
      snapshotFromDocument(text);
    } catch (error) {
      expect(error).toMatchObject({ kind: 'unavailable', code: 'upstream_document_invalid' });
    }
  });
});

describe('the document store', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pennon-edge-store-'));
  const store = new DocumentStore(path.join(dir, 'documents'));
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('keeps the last document per key, for the owner only, under a name that does not reveal the key', async () => {
    expect(await store.load('ser.secret')).toBeUndefined();
    await store.save('ser.secret', { etag: '"a"', text: '{"v":1}' });
    await store.save('ser.secret', { etag: '"b"', text: '{"v":2}' });
    expect(await store.load('ser.secret')).toEqual({ etag: '"b"', text: '{"v":2}' });
    const files = fs.readdirSync(path.join(dir, 'documents'));
    expect(files).toEqual([path.basename(store.file('ser.secret'))]);
    expect(files[0]).not.toContain('secret');
    expect(fs.statSync(store.file('ser.secret')).mode & 0o077).toBe(0);
  });

  it('says which file is broken rather than serving half a document', async () => {
    fs.writeFileSync(store.file('ser.broken'), '{"etag":"x"}');
    await expect(store.load('ser.broken')).rejects.toThrow(store.file('ser.broken'));
  });
});
