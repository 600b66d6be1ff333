import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { access } from '../auth/access.js';
import { type AdminPrincipal, principal } from '../auth/admin-auth.js';
import type { AppContext } from '../context.js';
import { withExample } from '../http/openapi.js';
import { pageExample } from '../http/openapi-examples.js';
import { adminErrors, Page } from '../http/schemas.js';
import { AuditRepository } from './audit.repository.js';
import { AuditParams, AuditQuery, AuditRecord } from './audit.schema.js';
import { type AuditReader, AuditService } from './audit.service.js';

const auditExample: AuditRecord = {
  id: '019c9c1a2b300000a1b2c3d4e5f60718',
  at: '2026-03-02T09:15:00.000Z',
  actor: { kind: 'token', id: '019c9a1e3f200000a41f5c2b7d9e0813' },
  resource_type: 'feature_state',
  resource_id: '019c9b0d4e100000c3e0a9b8f7d61245',
  action: 'update',
  project_id: '019c9a1e3f200000a41f5c2b7d9e0813',
  environment_id: '019c9a1e3f210000b52a6d3c8e0f1924',
  before: { feature_key: 'checkout-v2', enabled: false, value: 'classic' },
  after: { feature_key: 'checkout-v2', enabled: true, value: 'classic' },
};

/**
 * Admin API: `/audit-log`, read only. No route writes, edits or deletes a record: they are
 * written by the transaction of each change (audit.record.ts).
 */
export function auditRoutes(ctx: AppContext): FastifyPluginAsyncTypebox {
  const service = new AuditService(new AuditRepository(ctx.db));
  return async (app) => {
    const tags = ['audit'];
    app.get(
      '/audit-log',
      {
        config: access('audit.read'),
        schema: {
          tags,
          summary: 'Read the audit log',
          description:
            'Every change made through the admin API, imports, change requests, scheduled changes and ' +
            'the command line, newest first: who (user, admin token or system), when, what, and the ' +
            'resource before and after (secrets masked). Filters combine with AND; `from`/`to` bound ' +
            'the time. Owners and admins read every record; a member reads the records of the projects ' +
            'they have a role in (a `project_id` of another project is 403).',
          querystring: AuditQuery,
          response: { 200: withExample(Page(AuditRecord), pageExample(auditExample)), ...adminErrors },
        },
      },
      (request) => {
        const who = principal(request);
        return service.list(who.organisationId, request.query, readerOf(who));
      },
    );
    app.get(
      '/audit-log/:id',
      {
        config: access('audit.read'),
        schema: {
          tags,
          summary: 'Get one audit record',
          params: AuditParams,
          response: { 200: withExample(AuditRecord, auditExample), ...adminErrors },
        },
      },
      (request) => {
        const who = principal(request);
        return service.get(who.organisationId, request.params.id, readerOf(who));
      },
    );
  };
}

/** Owners and admins (people and tokens) read everything; members, their projects' records. */
function readerOf(who: AdminPrincipal): AuditReader {
  return who.role === 'member'
    ? { everything: false, projects: [...who.projects.keys()] }
    : { everything: true };
}
