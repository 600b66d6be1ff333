import type { FeatureType } from '../../../lib/api-types.js';

export interface Snippet {
  id: string;
  label: string;
  language: 'ts' | 'tsx' | 'sh';
  code: string;
}

/**
 * How to read one flag from each SDK and protocol Pennon speaks, with this environment's public
 * client key and this server's address filled in. Server-side SDKs need a secret server key,
 * which the console never holds: they read it from the environment.
 * @example
 * snippets({ key: 'dark_mode', type: 'boolean', clientKey: 'abc', origin: 'http://localhost:8420' })[0].code
 */
export function snippets(input: {
  key: string;
  type: FeatureType;
  clientKey: string;
  origin: string;
}): Snippet[] {
  const { key, type, clientKey, origin } = input;
  const k = JSON.stringify(key);
  const read = jsRead(type, k);
  return [
    {
      id: 'js',
      label: 'Browser (@pennon/js)',
      language: 'ts',
      code: [
        "import { createClient } from '@pennon/js';",
        '',
        `const pennon = createClient({ clientKey: '${clientKey}', url: '${origin}', user: { identifier: 'user-1' } });`,
        'await pennon.ready;',
        `const value = pennon.${read};`,
      ].join('\n'),
    },
    {
      id: 'react',
      label: 'React (@pennon/react)',
      language: 'tsx',
      code: [
        "import { PennonProvider, useFlag, useFlagValue } from '@pennon/react';",
        '',
        `<PennonProvider options={{ clientKey: '${clientKey}', url: '${origin}', user: { identifier: 'user-1' } }}>`,
        '  <App />',
        '</PennonProvider>;',
        '',
        type === 'boolean'
          ? `const enabled = useFlag(${k});`
          : `const value = useFlagValue(${k}, ${fallback(type)});`,
      ].join('\n'),
    },
    {
      id: 'node',
      label: 'Node (@pennon/node)',
      language: 'ts',
      code: [
        "import { Pennon } from '@pennon/node';",
        '',
        "// A server key (ser.…) from this environment's Keys page, kept secret in your backend.",
        `const pennon = await Pennon.start({ serverKey: process.env.PENNON_SERVER_KEY, url: '${origin}' });`,
        `const value = pennon.${nodeRead(type, k)};`,
      ].join('\n'),
    },
    {
      id: 'ofrep',
      label: 'OpenFeature (OFREP)',
      language: 'sh',
      code: `curl -X POST '${origin}/ofrep/v1/evaluate/flags/${encodeURIComponent(key)}' \\\n  -H 'Authorization: Bearer ${clientKey}' -H 'content-type: application/json' \\\n  -d '{"context":{"targetingKey":"user-1"}}'`,
    },
    {
      id: 'flagsmith',
      label: 'Flagsmith SDK',
      language: 'ts',
      code: [
        "import flagsmith from 'flagsmith';",
        '',
        `await flagsmith.init({ environmentID: '${clientKey}', api: '${origin}/api/v1/' });`,
        type === 'boolean'
          ? `const enabled = flagsmith.hasFeature(${k});`
          : `const value = flagsmith.getValue(${k});`,
      ].join('\n'),
    },
    {
      id: 'statsig',
      label: 'Statsig JS client',
      language: 'ts',
      code: [
        "import { StatsigClient } from '@statsig/js-client';",
        '',
        `const client = new StatsigClient('${clientKey}', { userID: 'user-1' }, { networkConfig: { api: '${origin}/v1' } });`,
        'await client.initializeAsync();',
        type === 'boolean'
          ? `const enabled = client.checkGate(${k});`
          : `const value = client.getDynamicConfig(${k}).get('value');`,
      ].join('\n'),
    },
    {
      id: 'curl',
      label: 'HTTP (native API)',
      language: 'sh',
      code: `curl -X POST '${origin}/api/sdk/v1/flags' \\\n  -H 'X-Environment-Key: ${clientKey}' -H 'content-type: application/json' \\\n  -d '{"identifier":"user-1"}'`,
    },
  ];
}

function fallback(type: FeatureType): string {
  return type === 'number' ? '0' : type === 'json' ? '{}' : "''";
}

function jsRead(type: FeatureType, k: string): string {
  switch (type) {
    case 'boolean':
      return `isEnabled(${k})`;
    case 'string':
      return `getString(${k}, '')`;
    case 'number':
      return `getNumber(${k}, 0)`;
    case 'json':
      return `getJson(${k}, {})`;
  }
}

function nodeRead(type: FeatureType, k: string): string {
  const user = "{ identifier: 'user-1' }";
  switch (type) {
    case 'boolean':
      return `isEnabled(${k}, ${user})`;
    case 'string':
      return `getString(${k}, ${user}, '')`;
    case 'number':
      return `getNumber(${k}, ${user}, 0)`;
    case 'json':
      return `getJson(${k}, ${user}, {})`;
  }
}
