package neo4jstore

import (
	"context"
	"sort"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"

	"github.com/c2c-project/c2c/internal/c2c"
)

// searchActors ranks candidates in Cypher the way c2c.MatchRank does, so the
// limit applies after ranking: searchKey is "|name|alt|…|" with every name
// folded and the folded query has no '|', so "|q|" is an exact name, "|q" a
// name prefix and " q" a word prefix inside a name. Go re-ranks the page
// with MatchRank itself.
const searchActors = `MATCH (a:Actor) WHERE a.searchKey CONTAINS $q
WITH a, CASE
  WHEN a.searchKey CONTAINS '|' + $q + '|' THEN 4
  WHEN a.searchKey CONTAINS '|' + $q THEN 3
  WHEN a.searchKey CONTAINS ' ' + $q THEN 2
  ELSE 1 END AS rank
WITH a, rank ORDER BY rank DESC, a.nameKey, a.id LIMIT $limit
RETURN ` + actorMap + ` AS a`

// Search returns actors whose names contain the folded text, best match
// first (c2c.MatchRank), then name, then id; at most limit (1..
// MaxSearchResults, default MaxSearchResults). Text that folds to nothing
// finds nothing.
func (s *Store) Search(ctx context.Context, text string, limit int) ([]*c2c.SearchHit, error) {
	q := c2c.Fold(text)
	if q == "" {
		return []*c2c.SearchHit{}, nil
	}
	if limit <= 0 || limit > c2c.MaxSearchResults {
		limit = c2c.MaxSearchResults
	}
	recs, err := s.read(ctx, "search", searchActors, map[string]any{"q": q, "limit": int64(limit)})
	if err != nil {
		return nil, err
	}
	hits := make([]*c2c.SearchHit, 0, len(recs))
	for _, r := range recs {
		a := decodeActor(r.Values[0])
		hits = append(hits, &c2c.SearchHit{Actor: a, Rank: c2c.MatchRank(q, a.Names())})
	}
	sort.SliceStable(hits, func(i, j int) bool {
		a, b := hits[i], hits[j]
		if a.Rank != b.Rank {
			return a.Rank > b.Rank
		}
		if ka, kb := c2c.Fold(a.Actor.Name), c2c.Fold(b.Actor.Name); ka != kb {
			return ka < kb
		}
		return a.Actor.ID < b.Actor.ID
	})
	return hits, nil
}

// neighbourLevel returns the actors one hop from the frontier over matching
// exchanges that are not yet seen, ordered by id.
const neighbourLevel = `UNWIND $frontier AS fid
MATCH (c:Actor {id: fid})-[x:EXCHANGE]-(o:Actor) USING INDEX SEEK c:Actor(id)
WITH o, x, startNode(x) AS s, endNode(x) AS t
` + exchangeWhere + `WITH DISTINCT o.id AS oid
WHERE NOT oid IN $seen
RETURN oid ORDER BY oid LIMIT $room`

// edgesAmong returns the matching exchanges with both ends in $ids.
const edgesAmong = `UNWIND $ids AS sid
MATCH (s:Actor {id: sid})-[x:EXCHANGE]->(t:Actor) USING INDEX SEEK s:Actor(id)
WHERE t.id IN $ids
WITH x, s, t
` + exchangeWhere + `WITH x, s, t ORDER BY x.id
RETURN ` + exchangeMap + ` AS x`

// Neighbourhood returns the actors within q.Depth hops of the centre over
// exchanges matching q.Filter (undirected), nearest first with ties by id,
// at most q.Limit of them, and the matching exchanges among them. It runs
// one query per level, then reads the nodes and the edges among them side by
// side. KindNotFound if the centre does not exist,
// KindInvalid for a depth or limit out of range.
func (s *Store) Neighbourhood(ctx context.Context, q c2c.NeighbourhoodQuery) (*c2c.Subgraph, error) {
	if err := q.Filter.Validate("filter"); err != nil {
		return nil, err
	}
	if q.Depth < 1 || q.Depth > c2c.MaxNeighbourhoodDepth {
		return nil, c2c.Invalid("depth", "must be between 1 and %d", c2c.MaxNeighbourhoodDepth)
	}
	limit := q.Limit
	if limit <= 0 || limit > c2c.MaxNeighbourhoodNodes {
		limit = c2c.MaxNeighbourhoodNodes
	}
	_, p := exchangeFilterParams(q.Filter)
	depth := map[string]int{q.Centre: 0}
	order := []string{q.Centre}
	frontier := []string{q.Centre}
	truncated := false
	// A missing centre has no neighbours; its absence shows when the
	// nodes are read, which saves a lookup before the first level.
	for level := 1; level <= q.Depth && len(frontier) > 0; level++ {
		p["frontier"] = stringsOrEmpty(frontier)
		p["seen"] = stringsOrEmpty(order)
		// One more than fits tells that the level was cut.
		p["room"] = int64(limit - len(order) + 1)
		recs, err := s.read(ctx, "neighbourhood", neighbourLevel, p)
		if err != nil {
			return nil, err
		}
		if len(recs) > 0 && len(order) >= limit {
			truncated = true
			break
		}
		frontier = frontier[:0:0]
		for _, r := range recs {
			if len(order) >= limit {
				truncated = true
				break
			}
			id := r.Values[0].(string)
			depth[id] = level
			order = append(order, id)
			frontier = append(frontier, id)
		}
		if truncated {
			break
		}
	}
	// The nodes and the edges among them are independent reads: run them
	// side by side on two connections.
	ep := make(map[string]any, len(p)+1)
	for k, v := range p {
		ep[k] = v
	}
	ep["ids"] = stringsOrEmpty(order)
	type edgesResult struct {
		recs []*neo4j.Record
		err  error
	}
	edgesDone := make(chan edgesResult, 1)
	go func() {
		recs, err := s.read(ctx, "neighbourhood edges", edgesAmong, ep)
		edgesDone <- edgesResult{recs, err}
	}()
	nodes, err := s.ActorsByIDs(ctx, order)
	edges := <-edgesDone
	if err != nil {
		return nil, err
	}
	if nodes[0] == nil {
		return nil, c2c.NotFound("actor", q.Centre)
	}
	if edges.err != nil {
		return nil, edges.err
	}
	sub := &c2c.Subgraph{Nodes: make([]*c2c.Actor, 0, len(nodes)), Edges: make([]*c2c.Exchange, 0, len(edges.recs)), Depth: depth, Truncated: truncated}
	for _, a := range nodes {
		if a != nil { // deleted meanwhile
			sub.Nodes = append(sub.Nodes, a)
		}
	}
	for _, r := range edges.recs {
		sub.Edges = append(sub.Edges, decodeExchange(r.Values[0]))
	}
	return sub, nil
}

// Edges returns every exchange matching f, ordered by id, and the actors at
// their ends, ordered by id (Depth is nil), in two queries.
func (s *Store) Edges(ctx context.Context, f c2c.ExchangeFilter) (*c2c.Subgraph, error) {
	if err := f.Validate("filter"); err != nil {
		return nil, err
	}
	anchor, p := exchangeFilterParams(f)
	recs, err := s.read(ctx, "edges", anchor+exchangeWhere+edgesTail, p)
	if err != nil {
		return nil, err
	}
	sub := &c2c.Subgraph{Nodes: []*c2c.Actor{}, Edges: make([]*c2c.Exchange, 0, len(recs))}
	ends := map[string]bool{}
	for _, r := range recs {
		x := decodeExchange(r.Values[0])
		sub.Edges = append(sub.Edges, x)
		ends[x.SourceID], ends[x.TargetID] = true, true
	}
	if len(ends) == 0 {
		return sub, nil
	}
	nodes, err := s.ActorsByIDs(ctx, sortedKeys(ends))
	if err != nil {
		return nil, err
	}
	for _, a := range nodes {
		if a != nil {
			sub.Nodes = append(sub.Nodes, a)
		}
	}
	return sub, nil
}

const edgesTail = `WITH x, s, t ORDER BY x.id
RETURN ` + exchangeMap + ` AS x`

// startLastKey is the last day (yyyymmdd) of x.start, as
// c2c.PartialDate.LastKey gives it: a year ends on 31 December, a month on
// its last day, a day on itself (its lo).
const startLastKey = `CASE size(x.start)
  WHEN 10 THEN x.lo
  WHEN 4 THEN toInteger(x.start) * 10000 + 1231
  ELSE toInteger(replace(x.start, '-', '')) * 100 + (date(x.start + '-01') + duration({months: 1}) - duration({days: 1})).day
END`

// partnersAtCentre sums up, in the subquery of each centre, each partner o
// over the matching exchanges: their count; the earliest start, the least
// [lo, start] (lo is its first day; of starts on the same day the shorter
// text, "2014" before "2014-01"); the latest date, the greatest [last day,
// date], where an exchange's last date is its end when that ends after its
// start (hi is the end's last day), else its start (sl is the start's last
// day), so of dates ending on the same day the longer text; and the theme
// lists. The embedded store breaks the ties alike (c2c.Partner).
const partnersAtCentre = exchangesAtCentre + `WITH o, x, CASE WHEN x.end IS NULL THEN x.hi ELSE ` + startLastKey + ` END AS sl
WITH o, count(x) AS n,
  min(CASE WHEN x.start IS NOT NULL THEN [x.lo, x.start] END) AS first,
  max(CASE WHEN x.start IS NULL THEN null
      WHEN x.hi > sl THEN [x.hi, x.end]
      ELSE [sl, x.start] END) AS last,
  collect(x.themes) AS themes
`

// partnersTail returns one row per kept partner, its themes merged.
const partnersTail = `RETURN o.id AS pid, o.nameKey AS pkey, n, first[1] AS first, last[1] AS last,
  reduce(acc = [], ts IN themes | acc + [th IN ts WHERE NOT th IN acc]) AS themes
}
RETURN cid, pid, n, first, last, themes ORDER BY cid, n DESC, pkey, pid`

// partnersByActors returns every partner of each centre;
// partnersByActorsFirst the first $limit in the order PartnersByActors
// returns, so a hub sends that many rows, not one per exchange.
const (
	partnersByActors      = "UNWIND $ids AS cid\n" + partnersAtCentre + partnersTail
	partnersByActorsFirst = "UNWIND $ids AS cid\n" + partnersAtCentre + "ORDER BY n DESC, o.nameKey, o.id LIMIT $limit\n" + partnersTail
)

// PartnersByActors returns, for each actor id, its partners over the
// exchanges matching f, ordered by exchange count descending, then partner
// name and id, the first limit of them (all when limit <= 0), in one query
// that sums up each partner in the database.
func (s *Store) PartnersByActors(ctx context.Context, actorIDs []string, f c2c.ExchangeFilter, limit int) (map[string][]*c2c.Partner, error) {
	if err := f.Validate("filter"); err != nil {
		return nil, err
	}
	out := make(map[string][]*c2c.Partner, len(actorIDs))
	if len(actorIDs) == 0 {
		return out, nil
	}
	_, p := exchangeFilterParams(f)
	p["ids"] = idsParam(actorIDs)
	q := partnersByActors
	if limit > 0 {
		q, p["limit"] = partnersByActorsFirst, int64(limit)
	}
	recs, err := s.read(ctx, "partners by actors", q, p)
	if err != nil {
		return nil, err
	}
	for _, r := range recs {
		m := r.AsMap()
		n, _ := m["n"].(int64)
		pt := &c2c.Partner{
			ActorID:   str(m, "cid"),
			PartnerID: str(m, "pid"),
			Exchanges: int(n),
			First:     date(m, "first"),
			Last:      date(m, "last"),
			Themes:    strs(m, "themes"),
		}
		sort.Strings(pt.Themes)
		out[pt.ActorID] = append(out[pt.ActorID], pt)
	}
	return out, nil
}
