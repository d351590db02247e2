package bench

import (
	"context"
	"fmt"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"
)

// The floor: each benchmark query's data fetched with hand-written Cypher
// through the Go driver, no GraphQL. Each statement returns what the c2c
// document selects, in the order c2c returns it.
const (
	floorPoint = `
MATCH (a:Actor {id: $id})
CALL (a) {
  MATCH (a)-[x:EXCHANGE]-(p:Actor)
  WITH p, collect(x) AS xs
  WITH p, xs, size(xs) AS n
  ORDER BY n DESC, p.nameKey, p.id
  LIMIT $first
  CALL (p, xs) {
    UNWIND xs AS y
    UNWIND coalesce(y.themes, []) AS th
    WITH DISTINCT th ORDER BY th
    RETURN collect(th) AS themes
  }
  WITH p, n, themes,
    reduce(b = null, y IN xs | CASE WHEN y.lo IS NOT NULL AND (b IS NULL OR y.lo < b.lo) THEN y ELSE b END) AS fx,
    reduce(b = null, y IN xs | CASE WHEN y.hi IS NOT NULL AND (b IS NULL OR y.hi > b.hi) THEN y ELSE b END) AS lx
  ORDER BY n DESC, p.nameKey, p.id
  RETURN collect({id: p.id, name: p.name, exchanges: n, first: fx.start, last: coalesce(lx.end, lx.start), themes: themes}) AS partners
}
RETURN a.id AS id, a.name AS name, a.kind AS kind, a.country AS country, partners`

	floorExchanges = `
MATCH (s:Actor)-[x:EXCHANGE]->(t:Actor)
WHERE x.lo <= $toKey AND x.hi >= $fromKey AND any(th IN x.themes WHERE th IN $themes)
WITH s, x, t ORDER BY x.lo DESC, x.id LIMIT $first
RETURN x.id AS id, x.title AS title, x.kind AS kind, x.start AS start, x.end AS end, x.themes AS themes,
       s.id AS sourceId, s.name AS sourceName, t.id AS targetId, t.name AS targetName`

	floorNested = `
MATCH (a:Actor {id: $id})
CALL (a) {
  MATCH (a)-[x:EXCHANGE]-(:Actor)
  WITH DISTINCT x ORDER BY coalesce(x.lo, 99999999), x.id LIMIT $first
  WITH x, startNode(x) AS s, endNode(x) AS t
  RETURN collect({id: x.id, title: x.title, start: x.start,
    source: s{.id, .name, memberships: [(s)-[m:MEMBER_OF]->(o) | {id: m.id, role: m.role, organisation: o{.id, .name}}]},
    target: t{.id, .name, memberships: [(t)-[m:MEMBER_OF]->(o) | {id: m.id, role: m.role, organisation: o{.id, .name}}]}}) AS exchanges
}
RETURN a.id AS id, a.name AS name, exchanges`

	floorEgo = `
MATCH (c:Actor {id: $id})
CALL (c) {
  MATCH (c)-[:EXCHANGE]-(n:Actor) WHERE n <> c
  WITH DISTINCT n ORDER BY n.id
  RETURN collect(n) AS ring1
}
CALL (c, ring1) {
  UNWIND CASE WHEN $depth >= 2 AND size(ring1) + 1 < $limit THEN ring1 ELSE [] END AS n
  MATCH (n)-[:EXCHANGE]-(m:Actor) WHERE m <> c AND NOT m IN ring1
  WITH DISTINCT m ORDER BY m.id
  RETURN collect(m) AS ring2
}
WITH ([{n: c, d: 0}] + [n IN ring1 | {n: n, d: 1}] + [m IN ring2 | {n: m, d: 2}]) AS ring
WITH ring[..$limit] AS kept, size(ring) > $limit AS truncated
WITH truncated, kept, [k IN kept | k.n] AS nodes
CALL (nodes) {
  UNWIND nodes AS u
  MATCH (u)-[x:EXCHANGE]->(v:Actor) WHERE v IN nodes
  WITH x, u, v ORDER BY x.id
  RETURN collect({id: x.id, kind: x.kind, source: u.id, target: v.id}) AS edges
}
RETURN [k IN kept | {id: k.n.id, name: k.n.name, kind: k.n.kind, depth: k.d}] AS nodes, edges, truncated`

	floorPath = `
MATCH (a:Actor {id: $from}), (b:Actor {id: $to})
MATCH p = shortestPath((a)-[:EXCHANGE*..10]-(b))
WHERE length(p) <= $maxHops
RETURN [n IN nodes(p) | n{.id, .name}] AS nodes, [r IN relationships(p) | r.id] AS edges`

	floorStats = `
MATCH ()-[x:EXCHANGE]->()
WHERE x.lo <= $toKey AND x.hi >= $fromKey
UNWIND x.themes AS th
WITH th, count(*) AS n ORDER BY n DESC, th
RETURN th AS key, n AS count`

	floorSearch = `
MATCH (a:Actor) WHERE a.searchKey CONTAINS $text
WITH a, [n IN split(substring(a.searchKey, 1, size(a.searchKey) - 2), '|') |
  CASE WHEN n = $text THEN 4 WHEN n STARTS WITH $text THEN 3 WHEN n CONTAINS ' ' + $text THEN 2
       WHEN n CONTAINS $text THEN 1 ELSE 0 END] AS ranks
WITH a, reduce(b = 0, r IN ranks | CASE WHEN r > b THEN r ELSE b END) AS rank
ORDER BY rank DESC, a.nameKey, a.id LIMIT $first
RETURN a.id AS id, a.name AS name, a.kind AS kind, a.country AS country, rank`

	floorCreate = `
UNWIND $rows AS r
MATCH (s:Actor {id: r.source}), (t:Actor {id: r.target})
CREATE (s)-[x:EXCHANGE]->(t)
SET x = r.props
RETURN count(x) AS created`

	floorDelete = `
UNWIND $ids AS id
MATCH ()-[x:EXCHANGE {id: id}]->()
DELETE x
RETURN count(*) AS deleted`
)

// floorReads maps each read query to its statement.
var floorReads = map[string]string{
	"point":     floorPoint,
	"exchanges": floorExchanges,
	"nested":    floorNested,
	"ego":       floorEgo,
	"path":      floorPath,
	"stats":     floorStats,
	"search":    floorSearch,
}

// Floor runs the benchmark queries as hand-written Cypher through one
// driver.
type Floor struct {
	Driver   neo4j.DriverWithContext
	Database string
}

// Run runs query q with parameters p and returns the number of records
// read (or written) and the round trips made. Errors are the driver's,
// wrapped with the query name.
func (f *Floor) Run(ctx context.Context, q *Query, p map[string]any) (records, roundTrips int, err error) {
	opts := []neo4j.ExecuteQueryConfigurationOption{neo4j.ExecuteQueryWithDatabase(f.Database)}
	if q.Mutation {
		res, err := neo4j.ExecuteQuery(ctx, f.Driver, floorCreate, map[string]any{"rows": p["rows"]}, neo4j.EagerResultTransformer, opts...)
		if err != nil {
			return 0, 1, fmt.Errorf("floor %s create: %w", q.Name, err)
		}
		created, _, _ := neo4j.GetRecordValue[int64](res.Records[0], "created")
		res, err = neo4j.ExecuteQuery(ctx, f.Driver, floorDelete, map[string]any{"ids": p["ids"]}, neo4j.EagerResultTransformer, opts...)
		if err != nil {
			return 0, 2, fmt.Errorf("floor %s delete: %w", q.Name, err)
		}
		deleted, _, _ := neo4j.GetRecordValue[int64](res.Records[0], "deleted")
		if created != deleted || int(created) != len(p["ids"].([]string)) {
			return 0, 2, fmt.Errorf("floor %s: created %d, deleted %d, want %d", q.Name, created, deleted, len(p["ids"].([]string)))
		}
		return int(created + deleted), 2, nil
	}
	stmt, ok := floorReads[q.Name]
	if !ok {
		return 0, 0, fmt.Errorf("floor: no statement for %s", q.Name)
	}
	opts = append(opts, neo4j.ExecuteQueryWithReadersRouting())
	res, err := neo4j.ExecuteQuery(ctx, f.Driver, stmt, p, neo4j.EagerResultTransformer, opts...)
	if err != nil {
		return 0, 1, fmt.Errorf("floor %s: %w", q.Name, err)
	}
	return len(res.Records), 1, nil
}
