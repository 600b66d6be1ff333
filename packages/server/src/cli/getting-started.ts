import type { Bootstrap } from '../organisations/bootstrap.js';

/**
 * What `pennon serve` prints on the start that created the organisation: everything a new
 * user needs for the first hour, shown once because the admin token is never stored in clear.
 * Client keys are public (they sit in web pages); server keys are secrets, so only the way to
 * create one is shown.
 */
export function gettingStarted(url: string, boot: Bootstrap): string {
  const width = Math.max(...boot.environments.map((e) => e.key.length), 'environment'.length);
  const pad = (text: string) => text.padEnd(width);
  const first = boot.environments[0];
  const lines = [
    '',
    `Pennon is running at ${url}. First start: here is how to begin.`,
    '',
    `  Console      ${url}/  (sign in with the owner below)`,
    `  API docs     ${url}/api/docs`,
    ...adminTokenLines(url, boot.adminToken),
    ...ownerLines(boot.owner),
    '',
    `  Project "${boot.projectName}" (id ${boot.projectId}), its environments and their client keys`,
    '  (public: for browsers and apps, evaluated flags only):',
    '',
    `    ${pad('environment')}  client key`,
    ...boot.environments.map((e) => `    ${pad(e.key)}  ${e.clientKey}`),
    '',
    '  A server key (secret, "ser.…": every rule, for server SDKs that evaluate locally) is made',
    `  per service through the admin API, here for ${first?.key ?? 'an environment'}:`,
    '',
    `    curl -X POST ${url}/api/admin/v1/environments/${first?.id ?? '<environment id>'}/server-keys \\`,
    `      -H "Authorization: Bearer <admin token>" -H 'content-type: application/json' -d '{"name":"my-service"}'`,
    '',
    `  Environment ids: ${boot.environments.map((e) => `${e.key} ${e.id}`).join(', ')}.`,
    '  Later: `npx pennon keys` lists environments and client keys.',
    '',
  ];
  return `${lines.join('\n')}\n`;
}

function adminTokenLines(url: string, token: string | undefined): string[] {
  if (!token) {
    return [
      '  Admin token  the one given in PENNON_ADMIN_TOKEN / --admin-token',
      `               use it as "Authorization: Bearer <token>" on ${url}/api/admin/v1/`,
    ];
  }
  return [
    `  Admin token  ${token}`,
    '               keep it: it is shown only this once (the database keeps only its digest);',
    `               use it as "Authorization: Bearer <token>" on ${url}/api/admin/v1/`,
    '               lost it? `npx pennon token create` makes another, with the same',
    '               --data-dir / --database-url as the server',
  ];
}

function ownerLines(owner: Bootstrap['owner']): string[] {
  if (!owner) return [];
  return [
    `  Sign in      ${owner.email} / ${owner.password}`,
    '               an owner, for the console and POST /api/admin/v1/auth/sign-in; the password',
    '               is shown only this once. Add yourself: `npx pennon user create --email you@example.com',
    '               --role owner --password-stdin` (same --data-dir / --database-url as the server)',
  ];
}

/** Every later start: where to look, and never a secret. */
export function whereToLook(url: string): string {
  return [
    '',
    `Pennon is running at ${url}: the console at ${url}/, API docs at ${url}/api/docs`,
    '  Environments and client keys: `npx pennon keys`. A new admin token: `npx pennon token create`.',
    '  A person who signs in: `npx pennon user create --email you@example.com --role owner --password-stdin`.',
    '  (Both take the same --data-dir / --database-url as the server.)',
    '',
    '',
  ].join('\n');
}
