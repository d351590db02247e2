package neo4jstore

import (
	"context"
	"strings"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"

	"github.com/c2c-project/c2c/internal/c2c"
)

const actorsByIDs = `UNWIND $ids AS id
MATCH (a:Actor {id: id}) USING INDEX SEEK a:Actor(id)
RETURN ` + actorMap + ` AS a`

// ActorsByIDs returns the actors with the given ids in order, nil for a
// missing id, in one query. KindUnavailable if Neo4j cannot be reached.
func (s *Store) ActorsByIDs(ctx context.Context, ids []string) ([]*c2c.Actor, error) {
	if len(ids) == 0 {
		return []*c2c.Actor{}, nil
	}
	recs, err := s.read(ctx, "actors by ids", actorsByIDs, map[string]any{"ids": idsParam(ids)})
	if err != nil {
		return nil, err
	}
	byID := make(map[string]*c2c.Actor, len(recs))
	for _, r := range recs {
		a := decodeActor(r.Values[0])
		byID[a.ID] = a
	}
	out := make([]*c2c.Actor, len(ids))
	for i, id := range ids {
		if a := byID[id]; a != nil {
			c := *a
			out[i] = &c
		}
	}
	return out, nil
}

// Actor page queries: an anchor that lets the planner start from an index
// when a filter allows it, the full filter, then the order with its keyset
// condition.
const (
	actorAnchorCountry = `MATCH (a:Actor) WHERE a.country IN $codes WITH a `
	actorAnchorText    = `MATCH (a:Actor) WHERE a.searchKey CONTAINS $text WITH a `
	actorAnchorKind    = `MATCH (a:Actor) WHERE a.kind IN $kinds WITH a `
	actorAnchorAll     = `MATCH (a:Actor) WITH a `

	actorWhere = `WHERE ($kinds IS NULL OR a.kind IN $kinds)
  AND (NOT $restricted OR a.country IN $codes OR ($includeNone AND a.country IS NULL))
  AND ($text IS NULL OR a.searchKey CONTAINS $text)
  AND ($orgTypes IS NULL OR a.orgType IN $orgTypes)
`
	actorsNameAsc = `WITH a WHERE $aid IS NULL OR a.nameKey > $ak OR (a.nameKey = $ak AND a.id > $aid)
WITH a ORDER BY a.nameKey, a.id LIMIT $limit
RETURN ` + actorMap + ` AS a`
	actorsNameDesc = `WITH a WHERE $aid IS NULL OR a.nameKey < $ak OR (a.nameKey = $ak AND a.id > $aid)
WITH a ORDER BY a.nameKey DESC, a.id LIMIT $limit
RETURN ` + actorMap + ` AS a`
	actorsIDAsc = `WITH a WHERE $aid IS NULL OR a.id > $aid
WITH a ORDER BY a.id LIMIT $limit
RETURN ` + actorMap + ` AS a`
	actorsCount = `RETURN count(a)`
)

// actorFilterParams turns f into the parameters of actorWhere and picks the
// anchor.
func actorFilterParams(f c2c.ActorFilter) (anchor string, p map[string]any) {
	codes, restricted, includeNone := f.CountrySet()
	text := c2c.Fold(f.Text)
	p = map[string]any{
		"kinds":       stringsParam(f.Kinds),
		"restricted":  restricted,
		"codes":       stringsParam(codes),
		"includeNone": includeNone,
		"text":        nilIfEmpty(text),
		"orgTypes":    stringsParam(f.OrgTypes),
	}
	if restricted && p["codes"] == nil {
		p["codes"] = []any{}
	}
	switch {
	case restricted && !includeNone:
		anchor = actorAnchorCountry
	case text != "":
		anchor = actorAnchorText
	case len(f.Kinds) > 0:
		anchor = actorAnchorKind
	default:
		anchor = actorAnchorAll
	}
	return anchor, p
}

// Actors returns one page of actors matching q, keyset-paged. KindInvalid
// for a cursor of another order.
func (s *Store) Actors(ctx context.Context, q c2c.ActorQuery) (*c2c.ActorPage, error) {
	if err := q.Filter.Validate("filter"); err != nil {
		return nil, err
	}
	order := q.Order
	if order == "" {
		order = c2c.OrderNameAsc
	}
	var tail string
	switch order {
	case c2c.OrderNameAsc:
		tail = actorsNameAsc
	case c2c.OrderNameDesc:
		tail = actorsNameDesc
	case c2c.OrderIDAsc:
		tail = actorsIDAsc
	default:
		return nil, c2c.Invalid("orderBy", "%q is not an actor order", order)
	}
	first := pageSize(q.First)
	anchor, p := actorFilterParams(q.Filter)
	p["aid"], p["ak"] = nil, nil
	if c := q.After; c != nil {
		if c.Order != string(order) {
			return nil, c2c.Invalid("after", "was issued for order %s, not %s", c.Order, order)
		}
		p["aid"], p["ak"] = c.ID, c.Text
	}
	p["limit"] = int64(first + 1)
	recs, err := s.read(ctx, "actors", anchor+actorWhere+tail, p)
	if err != nil {
		return nil, err
	}
	page := &c2c.ActorPage{Actors: make([]*c2c.Actor, 0, len(recs))}
	for _, r := range recs {
		page.Actors = append(page.Actors, decodeActor(r.Values[0]))
	}
	if len(page.Actors) > first {
		page.Actors, page.HasNext = page.Actors[:first], true
	}
	if q.WantTotal {
		recs, err := s.read(ctx, "count actors", anchor+actorWhere+actorsCount, p)
		if err != nil {
			return nil, err
		}
		page.TotalCount = int(recs[0].Values[0].(int64))
	}
	return page, nil
}

// pageSize clamps a requested page size to 1..MaxStorePageSize (default
// DefaultPageSize).
func pageSize(n int) int {
	switch {
	case n <= 0:
		return c2c.DefaultPageSize
	case n > c2c.MaxStorePageSize:
		return c2c.MaxStorePageSize
	}
	return n
}

const citiesByRegions = `UNWIND $ids AS rid
MATCH (r:Actor {id: rid})<-[:IN_REGION]-(a:City) USING INDEX SEEK r:Actor(id)
WITH rid, a ORDER BY a.nameKey, a.id
RETURN rid, ` + actorMap + ` AS a`

// CitiesByRegions returns the cities of each region, ordered by name then
// id, in one query.
func (s *Store) CitiesByRegions(ctx context.Context, regionIDs []string) (map[string][]*c2c.Actor, error) {
	out := make(map[string][]*c2c.Actor, len(regionIDs))
	if len(regionIDs) == 0 {
		return out, nil
	}
	recs, err := s.read(ctx, "cities by regions", citiesByRegions, map[string]any{"ids": idsParam(regionIDs)})
	if err != nil {
		return nil, err
	}
	for _, r := range recs {
		rid := r.Values[0].(string)
		out[rid] = append(out[rid], decodeActor(r.Values[1]))
	}
	return out, nil
}

// Actor writes. Labels cannot be parameters, so FOREACH over a flag adds
// the kind's label.
const (
	regionKind       = `OPTIONAL MATCH (r:Actor {id: $id}) RETURN r.kind`
	upsertActorsBody = `UNWIND $rows AS r
MERGE (a:Actor {id: r.id})
SET a = r.props
FOREACH (_ IN CASE WHEN r.city THEN [1] ELSE [] END | SET a:City)
FOREACH (_ IN CASE WHEN r.region THEN [1] ELSE [] END | SET a:Region)
FOREACH (_ IN CASE WHEN r.org THEN [1] ELSE [] END | SET a:Organisation)
WITH a, r
OPTIONAL MATCH (a)-[old:IN_REGION]->()
DELETE old
WITH DISTINCT a, r
CALL (a, r) {
  MATCH (reg:Actor {id: r.regionId}) WHERE reg:Region
  CREATE (a)-[:IN_REGION]->(reg)
}`
	upsertActors = upsertActorsBody + `
RETURN count(a)`
	// createActor checks whether the id is taken and what the region id
	// names and, when nothing is wrong, writes the actor as upsertActors
	// does, in one statement that returns the flags: taken, and the kind
	// of the actor the region id names (null for none). Nothing is written
	// when a check fails.
	createActor = `OPTIONAL MATCH (old:Actor {id: $id})
OPTIONAL MATCH (region:Actor {id: $regionId})
WITH old IS NOT NULL AS taken, region
CALL (taken, region) {
  WITH taken, region WHERE NOT taken AND ($regionId IS NULL OR region:Region)
  ` + upsertActorsBody + `
  RETURN count(a) AS written
}
RETURN taken, region.kind AS regionKind`
	readActor = `MATCH (a:Actor {id: $id}) RETURN ` + actorMap + ` AS a`
)

// CreateActor stores a new actor: KindInvalid for a bad field or a RegionID
// naming no Region, KindConflict if the id is taken.
func (s *Store) CreateActor(ctx context.Context, a c2c.Actor) (*c2c.Actor, error) {
	a.Normalize()
	if err := a.Validate(""); err != nil {
		return nil, err
	}
	_, err := s.write(ctx, "create actor", func(tx *wtx) (any, error) {
		// Recorded before the statement, which may carry the change log; a
		// refused create rolls the transaction back.
		tx.changes.Actors(a.ID)
		p := map[string]any{"id": a.ID, "regionId": nilIfEmpty(a.RegionID), "rows": []any{actorRow(&a)}}
		recs, err := s.runLogged(ctx, tx, createActor, p)
		if err != nil {
			return nil, err
		}
		if recs[0].Values[0].(bool) {
			return nil, c2c.Conflict("actor %q already exists", a.ID)
		}
		if a.RegionID != "" {
			kind, _ := recs[0].Values[1].(string)
			return nil, regionError("regionId", a.RegionID, kind)
		}
		return nil, nil
	})
	if err != nil {
		return nil, err
	}
	out := a
	return &out, nil
}

// checkRegion returns KindInvalid naming field unless id is "" or a Region.
func checkRegion(ctx context.Context, tx neo4j.ManagedTransaction, field, id string) error {
	if id == "" {
		return nil
	}
	recs, err := run(ctx, tx, regionKind, map[string]any{"id": id})
	if err != nil {
		return err
	}
	kind, _ := recs[0].Values[0].(string)
	return regionError(field, id, kind)
}

// regionError returns KindInvalid naming field unless kind, the kind of
// the actor id names ("" for none), is a Region's.
func regionError(field, id, kind string) error {
	switch kind {
	case "":
		return c2c.Invalid(field, "no actor has id %q", id)
	case string(c2c.ActorRegion):
		return nil
	default:
		return c2c.Invalid(field, "%q is not a region", id)
	}
}

// UpdateActor applies p to the actor with id: KindNotFound if there is none,
// KindInvalid if the result breaks a rule or RegionID names no Region.
func (s *Store) UpdateActor(ctx context.Context, id string, p c2c.ActorPatch) (*c2c.Actor, error) {
	out, err := s.write(ctx, "update actor", func(tx *wtx) (any, error) {
		recs, err := run(ctx, tx, readActor, map[string]any{"id": id})
		if err != nil {
			return nil, err
		}
		if len(recs) == 0 {
			return nil, c2c.NotFound("actor", id)
		}
		a := decodeActor(recs[0].Values[0])
		p.Apply(a)
		a.Normalize()
		if err := a.Validate(""); err != nil {
			return nil, err
		}
		if p.RegionID != nil {
			if err := checkRegion(ctx, tx, "regionId", a.RegionID); err != nil {
				return nil, err
			}
		}
		tx.changes.Actors(a.ID)
		// The write is the last statement: it may carry the change log.
		if _, err := s.runLogged(ctx, tx, upsertActors, map[string]any{"rows": []any{actorRow(a)}}); err != nil {
			return nil, err
		}
		return a, nil
	})
	if err != nil {
		return nil, err
	}
	return out.(*c2c.Actor), nil
}

const (
	// actorEdges counts what hangs on an actor: exchanges, memberships
	// either way, cities lying in it and exchanges it facilitates.
	actorEdges = `MATCH (a:Actor {id: $id})
RETURN COUNT { (a)-[:EXCHANGE]-() } AS exchanges,
       COUNT { (a)-[:MEMBER_OF]-() } AS memberships,
       COUNT { (a)<-[:IN_REGION]-() } AS cities,
       COUNT { ()-[x:EXCHANGE]->() WHERE $id IN x.facilitators AND startNode(x) <> a AND endNode(x) <> a } AS facilitated`
	pruneFacilitator = `MATCH ()-[x:EXCHANGE]->()
WHERE $id IN x.facilitators
WITH x, [f IN x.facilitators WHERE f <> $id] AS rest
SET x.facilitators = CASE WHEN size(rest) = 0 THEN null ELSE rest END
RETURN collect(x.id)`
	// deleteActor returns the ids of what goes with the actor, for the
	// change log: its exchanges and memberships, and the cities that lay
	// in it.
	deleteActor = `MATCH (a:Actor {id: $id})
WITH a, [(a)-[x:EXCHANGE]-() | x.id] AS exchanges,
     [(a)-[m:MEMBER_OF]-() | m.id] AS memberships,
     [(c)-[:IN_REGION]->(a) | c.id] AS cities
DETACH DELETE a
RETURN exchanges, memberships, cities`
)

// DeleteActor removes the actor: KindNotFound if there is none,
// KindConflict if edges hang on it and cascade is false. With cascade its
// exchanges and memberships go too, its cities lose their region and
// exchanges drop it from their facilitators.
func (s *Store) DeleteActor(ctx context.Context, id string, cascade bool) (*c2c.DeleteResult, error) {
	out, err := s.write(ctx, "delete actor", func(tx *wtx) (any, error) {
		recs, err := run(ctx, tx, actorEdges, map[string]any{"id": id})
		if err != nil {
			return nil, err
		}
		if len(recs) == 0 {
			return nil, c2c.NotFound("actor", id)
		}
		v := recs[0].Values
		res := &c2c.DeleteResult{
			ActorID:            id,
			ExchangesRemoved:   int(v[0].(int64)),
			MembershipsRemoved: int(v[1].(int64)),
			CitiesDetached:     int(v[2].(int64)),
			FacilitatorsPruned: int(v[3].(int64)),
		}
		if !cascade && (res.ExchangesRemoved+res.MembershipsRemoved+res.CitiesDetached+res.FacilitatorsPruned) > 0 {
			var what []string
			for _, w := range []struct {
				n    int
				name string
			}{{res.ExchangesRemoved, "exchanges"}, {res.MembershipsRemoved, "memberships"}, {res.CitiesDetached, "cities"}, {res.FacilitatorsPruned, "facilitated exchanges"}} {
				if w.n > 0 {
					what = append(what, itoa(w.n)+" "+w.name)
				}
			}
			return nil, c2c.Conflict("actor %q still has %s; delete them first or cascade", id, strings.Join(what, ", "))
		}
		if res.FacilitatorsPruned > 0 {
			recs, err := run(ctx, tx, pruneFacilitator, map[string]any{"id": id})
			if err != nil {
				return nil, err
			}
			tx.changes.Exchanges(idList(recs[0].Values[0])...)
		}
		recs, err = run(ctx, tx, deleteActor, map[string]any{"id": id})
		if err != nil {
			return nil, err
		}
		tx.changes.Actors(id)
		if len(recs) > 0 {
			v := recs[0].Values
			tx.changes.Exchanges(idList(v[0])...)
			tx.changes.Memberships(idList(v[1])...)
			tx.changes.Actors(idList(v[2])...)
		}
		return res, nil
	})
	if err != nil {
		return nil, err
	}
	return out.(*c2c.DeleteResult), nil
}

func itoa(n int) string {
	if n < 0 {
		return "-" + itoa(-n)
	}
	if n < 10 {
		return string(rune('0' + n))
	}
	return itoa(n/10) + string(rune('0'+n%10))
}
