import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { EventSource } from 'eventsource';
import type { IFlagsmith } from 'flagsmith';
import { type BaseFlag, DefaultFlag, Flagsmith } from 'flagsmith-nodejs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  DEFAULT_SEED,
  flagsmithEngineModule,
  generateEnvironmentDocument,
  generateIdentities,
  toEvaluationContext,
  toIdentityContext,
} from '../bench/workload.mjs';
import { eventually, forEachLimited } from './support/async.js';
import { type E2eServer, startE2eServer } from './support/server.js';

/**
 * Flagsmith's own npm clients against a real Pennon server on loopback: `flagsmith-nodejs`
 * (remote and local evaluation) and `flagsmith` (the JS client, realtime included),
 * configured through the admin API and the `pennon import flagsmith` CLI. No mocks.
 */

const root = fileURLToPath(new URL('..', import.meta.url));

// The JS client picks its EventSource from the global scope when its module loads, as in a
// browser; Node 20 has none, so the `eventsource` package stands in before the import.
(globalThis as { EventSource?: unknown }).EventSource ??= EventSource;
const { createFlagsmithInstance } = await import('flagsmith/isomorphic');
const { getEvaluationResult } = await flagsmithEngineModule('index.js');

/** flagsmith-nodejs logs failures through pino by default; the error paths here are expected. */
const quietLogger = { error() {}, warn() {}, info() {}, debug() {}, trace() {}, fatal() {} } as never;

type Traits = Record<string, string | number | boolean>;

interface FlagView {
  enabled: boolean;
  value: unknown;
}

/** name → {enabled, value} of a flagsmith-nodejs Flags object, for comparing whole answers. */
function view(flags: { allFlags(): (BaseFlag & { featureName: string })[] }): Record<string, FlagView> {
  return Object.fromEntries(
    flags.allFlags().map((f) => [f.featureName, { enabled: f.enabled, value: f.value ?? null }]),
  );
}

/** name → {enabled, value} as a Flagsmith document defines its environment's flags. */
function documentDefaults(document: {
  feature_states: { feature: { name: string }; enabled: boolean; feature_state_value: unknown }[];
}): Record<string, FlagView> {
  return Object.fromEntries(
    document.feature_states.map((f) => [
      f.feature.name,
      { enabled: f.enabled, value: f.feature_state_value },
    ]),
  );
}

/** Runs `work` with a `window` global, as the JS client's browser-only paths require. */
function withBrowserGlobals<T>(work: () => T): T {
  const scope = globalThis as { window?: unknown };
  scope.window = globalThis;
  try {
    return work();
  } finally {
    delete scope.window;
  }
}

async function allIdentifiers(server: E2eServer, environmentId: string): Promise<string[]> {
  const identifiers: string[] = [];
  let cursor: string | null = null;
  do {
    const page: { items: { identifier: string }[]; next_cursor: string | null } = await server.admin(
      'GET',
      `/environments/${environmentId}/identities?limit=500${cursor ? `&cursor=${cursor}` : ''}`,
    );
    identifiers.push(...page.items.map((i) => i.identifier));
    cursor = page.next_cursor;
  } while (cursor);
  return identifiers;
}

describe('flagsmith-nodejs on the imported standing workload', () => {
  const document = generateEnvironmentDocument({ seed: DEFAULT_SEED });
  const identities = generateIdentities({ seed: DEFAULT_SEED, count: 1000 }) as {
    identifier: string;
    traits: Traits;
  }[];
  const overridden = new Set<string>(
    document.identity_overrides.map((i: { identifier: string }) => i.identifier),
  );
  /**
   * flagsmith-nodejs 8.1.2, local evaluation of an identity that has overrides in the document:
   * `IdentityModel.updateTraits` keeps a given trait only when `!!value`, so `false`, `0` and
   * `''` traits are silently dropped (remote evaluation and its offline mode keep them). The
   * traits that client's evaluation really uses, so the comparison stays exact.
   */
  const traitsLocalEvaluationSees = (identifier: string, traits: Traits): Traits => {
    if (!overridden.has(identifier) || Object.values(traits).every(Boolean)) return traits;
    return Object.fromEntries(Object.entries(traits).filter(([, value]) => Boolean(value)));
  };

  let server: E2eServer;
  let imported: { environment_id: string; client_key: string; server_key: string };
  let remote: Flagsmith;
  let local: Flagsmith;
  const remoteAnswers = new Map<string, Record<string, FlagView>>();
  const localAnswers = new Map<string, Record<string, FlagView>>();

  beforeAll(async () => {
    server = await startE2eServer();
    imported = await server.admin('POST', '/imports/flagsmith', document);
    const apiUrl = `${server.url}/api/v1/`;
    remote = new Flagsmith({ environmentKey: imported.client_key, apiUrl, logger: quietLogger });
    local = new Flagsmith({
      environmentKey: imported.server_key,
      apiUrl,
      enableLocalEvaluation: true,
      logger: quietLogger,
    });
  });
  afterAll(async () => {
    await local?.close();
    await remote?.close();
    await server?.close();
  });

  it('keeps the document api_key as the client key', () => {
    expect(imported.client_key).toBe(document.api_key);
    expect(imported.server_key).toMatch(/^ser\./);
  });

  it('gives the same environment flags remotely and locally, as the document defines them', async () => {
    const remoteFlags = view(await remote.getEnvironmentFlags());
    expect(view(await local.getEnvironmentFlags())).toEqual(remoteFlags);
    expect(remoteFlags).toEqual(documentDefaults(document));
  });

  it('gives 1,000 identities the same flags by remote evaluation and by local evaluation of our document', async () => {
    const rerun: { identifier: string; traits: Traits }[] = [];
    await forEachLimited(identities, 16, async ({ identifier, traits }) => {
      // A transient identity: the server evaluates with these traits and stores nothing.
      remoteAnswers.set(identifier, view(await remote.getIdentityFlags(identifier, traits, true)));
      localAnswers.set(identifier, view(await local.getIdentityFlags(identifier, traits)));
      const seen = traitsLocalEvaluationSees(identifier, traits);
      if (seen !== traits) rerun.push({ identifier, traits: seen });
    });
    // What the server answers for the traits flagsmith-nodejs's local evaluation really used.
    const remoteForSeen = new Map<string, Record<string, FlagView>>();
    await forEachLimited(rerun, 16, async ({ identifier, traits }) => {
      remoteForSeen.set(identifier, view(await remote.getIdentityFlags(identifier, traits, true)));
    });
    expect(rerun.length).toBeGreaterThan(0);

    const names = document.feature_states.map((f: { feature: { name: string } }) => f.feature.name).sort();
    const disagreements: unknown[] = [];
    for (const { identifier } of identities) {
      const theirs = remoteForSeen.get(identifier) ?? remoteAnswers.get(identifier) ?? {};
      const ours = localAnswers.get(identifier) ?? {};
      expect(Object.keys(theirs).sort()).toEqual(names);
      expect(Object.keys(ours).sort()).toEqual(names);
      for (const name of names) {
        if (JSON.stringify(theirs[name]) !== JSON.stringify(ours[name])) {
          disagreements.push({ identifier, name, remote: theirs[name], local: ours[name] });
        }
      }
    }
    expect(disagreements.slice(0, 5)).toEqual([]);
    // Variants and segments are in play: identities do not all get the same flags.
    const answersSeen = new Set(
      identities.map(({ identifier }) => JSON.stringify(remoteAnswers.get(identifier))),
    );
    expect(answersSeen.size).toBeGreaterThan(100);
  }, 120_000);

  it("agrees with Flagsmith's own engine evaluating the original document", () => {
    expect(remoteAnswers.size).toBe(identities.length);
    // The context is built once: flagsmith-nodejs's offline mode rebuilds it on every call.
    const context = toEvaluationContext(document);
    const disagreements: unknown[] = [];
    for (const identity of identities) {
      const result = getEvaluationResult({ ...context, identity: toIdentityContext(identity) });
      const pennon = remoteAnswers.get(identity.identifier) ?? {};
      for (const flag of Object.values(result.flags) as {
        name: string;
        enabled: boolean;
        value: unknown;
      }[]) {
        const expected = { enabled: flag.enabled, value: flag.value ?? null };
        if (JSON.stringify(expected) !== JSON.stringify(pennon[flag.name])) {
          disagreements.push({
            identifier: identity.identifier,
            name: flag.name,
            flagsmith: expected,
            pennon: pennon[flag.name],
          });
        }
      }
    }
    expect(disagreements.slice(0, 5)).toEqual([]);
  });

  it('stored none of the transient identities', async () => {
    const stored = new Set(await allIdentifiers(server, imported.environment_id));
    // The import stored the document's identities with overrides; the run added none.
    expect(stored).toEqual(overridden);
    const fresh = identities.filter((i) => !overridden.has(i.identifier));
    expect(fresh.length).toBeGreaterThan(500);
    for (const identity of fresh) expect(stored.has(identity.identifier)).toBe(false);
  });
});

describe('the flagsmith JS client', () => {
  let server: E2eServer;
  let environmentId: string;
  let clientKey: string;
  let api: string;
  let bannerId: string;
  const instances: IFlagsmith[] = [];

  /** A fresh client instance, closed (timers, stream) after the suite. */
  const client = (): IFlagsmith => {
    const instance = createFlagsmithInstance();
    instances.push(instance);
    return instance;
  };
  const storedTraits = async (identifier: string): Promise<Record<string, unknown> | undefined> => {
    const page = await server.admin(
      'GET',
      `/environments/${environmentId}/identities?q=${encodeURIComponent(identifier)}`,
    );
    const found = page.items.find((i: { identifier: string }) => i.identifier === identifier);
    if (!found) return undefined;
    return (await server.admin('GET', `/environments/${environmentId}/identities/${found.id}`)).traits;
  };

  beforeAll(async () => {
    server = await startE2eServer();
    api = `${server.url}/api/v1/`;
    const development = await server.development();
    const { projectId } = development;
    environmentId = development.environmentId;
    clientKey = development.clientKey;
    const feature = async (body: object, state?: object) => {
      const created = await server.admin('POST', `/projects/${projectId}/features`, body);
      if (state)
        await server.admin('PATCH', `/environments/${environmentId}/feature-states/${created.id}`, state);
      return created;
    };
    await feature({ key: 'dark_mode', type: 'boolean' }, { enabled: true });
    bannerId = (await feature({ key: 'banner', type: 'string', default_value: 'hello' }, { enabled: true }))
      .id;
    await feature({ key: 'limits', type: 'json', default_value: { max: 3 } }, { enabled: true });
    const beta = await feature({ key: 'beta', type: 'boolean' });
    const pro = await server.admin('POST', `/projects/${projectId}/segments`, {
      name: 'pro_users',
      rules: [{ type: 'ALL', conditions: [{ property: 'plan', operator: 'EQUAL', value: 'pro' }] }],
    });
    await server.admin('POST', `/environments/${environmentId}/segment-overrides`, {
      segment_id: pro.id,
      feature_id: beta.id,
      enabled: true,
    });
  });
  afterAll(async () => {
    for (const instance of instances) {
      // Neither is public API: the realtime stream and the analytics timer a browser page would drop.
      const internals = instance as unknown as {
        eventSource?: { close(): void } | null;
        analyticsInterval?: NodeJS.Timeout | null;
      };
      internals.eventSource?.close();
      if (internals.analyticsInterval) clearInterval(internals.analyticsInterval);
      instance.stopListening();
    }
    await server?.close();
  });

  it('gets the environment flags: hasFeature and getValue', async () => {
    const flagsmith = client();
    await flagsmith.init({ environmentID: clientKey, api });
    expect(flagsmith.loadingState?.source).toBe('SERVER');
    expect(flagsmith.hasFeature('dark_mode')).toBe(true);
    expect(flagsmith.hasFeature('beta')).toBe(false);
    expect(flagsmith.getValue('banner')).toBe('hello');
    expect(flagsmith.getValue('limits', { json: true })).toEqual({ max: 3 });
    expect(flagsmith.getValue('no_such_flag', { fallback: 'fallback' })).toBe('fallback');
    expect(flagsmith.hasFeature('no_such_flag')).toBe(false);
  });

  it('identifies with traits, which the server stores and evaluates', async () => {
    const flagsmith = client();
    await flagsmith.init({ environmentID: clientKey, api });
    await flagsmith.identify('alice', { plan: 'pro', age: 31 });
    expect(flagsmith.hasFeature('beta')).toBe(true);
    expect(flagsmith.getTrait('plan')).toBe('pro');
    expect(await storedTraits('alice')).toEqual({ plan: 'pro', age: 31 });

    // A returning user with no new traits: the client asks by identifier alone and the stored
    // traits still count, though a client key is not shown them (hide_sensitive_data, on by default).
    const again = client();
    await again.init({ environmentID: clientKey, api, identity: 'alice' });
    expect(again.hasFeature('beta')).toBe(true);
    expect(again.getTrait('age')).toBeUndefined();

    // With the setting off, the client reads them back, as against Flagsmith's own default.
    await server.admin('PATCH', `/environments/${environmentId}`, { hide_sensitive_data: false });
    try {
      const shown = client();
      await shown.init({ environmentID: clientKey, api, identity: 'alice' });
      expect(shown.hasFeature('beta')).toBe(true);
      expect(shown.getTrait('age')).toBe(31);
    } finally {
      await server.admin('PATCH', `/environments/${environmentId}`, { hide_sensitive_data: true });
    }
  });

  it('with allow_client_traits off, evaluates the traits the client sends without storing them', async () => {
    await server.admin('PATCH', `/environments/${environmentId}`, { allow_client_traits: false });
    try {
      const flagsmith = client();
      await flagsmith.init({ environmentID: clientKey, api });
      await flagsmith.identify('alice', { plan: 'free', age: 99 });
      expect(flagsmith.getTrait('plan')).toBe('free');
      expect(await storedTraits('alice')).toEqual({ plan: 'pro', age: 31 });
    } finally {
      await server.admin('PATCH', `/environments/${environmentId}`, { allow_client_traits: true });
    }
  });

  it('uses transient traits and transient identities without storing them', async () => {
    const flagsmith = client();
    await flagsmith.init({ environmentID: clientKey, api });
    await flagsmith.identify('bob', { country: 'NZ' });
    expect(flagsmith.hasFeature('beta')).toBe(false);
    await flagsmith.setTrait('plan', { value: 'pro', transient: true });
    expect(flagsmith.hasFeature('beta')).toBe(true);
    expect(await storedTraits('bob')).toEqual({ country: 'NZ' });

    const ghost = client();
    await ghost.init({ environmentID: clientKey, api });
    await ghost.setContext({
      identity: { identifier: 'ghost', transient: true, traits: { plan: { value: 'pro' } } },
    });
    expect(ghost.hasFeature('beta')).toBe(true);
    expect(await storedTraits('ghost')).toBeUndefined();
    // Without traits the client asks with `GET identities/?identifier=…&transient=true`.
    await ghost.setContext({ identity: { identifier: 'ghost-without-traits', transient: true } });
    expect(ghost.getValue('banner')).toBe('hello');
    expect(await storedTraits('ghost-without-traits')).toBeUndefined();
  });

  it('refetches through the realtime stream when a feature changes', async () => {
    const banners: unknown[] = [];
    // The client opens its stream only in a browser (`typeof window`), and takes its
    // EventSource from the global scope then; a stand-in window is enough for both, for as
    // long as the instance is created and `init` runs its synchronous part.
    const realtime = withBrowserGlobals(() => client());
    const ready = withBrowserGlobals(() =>
      realtime.init({
        environmentID: clientKey,
        api,
        realtime: true,
        // Pennon serves Flagsmith's stream at the host root, as realtime.flagsmith.com does:
        // the client appends `sse/environments/<key>/stream`.
        eventSourceUrl: `${server.url}/`,
        onChange: () => banners.push(realtime.getValue('banner')),
      }),
    );
    await ready;
    expect(realtime.getValue('banner')).toBe('hello');
    const stream = (realtime as unknown as { eventSource: { readyState: number } | null }).eventSource;
    expect(stream).not.toBeNull();
    await eventually(() => stream?.readyState === 1, 'the realtime stream to open');

    await server.admin('PATCH', `/environments/${environmentId}/feature-states/${bannerId}`, {
      value: 'changed live',
    });
    await eventually(
      () => realtime.getValue('banner') === 'changed live',
      'the client to refetch after the change',
    );
    expect(banners.at(-1)).toBe('changed live');
  });
});

describe('pennon import flagsmith (the built CLI)', () => {
  const document = generateEnvironmentDocument({ seed: DEFAULT_SEED });
  let workDir: string;
  let server: E2eServer | undefined;

  beforeAll(async () => {
    // The CLI runs the compiled program, so compile what this is about to exercise.
    await promisify(execFile)('npx', ['tsc', '-b', 'packages/engine', 'packages/server'], {
      cwd: root,
    }).catch((error: { stdout?: string; stderr?: string }) => {
      throw new Error(`The build failed:\n${error.stdout ?? ''}${error.stderr ?? ''}`);
    });
    workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'pennon-e2e-flagsmith-cli-'));
  }, 180_000);
  afterAll(async () => {
    await server?.close();
    if (workDir) fs.rmSync(workDir, { recursive: true, force: true });
  });

  it('imports a document file into a data dir, and a server on that dir answers its flags', async () => {
    const file = path.join(workDir, 'environment-document.json');
    fs.writeFileSync(file, JSON.stringify(document));
    const dataDir = path.join(workDir, 'data');
    // No PENNON_* setting of the developer's may redirect the import.
    const env = Object.fromEntries(Object.entries(process.env).filter(([key]) => !key.startsWith('PENNON_')));
    const { stdout } = await promisify(execFile)(
      process.execPath,
      [path.join(root, 'packages/server/dist/main.js'), 'import', 'flagsmith', file, '--data-dir', dataDir],
      { cwd: root, env },
    );
    const printed = JSON.parse(stdout);
    expect(printed.client_key).toBe(document.api_key);
    expect(printed.server_key).toMatch(/^ser\./);
    expect(printed.counts.features).toBe(document.feature_states.length);

    server = await startE2eServer({ dataDir });
    const response = await fetch(`${server.url}/api/v1/flags/`, {
      headers: { 'X-Environment-Key': printed.client_key },
    });
    expect(response.status).toBe(200);
    expect(Number(response.headers.get('x-flagsmith-document-updated-at'))).toBeGreaterThan(0);
    const flags: { feature: { name: string }; enabled: boolean; feature_state_value: unknown }[] =
      await response.json();
    const served = Object.fromEntries(
      flags.map((f) => [f.feature.name, { enabled: f.enabled, value: f.feature_state_value }]),
    );
    expect(served).toEqual(documentDefaults(document));
  });
});

describe('bad input, as the Flagsmith clients send it', () => {
  let server: E2eServer;
  let clientKey: string;
  let environmentId: string;
  let api: string;

  beforeAll(async () => {
    server = await startE2eServer();
    api = `${server.url}/api/v1/`;
    const development = await server.development();
    const { projectId } = development;
    environmentId = development.environmentId;
    clientKey = development.clientKey;
    await server.admin('POST', `/projects/${projectId}/features`, {
      key: 'banner',
      type: 'string',
      default_value: 'hi',
      default_enabled: true,
    });
  });
  afterAll(async () => {
    await server?.close();
  });

  it('an unknown environment key takes flagsmith-nodejs down its error path', async () => {
    const strict = new Flagsmith({ environmentKey: 'not-a-real-key', apiUrl: api, logger: quietLogger });
    const failure = await strict.getEnvironmentFlags().then(
      () => undefined,
      (error: Error) => error,
    );
    expect(failure?.message).toMatch(/getEnvironmentFlags failed/);
    expect(String((failure?.cause as Error | undefined)?.message)).toContain('401');

    const lenient = new Flagsmith({
      environmentKey: 'not-a-real-key',
      apiUrl: api,
      logger: quietLogger,
      defaultFlagHandler: (name) => new DefaultFlag(`default for ${name}`, true),
    });
    const flags = await lenient.getIdentityFlags('someone', { plan: 'pro' });
    expect(flags.getFlag('banner')).toMatchObject({
      isDefault: true,
      enabled: true,
      value: 'default for banner',
    });
  });

  it('an unknown environment key makes the JS client report an error', async () => {
    const errors: Error[] = [];
    const flagsmith = createFlagsmithInstance();
    await expect(
      flagsmith.init({ environmentID: 'not-a-real-key', api, onError: (e) => errors.push(e) }),
    ).rejects.toThrow();
    expect(errors).toHaveLength(1);
    expect(flagsmith.loadingState?.error).toBeTruthy();
    expect(flagsmith.hasFeature('banner')).toBe(false);
  });

  it('a trait value that is too long gets 400 {detail} and stores nothing', async () => {
    const responses: { status: number; body: unknown }[] = [];
    const flagsmith = new Flagsmith({
      environmentKey: clientKey,
      apiUrl: api,
      logger: quietLogger,
      // The client's own request, observed on its way back.
      fetch: async (url: string | URL | Request, init?: RequestInit) => {
        const response = await fetch(url, init);
        responses.push({ status: response.status, body: await response.clone().json() });
        return response;
      },
    });
    await expect(flagsmith.getIdentityFlags('long-trait-user', { bio: 'x'.repeat(2001) })).rejects.toThrow(
      /getIdentityFlags failed/,
    );
    expect(responses).toHaveLength(1);
    expect(responses[0]?.status).toBe(400);
    expect(responses[0]?.body).toMatchObject({ detail: expect.any(String) });
    const found = await server.admin('GET', `/environments/${environmentId}/identities?q=long-trait-user`);
    expect(found.items).toEqual([]);
  });
});
