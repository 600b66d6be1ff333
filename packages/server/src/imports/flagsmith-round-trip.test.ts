import { afterAll, beforeAll, expect, it } from 'vitest';
import {
  DEFAULT_SEED,
  generateEnvironmentDocument,
  generateIdentities,
} from '../../../../bench/workload.mjs';
import { type AdminCall, adminClient } from '../testing/admin-fixtures.js';
import { createTestApp, type TestApp } from '../testing/app.js';
import { createTestDatabase, describeEachDialect, type TestDatabase } from '../testing/databases.js';

type Document = Record<string, unknown> & { project: Record<string, unknown> };

/** What differs between two databases holding the same configuration: their own ids and clocks. */
function comparable(document: Document): Document {
  const { id: _id, updated_at: _updated, ...rest } = document;
  const { id: _project, organisation, ...project } = document.project;
  const { id: _organisation, ...organisationRest } = organisation as Record<string, unknown>;
  return { ...rest, project: { ...project, organisation: organisationRest } };
}

describeEachDialect('Flagsmith document: export → import → export', (getDatabase) => {
  let source: TestApp;
  let target: TestApp;
  let targetDatabase: TestDatabase;
  let sourceApi: AdminCall;
  let targetApi: AdminCall;

  const importInto = async (api: AdminCall, document: unknown) => {
    const response = await api('POST', '/imports/flagsmith', document);
    expect(response.statusCode, response.body.slice(0, 500)).toBe(201);
    return response.json() as { environment_id: string; project_id: string; server_key: string };
  };
  const exportFrom = async (app: TestApp, serverKey: string): Promise<Document> => {
    const response = await app.app.inject({
      method: 'GET',
      url: '/api/v1/environment-document/',
      headers: { 'x-environment-key': serverKey },
    });
    expect(response.statusCode, response.body).toBe(200);
    return response.json();
  };

  beforeAll(async () => {
    source = await createTestApp(getDatabase());
    targetDatabase = await createTestDatabase(getDatabase().dialect);
    target = await createTestApp(targetDatabase);
    sourceApi = adminClient(source.app, source.admin);
    targetApi = adminClient(target.app, target.admin);
  });
  afterAll(async () => {
    await source?.close();
    await target?.close();
    await targetDatabase?.dispose();
  });

  it('gives back the same document for the standing workload with rollouts and IN lists added', async () => {
    const imported = await importInto(sourceApi, generateEnvironmentDocument({ seed: DEFAULT_SEED }));
    const environment = imported.environment_id;
    // What Pennon writes that Flagsmith's documents do not: IN lists as arrays, rollouts.
    const features = (await sourceApi('GET', `/projects/${imported.project_id}/features?limit=500`)).json()
      .items as { id: string; key: string; type: string }[];
    const boolean = features.find((f) => f.type === 'boolean') as { id: string };
    const other = features.find((f) => f.type !== 'boolean' && f.id !== boolean.id) as { id: string };
    const segment = (
      await sourceApi('POST', `/projects/${imported.project_id}/segments`, {
        name: 'named customers',
        rules: [
          {
            type: 'ALL',
            conditions: [
              { property: 'plan', operator: 'IN', value: ['pro', 'team, annual', '[beta]'] },
              { property: 'country', operator: 'IN', value: ['fr', 'de'] },
            ],
          },
        ],
      })
    ).json();
    for (const [body, expected] of [
      [{ segment_id: segment.id, feature_id: boolean.id, enabled: true, rollout_percentage: 40 }, 201],
      [{ segment_id: segment.id, feature_id: other.id, enabled: false, priority: 3 }, 201],
    ] as const) {
      const response = await sourceApi('POST', `/environments/${environment}/segment-overrides`, body);
      expect(response.statusCode, response.body).toBe(expected);
    }
    const rollout = await sourceApi('PATCH', `/environments/${environment}/feature-states/${other.id}`, {
      enabled: true,
      rollout_percentage: 25,
    });
    expect(rollout.statusCode, rollout.body).toBe(200);

    const first = await exportFrom(source, imported.server_key);
    const again = await importInto(targetApi, first);
    const second = await exportFrom(target, again.server_key);
    expect(comparable(second)).toEqual(comparable(first));

    // Importing the exported document over itself changes nothing either.
    const third = await exportFrom(target, (await importInto(targetApi, second)).server_key);
    expect(comparable(third)).toEqual(comparable(second));

    // Same rules, same seeds: every identity gets the same flags from both servers.
    const [before, after] = await Promise.all([
      source.context.evaluation.snapshot(environment),
      target.context.evaluation.snapshot(again.environment_id),
    ]);
    for (const { identifier, traits } of generateIdentities({ seed: DEFAULT_SEED, count: 300 })) {
      expect(after.compiled.evaluate({ identifier, traits }).flags).toEqual(
        before.compiled.evaluate({ identifier, traits }).flags,
      );
    }
  });
});
