import { type BaseFlag, Flagsmith } from 'flagsmith-nodejs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { forEachLimited } from './support/async.js';
import { type E2eServer, startE2eServer } from './support/server.js';

/**
 * Percentage rollouts set through the admin API, read back by flagsmith-nodejs two ways:
 * evaluated by Pennon (remote) and evaluated locally by Flagsmith's own engine from the
 * environment document Pennon serves. However Pennon stores a rollout, both must agree.
 */

const quietLogger = { error() {}, warn() {}, info() {}, debug() {}, trace() {}, fatal() {} } as never;

type FlagView = Record<string, { enabled: boolean; value: unknown }>;

function view(flags: { allFlags(): (BaseFlag & { featureName: string })[] }): FlagView {
  return Object.fromEntries(
    flags.allFlags().map((f) => [f.featureName, { enabled: f.enabled, value: f.value ?? null }]),
  );
}

const identities = Array.from({ length: 1000 }, (_, i) => ({
  identifier: `rollout-user-${i}`,
  traits: { plan: i % 3 === 0 ? 'pro' : 'free', seats: i % 50 },
}));

describe('percentage rollouts in flagsmith-nodejs local evaluation', () => {
  let server: E2eServer;
  let environmentId: string;
  let clientKey: string;
  let serverKey: string;
  const featureIds: Record<string, string> = {};
  const clients: Flagsmith[] = [];

  const setState = (feature: string, body: object) =>
    server.admin('PATCH', `/environments/${environmentId}/feature-states/${featureIds[feature]}`, body);

  /** Each identity's flags by remote evaluation and by local evaluation of a fresh document. */
  async function answers(): Promise<{ remote: Map<string, FlagView>; local: Map<string, FlagView> }> {
    const apiUrl = `${server.url}/api/v1/`;
    const remoteClient = new Flagsmith({ environmentKey: clientKey, apiUrl, logger: quietLogger });
    const localClient = new Flagsmith({
      environmentKey: serverKey,
      apiUrl,
      enableLocalEvaluation: true,
      logger: quietLogger,
    });
    clients.push(remoteClient, localClient);
    const remote = new Map<string, FlagView>();
    const local = new Map<string, FlagView>();
    await forEachLimited(identities, 16, async ({ identifier, traits }) => {
      remote.set(identifier, view(await remoteClient.getIdentityFlags(identifier, traits, true)));
      local.set(identifier, view(await localClient.getIdentityFlags(identifier, traits)));
    });
    return { remote, local };
  }

  const enabled = (answers: Map<string, FlagView>, feature: string) =>
    new Set([...answers].filter(([, flags]) => flags[feature]?.enabled).map(([identifier]) => identifier));

  beforeAll(async () => {
    server = await startE2eServer();
    const development = await server.development();
    environmentId = development.environmentId;
    clientKey = development.clientKey;
    serverKey = (await server.admin('POST', `/environments/${environmentId}/server-keys`, { name: 'e2e' }))
      .key;
    for (const [key, type, default_value] of [
      ['new-checkout', 'boolean', null],
      ['banner', 'string', 'hello'],
      ['search-v2', 'boolean', null],
    ] as const) {
      featureIds[key] = (
        await server.admin('POST', `/projects/${development.projectId}/features`, {
          key,
          type,
          default_value,
        })
      ).id;
    }
    const pro = await server.admin('POST', `/projects/${development.projectId}/segments`, {
      name: 'pro plans',
      rules: [{ type: 'ALL', conditions: [{ property: 'plan', operator: 'EQUAL', value: 'pro' }] }],
    });
    const bigTeams = await server.admin('POST', `/projects/${development.projectId}/segments`, {
      name: 'big teams',
      rules: [{ type: 'ALL', conditions: [{ property: 'seats', operator: 'GREATER_THAN', value: '25' }] }],
    });
    await setState('new-checkout', { enabled: true, rollout_percentage: 30 });
    await setState('banner', {
      enabled: true,
      variants: [
        { key: 'short', value: 'hi', weight: 40 },
        { key: 'long', value: 'hello there', weight: 40 },
      ],
      rollout_percentage: 70,
    });
    // Two overrides of one feature: pro plans first, half of them; big teams next, all of them.
    await server.admin('POST', `/environments/${environmentId}/segment-overrides`, {
      segment_id: pro.id,
      feature_id: featureIds['search-v2'],
      enabled: true,
      priority: 1,
      rollout_percentage: 50,
    });
    await server.admin('POST', `/environments/${environmentId}/segment-overrides`, {
      segment_id: bigTeams.id,
      feature_id: featureIds['search-v2'],
      enabled: false,
      priority: 2,
    });
  });
  afterAll(async () => {
    for (const client of clients) await client.close();
    await server?.close();
  });

  it('gives 1,000 identities the same flags by remote evaluation and by local evaluation', async () => {
    const { remote, local } = await answers();
    expect(local.size).toBe(1000);
    const differing = identities.filter(({ identifier }) => {
      return JSON.stringify(remote.get(identifier)) !== JSON.stringify(local.get(identifier));
    });
    expect(differing).toEqual([]);

    const share = enabled(remote, 'new-checkout').size / identities.length;
    expect(share).toBeGreaterThan(0.25);
    expect(share).toBeLessThan(0.35);
    // Pro plans out of the override's half fall through to big teams (off) or the default (off).
    const searching = [...enabled(remote, 'search-v2')];
    expect(searching.every((id) => Number(id.split('-').at(-1)) % 3 === 0)).toBe(true);
    const banners = new Set(
      [...remote.values()].filter((f) => f.banner?.enabled).map((f) => f.banner?.value),
    );
    expect(banners).toEqual(new Set(['hi', 'hello there', 'hello']));
  });

  it('raising a rollout keeps everyone who had the feature, in both engines', async () => {
    const before = await answers();
    await setState('new-checkout', { rollout_percentage: 60 });
    const after = await answers();
    for (const engine of ['remote', 'local'] as const) {
      const had = enabled(before[engine], 'new-checkout');
      const has = enabled(after[engine], 'new-checkout');
      expect([...had].filter((id) => !has.has(id))).toEqual([]);
      expect(has.size).toBeGreaterThan(had.size);
    }
    expect(
      [...after.local].filter(
        ([id, flags]) => JSON.stringify(after.remote.get(id)) !== JSON.stringify(flags),
      ),
    ).toEqual([]);
  });
});
