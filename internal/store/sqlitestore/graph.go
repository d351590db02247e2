package sqlitestore

import (
	"context"
	"database/sql"
	"sort"
	"strings"
	"unicode/utf8"

	"github.com/c2c-project/c2c/internal/c2c"
)

// startLastKeySQL is the last day (yyyymmdd) of the start sd of a row of
// m: the year's, the month's or the day itself.
const startLastKeySQL = `CAST(CASE length(sd) WHEN 4 THEN sd || '1231'
	WHEN 7 THEN replace(date(sd || '-01', '+1 month', '-1 day'), '-', '')
	ELSE replace(sd, '-', '') END AS INTEGER)`

// partnersSQL sums up, for each requested actor, each partner over the
// matching exchanges in one row, and numbers the rows of each actor by
// count descending, then partner name and id. The exchanges are found
// from each end's index (the filter follows partnersSQL and
// partnersTargetSQL). The earliest start is the least "lo || start": lo
// (its first day, 8 digits) orders it, and of two starts on the same day
// the coarser (shorter text) comes first. An exchange's latest date is its
// end when that ends after its start does (hi is the end's last day), else
// its start ("2014" to "2014-03" lasts until the end of 2014); of two
// ending on the same day the longer text wins. Themes are
// gathered for the partners kept only, through the index on the pair of
// ends (the filter follows partnersThemesSQL). The parameters are the
// ids, the filter's three times and the limit twice (all rows when it is
// not positive).
const (
	partnersSQL = `WITH q(actor) AS (SELECT DISTINCT value FROM json_each(?)),
	m(actor, partner, lo, hi, sd, ed) AS (
		SELECT q.actor, x.target_id, x.lo, x.hi, x.start_date, x.end_date
		FROM q CROSS JOIN exchanges x ON x.source_id = q.actor WHERE `
	partnersTargetSQL = `
		UNION ALL
		SELECT q.actor, x.source_id, x.lo, x.hi, x.start_date, x.end_date
		FROM q CROSS JOIN exchanges x ON x.target_id = q.actor WHERE `
	partnersThemesSQL = `),
	per(actor, partner, n, first, last) AS (
		SELECT actor, partner, count(*), min(lo || sd),
			max(max(hi, ` + startLastKeySQL + `) || CASE WHEN ed <> '' AND hi > ` + startLastKeySQL + ` THEN ed ELSE sd END)
		FROM m GROUP BY actor, partner),
	ranked AS (
		SELECT per.*, row_number() OVER (PARTITION BY per.actor ORDER BY per.n DESC, p.name_key, per.partner) AS rn
		FROM per CROSS JOIN actors p ON p.id = per.partner)
	SELECT r.actor, r.partner, r.n, coalesce(substr(r.first, 9), ''), coalesce(substr(r.last, 9), ''),
		(SELECT json_group_array(DISTINCT et.theme_id)
		FROM exchanges x CROSS JOIN exchange_themes et ON et.exchange_id = x.id
		WHERE ((x.source_id = r.actor AND x.target_id = r.partner) OR (x.source_id = r.partner AND x.target_id = r.actor)) AND `
	partnersTailSQL = `)
	FROM ranked r WHERE ? <= 0 OR r.rn <= ? ORDER BY r.actor, r.rn`
)

// PartnersByActors returns, for each actor id with any, its partners over
// the exchanges matching f: the number of exchanges, the earliest known
// start, the latest known date (an end when it ends after the start, else the start)
// and the union of their themes; ordered by count descending, then partner
// name and id; the first limit of them (all when limit <= 0). One query,
// which sums up and ranks the partners itself, so a hub's exchanges are
// not sent. KindInvalid for a bad filter.
func (s *Store) PartnersByActors(ctx context.Context, actorIDs []string, f c2c.ExchangeFilter, limit int) (map[string][]*c2c.Partner, error) {
	if err := f.Validate("filter"); err != nil {
		return nil, err
	}
	out := map[string][]*c2c.Partner{}
	if len(actorIDs) == 0 {
		return out, nil
	}
	var w clause
	exchangeWhere(&w, f)
	args := []any{jsonList(actorIDs)}
	for range 3 {
		args = append(args, w.args...)
	}
	args = append(args, limit, limit)
	cond := w.sql()
	rows, err := query(ctx, s.rd(ctx), "partners", partnersSQL+cond+partnersTargetSQL+cond+partnersThemesSQL+cond+partnersTailSQL, args...)
	if err != nil {
		return nil, err
	}
	defer func() { _ = rows.Close() }()
	for rows.Next() {
		var (
			p                   c2c.Partner
			first, last, themes string
		)
		if err := rows.Scan(&p.ActorID, &p.PartnerID, &p.Exchanges, &first, &last, &themes); err != nil {
			return nil, dbError("partners", err)
		}
		if p.Themes, err = sortedJSONList(themes); err != nil {
			return nil, dbError("partners", err)
		}
		if p.First, err = c2c.ParseOptionalDate("start", first); err != nil {
			return nil, dbError("partners", err)
		}
		if p.Last, err = c2c.ParseOptionalDate("end", last); err != nil {
			return nil, dbError("partners", err)
		}
		out[p.ActorID] = append(out[p.ActorID], &p)
	}
	if err := rows.Err(); err != nil {
		return nil, dbError("partners", err)
	}
	return out, nil
}

// searchSQL selects the candidates of a search by testing every actor's
// search key; only the keys are read.
const searchSQL = `SELECT a.id, a.search_key, a.name_key FROM actors a WHERE instr(a.search_key, ?) > 0`

// searchTrigramsSQL finds the candidates through the trigram index
// (migration 0003) and keeps those that hold the text; the index needs
// three characters at least.
const searchTrigramsSQL = `SELECT a.id, a.search_key, a.name_key FROM actor_search s JOIN actors a ON a.rowid = s.rowid
	WHERE actor_search MATCH ? AND instr(a.search_key, ?) > 0`

// trigramPhrase quotes text as an FTS5 phrase: its trigrams in order,
// with no query syntax left in it.
func trigramPhrase(text string) string {
	return `"` + strings.ReplaceAll(text, `"`, `""`) + `"`
}

// Search returns up to limit actors (c2c.MaxSearchResults when limit is 0
// or more than that) whose name or an alternative name contains the folded
// text, best c2c.MatchRank first, then by name and id. KindInvalid if the
// text folds to nothing. The candidates are ranked from their search keys
// (the folded names) and only the page's actors are read in full, so a
// short text matching thousands of actors costs little more than its
// keys.
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
	stmt, args := searchSQL, []any{q}
	if utf8.RuneCountInString(q) >= 3 {
		stmt, args = searchTrigramsSQL, []any{trigramPhrase(q), q}
	}
	type candidate struct {
		id, nameKey string
		rank        int
	}
	var hits []*c2c.SearchHit
	err := s.read(ctx, "search", func(tx *sql.Tx) error {
		rows, err := query(ctx, tx, "search", stmt, args...)
		if err != nil {
			return err
		}
		defer func() { _ = rows.Close() }()
		var cs []candidate
		for rows.Next() {
			var c candidate
			var key string
			if err := rows.Scan(&c.id, &key, &c.nameKey); err != nil {
				return dbError("search", err)
			}
			// The key joins the folded names with '|', so a candidate
			// may match only across names; MatchRank rules those out.
			if c.rank = c2c.MatchRankFolded(q, strings.Split(strings.Trim(key, "|"), "|")); c.rank > 0 {
				cs = append(cs, c)
			}
		}
		if err := rows.Err(); err != nil {
			return dbError("search", err)
		}
		sort.Slice(cs, func(i, j int) bool {
			a, b := cs[i], cs[j]
			if a.rank != b.rank {
				return a.rank > b.rank
			}
			if a.nameKey != b.nameKey {
				return a.nameKey < b.nameKey
			}
			return a.id < b.id
		})
		cs = cs[:min(limit, len(cs))]
		ids := make([]string, len(cs))
		for i, c := range cs {
			ids[i] = c.id
		}
		byID, err := actorsByIDs(ctx, tx, ids)
		if err != nil {
			return err
		}
		hits = make([]*c2c.SearchHit, 0, len(cs))
		for _, c := range cs {
			if a := byID[c.id]; a != nil {
				hits = append(hits, &c2c.SearchHit{Actor: a, Rank: c.rank})
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
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
