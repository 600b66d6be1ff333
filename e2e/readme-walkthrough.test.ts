import { execFile } from 'node:child_process';
import fs from 'node:fs';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { E2E_ADMIN_TOKEN, type E2eServer, startE2eServer } from './support/server.js';

/**
 * README.md's "Five minutes with curl", run as written: every `sh` block between the
 * walkthrough markers, in order, in one bash, against a real server. Only the two lines a
 * reader edits — the server address and the admin token — are set by the test instead.
 */

const readme = fs.readFileSync(new URL('../README.md', import.meta.url), 'utf8');

function walkthroughScript(): string {
  const section = /<!-- walkthrough:start -->([\s\S]*?)<!-- walkthrough:end -->/.exec(readme)?.[1];
  if (!section) throw new Error('README.md has no walkthrough markers');
  const blocks = [...section.matchAll(/```sh\n([\s\S]*?)```/g)].map((match) => match[1]);
  return blocks
    .join('\n')
    .split('\n')
    .filter((line) => !/^export (PENNON|TOKEN)=/.test(line))
    .join('\n');
}

describe("README's five minutes with curl", () => {
  let server: E2eServer;
  let lines: string[];

  beforeAll(async () => {
    server = await startE2eServer();
    const { stdout } = await promisify(execFile)('bash', ['-euo', 'pipefail', '-c', walkthroughScript()], {
      env: { ...process.env, PENNON: server.url, TOKEN: E2E_ADMIN_TOKEN },
      maxBuffer: 16 * 1024 * 1024,
    });
    lines = stdout.split('\n').filter((line) => line.trim() !== '');
  }, 60_000);
  afterAll(async () => {
    await server?.close();
  });

  const answer = (test: (body: Record<string, unknown>) => boolean) => {
    const found = lines.map((line) => JSON.parse(line) as Record<string, unknown>).find(test);
    if (!found) throw new Error(`no such answer in:\n${lines.join('\n')}`);
    return found;
  };

  it('runs every command without an error, each printing one JSON answer', () => {
    expect(lines.length).toBeGreaterThanOrEqual(11);
    for (const line of lines) expect(() => JSON.parse(line)).not.toThrow();
  });

  it('creates the flag, turns it on in production and rolls it out to 30%', () => {
    expect(answer((b) => b.rollout_percentage === 30)).toMatchObject({
      feature_key: 'new-checkout',
      enabled: true,
    });
  });

  it('gives the overridden tester the flag through the native API', () => {
    const native = answer(
      (b) => b.identifier === 'ada@example.com' && typeof b.flags === 'object' && !Array.isArray(b.flags),
    );
    expect(native.flags).toMatchObject({ 'new-checkout': { enabled: true, value: true } });
  });

  it('gives the beta plan the flag through Flagsmith, OFREP and Statsig', () => {
    const flagsmith = answer((b) => b.identifier === 'bob');
    expect(flagsmith.flags).toEqual([
      expect.objectContaining({ enabled: true, feature: expect.objectContaining({ name: 'new-checkout' }) }),
    ]);
    expect(answer((b) => b.key === 'new-checkout' && 'value' in b)).toMatchObject({
      value: true,
      reason: 'TARGETING_MATCH',
    });
    expect(answer((b) => 'feature_gates' in b).feature_gates).toMatchObject({
      'new-checkout': { value: true },
    });
  });

  it('hands every rule, rollout included, to the server key', () => {
    const document = answer((b) => 'context' in b) as {
      context: { segments: Record<string, { name: string }> };
    };
    const names = Object.values(document.context.segments).map((s) => s.name);
    expect(names).toContain('beta plan');
    expect(names).toContain('30% rollout of new-checkout');
  });
});
