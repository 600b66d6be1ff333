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

  it('stays with work still running while other work as other actors starts and settles', async () => {
    const bob: Actor = { kind: 'token', id: 'tok_bob', organisationId: 'org_1' };
    let release: () => void = () => {};
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    const slow = runAs(alice, async () => {
      await gate;
      await new Promise((resolve) => setTimeout(resolve, 1));
      return currentActor();
    });
    // Bob's work starts after Alice's and settles first, and once more after that.
    expect(await runAs(bob, async () => currentActor())).toEqual(bob);
    expect(runAs(bob, () => currentActor())).toEqual(bob);
    release();
    expect(await slow).toEqual(alice);
    // Everything settled; the next work is still its actor's, and outside it nobody is.
    expect(await runAs(bob, async () => currentActor())).toEqual(bob);
    expect(currentActor()).toEqual(SYSTEM_ACTOR);
  });

  it('settles work that throws, and keeps serving actors after it', async () => {
    expect(() =>
      runAs(alice, () => {
        throw new Error('refused');
      }),
    ).toThrow('refused');
    await expect(runAs(alice, async () => Promise.reject(new Error('rolled back')))).rejects.toThrow(
      'rolled back',
    );
    expect(await runAs(alice, async () => currentActor())).toEqual(alice);
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
    // Concurrent requests: each handler keeps its own actor whichever finishes first.
    const [first, second] = await Promise.all([
      app.inject({ method: 'POST', url: '/change', headers: { 'x-who': 'alice' }, payload: {} }),
      app.inject({ method: 'POST', url: '/change', payload: {} }),
    ]);
    expect([first.json(), second.json()]).toEqual([{ actor: alice }, { actor: SYSTEM_ACTOR }]);
    await app.close();
  });
});
