import { beforeAll, expect, it } from 'vitest';
import { bootstrap } from '../organisations/bootstrap.js';
import { type ConfigChange, InProcessChangeBus } from '../realtime/change-bus.js';
import { ChangeRecorder } from '../shared/changes.js';
import { newId } from '../shared/ids.js';
import { describeEachDialect } from '../testing/databases.js';
import { resolveEnvironment } from './environment-lookup.js';
import { EnvironmentsRepository } from './environments.repository.js';
import { EnvironmentsService } from './environments.service.js';
import { ServerKeysRepository } from './server-keys.repository.js';
import { ServerKeysService } from './server-keys.service.js';

describeEachDialect('environments service', (getDatabase) => {
  let organisationId: string;
  let projectId: string;
  let service: EnvironmentsService;
  let serverKeys: ServerKeysService;
  const published: ConfigChange[] = [];

  beforeAll(async () => {
    const { db } = getDatabase();
    const boot = await bootstrap(db);
    if (!boot) throw new Error('bootstrap did nothing');
    ({ organisationId, projectId } = boot);
    const bus = new InProcessChangeBus();
    bus.subscribe((change) => published.push(change));
    const changes = new ChangeRecorder(bus);
    service = new EnvironmentsService(new EnvironmentsRepository(db), changes);
    serverKeys = new ServerKeysService(new ServerKeysRepository(db), changes);
  });

  async function addFeature(
    key: string,
    defaultEnabled: number,
    defaultValue: string | null,
    number: number,
  ) {
    const now = new Date().toISOString();
    const id = newId();
    await getDatabase()
      .db.insertInto('features')
      .values({
        id,
        project_id: projectId,
        key,
        type: 'string',
        description: '',
        tags: '[]',
        server_key_only: 0,
        default_enabled: defaultEnabled,
        default_value: defaultValue,
        number,
        created_at: now,
        updated_at: now,
      })
      .execute();
    return id;
  }

  it('gives a new environment one state per existing feature, from the feature defaults', async () => {
    const on = await addFeature('on', 1, '"blue"', 1);
    const off = await addFeature('off', 0, null, 2);
    published.length = 0;
    const env = await service.create(organisationId, projectId, { key: 'staging', name: 'Staging' });
    const states = await getDatabase()
      .db.selectFrom('feature_states')
      .selectAll()
      .where('environment_id', '=', env.id)
      .orderBy('feature_id')
      .execute();
    // Ids made in the same millisecond do not sort by creation, so compare as sets.
    expect(states.map((s) => [s.feature_id, s.enabled, s.value, s.variants])).toEqual(
      expect.arrayContaining([
        [on, 1, '"blue"', '[]'],
        [off, 0, null, '[]'],
      ]),
    );
    expect(states).toHaveLength(2);
    expect(new Set(states.map((s) => s.hash_key)).size).toBe(2);
    expect(published).toEqual([{ projectId, environmentId: env.id, at: env.updated_at }]);
  });

  it('refuses a duplicate key and leaves no half-created environment behind', async () => {
    const before = await getDatabase().db.selectFrom('environments').select('id').execute();
    await expect(
      service.create(organisationId, projectId, { key: 'staging', name: 'Again' }),
    ).rejects.toMatchObject({
      code: 'environment_key_taken',
    });
    expect(await getDatabase().db.selectFrom('environments').select('id').execute()).toEqual(before);
  });

  it('records a change only when an update changes something', async () => {
    const env = await service.create(organisationId, projectId, { key: 'qa', name: 'QA' });
    published.length = 0;
    const same = await service.update(organisationId, env.id, { name: 'QA', hide_disabled_flags: false });
    expect(same).toEqual(env);
    expect(published).toEqual([]);
    const changed = await service.update(organisationId, env.id, { hide_disabled_flags: true });
    expect(changed.hide_disabled_flags).toBe(true);
    expect(changed.updated_at > env.updated_at).toBe(true);
    expect(published).toEqual([{ projectId, environmentId: env.id, at: changed.updated_at }]);
  });

  it('scopes environments to the organisation of the caller', async () => {
    const { db } = getDatabase();
    const env = await service.create(organisationId, projectId, { key: 'scoped', name: 'Scoped' });
    expect((await resolveEnvironment(db, organisationId, env.id)).project_id).toBe(projectId);
    await expect(resolveEnvironment(db, 'someone-else', env.id)).rejects.toMatchObject({
      code: 'environment_not_found',
    });
    await expect(service.get('someone-else', env.id)).rejects.toMatchObject({
      code: 'environment_not_found',
    });
    await expect(serverKeys.create('someone-else', env.id, { name: 'x' })).rejects.toMatchObject({
      code: 'environment_not_found',
    });
  });

  it('deletes an environment with its states and server keys, and publishes the change', async () => {
    const { db } = getDatabase();
    const env = await service.create(organisationId, projectId, { key: 'doomed', name: 'Doomed' });
    await serverKeys.create(organisationId, env.id, { name: 'ci' });
    published.length = 0;
    await service.delete(organisationId, env.id);
    expect(published).toMatchObject([{ projectId, environmentId: env.id }]);
    for (const table of ['feature_states', 'server_keys'] as const) {
      expect(await db.selectFrom(table).select('id').where('environment_id', '=', env.id).execute()).toEqual(
        [],
      );
    }
  });
});
