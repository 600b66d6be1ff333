import {
  type ErrorCode,
  type EvaluationContext,
  type JsonValue,
  OpenFeatureEventEmitter,
  type Provider,
  ProviderEvents,
  type ResolutionDetails,
  type TrackingEventDetails,
} from '@openfeature/web-sdk';
import { toOpenFeature, userFromContext, type ValueKind } from '@pennon/sdk-core';
import { PennonClient } from '../client.js';
import type { PennonClientOptions } from '../options.js';

/**
 * An OpenFeature web provider over `@pennon/js`: the evaluation context is the user
 * (`targetingKey` the identifier, other attributes traits); a context change refetches;
 * resolutions are synchronous reads of the precomputed values. Emits CONFIGURATION_CHANGED on
 * live updates, STALE when the server cannot be reached, ERROR for recovered failures.
 * @example
 * await OpenFeature.setProviderAndWait(new PennonWebProvider({ clientKey, url }), { targetingKey: 'user-1' });
 * OpenFeature.getClient().getBooleanValue('dark_mode', false);
 */
export class PennonWebProvider implements Provider {
  readonly metadata = { name: 'pennon' } as const;
  readonly runsOn = 'client' as const;
  readonly events = new OpenFeatureEventEmitter();
  readonly client: PennonClient;
  private readonly unsubscribe: (() => void)[] = [];

  constructor(options: Omit<PennonClientOptions, 'user'>) {
    this.client = new PennonClient(options);
  }

  /** Called by OpenFeature with the first context; resolves when the client is ready. */
  async initialize(context?: EvaluationContext): Promise<void> {
    const user = userFromContext(context);
    if (user || this.client.getUser()) await this.client.identify(user);
    await this.client.start();
    this.unsubscribe.push(
      this.client.on('change', () => this.events.emit(ProviderEvents.ConfigurationChanged, {})),
      this.client.on('stale', ({ error }) =>
        this.events.emit(ProviderEvents.Stale, { message: messageOf(error) }),
      ),
      this.client.on('error', ({ error }) =>
        this.events.emit(ProviderEvents.Error, { message: messageOf(error) }),
      ),
    );
  }

  /** OpenFeature calls this on `setContext`: fetch the new user's values. */
  async onContextChange(_old: EvaluationContext, context: EvaluationContext): Promise<void> {
    await this.client.identify(userFromContext(context));
  }

  async onClose(): Promise<void> {
    for (const off of this.unsubscribe.splice(0)) off();
    await this.client.close();
  }

  resolveBooleanEvaluation(key: string, defaultValue: boolean) {
    return this.resolve(key, 'boolean', defaultValue);
  }

  resolveStringEvaluation(key: string, defaultValue: string) {
    return this.resolve(key, 'string', defaultValue);
  }

  resolveNumberEvaluation(key: string, defaultValue: number) {
    return this.resolve(key, 'number', defaultValue);
  }

  resolveObjectEvaluation<T extends JsonValue>(key: string, defaultValue: T) {
    return this.resolve(key, 'object', defaultValue);
  }

  /** OpenFeature's tracking API: `value` and the other details go to `client.track`. */
  track(name: string, _context: EvaluationContext, details: TrackingEventDetails): void {
    const { value, ...properties } = details ?? {};
    this.client.track(name, value, Object.keys(properties).length > 0 ? properties : undefined);
  }

  private resolve<T>(key: string, kind: ValueKind, defaultValue: T): ResolutionDetails<T> {
    const details = toOpenFeature(this.client.resolve(key, kind, defaultValue));
    return { ...details, errorCode: details.errorCode as ErrorCode | undefined };
  }
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
