import { createRequire } from 'node:module';
import { expect, it } from 'vitest';
import { plainQuery } from './plain-query.js';

// The parser Fastify's router (find-my-way) hands every query to.
const fromRouter = createRequire(createRequire(import.meta.url).resolve('fastify'));
const routerRequire = createRequire(fromRouter.resolve('find-my-way'));
const fastQuerystring = routerRequire('fast-querystring') as { parse(query: string): object };

it('parses plain queries exactly as Fastify parses them', () => {
  const queries = [
    '',
    'k=client-key&st=javascript-client&sv=3.33.5&t=1767225600000&sid=5e1d-77',
    'k=a&k=b&k=c',
    'k=a&k=b',
    'a',
    'a&b=',
    '=1',
    '=',
    '&&a=1&&',
    'a=1=2=3',
    'a=b&a',
    '__proto__=1&constructor=2&toString=3',
    "k=~!$'()*,./:;<>?@[]^_`{|}",
    'a&b&c=1&d&e=2=3&f',
    `${'a&'.repeat(4000)}k=last`,
  ];
  for (const query of queries) {
    const url = `/v1/initialize?${query}`;
    const parsed = plainQuery(url, url.indexOf('?') + 1);
    expect({ query, parsed: { ...parsed } }).toEqual({ query, parsed: { ...fastQuerystring.parse(query) } });
  }
});

it('leaves queries with escapes, spaces or non-ASCII characters to Fastify', () => {
  for (const query of ['k=a%20b', 'k=a+b', 'k=%00', 'k=a#b', 'k=a b', 'k=é', 'k=\u0001']) {
    expect(plainQuery(`/v1/initialize?${query}`, 15)).toBeUndefined();
  }
});
