import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { EventSource } from 'eventsource';
import { type BaseFlag, Flagsmith } from 'flagsmith-nodejs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  buildEnvironmentModel,
  DEFAULT_SEED,
  generateEnvironmentDocument,
  generateIdentities,
} from '../bench/workload.mjs';
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

/** flagsmith-nodejs logs failures through pino by default; the error paths here are expected. */
const quietLogger = { error() {}, warn() {}, info() {}, debug() {}, trace() {}, fatal() {} } as never;

interface FlagView {
  enabled: boolean;
  value: unknown;
}

/** name → {enabled, value} of a flagsmith-nodejs Flags object, for comparing whole answers. */
function view(flags: { allFlags(): (BaseFlag & { featureName: string })[] }): Record<string, FlagView> {
  return Object.fromEntries(flags.allFlags().map((f) => [f.featureName, { enabled: f.enabled, value: f.value ?? null }]));
}

/** Runs `work` over `items` with at most `limit` in flight. */
async function forEachLimited<T>(items: readonly T[], limit: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) await work(items[next++] as T);
  };
  await Promise.all(Array.from({ length: limit }, worker));
}

async function eventually(check: () => boolean, what: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`Timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
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
    traits: Record<string, string | number | boolean>;
  }[];
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
    local = new Flagsmith({ environmentKey: imported.server_key, apiUrl, enableLocalEvaluation: true, logger: quietLogger });
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

  it('gives 1,000 identities the same flags by remote evaluation and by local evaluation of our document', async () => {
    await forEachLimited(identities, 16, async ({ identifier, traits }) => {
      // A transient identity: the server evaluates with these traits and stores nothing.
      remoteAnswers.set(identifier, view(await remote.getIdentityFlags(identifier, traits, true)));
      localAnswers.set(identifier, view(await local.getIdentityFlags(identifier, traits)));
    });
    const names = document.feature_states.map((f: { feature: { name: string } }) => f.feature.name).sort();
    const disagreements: unknown[] = [];
    for (const { identifier } of identities) {
      const theirs = remoteAnswers.get(identifier) ?? {};
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
    // Variants are in play: not every identity gets the same value of every feature.
    const valuesSeen = new Set(identities.map(({ identifier }) => JSON.stringify(remoteAnswers.get(identifier))));
    expect(valuesSeen.size).toBeGreaterThan(100);
  }, 120_000);

  it('agrees with flagsmith-nodejs evaluating the original document offline', async () => {
    expect(remoteAnswers.size).toBe(identities.length);
    const original = new Flagsmith({
      offlineMode: true,
      offlineHandler: { getEnvironment: () => buildEnvironmentModel(structuredClone(document)) } as never,
      logger: quietLogger,
    });
    const disagreements: unknown[] = [];
    for (const { identifier, traits } of identities) {
      const flagsmith = view(await original.getIdentityFlags(identifier, traits));
      const pennon = remoteAnswers.get(identifier) ?? {};
      for (const [name, flag] of Object.entries(flagsmith)) {
        if (JSON.stringify(flag) !== JSON.stringify(pennon[name])) disagreements.push({ identifier, name, flagsmith: flag, pennon: pennon[name] });
      }
    }
    expect(disagreements.slice(0, 5)).toEqual([]);
  }, 60_000);

  it('stored none of the transient identities', async () => {
    const stored = new Set(await allIdentifiers(server, imported.environment_id));
    // The import stored the document's identities with overrides; the run added none.
    expect(stored.size).toBe(new Set(document.identity_overrides.map((i: { identifier: string }) => i.identifier)).size);
    const overridden = new Set(document.identity_overrides.map((i: { identifier: string }) => i.identifier));
    const fresh = identities.filter((i) => !overridden.has(i.identifier));
    expect(fresh.length).toBeGreaterThan(500);
    for (const identity of fresh) expect(stored.has(identity.identifier)).toBe(false);
  });
});
