// @apollo/client against a real c2c server: HttpLink, the automatic
// persisted-queries link (POST and GET), and BatchHttpLink.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { ApolloClient, ApolloLink, HttpLink, InMemoryCache, gql } from '@apollo/client';
import { BatchHttpLink } from '@apollo/client/link/batch-http';
import { PersistedQueryLink } from '@apollo/client/link/persisted-queries';
import { CombinedGraphQLErrors } from '@apollo/client/errors';
import { recordingFetch, url, apiKey } from './common.mjs';

const sha256 = (text) => createHash('sha256').update(text).digest('hex');
const client = (link) => new ApolloClient({ link, cache: new InMemoryCache() });

const ACTOR = gql`
  query Actor($id: ID!) {
    actor(id: $id) { id name }
  }
`;

test('HttpLink: a query with variables', async () => {
  const { data } = await client(new HttpLink({ uri: url })).query({ query: ACTOR, variables: { id: 'ethekwini' } });
  assert.equal(data.actor.name, 'eThekwini');
});

test('HttpLink: a validation error is a GraphQL error with a code', async () => {
  const bad = gql`{ actor(id: "ethekwini") { noSuchField } }`;
  await assert.rejects(client(new HttpLink({ uri: url })).query({ query: bad }), (err) => {
    assert.ok(CombinedGraphQLErrors.is(err), `${err}`);
    assert.equal(err.errors[0].extensions.code, 'GRAPHQL_VALIDATION_FAILED');
    return true;
  });
});

test('HttpLink: a mutation with a bearer key', async () => {
  const id = `apollo-${process.pid}`;
  const link = new HttpLink({ uri: url, headers: { authorization: `Bearer ${apiKey}` } });
  const { data } = await client(link).mutate({
    mutation: gql`mutation Theme($id: ID!) { upsertTheme(input: { id: $id, label: "Apollo test" }) { id label } }`,
    variables: { id },
  });
  assert.deepEqual({ ...data.upsertTheme, __typename: undefined }, { id, label: 'Apollo test', __typename: undefined });
});

for (const useGETForHashedQueries of [false, true]) {
  test(`PersistedQueryLink (${useGETForHashedQueries ? 'GET' : 'POST'}): hash first, the document once on a miss, the hash alone after`, async () => {
    // A query no earlier test sent, so the server's store misses first.
    const query = gql`query Persisted${useGETForHashedQueries ? 'Get' : 'Post'} { actor(id: "ethekwini") { id name country { name } } }`;
    const first = recordingFetch();
    const link = () => new PersistedQueryLink({ sha256, useGETForHashedQueries });
    const { data } = await client(ApolloLink.from([link(), new HttpLink({ uri: url, fetch: first.fetch })])).query({ query });
    assert.equal(data.actor.name, 'eThekwini');
    assert.equal(first.requests.length, 2, 'a miss, then the document');
    assert.equal(first.requests[0].method, useGETForHashedQueries ? 'GET' : 'POST');
    assert.equal(first.requests[0].query, undefined, 'the first request carries the hash only');
    assert.equal(first.responses[0].errors[0].extensions.code, 'PERSISTED_QUERY_NOT_FOUND');
    assert.ok(first.requests[1].query, 'the retry carries the document');

    // A new client (a new page load) needs one request with the hash only.
    const second = recordingFetch();
    const again = await client(ApolloLink.from([link(), new HttpLink({ uri: url, fetch: second.fetch })])).query({ query });
    assert.deepEqual(again.data, data);
    assert.equal(second.requests.length, 1);
    assert.equal(second.requests[0].query, undefined);
    assert.equal(second.requests[0].method, useGETForHashedQueries ? 'GET' : 'POST');
  });
}

test('BatchHttpLink: three queries in one request, answered in order', async () => {
  const rec = recordingFetch();
  const c = client(new BatchHttpLink({ uri: url, fetch: rec.fetch, batchMax: 10, batchInterval: 20 }));
  const ids = ['ethekwini', 'uclg', 'ethekwini'];
  const NAMED = gql`query Named($id: ID!) { actor(id: $id) { id name } }`;
  const THEMES = gql`query Themes { themes { id } }`;
  const results = await Promise.all([
    c.query({ query: NAMED, variables: { id: ids[0] } }),
    c.query({ query: THEMES }),
    c.query({ query: NAMED, variables: { id: ids[1] } }),
  ]);
  assert.equal(rec.requests.length, 1, 'one HTTP request');
  assert.ok(Array.isArray(rec.bodies[0]) && rec.bodies[0].length === 3, 'a JSON array of three operations');
  assert.equal(results[0].data.actor.id, 'ethekwini');
  assert.ok(results[1].data.themes.length > 0);
  assert.equal(results[2].data.actor.id, 'uclg');
});
