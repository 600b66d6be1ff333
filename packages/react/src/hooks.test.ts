// @vitest-environment happy-dom
import net from 'node:net';
import { type Flag, PennonClient } from '@pennon/js';
import { act, createElement, type ReactNode } from 'react';
import { createRoot, type Root } from 'react-dom/client';
import { renderToString } from 'react-dom/server';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { useExperiment, useFlag, useFlagValue } from './hooks.js';
import { PennonProvider, usePennon } from './provider.js';

/**
 * The hooks over a real `PennonClient` in a DOM (happy-dom): what they render from bootstrapped
 * values, and that they re-render when the client's values change and only then. The client's
 * server is a closed port, so every fetch fails: values change only through `identify`.
 */

(globalThis as { IS_REACT_ACT_ENVIRONMENT?: boolean }).IS_REACT_ACT_ENVIRONMENT = true;

const flag = (key: string, value: unknown, extra: Partial<Flag> = {}): Flag => ({
  key,
  type: typeof value === 'boolean' ? 'boolean' : 'string',
  enabled: true,
  value,
  reason: 'DEFAULT',
  variant: null,
  ...extra,
});

const bootstrap = {
  user: { identifier: 'ada' },
  flags: {
    dark_mode: flag('dark_mode', true),
    banner: flag('banner', 'rendered'),
    checkout: flag('checkout', 'express', { variant: 'express', reason: 'SPLIT; weight=50' }),
  },
};

let downUrl: string;
let root: Root | undefined;
const clients: PennonClient[] = [];

beforeAll(async () => {
  const probe = net.createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  downUrl = `http://127.0.0.1:${(probe.address() as net.AddressInfo).port}`;
  await new Promise<void>((resolve) => probe.close(() => resolve()));
});

afterEach(async () => {
  act(() => root?.unmount());
  root = undefined;
  await Promise.all(clients.splice(0).map((client) => client.close()));
});

const newClient = (): PennonClient => {
  const client = new PennonClient({
    clientKey: 'pk_test',
    url: downUrl,
    stream: false,
    pollIntervalMs: 3_600_000,
    storage: null,
    bootstrap,
    events: { exposures: false },
  });
  clients.push(client);
  return client;
};

/** Renders every hook once per render, recording what each render saw. */
function Probe(props: { renders: unknown[] }): ReactNode {
  const dark = useFlag('dark_mode');
  const banner = useFlagValue('banner', 'fallback');
  const mismatch = useFlagValue('banner', 7);
  const checkout = useExperiment<string>('checkout');
  props.renders.push({ dark, banner, mismatch, variant: checkout.variant });
  return createElement('p', { id: 'probe' }, `${dark ? 'dark' : 'light'} ${banner} ${checkout.variant}`);
}

/** A component with no provider above it. */
function Orphan(): ReactNode {
  usePennon();
  return null;
}

const mount = async (client: PennonClient, renders: unknown[]): Promise<HTMLElement> => {
  const container = document.createElement('div');
  document.body.append(container);
  root = createRoot(container);
  await act(async () => {
    root?.render(createElement(PennonProvider, { client }, createElement(Probe, { renders })));
    // The provider's effect starts the client; its fetch fails against the closed port.
    await client.ready;
  });
  return container;
};

describe('the hooks', () => {
  it('render the bootstrapped values; a value of another type falls back to the default', async () => {
    const renders: unknown[] = [];
    const container = await mount(newClient(), renders);
    expect(container.textContent).toBe('dark rendered express');
    expect(renders.at(-1)).toEqual({ dark: true, banner: 'rendered', mismatch: 7, variant: 'express' });
  });

  it('re-render when the values change, and not when a refetch fails or brings the same values', async () => {
    const client = newClient();
    const errors: unknown[] = [];
    client.on('error', ({ error }) => errors.push(error));
    const renders: unknown[] = [];
    const container = await mount(client, renders);
    const settled = renders.length;

    // A failed refetch keeps the values: reported, but nothing to re-render.
    await act(() => client.setTraits({ plan: 'pro' }));
    expect(errors.length).toBeGreaterThan(0);
    expect(renders).toHaveLength(settled);

    // Another user, with nothing cached and the server down: defaults, one re-render.
    await act(() => client.identify({ identifier: 'bea' }));
    expect(container.textContent).toBe('light fallback null');
    expect(renders).toHaveLength(settled + 1);
    expect(renders.at(-1)).toEqual({ dark: false, banner: 'fallback', mismatch: 7, variant: null });

    // A third with the same (default) values: no change, no render.
    await act(() => client.identify({ identifier: 'cal' }));
    expect(renders).toHaveLength(settled + 1);
  });

  it('render on the server from bootstrap alone, with no I/O', () => {
    const client = newClient();
    const html = renderToString(
      createElement(PennonProvider, { client }, createElement(Probe, { renders: [] })),
    );
    expect(html).toBe('<p id="probe">dark rendered express</p>');
    // Effects do not run on the server: the client was never started.
    expect(client.source).toBe('bootstrap');
  });

  it('need a provider above them, and say so', () => {
    expect(() => renderToString(createElement(Orphan))).toThrow(
      'usePennon and the flag hooks need a <PennonProvider> above them.',
    );
  });
});
