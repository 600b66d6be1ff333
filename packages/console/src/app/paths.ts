/** Addresses of the console's screens, in one place so links and the router agree. */
export const paths = {
  signIn: (next?: string) => (next ? `/sign-in?next=${encodeURIComponent(next)}` : '/sign-in'),
  environment: (projectId: string, environmentId: string) =>
    `/p/${encodeURIComponent(projectId)}/e/${encodeURIComponent(environmentId)}`,
  flags: (p: string, e: string) => `${paths.environment(p, e)}/flags`,
  flag: (p: string, e: string, featureId: string) => `${paths.flags(p, e)}/${encodeURIComponent(featureId)}`,
  segments: (p: string, e: string) => `${paths.environment(p, e)}/segments`,
  /** The rule builder for a segment not saved yet: the server takes a segment only with rules. */
  newSegment: (p: string, e: string, name: string) =>
    `${paths.segments(p, e)}/new?name=${encodeURIComponent(name)}`,
  segment: (p: string, e: string, segmentId: string) =>
    `${paths.segments(p, e)}/${encodeURIComponent(segmentId)}`,
  identities: (p: string, e: string) => `${paths.environment(p, e)}/identities`,
  identity: (p: string, e: string, id: string) => `${paths.identities(p, e)}/${encodeURIComponent(id)}`,
  experiments: (p: string, e: string) => `${paths.environment(p, e)}/experiments`,
  experiment: (p: string, e: string, key: string) => `${paths.experiments(p, e)}/${encodeURIComponent(key)}`,
  metrics: (p: string, e: string) => `${paths.environment(p, e)}/metrics`,
  compare: (p: string, e: string) => `${paths.environment(p, e)}/compare`,
  keys: (p: string, e: string) => `${paths.environment(p, e)}/keys`,
  changeRequests: (p: string, e: string) => `${paths.environment(p, e)}/change-requests`,
  changeRequest: (p: string, e: string, id: string) =>
    `${paths.changeRequests(p, e)}/${encodeURIComponent(id)}`,
  audit: (p: string, e: string) => `${paths.environment(p, e)}/audit`,
  people: (p: string, e: string) => `${paths.environment(p, e)}/people`,
  /** Organisation-wide, but shown inside the current project like every screen. */
  adminTokens: (p: string, e: string) => `${paths.environment(p, e)}/admin-tokens`,
  webhooks: (p: string, e: string) => `${paths.environment(p, e)}/webhooks`,
  members: (p: string, e: string) => `${paths.environment(p, e)}/members`,
};
