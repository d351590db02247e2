package sqlitestore

import (
	"context"
	"database/sql"
	"sort"

	"github.com/c2c-project/c2c/internal/c2c"
)

const partnersSQL = actorHitsSQL + `SELECT h.actor, p.id, p.name_key, x.start_date, x.end_date,
	(SELECT json_group_array(theme_id) FROM exchange_themes WHERE exchange_id = x.id)
	FROM hits h
	CROSS JOIN exchanges x ON x.id = h.id
	CROSS JOIN actors p ON p.id = CASE WHEN x.source_id = h.actor THEN x.target_id ELSE x.source_id END
	WHERE `

// PartnersByActors returns, for each actor id with any, its partners over
// the exchanges matching f: the number of exchanges, the earliest known
// start, the latest known date (an end, or a start when there is no end)
// and the union of their themes; ordered by count descending, then partner
// name and id. One query. KindInvalid for a bad filter.
func (s *Store) PartnersByActors(ctx context.Context, actorIDs []string, f c2c.ExchangeFilter) (map[string][]*c2c.Partner, error) {
	if err := f.Validate("filter"); err != nil {
		return nil, err
	}
	out := map[string][]*c2c.Partner{}
	if len(actorIDs) == 0 {
		return out, nil
	}
	var w clause
	exchangeWhere(&w, f)
	rows, err := query(ctx, s.reader, "partners", partnersSQL+w.sql(), append([]any{jsonList(actorIDs)}, w.args...)...)
	if err != nil {
		return nil, err
	}
	defer func() { _ = rows.Close() }()
	type key struct{ actor, partner string }
	type acc struct {
		p      *c2c.Partner
		name   string
		themes map[string]bool
	}
	accs := map[key]*acc{}
	for rows.Next() {
		var actor, partner, name, start, end, themes string
		if err := rows.Scan(&actor, &partner, &name, &start, &end, &themes); err != nil {
			return nil, dbError("partners", err)
		}
		k := key{actor, partner}
		a := accs[k]
		if a == nil {
			a = &acc{p: &c2c.Partner{ActorID: actor, PartnerID: partner}, name: name, themes: map[string]bool{}}
			accs[k] = a
		}
		a.p.Exchanges++
		ts, err := sortedJSONList(themes)
		if err != nil {
			return nil, dbError("partners", err)
		}
		for _, t := range ts {
			a.themes[t] = true
		}
		sd, err := c2c.ParseOptionalDate("start", start)
		if err != nil {
			return nil, dbError("partners", err)
		}
		ed, err := c2c.ParseOptionalDate("end", end)
		if err != nil {
			return nil, dbError("partners", err)
		}
		if sd == nil {
			continue
		}
		if a.p.First == nil || earlier(sd, a.p.First) {
			d := *sd
			a.p.First = &d
		}
		last := sd
		if ed != nil {
			last = ed
		}
		if a.p.Last == nil || later(last, a.p.Last) {
			d := *last
			a.p.Last = &d
		}
	}
	if err := rows.Err(); err != nil {
		return nil, dbError("partners", err)
	}
	names := map[key]string{}
	for k, a := range accs {
		for t := range a.themes {
			a.p.Themes = append(a.p.Themes, t)
		}
		sort.Strings(a.p.Themes)
		names[k] = a.name
		out[k.actor] = append(out[k.actor], a.p)
	}
	for actor, ps := range out {
		sort.Slice(ps, func(i, j int) bool {
			if ps[i].Exchanges != ps[j].Exchanges {
				return ps[i].Exchanges > ps[j].Exchanges
			}
			ni, nj := names[key{actor, ps[i].PartnerID}], names[key{actor, ps[j].PartnerID}]
			if ni != nj {
				return ni < nj
			}
			return ps[i].PartnerID < ps[j].PartnerID
		})
	}
	return out, nil
}

// earlier reports whether a starts before b; of two dates starting on the
// same day the coarser (shorter text) comes first, so the choice does not
// depend on row order.
func earlier(a, b *c2c.PartialDate) bool {
	if a.FirstKey() != b.FirstKey() {
		return a.FirstKey() < b.FirstKey()
	}
	return a.String() < b.String()
}

// later reports whether a ends after b; ties go to the longer text.
func later(a, b *c2c.PartialDate) bool {
	if a.LastKey() != b.LastKey() {
		return a.LastKey() > b.LastKey()
	}
	return a.String() > b.String()
}

const searchSQL = `SELECT ` + actorColumns + ` FROM actors a WHERE instr(a.search_key, ?) > 0`

// Search returns up to limit actors (c2c.MaxSearchResults when limit is 0
// or more than that) whose name or an alternative name contains the folded
// text, best c2c.MatchRank first, then by name and id. KindInvalid if the
// text folds to nothing.
func (s *Store) Search(ctx context.Context, text string, limit int) ([]*c2c.SearchHit, error) {
	q := c2c.Fold(text)
	if q == "" {
		return nil, c2c.Invalid("text", "is empty")
	}
	if len(text) > c2c.MaxNameLen {
		return nil, c2c.Invalid("text", "is longer than %d characters", c2c.MaxNameLen)
	}
	if limit < 0 {
		return nil, c2c.Invalid("limit", "%d is negative", limit)
	}
	if limit == 0 || limit > c2c.MaxSearchResults {
		limit = c2c.MaxSearchResults
	}
	rows, err := query(ctx, s.reader, "search", searchSQL, q)
	if err != nil {
		return nil, err
	}
	as, err := collectActors(rows, "search")
	if err != nil {
		return nil, err
	}
	hits := make([]*c2c.SearchHit, 0, len(as))
	keys := make(map[*c2c.Actor]string, len(as))
	for _, a := range as {
		// The search key joins names with '|', so a candidate may match
		// only across names; MatchRank rules those out.
		if r := c2c.MatchRank(q, a.Names()); r > 0 {
			hits = append(hits, &c2c.SearchHit{Actor: a, Rank: r})
			keys[a] = c2c.Fold(a.Name)
		}
	}
	sort.Slice(hits, func(i, j int) bool {
		a, b := hits[i], hits[j]
		if a.Rank != b.Rank {
			return a.Rank > b.Rank
		}
		if ka, kb := keys[a.Actor], keys[b.Actor]; ka != kb {
			return ka < kb
		}
		return a.Actor.ID < b.Actor.ID
	})
	if len(hits) > limit {
		hits = hits[:limit]
	}
	return hits, nil
}

const (
	// edgesAmongSQL returns the exchanges matching the filter with both
	// ends in a node set (a JSON list of distinct ids). It walks the source index from each node and
	// tests the target against the set: letting the planner probe every
	// (target, source) pair costs n² index seeks.
	edgesAmongSQL = `WITH n(id) AS (SELECT value FROM json_each(?))
		SELECT ` + exchangeColumns + ` FROM n CROSS JOIN exchanges x ON x.source_id = n.id
		WHERE +x.target_id IN (SELECT id FROM n) AND `
	orderByIDSQL = ` ORDER BY x.id`
)

// Neighbourhood returns the ego network of q.Centre: the actors within
// q.Depth hops over the exchanges matching q.Filter (ignoring direction),
// at most q.Limit of them nearest first (ties by id), and the matching
// exchanges among them. It reads one statement per hop, in one snapshot.
// KindNotFound if the centre does not exist; KindInvalid naming "depth" or
// "limit" when out of range.
func (s *Store) Neighbourhood(ctx context.Context, q c2c.NeighbourhoodQuery) (*c2c.Subgraph, error) {
	var es c2c.Errors
	if q.Depth < 1 || q.Depth > c2c.MaxNeighbourhoodDepth {
		es = append(es, c2c.Invalid("depth", "%d is outside 1..%d", q.Depth, c2c.MaxNeighbourhoodDepth))
	}
	if q.Limit < 1 || q.Limit > c2c.MaxNeighbourhoodNodes {
		es = append(es, c2c.Invalid("limit", "%d is outside 1..%d", q.Limit, c2c.MaxNeighbourhoodNodes))
	}
	if err := es.Err(); err != nil {
		return nil, err
	}
	if err := q.Filter.Validate("filter"); err != nil {
		return nil, err
	}
	var w clause
	exchangeWhere(&w, q.Filter)
	g := &c2c.Subgraph{Depth: map[string]int{}}
	err := s.read(ctx, "neighbourhood", func(tx *sql.Tx) error {
		k, err := actorKind(ctx, tx, q.Centre)
		if err != nil {
			return err
		}
		if k == "" {
			return c2c.NotFound("actor", q.Centre)
		}
		order := []string{q.Centre}
		g.Depth[q.Centre] = 0
		frontier := []string{q.Centre}
		for hop := 1; hop <= q.Depth && len(frontier) > 0; hop++ {
			ends, err := neighbours(ctx, tx, frontier, &w)
			if err != nil {
				return err
			}
			found := map[string]bool{}
			for _, id := range ends {
				if _, seen := g.Depth[id]; !seen {
					found[id] = true
				}
			}
			next := make([]string, 0, len(found))
			for id := range found {
				next = append(next, id)
			}
			sort.Strings(next)
			if room := q.Limit - len(order); len(next) > room {
				next, g.Truncated = next[:room], true
			}
			for _, id := range next {
				g.Depth[id] = hop
			}
			order = append(order, next...)
			frontier = next
			if g.Truncated {
				break
			}
		}
		byID, err := actorsByIDs(ctx, tx, order)
		if err != nil {
			return err
		}
		for _, id := range order {
			if a := byID[id]; a != nil {
				g.Nodes = append(g.Nodes, a)
			}
		}
		rows, err := query(ctx, tx, "neighbourhood: edges", edgesAmongSQL+w.sql()+orderByIDSQL, append([]any{jsonList(order)}, w.args...)...)
		if err != nil {
			return err
		}
		g.Edges, err = collectExchanges(rows, "neighbourhood: edges")
		return err
	})
	if err != nil {
		return nil, err
	}
	return g, nil
}

// neighboursSQL returns the distinct far ends of the exchanges matching a
// filter (where, on alias x) that touch a frontier (a JSON list); each
// branch walks one end's index.
func neighboursSQL(where string) string {
	return `WITH f(id) AS (SELECT value FROM json_each(?))
		SELECT x.target_id FROM f JOIN exchanges x ON x.source_id = f.id WHERE ` + where + `
		UNION
		SELECT x.source_id FROM f JOIN exchanges x ON x.target_id = f.id WHERE ` + where
}

// neighbours returns the actors one exchange matching w away from the
// frontier, each once (the frontier's own members among them).
func neighbours(ctx context.Context, tx *sql.Tx, frontier []string, w *clause) ([]string, error) {
	args := append(append([]any{jsonList(frontier)}, w.args...), w.args...)
	rows, err := query(ctx, tx, "neighbourhood", neighboursSQL(w.sql()), args...)
	if err != nil {
		return nil, err
	}
	defer func() { _ = rows.Close() }()
	var out []string
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			return nil, dbError("neighbourhood", err)
		}
		out = append(out, id)
	}
	if err := rows.Err(); err != nil {
		return nil, dbError("neighbourhood", err)
	}
	return out, nil
}

const edgesSQL = `SELECT ` + exchangeColumns + ` FROM exchanges x WHERE `

// Edges returns every exchange matching f ordered by id, and the actors at
// their ends ordered by id, read in one snapshot. KindInvalid for a bad
// filter.
func (s *Store) Edges(ctx context.Context, f c2c.ExchangeFilter) (*c2c.Subgraph, error) {
	if err := f.Validate("filter"); err != nil {
		return nil, err
	}
	var w clause
	exchangeWhere(&w, f)
	g := &c2c.Subgraph{}
	err := s.read(ctx, "edges", func(tx *sql.Tx) error {
		rows, err := query(ctx, tx, "edges", edgesSQL+w.sql()+orderByIDSQL, w.args...)
		if err != nil {
			return err
		}
		if g.Edges, err = collectExchanges(rows, "edges"); err != nil {
			return err
		}
		seen := map[string]bool{}
		var ids []string
		for _, x := range g.Edges {
			for _, id := range []string{x.SourceID, x.TargetID} {
				if !seen[id] {
					seen[id] = true
					ids = append(ids, id)
				}
			}
		}
		if len(ids) == 0 {
			return nil
		}
		sort.Strings(ids)
		byID, err := actorsByIDs(ctx, tx, ids)
		if err != nil {
			return err
		}
		for _, id := range ids {
			if a := byID[id]; a != nil {
				g.Nodes = append(g.Nodes, a)
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return g, nil
}
