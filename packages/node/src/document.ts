import { readFileSync } from 'node:fs';
import { type CompiledEnvironment, compile, type EvaluationContext } from '@pennon/engine';

/**
 * The environment document of `GET /api/sdk/v1/environment-document`: every rule of one
 * environment as the engine's evaluation context, and each feature's declared type.
 * @example
 * const document: EnvironmentDocument = JSON.parse(fs.readFileSync('document.json', 'utf8'));
 */
export interface EnvironmentDocument {
  environment: { id: string; name: string; updated_at: string };
  context: EvaluationContext;
  feature_types?: Record<string, string>;
}

/** A document compiled for evaluation, with what reads need beside the engine. */
export interface LoadedDocument {
  document: EnvironmentDocument;
  compiled: CompiledEnvironment;
  /** Feature key → declared type (missing types count as non-boolean, as Flagsmith's do). */
  types: ReadonlyMap<string, string>;
  /** The ETag it was served with; undefined for a bootstrap document. */
  etag: string | undefined;
}

/**
 * Checks and compiles a document. Throws with a clear message when it is not one, so a
 * corrupt bootstrap file is caught at start rather than at the first read.
 * @example
 * const loaded = loadDocument(JSON.parse(text), response.headers.get('etag') ?? undefined);
 */
export function loadDocument(document: unknown, etag: string | undefined): LoadedDocument {
  const candidate = document as Partial<EnvironmentDocument> | null;
  if (
    typeof candidate !== 'object' ||
    candidate === null ||
    typeof candidate.context !== 'object' ||
    candidate.context === null ||
    typeof candidate.environment !== 'object'
  ) {
    throw new Error('Not a Pennon environment document: expected {environment, context, feature_types}.');
  }
  const valid = candidate as EnvironmentDocument;
  return {
    document: valid,
    compiled: compile(valid.context),
    types: new Map(Object.entries(valid.feature_types ?? {})),
    etag,
  };
}

/**
 * A bootstrap document given as an object or as the path of a JSON file (e.g. one saved from
 * `GET /api/sdk/v1/environment-document` at deploy time), for starting without the server.
 * @example
 * readBootstrap({ file: './pennon-document.json' });
 */
export function readBootstrap(bootstrap: EnvironmentDocument | { file: string }): LoadedDocument {
  if ('file' in bootstrap && typeof bootstrap.file === 'string') {
    return loadDocument(JSON.parse(readFileSync(bootstrap.file, 'utf8')), undefined);
  }
  return loadDocument(bootstrap, undefined);
}
