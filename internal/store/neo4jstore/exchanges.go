package neo4jstore

import (
	"context"
	"strings"

	"github.com/c2c-project/c2c/internal/c2c"
)

// exchangeWhere is the full ExchangeFilter over x, its source s and its
// target t. A nil parameter means "no condition". The class of an exchange
// is UNKNOWN when either end is neither South nor North (no country, or a
// country the definition leaves out), as c2c.Classify says.
const exchangeWhere = `WHERE ($kinds IS NULL OR x.kind IN $kinds)
  AND ($themesAny IS NULL OR any(th IN coalesce(x.themes, []) WHERE th IN $themesAny))
  AND ($themesAll IS NULL OR all(th IN $themesAll WHERE th IN coalesce(x.themes, [])))
  AND ($from IS NULL OR (x.hi >= $from AND x.lo <= $to))
  AND ($programme IS NULL OR x.programme = $programme)
  AND ($event IS NULL OR x.event = $event)
  AND ($actor IS NULL OR s.id = $actor OR t.id = $actor)
  AND ($countries IS NULL OR s.country IN $countries OR t.country IN $countries)
  AND ($directed IS NULL OR x.directed = $directed)
  AND ($text IS NULL OR x.titleKey CONTAINS $text)
  AND ($class IS NULL OR $class = CASE
        WHEN NOT (coalesce(s.country, '') IN $south OR coalesce(s.country, '') IN $north)
          OR NOT (coalesce(t.country, '') IN $south OR coalesce(t.country, '') IN $north) THEN 'UNKNOWN'
        WHEN coalesce(s.country, '') IN $south AND coalesce(t.country, '') IN $south THEN 'SOUTH_SOUTH'
        WHEN coalesce(s.country, '') IN $north AND coalesce(t.country, '') IN $north THEN 'NORTH_NORTH'
        ELSE 'NORTH_SOUTH' END)
`

// Anchors bind x, s and t, starting from an index when a filter allows.
const (
	exchangeAnchorActor     = `MATCH (c:Actor {id: $actor})-[x:EXCHANGE]-(:Actor) USING INDEX SEEK c:Actor(id) WITH x, startNode(x) AS s, endNode(x) AS t `
	exchangeAnchorProgramme = `MATCH (s:Actor)-[x:EXCHANGE]->(t:Actor) WHERE x.programme = $programme WITH x, s, t `
	exchangeAnchorEvent     = `MATCH (s:Actor)-[x:EXCHANGE]->(t:Actor) WHERE x.event = $event WITH x, s, t `
	exchangeAnchorWindow    = `MATCH (s:Actor)-[x:EXCHANGE]->(t:Actor) WHERE x.lo <= $to AND x.hi >= $from WITH x, s, t `
	exchangeAnchorKind      = `MATCH (s:Actor)-[x:EXCHANGE]->(t:Actor) WHERE x.kind IN $kinds WITH x, s, t `
	exchangeAnchorText      = `MATCH (s:Actor)-[x:EXCHANGE]->(t:Actor) WHERE x.titleKey CONTAINS $text WITH x, s, t `
	exchangeAnchorAll       = `MATCH (s:Actor)-[x:EXCHANGE]->(t:Actor) WITH x, s, t `
)

// exchangeFilterParams turns f into the parameters of exchangeWhere and
// picks the anchor.
func exchangeFilterParams(f c2c.ExchangeFilter) (anchor string, p map[string]any) {
	p = map[string]any{
		"kinds":     stringsParam(f.Kinds),
		"themesAny": stringsParam(f.ThemesAny),
		"themesAll": stringsParam(f.ThemesAll),
		"from":      nil,
		"to":        nil,
		"programme": nilIfEmpty(f.Programme),
		"event":     nilIfEmpty(f.Event),
		"actor":     nilIfEmpty(f.ActorID),
		"countries": nil,
		"directed":  nil,
		"text":      nilIfEmpty(c2c.Fold(f.Text)),
		"class":     nil,
		"south":     []any{},
		"north":     []any{},
	}
	from, to, window := f.Window()
	if window {
		p["from"], p["to"] = int64(from), int64(to)
	}
	if len(f.Countries) > 0 {
		cs := make([]string, len(f.Countries))
		for i, c := range f.Countries {
			cs[i] = strings.ToUpper(strings.TrimSpace(c))
		}
		p["countries"] = stringsParam(cs)
	}
	if f.Directed != nil {
		p["directed"] = *f.Directed
	}
	if c := f.Class; c != nil {
		p["class"] = string(c.Class)
		p["south"] = stringsParam(c2c.CountriesWithStatus(c.Definition, c2c.StatusSouth))
		p["north"] = stringsParam(c2c.CountriesWithStatus(c.Definition, c2c.StatusNorth))
		for _, k := range []string{"south", "north"} {
			if p[k] == nil {
				p[k] = []any{}
			}
		}
	}
	switch {
	case f.ActorID != "":
		anchor = exchangeAnchorActor
	case f.Programme != "":
		anchor = exchangeAnchorProgramme
	case f.Event != "":
		anchor = exchangeAnchorEvent
	case window:
		anchor = exchangeAnchorWindow
	case len(f.Kinds) > 0:
		anchor = exchangeAnchorKind
	case p["text"] != nil:
		anchor = exchangeAnchorText
	default:
		anchor = exchangeAnchorAll
	}
	return anchor, p
}

const exchangesByIDs = `UNWIND $ids AS id
MATCH (s:Actor)-[x:EXCHANGE {id: id}]->(t:Actor) USING INDEX SEEK x:EXCHANGE(id)
RETURN ` + exchangeMap + ` AS x`

// ExchangesByIDs returns the exchanges with the given ids in order, nil for
// a missing id, in one query.
func (s *Store) ExchangesByIDs(ctx context.Context, ids []string) ([]*c2c.Exchange, error) {
	if len(ids) == 0 {
		return []*c2c.Exchange{}, nil
	}
	recs, err := s.read(ctx, "exchanges by ids", exchangesByIDs, map[string]any{"ids": idsParam(ids)})
	if err != nil {
		return nil, err
	}
	byID := make(map[string]*c2c.Exchange, len(recs))
	for _, r := range recs {
		x := decodeExchange(r.Values[0])
		byID[x.ID] = x
	}
	out := make([]*c2c.Exchange, len(ids))
	for i, id := range ids {
		if x := byID[id]; x != nil {
			c := *x
			out[i] = &c
		}
	}
	return out, nil
}

// Exchange page tails: keyset condition, order, limit. Unknown dates sort
// last in both directions (the domain's sentinels); ties break on id.
const (
	exchangesStartAsc = `WITH x, s, t, coalesce(x.lo, ` + unknownStartAsc + `) AS k
WHERE $aid IS NULL OR k > $ak OR (k = $ak AND x.id > $aid)
WITH x, s, t, k ORDER BY k, x.id LIMIT $limit
RETURN ` + exchangeMap + ` AS x`
	exchangesStartDesc = `WITH x, s, t, coalesce(x.lo, ` + unknownStartDesc + `) AS k
WHERE $aid IS NULL OR k < $ak OR (k = $ak AND x.id > $aid)
WITH x, s, t, k ORDER BY k DESC, x.id LIMIT $limit
RETURN ` + exchangeMap + ` AS x`
	exchangesTitleAsc = `WITH x, s, t
WHERE $aid IS NULL OR x.titleKey > $ak OR (x.titleKey = $ak AND x.id > $aid)
WITH x, s, t ORDER BY x.titleKey, x.id LIMIT $limit
RETURN ` + exchangeMap + ` AS x`
	exchangesIDAsc = `WITH x, s, t
WHERE $aid IS NULL OR x.id > $aid
WITH x, s, t ORDER BY x.id LIMIT $limit
RETURN ` + exchangeMap + ` AS x`
	exchangesCount = `RETURN count(x)`
)

// In a date window every exchange has a start, so the start orders can
// follow the start (lo) index itself: the page stops after $limit rows in
// index order instead of sorting every exchange in the window (a 1995-2005
// window of a 20k-exchange graph: 310 rows read instead of 18,000).
const (
	exchangeAnchorWindowByStart = `MATCH (s:Actor)-[x:EXCHANGE]->(t:Actor) USING INDEX x:EXCHANGE(lo) WHERE x.lo <= $to AND x.hi >= $from WITH x, s, t `
	exchangesWindowStartAsc     = `WITH x, s, t
WHERE $aid IS NULL OR x.lo > $ak OR (x.lo = $ak AND x.id > $aid)
WITH x, s, t ORDER BY x.lo, x.id LIMIT $limit
RETURN ` + exchangeMap + ` AS x`
	exchangesWindowStartDesc = `WITH x, s, t
WHERE $aid IS NULL OR x.lo < $ak OR (x.lo = $ak AND x.id > $aid)
WITH x, s, t ORDER BY x.lo DESC, x.id LIMIT $limit
RETURN ` + exchangeMap + ` AS x`
)

// Exchanges returns one page of exchanges matching q, keyset-paged.
// KindInvalid for a cursor of another order.
func (s *Store) Exchanges(ctx context.Context, q c2c.ExchangeQuery) (*c2c.ExchangePage, error) {
	if err := q.Filter.Validate("filter"); err != nil {
		return nil, err
	}
	order := q.Order
	if order == "" {
		order = c2c.OrderStartAsc
	}
	var tail string
	switch order {
	case c2c.OrderStartAsc:
		tail = exchangesStartAsc
	case c2c.OrderStartDesc:
		tail = exchangesStartDesc
	case c2c.OrderTitleAsc:
		tail = exchangesTitleAsc
	case c2c.OrderExIDAsc:
		tail = exchangesIDAsc
	default:
		return nil, c2c.Invalid("orderBy", "%q is not an exchange order", order)
	}
	first := pageSize(q.First)
	anchor, p := exchangeFilterParams(q.Filter)
	if anchor == exchangeAnchorWindow {
		switch order {
		case c2c.OrderStartAsc:
			anchor, tail = exchangeAnchorWindowByStart, exchangesWindowStartAsc
		case c2c.OrderStartDesc:
			anchor, tail = exchangeAnchorWindowByStart, exchangesWindowStartDesc
		}
	}
	p["aid"], p["ak"] = nil, nil
	if c := q.After; c != nil {
		if c.Order != string(order) {
			return nil, c2c.Invalid("after", "was issued for order %s, not %s", c.Order, order)
		}
		p["aid"] = c.ID
		if order == c2c.OrderTitleAsc {
			p["ak"] = c.Text
		} else {
			p["ak"] = c.Num
		}
	}
	p["limit"] = int64(first + 1)
	recs, err := s.read(ctx, "exchanges", anchor+exchangeWhere+tail, p)
	if err != nil {
		return nil, err
	}
	page := &c2c.ExchangePage{Exchanges: make([]*c2c.Exchange, 0, len(recs))}
	for _, r := range recs {
		page.Exchanges = append(page.Exchanges, decodeExchange(r.Values[0]))
	}
	if len(page.Exchanges) > first {
		page.Exchanges, page.HasNext = page.Exchanges[:first], true
	}
	if q.WantTotal {
		recs, err := s.read(ctx, "count exchanges", anchor+exchangeWhere+exchangesCount, p)
		if err != nil {
			return nil, err
		}
		page.TotalCount = int(recs[0].Values[0].(int64))
	}
	return page, nil
}

// exchangesByActors binds, for each centre id cid, the exchanges at it that
// match the filter, with the other end o.
const exchangesByActorsMatch = `UNWIND $ids AS cid
MATCH (c:Actor {id: cid})-[x:EXCHANGE]-(o:Actor) USING INDEX SEEK c:Actor(id)
WITH cid, o, x, startNode(x) AS s, endNode(x) AS t
`

const exchangesByActors = exchangesByActorsMatch + exchangeWhere +
	`WITH cid, x, s, t ORDER BY cid, coalesce(x.lo, ` + unknownStartAsc + `), x.id
RETURN cid, ` + exchangeMap + ` AS x`

// exchangesAtCentre opens a subquery that binds, for the centre id cid
// imported into it, the exchanges at it that match the filter, with the
// other end o. The subquery's ORDER BY … LIMIT then cuts each centre's
// list on its own.
const exchangesAtCentre = `CALL (cid) {
MATCH (c:Actor {id: cid})-[x:EXCHANGE]-(o:Actor) USING INDEX SEEK c:Actor(id)
WITH o, x, startNode(x) AS s, endNode(x) AS t
` + exchangeWhere

// exchangesByActorsFirst returns the first $limit exchanges of each centre
// in the order of exchangesByActors: only those are projected and sent.
const exchangesByActorsFirst = `UNWIND $ids AS cid
` + exchangesAtCentre + `WITH x, s, t, coalesce(x.lo, ` + unknownStartAsc + `) AS k ORDER BY k, x.id LIMIT $limit
RETURN ` + exchangeMap + ` AS xm, k, x.id AS xid
}
WITH cid, xm, k, xid ORDER BY cid, k, xid
RETURN cid, xm AS x`

// ExchangesByActors returns, for each actor id, the exchanges at either end
// that match f, ordered by start (unknown last) then id, the first limit of
// them (all when limit <= 0), in one query.
func (s *Store) ExchangesByActors(ctx context.Context, actorIDs []string, f c2c.ExchangeFilter, limit int) (map[string][]*c2c.Exchange, error) {
	if err := f.Validate("filter"); err != nil {
		return nil, err
	}
	out := make(map[string][]*c2c.Exchange, len(actorIDs))
	if len(actorIDs) == 0 {
		return out, nil
	}
	_, p := exchangeFilterParams(f)
	p["ids"] = idsParam(actorIDs)
	q := exchangesByActors
	if limit > 0 {
		q, p["limit"] = exchangesByActorsFirst, int64(limit)
	}
	recs, err := s.read(ctx, "exchanges by actors", q, p)
	if err != nil {
		return nil, err
	}
	for _, r := range recs {
		cid := r.Values[0].(string)
		out[cid] = append(out[cid], decodeExchange(r.Values[1]))
	}
	return out, nil
}

// Exchange writes.
const (
	// createExchange checks whether the id is taken and which of the ids
	// the exchange names (ends, facilitators, themes) are missing and, when
	// nothing is wrong, creates the exchange, in one statement: the checks'
	// flags come back in exchangeRefErrors' order, from which
	// CreateExchange derives its errors. Nothing is written when any check
	// fails.
	createExchange = `OPTIONAL MATCH (s:Actor {id: $source})
OPTIONAL MATCH (t:Actor {id: $target})
WITH s, t,
  EXISTS { ()-[:EXCHANGE {id: $id}]->() } AS taken,
  [f IN $facilitators WHERE NOT EXISTS { (:Actor {id: f}) }] AS missingFacilitators,
  [th IN $themes WHERE NOT EXISTS { (:Theme {id: th}) }] AS missingThemes
FOREACH (_ IN CASE WHEN s IS NOT NULL AND t IS NOT NULL AND NOT taken
    AND missingFacilitators = [] AND missingThemes = [] THEN [1] ELSE [] END |
  CREATE (s)-[x:EXCHANGE]->(t)
  SET x = $props)
RETURN taken, s IS NOT NULL AS hasSource, t IS NOT NULL AS hasTarget, missingFacilitators, missingThemes`
	// updateExchange checks the ends, facilitators and themes as
	// createExchange does and, when nothing is wrong, replaces the
	// exchange (a relationship cannot change its ends: the old one is
	// deleted and a new one created), in one statement that returns the
	// flags in exchangeRefErrors' order, taken saying the old one is
	// there. Nothing is written when a check fails.
	updateExchange = `OPTIONAL MATCH ()-[old:EXCHANGE {id: $id}]->()
OPTIONAL MATCH (s:Actor {id: $source})
OPTIONAL MATCH (t:Actor {id: $target})
WITH old, s, t,
  [f IN $facilitators WHERE NOT EXISTS { (:Actor {id: f}) }] AS missingFacilitators,
  [th IN $themes WHERE NOT EXISTS { (:Theme {id: th}) }] AS missingThemes
FOREACH (_ IN CASE WHEN s IS NOT NULL AND t IS NOT NULL
    AND missingFacilitators = [] AND missingThemes = [] THEN [1] ELSE [] END |
  DELETE old
  CREATE (s)-[x:EXCHANGE]->(t)
  SET x = $props)
RETURN old IS NOT NULL AS taken, s IS NOT NULL AS hasSource, t IS NOT NULL AS hasTarget, missingFacilitators, missingThemes`
	// upsertExchanges replaces each exchange by id: a relationship cannot
	// change its ends, so the old one is deleted and a new one created.
	upsertExchanges = `UNWIND $rows AS r
OPTIONAL MATCH ()-[old:EXCHANGE {id: r.id}]->() USING INDEX SEEK old:EXCHANGE(id)
DELETE old
WITH r
MATCH (s:Actor {id: r.source}) USING INDEX SEEK s:Actor(id)
MATCH (t:Actor {id: r.target}) USING INDEX SEEK t:Actor(id)
CREATE (s)-[x:EXCHANGE]->(t)
SET x = r.props
RETURN count(x)`
	readExchange = `MATCH (s:Actor)-[x:EXCHANGE {id: $id}]->(t:Actor) RETURN ` + exchangeMap + ` AS x`
	// deleteExchange deletes the exchange and returns it as it was: no
	// row when there is none.
	deleteExchange = `MATCH (s:Actor)-[x:EXCHANGE {id: $id}]->(t:Actor) USING INDEX SEEK x:EXCHANGE(id)
WITH x, ` + exchangeMap + ` AS m
DELETE x
RETURN m`
)

// exchangeRefsParams are the parameters of createExchange and
// updateExchange for x, but its properties.
func exchangeRefsParams(x *c2c.Exchange) map[string]any {
	return map[string]any{
		"id": x.ID, "source": x.SourceID, "target": x.TargetID,
		"facilitators": stringsOrEmpty(x.Facilitators), "themes": stringsOrEmpty(x.Themes),
	}
}

// exchangeRefErrors turns the flags of createExchange and updateExchange
// (taken, hasSource, hasTarget, missingFacilitators, missingThemes) into KindInvalid naming
// every missing end, facilitator or theme, and whether the id is taken.
func exchangeRefErrors(x *c2c.Exchange, v []any) (taken bool, err error) {
	var es c2c.Errors
	if !v[1].(bool) {
		es = append(es, c2c.Invalid("source", "no actor has id %q", x.SourceID))
	}
	if !v[2].(bool) {
		es = append(es, c2c.Invalid("target", "no actor has id %q", x.TargetID))
	}
	missing := map[string]bool{}
	for _, f := range v[3].([]any) {
		missing[f.(string)] = true
	}
	for i, f := range x.Facilitators {
		if missing[f] {
			es = append(es, c2c.Invalid("facilitators["+itoa(i)+"]", "no actor has id %q", f))
		}
	}
	missing = map[string]bool{}
	for _, th := range v[4].([]any) {
		missing[th.(string)] = true
	}
	for i, th := range x.Themes {
		if missing[th] {
			es = append(es, c2c.Invalid("themes["+itoa(i)+"]", "%q is not in the theme vocabulary", th))
		}
	}
	return v[0].(bool), es.Err()
}

func stringsOrEmpty(xs []string) []any {
	out := make([]any, len(xs))
	for i, x := range xs {
		out[i] = x
	}
	return out
}

// CreateExchange stores a new exchange: KindInvalid naming the field for a
// bad value, a missing end or facilitator, or a theme outside the
// vocabulary; KindConflict if the id is taken.
func (s *Store) CreateExchange(ctx context.Context, x c2c.Exchange) (*c2c.Exchange, error) {
	x.Normalize()
	if err := x.Validate(""); err != nil {
		return nil, err
	}
	_, err := s.write(ctx, "create exchange", func(tx *wtx) (any, error) {
		// Recorded before the statement, which may carry the change log; a
		// refused create rolls the transaction back.
		tx.changes.Exchanges(x.ID)
		p := exchangeRefsParams(&x)
		p["props"] = exchangeProps(&x)
		recs, err := s.runLogged(ctx, tx, createExchange, p)
		if err != nil {
			return nil, err
		}
		taken, err := exchangeRefErrors(&x, recs[0].Values)
		if err != nil {
			return nil, err
		}
		if taken {
			return nil, c2c.Conflict("exchange %q already exists", x.ID)
		}
		return nil, nil
	})
	if err != nil {
		return nil, err
	}
	out := x
	return &out, nil
}

// UpdateExchange applies p: KindNotFound if there is no such exchange,
// KindInvalid as for CreateExchange.
func (s *Store) UpdateExchange(ctx context.Context, id string, p c2c.ExchangePatch) (*c2c.Exchange, error) {
	out, err := s.write(ctx, "update exchange", func(tx *wtx) (any, error) {
		recs, err := run(ctx, tx, readExchange, map[string]any{"id": id})
		if err != nil {
			return nil, err
		}
		if len(recs) == 0 {
			return nil, c2c.NotFound("exchange", id)
		}
		x := decodeExchange(recs[0].Values[0])
		p.Apply(x)
		x.Normalize()
		if err := x.Validate(""); err != nil {
			return nil, err
		}
		// Recorded before the statement, which may carry the change log; a
		// refused update rolls the transaction back.
		tx.changes.Exchanges(x.ID)
		q := exchangeRefsParams(x)
		q["props"] = exchangeProps(x)
		recs, err = s.runLogged(ctx, tx, updateExchange, q)
		if err != nil {
			return nil, err
		}
		if _, err := exchangeRefErrors(x, recs[0].Values); err != nil {
			return nil, err
		}
		return x, nil
	})
	if err != nil {
		return nil, err
	}
	return out.(*c2c.Exchange), nil
}

// DeleteExchange removes the exchange and returns it as it was, in one
// statement; KindNotFound if there is none.
func (s *Store) DeleteExchange(ctx context.Context, id string) (*c2c.Exchange, error) {
	out, err := s.write(ctx, "delete exchange", func(tx *wtx) (any, error) {
		// Recorded before the statement, which may carry the change log; a
		// refused delete rolls the transaction back.
		tx.changes.Exchanges(id)
		p := map[string]any{"id": id}
		recs, err := s.runLogged(ctx, tx, deleteExchange, p)
		if err != nil {
			return nil, err
		}
		if len(recs) == 0 {
			return nil, c2c.NotFound("exchange", id)
		}
		return decodeExchange(recs[0].Values[0]), nil
	})
	if err != nil {
		return nil, err
	}
	return out.(*c2c.Exchange), nil
}
