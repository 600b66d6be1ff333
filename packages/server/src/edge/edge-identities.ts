import { type ErrorKind, PennonError, unavailable } from '../errors.js';
import type { IdentityStore, TraitValue } from '../evaluation/evaluation.service.js';
import type { EdgeEnvironments } from './edge-environments.js';

/** What an edge does with identities and the traits SDKs send it. */
export type IdentityMode = 'transient' | 'forward';

type Identity = { identifier: string; traits: Record<string, TraitValue> };

/**
 * `--identities transient` (the default): the edge stores nothing and asks nothing. Every
 * identity is evaluated with the traits its request sent, plus the identity overrides the
 * document carries; stored traits from the upstream are not read, so an SDK that relies on
 * them must send them.
 */
export class TransientIdentities implements IdentityStore {
  async loadForEvaluation(): Promise<undefined> {
    return undefined;
  }

  async identifyAndStoreTraits(
    _environmentId: string,
    identifier: string,
    traits: { key: string; value: TraitValue | null }[],
  ): Promise<Identity> {
    // fromEntries defines own properties, so a trait named `__proto__` is a trait like any other.
    const given = Object.fromEntries(traits.filter((t) => t.value !== null).map((t) => [t.key, t.value]));
    return { identifier, traits: given as Record<string, TraitValue> };
  }
}

/**
 * `--identities forward`: identities and their traits live upstream, as if the SDK had called
 * the upstream itself. The edge reads and writes them through the upstream's Flagsmith
 * identities API with the environment's server key, then evaluates locally as always. Each
 * such request costs a round trip to the upstream and fails with 503 while it is down; the
 * upstream's quotas and rate limit (one server key for all of the edge's clients) apply.
 * Unlike the server, reading an identity's traits upstream also creates the identity there.
 */
export class ForwardedIdentities implements IdentityStore {
  constructor(
    private readonly environments: EdgeEnvironments,
    private readonly timeoutMs: number,
  ) {}

  loadForEvaluation(environmentId: string, identifier: string): Promise<Identity> {
    return this.call(environmentId, `identities/?identifier=${encodeURIComponent(identifier)}`, 'GET');
  }

  identifyAndStoreTraits(
    environmentId: string,
    identifier: string,
    traits: { key: string; value: TraitValue | null }[],
  ): Promise<Identity> {
    return this.call(environmentId, 'identities/', 'POST', {
      identifier,
      traits: traits.map((t) => ({ trait_key: t.key, trait_value: t.value })),
    });
  }

  private async call(
    environmentId: string,
    route: string,
    method: string,
    body?: unknown,
  ): Promise<Identity> {
    const follower = this.environments.follower(environmentId);
    if (!follower) throw unavailable('This environment is not served by this edge any more.');
    const { url, key } = follower.endpoint;
    let response: Response;
    try {
      response = await fetch(`${url.replace(/\/+$/, '')}/api/v1/${route}`, {
        method,
        headers: { 'x-environment-key': key, ...(body ? { 'content-type': 'application/json' } : {}) },
        body: body ? JSON.stringify(body) : undefined,
        signal: AbortSignal.timeout(this.timeoutMs),
      });
    } catch (error) {
      throw unavailable(
        'The upstream keeps identities for this edge and cannot be reached; send the traits as transient ' +
          'ones or try again later.',
        error,
      );
    }
    const answer = (await response.json().catch(() => ({}))) as {
      identifier?: string;
      traits?: { trait_key: string; trait_value: TraitValue }[];
      detail?: string;
      code?: string;
    };
    if (!response.ok) {
      throw new PennonError(
        UPSTREAM_KIND[response.status] ?? 'unavailable',
        answer.code ?? 'upstream_error',
        `The upstream refused the identity (${response.status}): ${answer.detail ?? response.statusText}`,
      );
    }
    const traits = Object.fromEntries((answer.traits ?? []).map((t) => [t.trait_key, t.trait_value]));
    return { identifier: answer.identifier ?? '', traits };
  }
}

/** The upstream's refusals that are the caller's to fix keep their meaning; the rest is 503. */
const UPSTREAM_KIND: Record<number, ErrorKind> = {
  400: 'invalid',
  409: 'conflict',
  413: 'too_large',
  429: 'rate_limited',
};
