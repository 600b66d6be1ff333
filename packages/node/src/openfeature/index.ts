/**
 * `@pennon/node/openfeature`: the OpenFeature server provider (needs `@openfeature/server-sdk`).
 * @module
 */
export { PennonProvider } from './provider.js';
