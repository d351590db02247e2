// graphql-request against a real c2c server: variables, errors, batches.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ClientError, GraphQLClient, batchRequests, gql } from 'graphql-request';
import { url } from './common.mjs';

test('request with variables', async () => {
  const data = await new GraphQLClient(url).request(gql`query($id: ID!) { actor(id: $id) { id name } }`, { id: 'ethekwini' });
  assert.equal(data.actor.name, 'eThekwini');
});

test('an unknown actor is null', async () => {
  const res = await new GraphQLClient(url, { errorPolicy: 'all' }).rawRequest(gql`{ actor(id: "no-such-actor") { id } }`);
  assert.equal(res.data.actor, null);
});

test('a validation error is a ClientError with the code', async () => {
  await assert.rejects(new GraphQLClient(url).request(gql`{ nope }`), (err) => {
    assert.ok(err instanceof ClientError, `${err}`);
    assert.equal(err.response.errors[0].extensions.code, 'GRAPHQL_VALIDATION_FAILED');
    return true;
  });
});

test('batchRequests: answers in order', async () => {
  const doc = gql`query($id: ID!) { actor(id: $id) { id } }`;
  const res = await batchRequests(url, [
    { document: doc, variables: { id: 'uclg' } },
    { document: doc, variables: { id: 'ethekwini' } },
  ]);
  assert.deepEqual(res.map((r) => r.data.actor.id), ['uclg', 'ethekwini']);
});
