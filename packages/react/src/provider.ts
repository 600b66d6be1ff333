import { PennonClient, type PennonClientOptions } from '@pennon/js';
import { createContext, createElement, type ReactNode, useContext, useEffect, useState } from 'react';

const PennonContext = createContext<PennonClient | null>(null);

/** Either a client made elsewhere, or the options to make one. */
export type PennonProviderProps = { children?: ReactNode } & (
  | { client: PennonClient; options?: never }
  | { options: PennonClientOptions; client?: never }
);

/**
 * Makes a Pennon client available to the hooks below it. The client connects in an effect, so
 * server rendering does no I/O: pass `options.bootstrap` (values computed on the server, e.g.
 * `pennon.getAllFlags(user)` of `@pennon/node`) on both sides and hydration renders exactly what
 * the server did, with no flicker.
 * @example
 * <PennonProvider options={{ clientKey, url, user, bootstrap }}>
 *   <App />
 * </PennonProvider>
 */
export function PennonProvider(props: PennonProviderProps) {
  const [client] = useState(() => props.client ?? new PennonClient(props.options as PennonClientOptions));
  useEffect(() => {
    void client.start();
    // Paused, not closed: React may run effects twice in development and remount later.
    return () => client.stop();
  }, [client]);
  return createElement(PennonContext.Provider, { value: client }, props.children);
}

/**
 * The client of the nearest `PennonProvider`, for `identify`, `track` and the like.
 * @example
 * const pennon = usePennon();
 * pennon.track('purchase', 49.9);
 */
export function usePennon(): PennonClient {
  const client = useContext(PennonContext);
  if (!client) throw new Error('usePennon and the flag hooks need a <PennonProvider> above them.');
  return client;
}
