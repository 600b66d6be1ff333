import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { access } from '../auth/access.js';
import { principal } from '../auth/admin-auth.js';
import type { AppContext } from '../context.js';
import { withExample } from '../http/openapi.js';
import { exampleIds, exampleKeys } from '../http/openapi-examples.js';
import { flagsmithDocumentExample } from '../http/openapi-sdk-examples.js';
import { adminErrors } from '../http/schemas.js';
import { FlagsmithEnvironmentDocument } from './flagsmith-document.schema.js';
import { FlagsmithImportService } from './flagsmith-import.service.js';

/** Environment documents with hundreds of identity overrides are large; this route alone takes 32 MiB. */
const DOCUMENT_LIMIT_BYTES = 32 * 1024 * 1024;

const ImportResult = Type.Object({
  project_id: Type.String(),
  environment_id: Type.String(),
  client_key: Type.String(),
  server_key: Type.String(),
  created: Type.Boolean(),
  counts: Type.Object({
    features: Type.Integer(),
    segments: Type.Integer(),
    segment_overrides: Type.Integer(),
    identity_overrides: Type.Integer(),
  }),
});

/** Admin API: `POST /imports/flagsmith` takes a Flagsmith environment document. */
export function flagsmithImportRoutes(ctx: AppContext): FastifyPluginAsyncTypebox {
  const service = new FlagsmithImportService(ctx.db, ctx.database.dialect, ctx.changes);
  return async (app) => {
    app.post(
      '/imports/flagsmith',
      {
        config: access('projects.create'),
        bodyLimit: DOCUMENT_LIMIT_BYTES,
        schema: {
          tags: ['imports'],
          summary: 'Import a Flagsmith environment',
          description:
            'Takes the environment document Flagsmith serves at `/api/v1/environment-document/` ' +
            '(fetch it with a server-side key) and creates the project and environment it describes: ' +
            "features, segments, segment and identity overrides. The document's `api_key` stays the " +
            'client key and every hashing seed is kept, so running apps keep working and no user changes ' +
            'variant. Importing again updates in place (`created: false`). Bodies up to 32 MiB.',
          body: withExample(FlagsmithEnvironmentDocument, flagsmithDocumentExample),
          response: {
            201: withExample(ImportResult, {
              project_id: exampleIds.project,
              environment_id: exampleIds.environment,
              client_key: exampleKeys.client,
              server_key: exampleKeys.server,
              created: true,
              counts: { features: 1, segments: 1, segment_overrides: 1, identity_overrides: 0 },
            }),
            ...adminErrors,
          },
        },
      },
      async (request, reply) =>
        reply.status(201).send(await service.import(principal(request).organisationId, request.body)),
    );
  };
}
