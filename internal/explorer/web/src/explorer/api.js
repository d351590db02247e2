// The explorer's only server: c2c's public GraphQL API on the same origin.

export class APIError extends Error {
  constructor(message, code, field) {
    super(message);
    this.code = code;
    this.field = field;
  }
}

let inflight = 0;

// gql posts one operation and returns its data; an APIError carries the
// first GraphQL error's message, extensions.code and extensions.field.
export async function gql(query, variables = {}, signal) {
  inflight++;
  try {
    const res = await fetch('/graphql', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Accept: 'application/graphql-response+json, application/json' },
      body: JSON.stringify({ query, variables }),
      signal,
    });
    let body;
    try {
      body = await res.json();
    } catch {
      throw new APIError(`the API answered ${res.status} without a GraphQL body`, 'INTERNAL');
    }
    if (body.errors && body.errors.length) {
      const e = body.errors[0];
      throw new APIError(e.message, e.extensions?.code, e.extensions?.field);
    }
    return body.data;
  } finally {
    inflight--;
  }
}

// pending is the number of API requests not answered yet.
export function pending() {
  return inflight;
}

export const NODE_FIELDS = `
fragment N on Actor {
  id kind name altNames
  country { code name m49 region regionCode subRegion subRegionCode }
  coordinates { lat lon }
  g77: southStatus(definition: G77)
  m49dev: southStatus(definition: M49_DEVELOPING_2020)
  wb: southStatus(definition: WORLD_BANK_NON_HIGH_INCOME)
}`;

export const EDGE_FIELDS = `
fragment E on Exchange {
  id title kind start end dateNote programme directed sourceUrl
  sourceId targetId
  themes { id }
}`;

export const Q_NEIGHBOURHOOD = `query Ego($actor: ID!, $depth: Int!, $limit: Int!) {
  neighbourhood(actor: $actor, depth: $depth, limit: $limit) {
    nodes { ...N } edges { ...E } depths { actor depth } truncated
  }
}${NODE_FIELDS}${EDGE_FIELDS}`;

export const Q_COUNT = `query Count($filter: ExchangeFilter) { exchanges(filter: $filter, first: 1) { totalCount } }`;

export const Q_SUBGRAPH = `query Whole($filter: ExchangeFilter, $limit: Int!) {
  subgraph(filter: $filter, limit: $limit) { nodes { ...N } edges { ...E } truncated }
}${NODE_FIELDS}${EDGE_FIELDS}`;

export const Q_AGGREGATE = `query Aggregate($filter: ExchangeFilter, $untimed: ExchangeFilter, $node: StatsDimension!, $pair: StatsDimension!) {
  nodes: stats(filter: $filter, by: [$node], first: 1000) { exchanges buckets { keys count } }
  stats(filter: $filter, by: [$pair], first: 1000) { exchanges bucketCount buckets { keys count } }
  years: stats(filter: $untimed, by: [YEAR], first: 1000) { buckets { keys count } }
}`;

export const Q_VOCABULARY = `query Vocabulary {
  themes { id label exchanges }
  countries {
    code name m49 region regionCode subRegion subRegionCode
    g77: status(definition: G77) m49dev: status(definition: M49_DEVELOPING_2020) wb: status(definition: WORLD_BANK_NON_HIGH_INCOME)
  }
  programmes: stats(by: [PROGRAMME], first: 1000) { buckets { keys count } }
}`;

export const Q_SEARCH = `query Search($text: String!) {
  search(text: $text, first: 8) { rank actor { id kind name altNames country { code name } } }
}`;

export const Q_ACTOR = `query Actor($id: ID!, $filter: ExchangeFilter) {
  actor(id: $id) {
    ...N
    summary wikidataId geonamesId
    ... on City { region { id name } }
    ... on Organisation { orgType }
    memberships { role since until organisation { id name } }
    partners(filter: $filter, first: 100) { partner { id name kind } exchanges first last themes { id label } }
    exchanges(filter: $filter, first: 100) {
      id title kind start end dateNote programme sourceUrl directed
      source { id name } target { id name }
      themes { id label }
    }
  }
}${NODE_FIELDS}`;

export const Q_PATHS = `query Paths($from: ID!, $to: ID!, $mode: PathMode!, $k: Int, $maxHops: Int, $filter: ExchangeFilter) {
  paths(from: $from, to: $to, mode: $mode, k: $k, maxHops: $maxHops, filter: $filter) {
    mode truncated
    paths { hops starts arrival nodes { ...N } exchanges { ...E } }
  }
}${NODE_FIELDS}${EDGE_FIELDS}`;
