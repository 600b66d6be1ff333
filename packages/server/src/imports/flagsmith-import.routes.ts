import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { principal } from '../auth/admin-auth.js';
import type { AppContext } from '../context.js';
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
        bodyLimit: DOCUMENT_LIMIT_BYTES,
        schema: {
          tags: ['imports'],
          body: FlagsmithEnvironmentDocument,
          response: { 201: ImportResult, ...adminErrors },
        },
      },
      async (request, reply) =>
        reply.status(201).send(await service.import(principal(request).organisationId, request.body)),
    );
  };
}
