/**
 * A tiny typed event emitter: SDKs tell applications about readiness, changes, staleness and
 * errors through it. A listener that throws is isolated: it never breaks the SDK or the
 * other listeners.
 * @example
 * const events = new Emitter<{ change: { keys: string[] } }>();
 * const off = events.on('change', ({ keys }) => console.log(keys));
 * events.emit('change', { keys: ['banner'] });
 * off();
 */
export class Emitter<Events extends object> {
  private readonly listeners = new Map<keyof Events, Set<(payload: never) => void>>();

  /**
   * Adds a listener; returns the function that removes it.
   * @example
   * const off = emitter.on('ready', () => start()); off();
   */
  on<K extends keyof Events>(event: K, listener: (payload: Events[K]) => void): () => void {
    let set = this.listeners.get(event);
    if (!set) {
      set = new Set();
      this.listeners.set(event, set);
    }
    set.add(listener as (payload: never) => void);
    return () => this.off(event, listener);
  }

  /**
   * Removes a listener added with `on`.
   * @example
   * emitter.off('ready', start);
   */
  off<K extends keyof Events>(event: K, listener: (payload: Events[K]) => void): void {
    this.listeners.get(event)?.delete(listener as (payload: never) => void);
  }

  /**
   * Calls every listener of `event` with `payload`.
   * @example
   * emitter.emit('error', { error: new Error('offline') });
   */
  emit<K extends keyof Events>(event: K, payload: Events[K]): void {
    const set = this.listeners.get(event);
    if (!set) return;
    for (const listener of [...set]) {
      try {
        (listener as (payload: Events[K]) => void)(payload);
      } catch {
        // An application's listener must not break the SDK; it owns its own errors.
      }
    }
  }

  /**
   * Drops every listener, e.g. on close, so nothing the application passed is kept alive.
   * @example
   * emitter.clear();
   */
  clear(): void {
    this.listeners.clear();
  }
}
