/**
 * `@pennon/react`: `<PennonProvider>` and hooks over `@pennon/js`, server rendering through the
 * bootstrap path.
 * @module
 */

export { type Assignment, useExperiment, useFlag, useFlagValue } from './hooks.js';
export { PennonProvider, type PennonProviderProps, usePennon } from './provider.js';
