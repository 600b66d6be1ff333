import { beforeAll, expect, it } from 'vitest';
import { bootstrap } from '../organisations/bootstrap.js';
import { describeEachDialect } from '../testing/databases.js';
import { AdminTokensRepository } from './admin-tokens.repository.js';
import { AdminTokensService } from './admin-tokens.service.js';
import { hashToken } from './tokens.js';

describeEachDialect('admin tokens service', (getDatabase) => {
  let organisationId: string;
  let service: AdminTokensService;

  beforeAll(async () => {
    const boot = await bootstrap(getDatabase().db);
    if (!boot) throw new Error('bootstrap did nothing');
    organisationId = boot.organisationId;
    service = new AdminTokensService(new AdminTokensRepository(getDatabase().db));
  });

  const remaining = async () =>
    Number(
      (
        await getDatabase()
          .db.selectFrom('admin_tokens')
          .select((eb) => eb.fn.countAll().as('n'))
          .where('organisation_id', '=', organisationId)
          .executeTakeFirstOrThrow()
      ).n,
    );

  it('stores only the digest of a new token', async () => {
    const created = await service.create(organisationId, { name: 'ci' }, { role: 'owner' });
    const row = await getDatabase()
      .db.selectFrom('admin_tokens')
      .selectAll()
      .where('id', '=', created.id)
      .executeTakeFirstOrThrow();
    expect(row.token_hash).toBe(hashToken(created.token));
    expect(JSON.stringify(row)).not.toContain(created.token);
  });

  it('never lets two tokens deleting each other at once leave the organisation with none', async () => {
    // Several rounds: the first may not overlap while the connection pool warms up.
    for (let round = 0; round < 5; round++) {
      const { items } = await service.list(organisationId, { limit: 500 });
      if (items.length < 2)
        await service.create(organisationId, { name: `round ${round}` }, { role: 'owner' });
      const [a, b] = (await service.list(organisationId, { limit: 2 })).items;
      if (!a || !b) throw new Error('expected two tokens');
      for (const extra of (await service.list(organisationId, { cursor: b.id })).items) {
        await service.delete(organisationId, extra.id, { role: 'owner' });
      }
      const results = await Promise.allSettled([
        service.delete(organisationId, a.id, { role: 'owner' }),
        service.delete(organisationId, b.id, { role: 'owner' }),
      ]);
      expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
      expect(results.find((r) => r.status === 'rejected')).toMatchObject({
        reason: { code: 'last_admin_token' },
      });
      expect(await remaining()).toBe(1);
    }
  });
});
