import { afterEach, expect, it } from 'vitest';
import type { ChangeBus, ConfigChange } from './change-bus.js';

/**
 * The behaviour every change bus must have, run once per implementation (as Hono runs one
 * suite over all its routers): `in-process-change-bus.test.ts`, `postgres-change-bus.test.ts`.
 * `create` gives a new, independent bus; the suite closes it.
 */
export function changeBusCases(create: () => Promise<ChangeBus>): void {
  const open: ChangeBus[] = [];
  const newBus = async () => {
    const bus = await create();
    open.push(bus);
    return bus;
  };
  afterEach(async () => {
    await Promise.all(open.splice(0).map((bus) => bus.close()));
  });

  const change = (n: number, environmentId?: string): ConfigChange => ({
    projectId: `project-${n}`,
    ...(environmentId ? { environmentId } : {}),
    at: new Date(Date.UTC(2025, 0, 1, 0, 0, n)).toISOString(),
  });

  it('delivers a change to every subscriber before publish resolves, exactly once', async () => {
    const bus = await newBus();
    const first: ConfigChange[] = [];
    const second: ConfigChange[] = [];
    bus.subscribe((c) => first.push(c));
    bus.subscribe((c) => second.push(c));
    await bus.publish(change(1, 'env-1'));
    expect(first).toEqual([change(1, 'env-1')]);
    expect(second).toEqual([change(1, 'env-1')]);
    await settle();
    expect(first).toHaveLength(1);
    expect(second).toHaveLength(1);
  });

  it('keeps what a change says: project-level, environment-level, everything', async () => {
    const bus = await newBus();
    const heard: ConfigChange[] = [];
    bus.subscribe((c) => heard.push(c));
    const everything: ConfigChange = { projectId: '*', at: change(3).at, all: true };
    await bus.publish(change(1));
    await bus.publish(change(2, 'env-2'));
    await bus.publish(everything);
    expect(heard).toEqual([change(1), change(2, 'env-2'), everything]);
    expect('environmentId' in (heard[0] as object)).toBe(false);
  });

  it('delivers changes in the order they were published', async () => {
    const bus = await newBus();
    const heard: string[] = [];
    bus.subscribe((c) => heard.push(c.projectId));
    for (let n = 0; n < 20; n++) await bus.publish(change(n));
    expect(heard).toEqual(Array.from({ length: 20 }, (_, n) => `project-${n}`));
  });

  it('stops delivering to a listener that unsubscribed, and only to it', async () => {
    const bus = await newBus();
    const kept: ConfigChange[] = [];
    const dropped: ConfigChange[] = [];
    bus.subscribe((c) => kept.push(c));
    const unsubscribe = bus.subscribe((c) => dropped.push(c));
    await bus.publish(change(1));
    unsubscribe();
    unsubscribe();
    await bus.publish(change(2));
    expect(kept.map((c) => c.projectId)).toEqual(['project-1', 'project-2']);
    expect(dropped.map((c) => c.projectId)).toEqual(['project-1']);
  });

  it('treats the same function subscribed twice as two subscriptions', async () => {
    const bus = await newBus();
    const heard: ConfigChange[] = [];
    const listener = (c: ConfigChange) => heard.push(c);
    const unsubscribeFirst = bus.subscribe(listener);
    bus.subscribe(listener);
    await bus.publish(change(1));
    unsubscribeFirst();
    await bus.publish(change(2));
    expect(heard.map((c) => c.projectId)).toEqual(['project-1', 'project-1', 'project-2']);
  });

  it('keeps delivering to the others when a listener throws', async () => {
    const bus = await newBus();
    const heard: ConfigChange[] = [];
    bus.subscribe(() => {
      throw new Error('listener failure');
    });
    bus.subscribe((c) => heard.push(c));
    await expect(bus.publish(change(1))).resolves.toBeUndefined();
    await bus.publish(change(2));
    expect(heard.map((c) => c.projectId)).toEqual(['project-1', 'project-2']);
  });

  it('delivers nothing after close, and publishing after close does not throw', async () => {
    const bus = await newBus();
    const heard: ConfigChange[] = [];
    bus.subscribe((c) => heard.push(c));
    await bus.close();
    await bus.close();
    await expect(bus.publish(change(1))).resolves.toBeUndefined();
    bus.subscribe((c) => heard.push(c));
    await settle();
    expect(heard).toEqual([]);
  });
}

/** Long enough for a stray second delivery over a local database to show up. */
function settle(): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, 100));
}
