import type { paths } from './api-schema.js';

/**
 * Names for the admin API's shapes, all derived from the generated `paths` (never restated):
 * `ResponseOf<'/api/admin/v1/features/{id}', 'get'>` is what that operation answers with.
 */
type Operation<P extends keyof paths, M extends keyof paths[P]> = paths[P][M];
type JsonOf<T> = T extends { content: { 'application/json': infer J } } ? J : never;
type Responses<O> = O extends { responses: infer R } ? R : never;

export type ResponseOf<P extends keyof paths, M extends keyof paths[P]> =
  JsonOf<Responses<Operation<P, M>>[200 & keyof Responses<Operation<P, M>>]> extends never
    ? JsonOf<Responses<Operation<P, M>>[201 & keyof Responses<Operation<P, M>>]>
    : JsonOf<Responses<Operation<P, M>>[200 & keyof Responses<Operation<P, M>>]>;

export type BodyOf<P extends keyof paths, M extends keyof paths[P]> =
  Operation<P, M> extends {
    requestBody?: infer B;
  }
    ? JsonOf<NonNullable<B>>
    : never;

const A = '/api/admin/v1';
type Item<T> = T extends { items: (infer I)[] } ? I : never;

export type Project = ResponseOf<`${typeof A}/projects/{id}`, 'get'>;
export type Environment = ResponseOf<`${typeof A}/environments/{id}`, 'get'>;
export type Feature = ResponseOf<`${typeof A}/features/{id}`, 'get'>;
export type FeatureType = Feature['type'];
export type NewFeature = BodyOf<`${typeof A}/projects/{projectId}/features`, 'post'>;
export type FeatureState = ResponseOf<
  `${typeof A}/environments/{environmentId}/feature-states/{featureId}`,
  'get'
>;
export type FeatureStatePatch = BodyOf<
  `${typeof A}/environments/{environmentId}/feature-states/{featureId}`,
  'patch'
>;
export type Variant = FeatureState['variants'][number];
export type Segment = ResponseOf<`${typeof A}/segments/{id}`, 'get'>;
export type NewSegment = BodyOf<`${typeof A}/projects/{projectId}/segments`, 'post'>;
export type SegmentRuleInput = NonNullable<NewSegment['rules']>[number];
export type SegmentOverride = Item<
  ResponseOf<`${typeof A}/environments/{environmentId}/segment-overrides`, 'get'>
>;
export type NewSegmentOverride = BodyOf<`${typeof A}/environments/{environmentId}/segment-overrides`, 'post'>;
export type SegmentOverridePatch = BodyOf<
  `${typeof A}/environments/{environmentId}/segment-overrides/{id}`,
  'patch'
>;
export type IdentitySummary = Item<ResponseOf<`${typeof A}/environments/{environmentId}/identities`, 'get'>>;
export type Identity = ResponseOf<`${typeof A}/environments/{environmentId}/identities/{id}`, 'get'>;
export type IdentityOverride = Identity['overrides'][number];
export type ServerKey = Item<ResponseOf<`${typeof A}/environments/{id}/server-keys`, 'get'>>;
export type NewServerKey = ResponseOf<`${typeof A}/environments/{id}/server-keys`, 'post'>;
export type Experiment = ResponseOf<
  `${typeof A}/environments/{environmentId}/experiments/{experiment}`,
  'get'
>;
export type NewExperiment = BodyOf<`${typeof A}/environments/{environmentId}/experiments`, 'post'>;
export type ExperimentResults = ResponseOf<
  `${typeof A}/environments/{environmentId}/experiments/{experiment}/results`,
  'get'
>;
export type Metric = ResponseOf<`${typeof A}/projects/{projectId}/metrics/{metric}`, 'get'>;
export type IdentityEvaluation = ResponseOf<
  `${typeof A}/environments/{environmentId}/identities/{id}/evaluation`,
  'get'
>;
export type EvaluatedFlag = IdentityEvaluation['flags'][number];
export type FeatureIdentityOverride = Item<
  ResponseOf<`${typeof A}/environments/{environmentId}/identity-overrides`, 'get'>
>;
export type FlagUsage = ResponseOf<`${typeof A}/environments/{environmentId}/flag-usage`, 'get'>;
export type FeatureUsage = FlagUsage['items'][number];
export type ExperimentSummary = Item<
  ResponseOf<`${typeof A}/environments/{environmentId}/experiments`, 'get'>
>;
export type NewMetric = BodyOf<`${typeof A}/projects/{projectId}/metrics`, 'post'>;
export type NewChangeRequest = BodyOf<`${typeof A}/environments/{environmentId}/change-requests`, 'post'>;
export type Change = NewChangeRequest['changes'][number];
export type AuditRecord = Item<ResponseOf<`${typeof A}/audit-log`, 'get'>>;
