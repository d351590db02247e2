// graphql-js: introspection -> buildClientSchema -> printSchema equals the
// schema of schema.graphqls (both sorted, so only meaning is compared).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { buildClientSchema, buildSchema, getIntrospectionQuery, lexicographicSortSchema, printSchema, validateSchema } from 'graphql';
import { url } from './common.mjs';

const schemaFile = process.env.C2C_SCHEMA;

test('introspection round-trips to schema.graphqls', async () => {
  assert.ok(schemaFile, 'C2C_SCHEMA is not set');
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/graphql-response+json' },
    body: JSON.stringify({ query: getIntrospectionQuery({ descriptions: true, schemaDescription: true, specifiedByUrl: true, directiveIsRepeatable: true, inputValueDeprecation: true }) }),
  });
  assert.equal(res.status, 200);
  const body = await res.json();
  assert.equal(body.errors, undefined, JSON.stringify(body.errors));
  const served = buildClientSchema(body.data);
  assert.deepEqual(validateSchema(served), []);
  const file = buildSchema(readFileSync(schemaFile, 'utf8'));
  const a = printSchema(lexicographicSortSchema(served));
  const b = printSchema(lexicographicSortSchema(file));
  if (a !== b) {
    const al = a.split('\n');
    const bl = b.split('\n');
    const i = al.findIndex((l, k) => l !== bl[k]);
    assert.fail(`served schema differs from schema.graphqls at line ${i + 1}:\n served: ${al[i]}\n file:   ${bl[i]}`);
  }
  const types = Object.keys(served.getTypeMap()).filter((n) => !n.startsWith('__'));
  console.log(`schema: ${types.length} types, ${served.getDirectives().length} directives, identical to schema.graphqls`);
  assert.equal(served.getDirective('defer'), undefined, '@defer is not advertised');
});
