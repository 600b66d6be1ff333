import { type Static, Type } from 'typebox';
import { Id, PageQuery, Ref } from '../http/schemas.js';
import { EVENT_GROUPS } from './webhook-events.js';

const Events = Type.Array(Type.Enum([...EVENT_GROUPS]), {
  minItems: 1,
  uniqueItems: true,
  description:
    '`flags` (features and their states), `segments`, `overrides` (segment and identity ' +
    'overrides), `change_requests` (change requests and scheduled changes: proposed, approved, ' +
    'committed, applied…), `audit` (every audit record in scope, whatever the resource).',
});
/** Checked further by webhook-url.ts: http(s) only, no credentials. */
const Url = Type.String({
  minLength: 1,
  maxLength: 2000,
  description: 'http:// or https:// address that receives POSTs.',
});
const Description = Type.String({ maxLength: 2000 });

export const Webhook = Type.Object(
  {
    id: Type.String(),
    project_id: Type.String(),
    environment_id: Type.Union([Type.String(), Type.Null()], {
      description: 'Null: every environment of the project.',
    }),
    url: Type.String(),
    events: Type.Array(Type.Enum([...EVENT_GROUPS])),
    enabled: Type.Boolean(),
    description: Type.String(),
    created_at: Type.String(),
    updated_at: Type.String(),
  },
  { $id: 'Webhook' },
);
export type Webhook = Static<typeof Webhook>;

/** Only the creation's answer carries the secret: it is never shown again. */
export const CreatedWebhook = Type.Object({
  ...Webhook.properties,
  secret: Type.String({ description: 'HMAC-SHA256 key of the signature header; shown only now.' }),
});
export type CreatedWebhook = Static<typeof CreatedWebhook>;

export const CreateWebhook = Type.Object(
  {
    url: Url,
    /** An id or key of an environment of the project; absent: the whole project. */
    environment_id: Type.Optional(Ref),
    events: Type.Optional(Events),
    enabled: Type.Optional(Type.Boolean()),
    description: Type.Optional(Description),
  },
  { additionalProperties: false },
);
export type CreateWebhook = Static<typeof CreateWebhook>;

/** The scope (project, environment) is fixed at creation: create another webhook instead. */
export const UpdateWebhook = Type.Object(
  {
    url: Type.Optional(Url),
    events: Type.Optional(Events),
    enabled: Type.Optional(Type.Boolean()),
    description: Type.Optional(Description),
  },
  { additionalProperties: false },
);
export type UpdateWebhook = Static<typeof UpdateWebhook>;

export const DELIVERY_STATUSES = ['pending', 'delivered', 'failed'] as const;

export const WebhookDelivery = Type.Object(
  {
    id: Type.String({
      description: 'Also sent as the X-Pennon-Delivery header: receivers deduplicate by it.',
    }),
    webhook_id: Type.String(),
    event: Type.String({
      description: 'e.g. `feature.update`, `segment_override.delete`, `change_request.approve`, `ping`.',
    }),
    audit_id: Type.Union([Type.String(), Type.Null()]),
    status: Type.Enum([...DELIVERY_STATUSES]),
    attempts: Type.Integer(),
    next_attempt_at: Type.Union([Type.String(), Type.Null()], {
      description: 'Null once delivered or failed.',
    }),
    response_code: Type.Union([Type.Integer(), Type.Null()]),
    response_body: Type.Union([Type.String(), Type.Null()], { description: 'The last answer, truncated.' }),
    error: Type.Union([Type.String(), Type.Null()]),
    created_at: Type.String(),
    completed_at: Type.Union([Type.String(), Type.Null()]),
  },
  { $id: 'WebhookDelivery' },
);
export type WebhookDelivery = Static<typeof WebhookDelivery>;

export const DeliveriesQuery = Type.Object(
  { ...PageQuery.properties, status: Type.Optional(Type.Enum([...DELIVERY_STATUSES])) },
  { additionalProperties: false },
);
export type DeliveriesQuery = Static<typeof DeliveriesQuery>;

export const WebhookParams = Type.Object({ id: Id });
