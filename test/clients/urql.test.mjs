// @urql/core against a real c2c server: fetchExchange, and the
// persistedExchange with GET for hashed queries.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { Client, fetchExchange, gql } from '@urql/core';
import { persistedExchange } from '@urql/exchange-persisted';
import { recordingFetch, url } from './common.mjs';

test('fetchExchange: a query with variables', async () => {
  const client = new Client({ url, exchanges: [fetchExchange] });
  const res = await client.query(gql`query($id: ID!) { actor(id: $id) { id name } }`, { id: 'ethekwini' }).toPromise();
  assert.equal(res.error, undefined, `${res.error}`);
  assert.equal(res.data.actor.name, 'eThekwini');
});

test('fetchExchange: a bad argument is BAD_USER_INPUT naming it', async () => {
  const client = new Client({ url, exchanges: [fetchExchange] });
  const res = await client.query(gql`{ actor(id: "Not An Id") { id } }`, {}).toPromise();
  assert.ok(res.error, 'an error');
  const [first] = res.error.graphQLErrors;
  assert.equal(first.extensions.code, 'BAD_USER_INPUT');
  assert.equal(first.extensions.field, 'id');
});

test('fetchExchange: a validation error reaches the client as a GraphQL error', async () => {
  const rec = recordingFetch();
  const client = new Client({ url, exchanges: [fetchExchange], fetch: rec.fetch });
  const res = await client.query('{ actor(id: "ethekwini") { noSuchField } }', {}).toPromise();
  assert.equal(res.error.graphQLErrors[0].extensions.code, 'GRAPHQL_VALIDATION_FAILED');
  assert.equal(rec.requests.length, 1);
});

test('persistedExchange with GET: a miss, the document, then the hash alone', async () => {
  const generateHash = async (query) => createHash('sha256').update(query).digest('hex');
  const query = gql`query UrqlPersisted { actor(id: "uclg") { id name } }`;
  const first = recordingFetch();
  const make = (rec) =>
    new Client({
      url,
      fetch: rec.fetch,
      preferGetMethod: 'within-url-limit',
      exchanges: [persistedExchange({ generateHash, preferGetForPersistedQueries: true }), fetchExchange],
    });
  const res = await make(first).query(query, {}).toPromise();
  assert.equal(res.error, undefined, `${res.error}`);
  assert.equal(res.data.actor.id, 'uclg');
  assert.equal(first.requests.length, 2);
  assert.equal(first.requests[0].method, 'GET');
  assert.equal(first.requests[0].query, undefined);
  assert.equal(first.responses[0].errors[0].extensions.code, 'PERSISTED_QUERY_NOT_FOUND');

  const second = recordingFetch();
  const again = await make(second).query(query, {}).toPromise();
  assert.deepEqual(again.data, res.data);
  assert.equal(second.requests.length, 1);
  assert.equal(second.requests[0].method, 'GET');
  assert.equal(second.requests[0].query, undefined);
});
