import type { FastifyInstance } from 'fastify';
import type { KeyDirectory } from './auth/environment-keys.js';
import type { Config } from './config.js';
import type { SdkContext } from './context.js';
import { flagsmithFastLanes } from './evaluation/protocols/flagsmith.fast-lane.js';
import { flagsmithRoutes } from './evaluation/protocols/flagsmith.routes.js';
import { flagsmithSseRoutes } from './evaluation/protocols/flagsmith-sse.routes.js';
import { nativeFastLanes } from './evaluation/protocols/native.fast-lane.js';
import { nativeSdkRoutes } from './evaluation/protocols/native.routes.js';
import { nativeStreamRoutes } from './evaluation/protocols/native-stream.routes.js';
import { ofrepFastLanes } from './evaluation/protocols/ofrep.fast-lane.js';
import { ofrepRoutes } from './evaluation/protocols/ofrep.routes.js';
import { statsigFastLanes } from './evaluation/protocols/statsig.fast-lane.js';
import { statsigRoutes } from './evaluation/protocols/statsig.routes.js';
import { SdkFastLane } from './evaluation/sdk-fast-lane.js';
import { SdkGuard } from './evaluation/sdk-guard.js';
import { eventsSdkRoutes } from './events/events.routes.js';

const NATIVE = '/api/sdk/v1';
const FLAGSMITH = '/api/v1';
const OFREP = '/ofrep/v1';
const STATSIG = '/v1';

/**
 * Every SDK protocol, each a thin adapter over `ctx.evaluation`, at the addresses clients
 * expect, and the fast lane in front of the hottest ones (evaluation/sdk-fast-lane.ts).
 * `pennon serve` and `pennon edge` both register exactly this. Register new ones here.
 */
export async function registerSdkRoutes(app: FastifyInstance, ctx: SdkContext): Promise<SdkFastLane> {
  await app.register(eventsSdkRoutes(ctx), { prefix: NATIVE });
  await app.register(statsigRoutes(ctx), { prefix: STATSIG });
  // Flagsmith's clients open the stream on their realtime host (`/sse/…`); under /api/v1 it
  // serves clients configured with the API address.
  await app.register(flagsmithSseRoutes(ctx));
  await app.register(flagsmithSseRoutes(ctx), { prefix: FLAGSMITH });
  await app.register(nativeStreamRoutes(ctx), { prefix: NATIVE });
  await app.register(nativeSdkRoutes(ctx), { prefix: NATIVE });
  await app.register(flagsmithRoutes(ctx), { prefix: FLAGSMITH });
  await app.register(ofrepRoutes(ctx), { prefix: OFREP });
  const lane = new SdkFastLane(app, ctx.sdkGuard);
  const lanes = [
    ...flagsmithFastLanes(ctx, FLAGSMITH),
    ...nativeFastLanes(ctx, NATIVE),
    ...ofrepFastLanes(ctx, OFREP),
    ...statsigFastLanes(ctx, STATSIG),
  ];
  for (const route of lanes) lane.add(route);
  lane.install();
  return lane;
}

/** The front door of the SDK routes, with the configured rate limits. */
export function sdkGuard(
  keys: KeyDirectory,
  config: Pick<Config, 'sdkRateLimit' | 'sdkAddressRateLimit' | 'eventBytesPerSecond'>,
): SdkGuard {
  return new SdkGuard(keys, {
    perKey: perSecond(config.sdkRateLimit),
    perAddress: perSecond(config.sdkAddressRateLimit),
    // A minute's worth at once: batching SDKs send seldom and large.
    eventBytes: { perSecond: config.eventBytesPerSecond, burst: 60 * config.eventBytesPerSecond },
  });
}

/** A rate of `n` per second with a burst of two seconds' worth; 0 means no limit. */
function perSecond(n: number) {
  return n > 0 ? { perSecond: n, burst: 2 * n } : (false as const);
}
