import {
  type ErrorCode,
  type EvaluationContext,
  type JsonValue,
  OpenFeatureEventEmitter,
  type Provider,
  ProviderEvents,
  type ResolutionDetails,
  type TrackingEventDetails,
} from '@openfeature/server-sdk';
import { toOpenFeature, userFromContext, type ValueKind } from '@pennon/sdk-core';
import type { PennonOptions } from '../options.js';
import { Pennon } from '../pennon.js';

/**
 * An OpenFeature server provider over `@pennon/node`: local evaluation, so every resolution is
 * synchronous underneath. `targetingKey` is the user's identifier, other attributes are traits.
 * Emits READY, CONFIGURATION_CHANGED (a new document), STALE (server unreachable; last good
 * document in use), READY again on recovery, and ERROR for failures the SDK recovered from.
 * @example
 * await OpenFeature.setProviderAndWait(new PennonProvider({ serverKey, url }));
 * const client = OpenFeature.getClient();
 * await client.getStringValue('checkout_color', 'blue', { targetingKey: 'user-1', plan: 'pro' });
 */
export class PennonProvider implements Provider {
  readonly metadata = { name: 'pennon' } as const;
  readonly runsOn = 'server' as const;
  readonly events = new OpenFeatureEventEmitter();
  private pennon: Pennon | undefined;
  private readonly owned: boolean;
  private readonly unsubscribe: (() => void)[] = [];

  /** From options (the provider starts and closes the client) or an already started client. */
  constructor(private readonly source: PennonOptions | Pennon) {
    this.owned = !(source instanceof Pennon);
    if (source instanceof Pennon) this.pennon = source;
  }

  /** Called by OpenFeature when the provider is set; resolves once flags can be read. */
  async initialize(): Promise<void> {
    if (!this.pennon) this.pennon = await Pennon.start(this.source as PennonOptions);
    const pennon = this.pennon;
    this.unsubscribe.push(
      pennon.on('change', () => this.events.emit(ProviderEvents.ConfigurationChanged, {})),
      pennon.on('stale', ({ error }) =>
        this.events.emit(ProviderEvents.Stale, { message: messageOf(error) }),
      ),
      pennon.on('fresh', () => this.events.emit(ProviderEvents.Ready, {})),
      pennon.on('error', ({ error }) =>
        this.events.emit(ProviderEvents.Error, { message: messageOf(error) }),
      ),
    );
  }

  /** Stops listening; closes the client (flushing events) if the provider started it. */
  async onClose(): Promise<void> {
    for (const off of this.unsubscribe.splice(0)) off();
    if (this.owned) await this.pennon?.close();
  }

  resolveBooleanEvaluation(key: string, defaultValue: boolean, context: EvaluationContext) {
    return this.resolve(key, 'boolean', defaultValue, context);
  }

  resolveStringEvaluation(key: string, defaultValue: string, context: EvaluationContext) {
    return this.resolve(key, 'string', defaultValue, context);
  }

  resolveNumberEvaluation(key: string, defaultValue: number, context: EvaluationContext) {
    return this.resolve(key, 'number', defaultValue, context);
  }

  resolveObjectEvaluation<T extends JsonValue>(key: string, defaultValue: T, context: EvaluationContext) {
    return this.resolve(key, 'object', defaultValue, context);
  }

  /** OpenFeature's tracking API: `value` and the other details go to `pennon.track`. */
  track(name: string, context: EvaluationContext, details: TrackingEventDetails): void {
    const user = userFromContext(context);
    if (!user) return;
    const { value, ...properties } = details ?? {};
    this.pennon?.track(user, name, value, Object.keys(properties).length > 0 ? properties : undefined);
  }

  private async resolve<T>(
    key: string,
    kind: ValueKind,
    defaultValue: T,
    context: EvaluationContext,
  ): Promise<ResolutionDetails<T>> {
    if (!this.pennon) {
      return { value: defaultValue, reason: 'ERROR', errorCode: 'PROVIDER_NOT_READY' as ErrorCode };
    }
    const details = toOpenFeature(this.pennon.resolve(key, userFromContext(context), kind, defaultValue));
    return { ...details, errorCode: details.errorCode as ErrorCode | undefined };
  }
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
