import Fastify from 'fastify';
import { describe, expect, it } from 'vitest';
import { type Actor, currentActor, handleAsActor, runAs, SYSTEM_ACTOR } from './actor.js';

const alice: Actor = { kind: 'user', id: 'usr_alice', organisationId: 'org_1' };

describe('the actor of a change', () => {
  it('is the system when nothing set one', () => {
    expect(currentActor()).toEqual(SYSTEM_ACTOR);
  });

  it('is whoever runAs names, through awaits, and only inside', async () => {
    const seen = await runAs(alice, async () => {
      await new Promise((resolve) => setTimeout(resolve, 1));
      await Promise.resolve();
      return currentActor();
    });
    expect(seen).toEqual(alice);
    expect(currentActor()).toEqual(SYSTEM_ACTOR);
  });

  it('is the authenticated actor in a route handler, after the body is parsed and across awaits', async () => {
    const app = Fastify();
    app.addHook('onRequest', async (request) => {
      if (request.headers['x-who'] === 'alice') request.actor = alice;
    });
    handleAsActor(app);
    app.post('/change', async () => {
      await new Promise((resolve) => setImmediate(resolve));
      return { actor: currentActor() };
    });
    const asAlice = await app.inject({
      method: 'POST',
      url: '/change',
      headers: { 'x-who': 'alice' },
      payload: { big: 'x'.repeat(100_000) },
    });
    expect(asAlice.json()).toEqual({ actor: alice });
    const anonymous = await app.inject({ method: 'POST', url: '/change', payload: {} });
    expect(anonymous.json()).toEqual({ actor: SYSTEM_ACTOR });
    await app.close();
  });
});
