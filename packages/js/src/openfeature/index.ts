/**
 * `@pennon/js/openfeature`: the OpenFeature web provider (needs `@openfeature/web-sdk`).
 * @module
 */
export { PennonWebProvider } from './provider.js';
