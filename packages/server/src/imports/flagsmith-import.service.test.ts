import { beforeAll, expect, it } from 'vitest';
// The standing benchmark workload doubles as a realistic Flagsmith document for these tests.
import {
  flagsmithEngineModule,
  generateEnvironmentDocument,
  generateIdentities,
  toEvaluationContext,
  toIdentityContext,
} from '../../../../bench/workload.mjs';
import { loadEnvironment } from '../evaluation/environment-loader.js';
import { flagsmithValue } from '../evaluation/protocols/flagsmith-flags.js';
import { buildSnapshot } from '../evaluation/snapshot.js';
import { bootstrap } from '../organisations/bootstrap.js';
import { InProcessChangeBus } from '../realtime/change-bus.js';
import { ChangeRecorder } from '../shared/changes.js';
import { describeEachDialect } from '../testing/databases.js';
import { FlagsmithImportService } from './flagsmith-import.service.js';

const { getEvaluationResult } = await flagsmithEngineModule('index.js');

describeEachDialect('Flagsmith import', (getDatabase) => {
  const document = generateEnvironmentDocument({ seed: 7 });
  let service: FlagsmithImportService;
  let organisationId: string;

  beforeAll(async () => {
    const { db } = getDatabase();
    await bootstrap(db, {});
    organisationId = (await db.selectFrom('organisations').select('id').executeTakeFirstOrThrow()).id;
    service = new FlagsmithImportService(
      db,
      getDatabase().dialect,
      new ChangeRecorder(new InProcessChangeBus()),
    );
  });

  it('creates the project and environment, keeping the api_key as client key', async () => {
    const result = await service.import(organisationId, document);
    expect(result.created).toBe(true);
    expect(result.client_key).toBe(document.api_key);
    expect(result.server_key).toMatch(/^ser\./);
    expect(result.counts).toEqual({
      features: 50,
      segments: 15,
      segment_overrides: document.project.segments.reduce(
        (n: number, s: { feature_states: unknown[] }) => n + s.feature_states.length,
        0,
      ),
      identity_overrides: document.identity_overrides.reduce(
        (n: number, i: { identity_features: unknown[] }) => n + i.identity_features.length,
        0,
      ),
    });
  });

  it('gives every user the same flags, buckets and variants as Flagsmith’s own engine', async () => {
    const { db } = getDatabase();
    const environment = await db
      .selectFrom('environments')
      .select('id')
      .where('client_key', '=', document.api_key)
      .executeTakeFirstOrThrow();
    const loaded = await loadEnvironment(db, environment.id);
    if (!loaded) throw new Error('imported environment not found');
    const snapshot = buildSnapshot(loaded);
    const flagsmithContext = toEvaluationContext(document);
    let compared = 0;
    for (const identity of generateIdentities({ seed: 7, count: 300 })) {
      const ours = snapshot.compiled.evaluate({ identifier: identity.identifier, traits: identity.traits });
      const theirs = getEvaluationResult({ ...flagsmithContext, identity: toIdentityContext(identity) });
      for (const [name, expected] of Object.entries(theirs.flags) as [
        string,
        { enabled: boolean; value: unknown },
      ][]) {
        const feature = snapshot.features.get(name);
        const flag = ours.flags[name];
        if (!feature || !flag) throw new Error(`feature ${name} missing after import`);
        expect({ name, enabled: flag.enabled, value: flagsmithValue(feature, flag.value) }).toEqual({
          name,
          enabled: expected.enabled,
          // Boolean features carry no value; Flagsmith reports their empty value as it was stored.
          value: feature.type === 'boolean' ? null : expected.value,
        });
        compared++;
      }
    }
    expect(compared).toBe(300 * 50);
  });

  it('gives every environment of the project a state for every feature', async () => {
    const staging = structuredClone(document);
    staging.api_key = `${document.api_key}-staging`;
    staging.name = 'Staging';
    staging.feature_states = staging.feature_states.slice(0, 10);
    staging.feature_states.push({
      feature: { id: 999_999, name: 'staging_only', type: 'STANDARD' },
      enabled: true,
      feature_state_value: 'x',
      django_id: 999_999,
    });
    staging.project.segments = [];
    staging.identity_overrides = [];
    const result = await service.import(organisationId, staging);
    expect(result.created).toBe(true);
    const { db } = getDatabase();
    const environments = await db
      .selectFrom('environments')
      .select('id')
      .where('project_id', '=', result.project_id)
      .execute();
    const features = await db
      .selectFrom('features')
      .select('id')
      .where('project_id', '=', result.project_id)
      .execute();
    expect(environments).toHaveLength(2);
    expect(features).toHaveLength(51);
    const states = await db
      .selectFrom('feature_states')
      .select('id')
      .where(
        'environment_id',
        'in',
        environments.map((e) => e.id),
      )
      .execute();
    expect(states).toHaveLength(2 * 51);
  });

  it('updates in place when the same document is imported again', async () => {
    const changed = structuredClone(document);
    changed.feature_states[0].enabled = !changed.feature_states[0].enabled;
    const { db } = getDatabase();
    const before = await db.selectFrom('features').select('id').execute();
    const again = await service.import(organisationId, changed);
    expect(again.created).toBe(false);
    const environments = await db
      .selectFrom('environments')
      .select('id')
      .where('client_key', '=', document.api_key)
      .execute();
    expect(environments).toHaveLength(1);
    // No feature is created twice: features are matched by name.
    const features = await db.selectFrom('features').select('id').execute();
    expect(features).toHaveLength(before.length);
  });

  it("keeps the document's client settings, and turns both on for a document without them", async () => {
    const { db } = getDatabase();
    const settings = async (apiKey: string) =>
      db
        .selectFrom('environments')
        .select(['hide_sensitive_data', 'allow_client_traits'])
        .where('client_key', '=', apiKey)
        .executeTakeFirstOrThrow();
    const open = {
      ...structuredClone(document),
      api_key: 'settings-open-0001',
      hide_sensitive_data: false,
      allow_client_traits: false,
    };
    await service.import(organisationId, open);
    expect(await settings(open.api_key)).toEqual({ hide_sensitive_data: 0, allow_client_traits: 0 });
    const plain = structuredClone(document);
    plain.api_key = 'settings-plain-0001';
    delete plain.hide_sensitive_data;
    delete plain.allow_client_traits;
    await service.import(organisationId, plain);
    expect(await settings(plain.api_key)).toEqual({ hide_sensitive_data: 1, allow_client_traits: 1 });
  });

  it('refuses a segment that overrides one feature twice, naming both states, and writes nothing', async () => {
    const { db } = getDatabase();
    const broken = structuredClone(document);
    broken.api_key = `${document.api_key}-duplicates`;
    const segment = broken.project.segments[0];
    const [first] = segment.feature_states;
    segment.feature_states.push({ ...structuredClone(first), featurestate_uuid: 'second-state' });
    const environmentsBefore = await db.selectFrom('environments').select('id').execute();
    const error = await service.import(organisationId, broken).then(
      () => undefined,
      (e: unknown) => e,
    );
    const at = segment.feature_states.length - 1;
    expect(error).toMatchObject({
      kind: 'invalid',
      code: 'duplicate_segment_override',
      details: {
        feature: first.feature.name,
        feature_states: [
          'project.segments[0].feature_states[0]',
          `project.segments[0].feature_states[${at}]`,
        ],
      },
    });
    expect((error as Error).message).toMatch(
      new RegExp(
        `^Segment '${segment.name}' overrides feature '${first.feature.name}' twice: ` +
          'project\\.segments\\[0\\]\\.feature_states\\[0\\].* and ' +
          `project\\.segments\\[0\\]\\.feature_states\\[${at}\\] \\(feature state second-state\\)\\.`,
      ),
    );
    expect((error as Error).message).not.toMatch(/SQLITE|constraint|violates/i);
    expect(await db.selectFrom('environments').select('id').execute()).toEqual(environmentsBefore);
  });

  it('refuses an identity that overrides one feature twice', async () => {
    const broken = structuredClone(document);
    broken.api_key = `${document.api_key}-identity-duplicates`;
    const identity = broken.identity_overrides[0];
    identity.identity_features.push(structuredClone(identity.identity_features[0]));
    await expect(service.import(organisationId, broken)).rejects.toMatchObject({
      code: 'duplicate_identity_override',
      message: expect.stringMatching(new RegExp(`^Identity '${identity.identifier}' overrides feature`)),
    });
  });
});
