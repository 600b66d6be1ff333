import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AdminCall, adminClient } from '../testing/admin-fixtures.js';
import { createTestApp, type TestApp } from '../testing/app.js';
import { describeEachDialect } from '../testing/databases.js';

/** Identifiers as SDKs send them: slashes, spaces, `%`, unicode, and one that looks like an id. */
const AWKWARD = ['team/alpha user', '100% sure', 'Zoë 🚀 ユーザー', 'a+b&c=d?e#f'];
const path = (ref: string) => encodeURIComponent(ref);

describeEachDialect('admin API takes names wherever it takes ids', (getDatabase) => {
  let t: TestApp;
  let api: AdminCall;
  let feature: { id: string };
  let segment: { id: string };

  beforeAll(async () => {
    t = await createTestApp(getDatabase());
    api = adminClient(t.app, t.admin);
    feature = (
      await api('POST', '/projects/Default%20project/features', { key: 'checkout', type: 'boolean' })
    ).json();
    segment = (
      await api('POST', `/projects/${t.projectId}/segments`, {
        name: 'beta users',
        rules: [{ type: 'ALL', conditions: [{ property: 'beta', operator: 'EQUAL', value: 'true' }] }],
      })
    ).json();
  });
  afterAll(async () => {
    await t?.close();
  });

  describe('in one project', () => {
    it('finds a project by name, a feature by key, a segment by name, an environment by key', async () => {
      expect((await api('GET', '/projects/Default%20project')).json().id).toBe(t.projectId);
      expect((await api('GET', '/features/checkout')).json().id).toBe(feature.id);
      expect((await api('GET', `/segments/${path('beta users')}`)).json().id).toBe(segment.id);
      expect((await api('GET', '/environments/production')).json().key).toBe('production');
      expect((await api('PATCH', '/features/checkout', { description: 'Pay' })).json().description).toBe(
        'Pay',
      );
    });

    it('sets a feature state by environment key and feature key', async () => {
      const response = await api('PATCH', '/environments/production/feature-states/checkout', {
        enabled: true,
      });
      expect(response.statusCode, response.body).toBe(200);
      expect(response.json()).toMatchObject({ feature_id: feature.id, enabled: true });
      expect((await api('GET', `/environments/production/feature-states/${feature.id}`)).json().enabled).toBe(
        true,
      );
    });

    it('creates, lists and reads segment overrides by segment name and feature key', async () => {
      const created = await api('POST', '/environments/production/segment-overrides', {
        segment_id: 'beta users',
        feature_id: 'checkout',
        enabled: true,
      });
      expect(created.statusCode, created.body).toBe(201);
      expect(created.json()).toMatchObject({ segment_id: segment.id, feature_id: feature.id });
      const listed = await api('GET', '/environments/production/segment-overrides?feature_id=checkout');
      expect(listed.json().items.map((o: { id: string }) => o.id)).toEqual([created.json().id]);
    });

    for (const identifier of AWKWARD) {
      it(`reaches identity '${identifier}' by its identifier, URL-encoded`, async () => {
        const base = `/environments/development/identities/${path(identifier)}`;
        const created = await api('POST', '/environments/development/identities', { identifier });
        expect(created.statusCode, created.body).toBe(201);
        expect((await api('GET', base)).json().id).toBe(created.json().id);
        const traits = await t.app.inject({
          method: 'PUT',
          url: `/api/admin/v1${base}/traits`,
          headers: t.admin,
          payload: { traits: { plan: 'pro' } },
        });
        expect(traits.json()).toEqual({ traits: { plan: 'pro' } });
        expect((await api('PATCH', `${base}/traits`, { traits: { seats: 3 } })).json().traits).toEqual({
          plan: 'pro',
          seats: 3,
        });
        const override = await t.app.inject({
          method: 'PUT',
          url: `/api/admin/v1${base}/overrides/checkout`,
          headers: t.admin,
          payload: { enabled: true },
        });
        expect(override.statusCode, override.body).toBe(201);
        expect((await api('GET', `${base}/overrides`)).json().items).toHaveLength(1);
        expect((await api('DELETE', `${base}/overrides/checkout`)).statusCode).toBe(204);
        expect((await api('DELETE', base)).statusCode).toBe(204);
      });
    }

    it('lets an id win over an identifier that looks like it', async () => {
      const first = (
        await api('POST', '/environments/development/identities', { identifier: 'first' })
      ).json();
      const impostor = (
        await api('POST', '/environments/development/identities', { identifier: first.id })
      ).json();
      expect((await api('GET', `/environments/development/identities/${first.id}`)).json().identifier).toBe(
        'first',
      );
      expect(impostor.identifier).toBe(first.id);
    });
  });

  describe('when nothing has the name', () => {
    it('says what was looked up, how and where', async () => {
      const unknown = await api('GET', '/features/nope');
      expect(unknown.statusCode).toBe(404);
      expect(unknown.json().error).toMatchObject({
        code: 'feature_not_found',
        message: expect.stringMatching(
          /^No feature with key 'nope' in any project of this organisation \(looked up by key; ids look like [0-9a-f]{4}…\)\.$/,
        ),
        details: { looked_up: 'nope', by: ['key'] },
      });
      const inProject = await api('PATCH', '/environments/production/feature-states/nope', { enabled: true });
      expect(inProject.json().error.message).toMatch(
        /^No feature with key 'nope' in project 'Default project' \(looked up by key; ids look like/,
      );
      const missingSegment = await api('POST', '/environments/production/segment-overrides', {
        segment_id: 'gamma users',
        feature_id: 'checkout',
        enabled: true,
      });
      expect(missingSegment.json().error.message).toMatch(/^No segment with name 'gamma users' in project/);
      const missingIdentity = await api('GET', `/environments/development/identities/${path('who/me')}`);
      expect(missingIdentity.json().error.message).toMatch(
        /^No identity with identifier 'who\/me' in environment 'development' \(looked up by identifier;/,
      );
    });

    it('says both ways were tried for something shaped like an id', async () => {
      const id = '0'.repeat(32);
      const response = await api('GET', `/segments/${id}`);
      expect(response.json().error).toMatchObject({
        code: 'segment_not_found',
        message: `No segment with id or name '${id}' in any project of this organisation (looked up by id, then by name).`,
        details: { by: ['id', 'name'] },
      });
    });
  });

  describe('with a second project using the same names', () => {
    let other: { id: string };
    let otherFeature: { id: string };

    beforeAll(async () => {
      other = (await api('POST', '/projects', { name: 'Mobile' })).json();
      await api('POST', '/projects/Mobile/environments', { key: 'production', name: 'Production' });
      otherFeature = (
        await api('POST', '/projects/Mobile/features', { key: 'checkout', type: 'boolean' })
      ).json();
    });

    it('refuses a key that names several, listing each and saying to use the id', async () => {
      const response = await api('GET', '/features/checkout');
      expect(response.statusCode).toBe(409);
      const { error } = response.json();
      expect(error.code).toBe('feature_ambiguous');
      expect(error.message).toBe(
        `The feature key 'checkout' is in 2 projects of this organisation: ` +
          `'Default project' (feature id ${feature.id}), 'Mobile' (feature id ${otherFeature.id}). ` +
          `A key is unique only within its project: use the feature's id instead.`,
      );
      expect(error.details.candidates).toEqual(
        expect.arrayContaining([
          { id: feature.id, project_id: t.projectId, project_name: 'Default project' },
          { id: otherFeature.id, project_id: other.id, project_name: 'Mobile' },
        ]),
      );
      const environment = await api('GET', '/environments/production');
      expect(environment.statusCode).toBe(409);
      expect(environment.json().error.code).toBe('environment_ambiguous');
    });

    it('keeps ids and project-scoped names working', async () => {
      expect((await api('GET', `/features/${otherFeature.id}`)).json().project_id).toBe(other.id);
      const production = t.environments.find((e) => e.key === 'production');
      const state = await api('GET', `/environments/${production?.id}/feature-states/checkout`);
      expect(state.json().feature_id).toBe(feature.id);
      expect((await api('GET', '/projects/Mobile/features')).json().items).toHaveLength(1);
    });
  });
});
