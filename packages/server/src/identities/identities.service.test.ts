import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { isPennonError } from '../errors.js';
import { loadEnvironment } from '../evaluation/environment-loader.js';
import { bootstrap } from '../organisations/bootstrap.js';
import { type ConfigChange, InProcessChangeBus } from '../realtime/change-bus.js';
import { ChangeRecorder } from '../shared/changes.js';
import { newId } from '../shared/ids.js';
import type { FeatureRow } from '../storage/tables.js';
import { describeEachDialect } from '../testing/databases.js';
import { IdentitiesRepository } from './identities.repository.js';
import { IdentitiesService } from './identities.service.js';
import { MAX_TRAIT_STRING_LENGTH, MAX_TRAITS_PER_IDENTITY } from './identity-limits.js';

/** The PennonError code a promise rejects with. */
async function codeOf(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (error) {
    if (isPennonError(error)) return error.code;
    throw error;
  }
  throw new Error('expected a rejection');
}

describeEachDialect('identities service', (getDatabase) => {
  let organisationId: string;
  let projectId: string;
  let dev: string;
  let prod: string;
  let service: IdentitiesService;
  const published: ConfigChange[] = [];
  let featureNumber = 0;

  beforeAll(async () => {
    const { db } = getDatabase();
    const boot = await bootstrap(db);
    if (!boot) throw new Error('bootstrap did nothing');
    ({ organisationId, projectId } = boot);
    [dev, prod] = boot.environments.map((e) => e.id);
    const bus = new InProcessChangeBus();
    bus.subscribe((change) => published.push(change));
    service = new IdentitiesService(new IdentitiesRepository(db), new ChangeRecorder(bus));
  });

  beforeEach(() => {
    published.length = 0;
  });

  async function addFeature(type: FeatureRow['type'], project = projectId): Promise<string> {
    const now = new Date().toISOString();
    const id = newId();
    featureNumber += 1;
    await getDatabase()
      .db.insertInto('features')
      .values({
        id,
        project_id: project,
        key: `f${featureNumber}`,
        type,
        description: '',
        tags: '[]',
        server_key_only: 0,
        default_enabled: 0,
        default_value: null,
        number: featureNumber,
        created_at: now,
        updated_at: now,
      })
      .execute();
    return id;
  }

  async function identityRows(environmentId: string, identifier: string) {
    return getDatabase()
      .db.selectFrom('identities')
      .selectAll()
      .where('environment_id', '=', environmentId)
      .where('identifier', '=', identifier)
      .execute();
  }

  describe('identifyAndStoreTraits and loadForEvaluation', () => {
    it('creates the identity on first sight and keeps each value type', async () => {
      expect(await service.loadForEvaluation(dev, 'alice')).toBeUndefined();
      const traits = [
        { key: 'plan', value: 'pro' },
        { key: 'age', value: 42 },
        { key: 'ratio', value: 0.5 },
        { key: 'beta', value: true },
        { key: 'zip', value: '01234' },
        { key: '__proto__', value: 'kept' },
      ];
      const stored = await service.identifyAndStoreTraits(dev, 'alice', traits);
      const expected = Object.fromEntries(traits.map((t) => [t.key, t.value]));
      expect(stored).toEqual({ identifier: 'alice', traits: expected });
      expect(Object.hasOwn(stored.traits, '__proto__')).toBe(true);
      const loaded = await service.loadForEvaluation(dev, 'alice');
      expect(loaded).toEqual({ id: expect.any(String), identifier: 'alice', traits: expected });
      expect(loaded?.id).toBe((await identityRows(dev, 'alice'))[0].id);
    });

    it('upserts given traits, deletes null ones, leaves the rest, and returns the whole set', async () => {
      await service.identifyAndStoreTraits(dev, 'bob', [
        { key: 'a', value: 1 },
        { key: 'b', value: 'two' },
        { key: 'c', value: false },
      ]);
      const result = await service.identifyAndStoreTraits(dev, 'bob', [
        { key: 'a', value: 'one' },
        { key: 'b', value: null },
        { key: 'd', value: 4 },
        { key: 'missing', value: null },
      ]);
      expect(result.traits).toEqual({ a: 'one', c: false, d: 4 });
      expect((await service.loadForEvaluation(dev, 'bob'))?.traits).toEqual({ a: 'one', c: false, d: 4 });
    });

    it('is idempotent: the same call twice leaves one identity and the same traits', async () => {
      const traits = [{ key: 'x', value: 'y' }];
      const first = await service.identifyAndStoreTraits(dev, 'carol', traits);
      const second = await service.identifyAndStoreTraits(dev, 'carol', traits);
      expect(second).toEqual(first);
      expect(await identityRows(dev, 'carol')).toHaveLength(1);
    });

    it('creates an identity with no traits, and a repeated key takes its last value', async () => {
      expect(await service.identifyAndStoreTraits(dev, 'dave', [])).toEqual({
        identifier: 'dave',
        traits: {},
      });
      const result = await service.identifyAndStoreTraits(dev, 'dave', [
        { key: 'k', value: 1 },
        { key: 'k', value: 2 },
        { key: 'gone', value: 'x' },
      ]);
      expect(result.traits).toEqual({ k: 2, gone: 'x' });
      const again = await service.identifyAndStoreTraits(dev, 'dave', [
        { key: 'gone', value: 'y' },
        { key: 'gone', value: null },
      ]);
      expect(again.traits).toEqual({ k: 2 });
    });

    it('keeps environments apart', async () => {
      await service.identifyAndStoreTraits(dev, 'erin', [{ key: 'env', value: 'dev' }]);
      await service.identifyAndStoreTraits(prod, 'erin', [{ key: 'env', value: 'prod' }]);
      expect((await service.loadForEvaluation(dev, 'erin'))?.traits).toEqual({ env: 'dev' });
      expect((await service.loadForEvaluation(prod, 'erin'))?.traits).toEqual({ env: 'prod' });
    });

    it('survives concurrent first requests for one identifier', async () => {
      const calls = Array.from({ length: 8 }, (_, i) =>
        service.identifyAndStoreTraits(dev, 'racer', [{ key: `k${i}`, value: i }]),
      );
      await Promise.all(calls);
      expect(await identityRows(dev, 'racer')).toHaveLength(1);
      expect(Object.keys((await service.loadForEvaluation(dev, 'racer'))?.traits ?? {})).toHaveLength(8);
    });

    it('refuses bad identifiers and traits, and writes nothing', async () => {
      const cases: [string, Promise<unknown>][] = [
        ['identifier_too_long', service.identifyAndStoreTraits(dev, 'x'.repeat(1001), [])],
        ['invalid_identifier', service.identifyAndStoreTraits(dev, '', [])],
        ['invalid_identifier', service.identifyAndStoreTraits(dev, 'nul\u0000', [])],
        [
          'trait_key_too_long',
          service.identifyAndStoreTraits(dev, 'frank', [{ key: 'k'.repeat(201), value: 1 }]),
        ],
        [
          'trait_value_too_long',
          service.identifyAndStoreTraits(dev, 'frank', [
            { key: 'k', value: 'v'.repeat(MAX_TRAIT_STRING_LENGTH + 1) },
          ]),
        ],
        [
          'invalid_trait_value',
          service.identifyAndStoreTraits(dev, 'frank', [
            { key: 'k', value: { nested: 1 } as unknown as string },
          ]),
        ],
        [
          'invalid_trait_value',
          service.identifyAndStoreTraits(dev, 'frank', [{ key: 'k', value: Number.NaN }]),
        ],
        [
          'too_many_traits',
          service.identifyAndStoreTraits(
            dev,
            'frank',
            Array.from({ length: MAX_TRAITS_PER_IDENTITY + 1 }, (_, i) => ({ key: `t${i}`, value: i })),
          ),
        ],
      ];
      for (const [code, call] of cases) expect(await codeOf(call)).toBe(code);
      expect(await identityRows(dev, 'frank')).toHaveLength(0);
      expect(await service.loadForEvaluation(dev, 'x'.repeat(1001))).toBeUndefined();
      expect(await service.loadForEvaluation(dev, 'nul\u0000')).toBeUndefined();
    });

    it('enforces the per-identity total after merging, atomically', async () => {
      const full = Array.from({ length: MAX_TRAITS_PER_IDENTITY }, (_, i) => ({ key: `t${i}`, value: i }));
      await service.identifyAndStoreTraits(dev, 'gina', full);
      // Updating existing keys and swapping one for another stays within the limit.
      const swapped = await service.identifyAndStoreTraits(dev, 'gina', [
        { key: 't0', value: 'updated' },
        { key: 't1', value: null },
        { key: 'new', value: true },
      ]);
      expect(Object.keys(swapped.traits)).toHaveLength(MAX_TRAITS_PER_IDENTITY);
      const before = await service.loadForEvaluation(dev, 'gina');
      const code = await codeOf(
        service.identifyAndStoreTraits(dev, 'gina', [
          { key: 't0', value: 'changed' },
          { key: 'one-too-many', value: 1 },
        ]),
      );
      expect(code).toBe('too_many_traits');
      expect(await service.loadForEvaluation(dev, 'gina')).toEqual(before);
    });

    it('holds the total under concurrent writers to one identity', async () => {
      const almost = Array.from({ length: MAX_TRAITS_PER_IDENTITY - 2 }, (_, i) => ({
        key: `t${i}`,
        value: i,
      }));
      await service.identifyAndStoreTraits(dev, 'hugo', almost);
      const outcomes = await Promise.allSettled(
        Array.from({ length: 5 }, (_, i) =>
          service.identifyAndStoreTraits(dev, 'hugo', [{ key: `extra${i}`, value: i }]),
        ),
      );
      const failures = outcomes
        .filter((o) => o.status === 'rejected')
        .map((o) => (o.reason as { code?: string }).code);
      expect(failures).toEqual(['too_many_traits', 'too_many_traits', 'too_many_traits']);
      expect(Object.keys((await service.loadForEvaluation(dev, 'hugo'))?.traits ?? {})).toHaveLength(
        MAX_TRAITS_PER_IDENTITY,
      );
    });
  });

  describe('admin operations', () => {
    it('scopes everything to the organisation', async () => {
      const other = newId();
      expect(await codeOf(service.list(other, dev, {}))).toBe('environment_not_found');
      expect(await codeOf(service.create(other, dev, { identifier: 'x' }))).toBe('environment_not_found');
      expect(await codeOf(service.list(organisationId, 'nope', {}))).toBe('environment_not_found');
    });

    it('creates, refuses a duplicate identifier, and reads back traits and overrides', async () => {
      const created = await service.create(organisationId, dev, {
        identifier: 'hank',
        traits: { plan: 'free', n: 1 },
      });
      expect(created).toMatchObject({
        environment_id: dev,
        identifier: 'hank',
        traits: { plan: 'free', n: 1 },
        overrides: [],
      });
      expect(await codeOf(service.create(organisationId, dev, { identifier: 'hank' }))).toBe(
        'identity_exists',
      );
      expect(await service.get(organisationId, dev, created.id)).toEqual(created);
      expect(await codeOf(service.get(organisationId, prod, created.id))).toBe('identity_not_found');
    });

    it('replaces and patches traits without publishing a change', async () => {
      const { id } = await service.create(organisationId, dev, { identifier: 'ivy', traits: { a: 1, b: 2 } });
      expect(await service.replaceTraits(organisationId, dev, id, { c: 'three' })).toEqual({ c: 'three' });
      expect(await service.patchTraits(organisationId, dev, id, { c: null, d: true })).toEqual({ d: true });
      expect(published).toEqual([]);
      expect(await codeOf(service.patchTraits(organisationId, dev, newId(), { a: 1 }))).toBe(
        'identity_not_found',
      );
    });

    it('puts, replaces and deletes overrides, publishing each change for the environment', async () => {
      const feature = await addFeature('string');
      const { id } = await service.create(organisationId, dev, { identifier: 'jack' });
      const put = await service.putOverride(organisationId, dev, id, feature, {
        enabled: true,
        value: 'blue',
      });
      expect(put.created).toBe(true);
      expect(put.override).toMatchObject({
        identity_id: id,
        feature_id: feature,
        enabled: true,
        value: 'blue',
      });
      const replaced = await service.putOverride(organisationId, dev, id, feature, { enabled: false });
      expect(replaced.created).toBe(false);
      expect(replaced.override).toMatchObject({
        id: put.override.id,
        hash_key: put.override.hash_key,
        enabled: false,
        value: null,
      });
      await service.deleteOverride(organisationId, dev, id, feature);
      expect(published.map((c) => [c.projectId, c.environmentId])).toEqual([
        [projectId, dev],
        [projectId, dev],
        [projectId, dev],
      ]);
      expect(await codeOf(service.deleteOverride(organisationId, dev, id, feature))).toBe(
        'identity_override_not_found',
      );
    });

    it('deletes an identity with its overrides and publishes only when it had some', async () => {
      const feature = await addFeature('boolean');
      const plain = await service.create(organisationId, dev, { identifier: 'kate', traits: { a: 1 } });
      await service.delete(organisationId, dev, plain.id);
      expect(published).toEqual([]);
      const withOverride = await service.create(organisationId, dev, { identifier: 'liam' });
      await service.putOverride(organisationId, dev, withOverride.id, feature, { enabled: true });
      published.length = 0;
      await service.delete(organisationId, dev, withOverride.id);
      expect(published).toHaveLength(1);
      const left = await getDatabase()
        .db.selectFrom('identity_overrides')
        .select('id')
        .where('identity_id', 'in', [plain.id, withOverride.id])
        .execute();
      expect(left).toEqual([]);
      expect(await codeOf(service.get(organisationId, dev, withOverride.id))).toBe('identity_not_found');
    });
  });

  describe('overrides as evaluation loads them', () => {
    it('are every override of the environment and no other, with parsed values', async () => {
      const flag = await addFeature('boolean');
      const colour = await addFeature('string');
      const config = await addFeature('json');
      const m = await service.create(organisationId, prod, { identifier: 'mia' });
      const n = await service.create(organisationId, prod, { identifier: 'noah' });
      const o = await service.create(organisationId, dev, { identifier: 'olga' });
      const a = await service.putOverride(organisationId, prod, m.id, flag, { enabled: true });
      const b = await service.putOverride(organisationId, prod, m.id, colour, {
        enabled: true,
        value: 'red',
      });
      const c = await service.putOverride(organisationId, prod, n.id, config, {
        enabled: false,
        value: { a: [1] },
      });
      await service.putOverride(organisationId, dev, o.id, flag, { enabled: true });
      const { db } = getDatabase();
      const keyOf = async (featureId: string) =>
        (await db.selectFrom('features').select('key').where('id', '=', featureId).executeTakeFirstOrThrow())
          .key;
      const listed = (await loadEnvironment(db, prod))?.identityOverrides ?? [];
      const expected = [
        {
          identifier: 'mia',
          featureKey: await keyOf(flag),
          enabled: true,
          value: null,
          hashKey: a.override.hash_key,
        },
        {
          identifier: 'mia',
          featureKey: await keyOf(colour),
          enabled: true,
          value: 'red',
          hashKey: b.override.hash_key,
        },
        {
          identifier: 'noah',
          featureKey: await keyOf(config),
          enabled: false,
          value: { a: [1] },
          hashKey: c.override.hash_key,
        },
      ];
      const order = (x: { identifier: string; featureKey: string }) => `${x.identifier}/${x.featureKey}`;
      const sorted = (list: typeof expected) => [...list].sort((x, y) => order(x).localeCompare(order(y)));
      expect(sorted(listed)).toEqual(sorted(expected));
    });
  });
});
