package sqlitestore

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"github.com/c2c-project/c2c/internal/c2c"
)

// actorColumns are the columns scanActor reads, from the actor table
// aliased a.
const actorColumns = `a.id, a.kind, a.name, a.alt_names, a.country, a.lat, a.lon,
	coalesce(a.region_id, ''), a.org_type, a.wikidata_id, a.geonames_id, a.summary`

type scanner interface{ Scan(dest ...any) error }

// scanActor reads one row of actorColumns (followed by extra destinations).
func scanActor(r scanner, extra ...any) (*c2c.Actor, error) {
	var (
		a        c2c.Actor
		alt      string
		lat, lon sql.NullFloat64
	)
	dest := append([]any{&a.ID, &a.Kind, &a.Name, &alt, &a.Country, &lat, &lon,
		&a.RegionID, &a.OrgType, &a.WikidataID, &a.GeoNamesID, &a.Summary}, extra...)
	if err := r.Scan(dest...); err != nil {
		return nil, err
	}
	if err := json.Unmarshal([]byte(alt), &a.AltNames); err != nil {
		return nil, fmt.Errorf("actor %q: alt_names: %w", a.ID, err)
	}
	if len(a.AltNames) == 0 {
		a.AltNames = nil
	}
	if lat.Valid && lon.Valid {
		a.Coords = &c2c.Coordinates{Lat: lat.Float64, Lon: lon.Float64}
	}
	return &a, nil
}

// collectActors reads every row of rows and closes it.
func collectActors(rows *sql.Rows, step string) ([]*c2c.Actor, error) {
	defer func() { _ = rows.Close() }()
	var out []*c2c.Actor
	for rows.Next() {
		a, err := scanActor(rows)
		if err != nil {
			return nil, dbError(step, err)
		}
		out = append(out, a)
	}
	if err := rows.Err(); err != nil {
		return nil, dbError(step, err)
	}
	return out, nil
}

const actorsByIDsSQL = `SELECT ` + actorColumns + ` FROM actors a
	WHERE a.id IN (SELECT value FROM json_each(?))`

// ActorsByIDs returns the actors with the given ids in the same order, nil
// for a missing id, in one query.
func (s *Store) ActorsByIDs(ctx context.Context, ids []string) ([]*c2c.Actor, error) {
	out := make([]*c2c.Actor, len(ids))
	if len(ids) == 0 {
		return out, nil
	}
	byID, err := actorsByIDs(ctx, s.rd(ctx), ids)
	if err != nil {
		return nil, err
	}
	for i, id := range ids {
		out[i] = byID[id]
	}
	return out, nil
}

func actorsByIDs(ctx context.Context, q querier, ids []string) (map[string]*c2c.Actor, error) {
	rows, err := query(ctx, q, "actors by ids", actorsByIDsSQL, jsonList(ids))
	if err != nil {
		return nil, err
	}
	as, err := collectActors(rows, "actors by ids")
	if err != nil {
		return nil, err
	}
	byID := make(map[string]*c2c.Actor, len(as))
	for _, a := range as {
		byID[a.ID] = a
	}
	return byID, nil
}

const (
	actorsPageSQL  = `SELECT ` + actorColumns + ` FROM actors a WHERE `
	actorsCountSQL = `SELECT count(*) FROM actors a WHERE `
	limitSQL       = ` LIMIT ?`
)

// Actors returns one page of the actors matching q, in keyset order.
// KindInvalid for a bad filter, page size or cursor.
func (s *Store) Actors(ctx context.Context, q c2c.ActorQuery) (*c2c.ActorPage, error) {
	if err := q.Filter.Validate("filter"); err != nil {
		return nil, err
	}
	first, err := pageSize(q.First)
	if err != nil {
		return nil, err
	}
	order := q.Order
	if order == "" {
		order = c2c.OrderNameAsc
	}
	var orderSQL string
	switch order {
	case c2c.OrderNameAsc:
		orderSQL = actorOrderNameAsc
	case c2c.OrderNameDesc:
		orderSQL = actorOrderNameDesc
	case c2c.OrderIDAsc:
		orderSQL = actorOrderIDAsc
	default:
		return nil, c2c.Invalid("orderBy", "%q is not an actor order", order)
	}
	var filter clause
	actorWhere(&filter, q.Filter)
	page := filter
	page.conds = append([]string(nil), filter.conds...)
	page.args = append([]any(nil), filter.args...)
	if c := q.After; c != nil {
		if c.Order != string(order) {
			return nil, c2c.Invalid("after", "was issued for order %s, not %s", c.Order, order)
		}
		switch order {
		case c2c.OrderNameAsc:
			page.add(actorNameAfterAsc, c.Text, c.ID)
		case c2c.OrderNameDesc:
			page.add(actorNameAfterDesc, c.Text, c.Text, c.ID)
		default:
			page.add(actorIDAfter, c.ID)
		}
	}
	out := &c2c.ActorPage{}
	err = s.readMaybe(ctx, "actors", q.WantTotal, func(tx querier) error {
		rows, err := query(ctx, tx, "actors", actorsPageSQL+page.sql()+orderSQL+limitSQL, append(page.args, first+1)...)
		if err != nil {
			return err
		}
		as, err := collectActors(rows, "actors")
		if err != nil {
			return err
		}
		if len(as) > first {
			as, out.HasNext = as[:first], true
		}
		out.Actors = as
		if q.WantTotal {
			if _, err := queryRow(ctx, tx, "actors: count", actorsCountSQL+filter.sql(), filter.args, &out.TotalCount); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// pageSize checks a page size: 0 means the default.
func pageSize(first int) (int, error) {
	switch {
	case first == 0:
		return c2c.DefaultPageSize, nil
	case first < 0 || first > c2c.MaxStorePageSize:
		return 0, c2c.Invalid("first", "%d is outside 1..%d", first, c2c.MaxStorePageSize)
	}
	return first, nil
}

const citiesByRegionsSQL = `SELECT ` + actorColumns + ` FROM actors a
	WHERE a.region_id IN (SELECT value FROM json_each(?))
	ORDER BY a.region_id, a.name_key, a.id`

// CitiesByRegions returns, for each region id that has any, the cities lying
// in it ordered by name then id, in one query.
func (s *Store) CitiesByRegions(ctx context.Context, regionIDs []string) (map[string][]*c2c.Actor, error) {
	out := map[string][]*c2c.Actor{}
	if len(regionIDs) == 0 {
		return out, nil
	}
	rows, err := query(ctx, s.rd(ctx), "cities by regions", citiesByRegionsSQL, jsonList(regionIDs))
	if err != nil {
		return nil, err
	}
	as, err := collectActors(rows, "cities by regions")
	if err != nil {
		return nil, err
	}
	for _, a := range as {
		out[a.RegionID] = append(out[a.RegionID], a)
	}
	return out, nil
}

const (
	actorKindSQL   = `SELECT kind FROM actors WHERE id = ?`
	actorByIDSQL   = `SELECT ` + actorColumns + ` FROM actors a WHERE a.id = ?`
	insertActorSQL = `INSERT INTO actors (id, kind, name, name_key, search_key, alt_names, country,
		lat, lon, region_id, org_type, wikidata_id, geonames_id, summary, created_at, updated_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`
	// upsertActorSQL never changes the kind or the creation time.
	upsertActorSQL = insertActorSQL + ` ON CONFLICT (id) DO UPDATE SET
		name = excluded.name, name_key = excluded.name_key, search_key = excluded.search_key,
		alt_names = excluded.alt_names, country = excluded.country, lat = excluded.lat,
		lon = excluded.lon, region_id = excluded.region_id, org_type = excluded.org_type,
		wikidata_id = excluded.wikidata_id, geonames_id = excluded.geonames_id,
		summary = excluded.summary, updated_at = excluded.updated_at`
)

// actorArgs returns the parameters of insertActorSQL for a.
func actorArgs(a *c2c.Actor, now string) []any {
	alt := "[]"
	if len(a.AltNames) > 0 {
		b, _ := json.Marshal(a.AltNames)
		alt = string(b)
	}
	var lat, lon any
	if a.Coords != nil {
		lat, lon = a.Coords.Lat, a.Coords.Lon
	}
	var region any
	if a.RegionID != "" {
		region = a.RegionID
	}
	return []any{a.ID, string(a.Kind), a.Name, c2c.Fold(a.Name), a.SearchKey(), alt, a.Country,
		lat, lon, region, string(a.OrgType), a.WikidataID, a.GeoNamesID, a.Summary, now, now}
}

// actorKind returns the kind of the actor with id, "" if there is none.
func actorKind(ctx context.Context, q querier, id string) (c2c.ActorKind, error) {
	var k c2c.ActorKind
	if _, err := queryRow(ctx, q, "actor kind", actorKindSQL, []any{id}, &k); err != nil {
		return "", err
	}
	return k, nil
}

// checkRegion checks that a city's region exists and is a Region; kindOf
// looks kinds up ("" for a missing actor).
func checkRegion(a *c2c.Actor, field string, kindOf func(string) (c2c.ActorKind, error)) error {
	if a.RegionID == "" {
		return nil
	}
	k, err := kindOf(a.RegionID)
	if err != nil {
		return err
	}
	switch k {
	case "":
		return c2c.Invalid(field, "actor %q does not exist", a.RegionID)
	case c2c.ActorRegion:
		return nil
	default:
		return c2c.Invalid(field, "actor %q is a %s, not a region", a.RegionID, strings.ToLower(string(k)))
	}
}

// CreateActor validates and stores a new actor. KindInvalid naming the field
// for a bad value or a region that is not a Region; KindConflict if the id
// is taken.
func (s *Store) CreateActor(ctx context.Context, a c2c.Actor) (*c2c.Actor, error) {
	a.Normalize()
	if err := a.Validate("input"); err != nil {
		return nil, err
	}
	err := s.write(ctx, "create actor", func(tx *wtx) error {
		k, err := actorKind(ctx, tx, a.ID)
		if err != nil {
			return err
		}
		if k != "" {
			return c2c.Conflict("actor %q already exists", a.ID)
		}
		if err := checkRegion(&a, "input.regionId", func(id string) (c2c.ActorKind, error) { return actorKind(ctx, tx, id) }); err != nil {
			return err
		}
		tx.changes.Actors(a.ID)
		_, err = exec(ctx, tx, "create actor", insertActorSQL, actorArgs(&a, timestamp(s.now()))...)
		return err
	})
	if err != nil {
		return nil, err
	}
	return readBackActor(&a), nil
}

// readBackActor returns a as the store would return it.
func readBackActor(a *c2c.Actor) *c2c.Actor {
	out := *a
	if len(out.AltNames) == 0 {
		out.AltNames = nil
	} else {
		out.AltNames = append([]string(nil), out.AltNames...)
	}
	if out.Coords != nil {
		c := *out.Coords
		out.Coords = &c
	}
	return &out
}

// UpdateActor applies p to the actor with id, validates the result and
// stores it, in one transaction. KindNotFound if there is no such actor,
// KindInvalid naming the field for a bad value or region.
func (s *Store) UpdateActor(ctx context.Context, id string, p c2c.ActorPatch) (*c2c.Actor, error) {
	var out *c2c.Actor
	err := s.write(ctx, "update actor", func(tx *wtx) error {
		c2c.CountRoundTrip(ctx, storeName)
		a, err := scanActor(tx.QueryRowContext(ctx, actorByIDSQL, id))
		if errors.Is(err, sql.ErrNoRows) {
			return c2c.NotFound("actor", id)
		}
		if err != nil {
			return dbError("update actor", err)
		}
		p.Apply(a)
		a.Normalize()
		if err := a.Validate("input"); err != nil {
			return err
		}
		if err := checkRegion(a, "input.regionId", func(id string) (c2c.ActorKind, error) { return actorKind(ctx, tx, id) }); err != nil {
			return err
		}
		tx.changes.Actors(a.ID)
		if _, err := exec(ctx, tx, "update actor", upsertActorSQL, actorArgs(a, timestamp(s.now()))...); err != nil {
			return err
		}
		out = readBackActor(a)
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

const (
	actorEdgesSQL = `SELECT
		(SELECT count(*) FROM exchanges WHERE source_id = ?1 OR target_id = ?1),
		(SELECT count(*) FROM memberships WHERE actor_id = ?1 OR organisation_id = ?1),
		(SELECT count(*) FROM actors WHERE region_id = ?1),
		(SELECT count(*) FROM exchange_facilitators f WHERE f.actor_id = ?1
			AND NOT EXISTS (SELECT 1 FROM exchanges x WHERE x.id = f.exchange_id
				AND (x.source_id = ?1 OR x.target_id = ?1)))`
	// The statements that change records return their ids for the change
	// log.
	deleteActorExchangesSQL   = `DELETE FROM exchanges WHERE source_id = ?1 OR target_id = ?1 RETURNING id`
	deleteActorMembershipsSQL = `DELETE FROM memberships WHERE actor_id = ?1 OR organisation_id = ?1 RETURNING id`
	detachCitiesSQL           = `UPDATE actors SET region_id = NULL, updated_at = ?2 WHERE region_id = ?1 RETURNING id`
	touchFacilitatedSQL       = `UPDATE exchanges SET updated_at = ?2
		WHERE id IN (SELECT exchange_id FROM exchange_facilitators WHERE actor_id = ?1) RETURNING id`
	pruneFacilitatorSQL = `DELETE FROM exchange_facilitators WHERE actor_id = ?1`
	deleteActorSQL      = `DELETE FROM actors WHERE id = ?1`
)

// DeleteActor removes the actor with id. If it still has exchanges,
// memberships (on either side), cities lying in it or facilitator
// references, it returns KindConflict saying how many, unless cascade is
// set: then those exchanges and memberships are deleted, the cities
// detached and the references pruned, and the result counts them.
// KindNotFound if there is no such actor.
func (s *Store) DeleteActor(ctx context.Context, id string, cascade bool) (*c2c.DeleteResult, error) {
	res := &c2c.DeleteResult{ActorID: id}
	err := s.write(ctx, "delete actor", func(tx *wtx) error {
		k, err := actorKind(ctx, tx, id)
		if err != nil {
			return err
		}
		if k == "" {
			return c2c.NotFound("actor", id)
		}
		if _, err := queryRow(ctx, tx, "delete actor", actorEdgesSQL, []any{id},
			&res.ExchangesRemoved, &res.MembershipsRemoved, &res.CitiesDetached, &res.FacilitatorsPruned); err != nil {
			return err
		}
		if !cascade {
			if edges := describeEdges(res); edges != "" {
				return c2c.Conflict("actor %q still has %s; remove them first or delete with cascade", id, edges)
			}
		}
		now := timestamp(s.now())
		for _, st := range []struct {
			sql   string
			args  []any
			touch func(ids ...string)
		}{
			{deleteActorExchangesSQL, []any{id}, tx.changes.Exchanges},
			{deleteActorMembershipsSQL, []any{id}, tx.changes.Memberships},
			{detachCitiesSQL, []any{id, now}, tx.changes.Actors},
			{touchFacilitatedSQL, []any{id, now}, tx.changes.Exchanges},
			{pruneFacilitatorSQL, []any{id}, nil},
			{deleteActorSQL, []any{id}, nil},
		} {
			if st.touch == nil {
				if _, err := exec(ctx, tx, "delete actor", st.sql, st.args...); err != nil {
					return err
				}
				continue
			}
			ids, err := strings1(ctx, tx, "delete actor", st.sql, st.args...)
			if err != nil {
				return err
			}
			st.touch(ids...)
		}
		tx.changes.Actors(id)
		return nil
	})
	if err != nil {
		return nil, err
	}
	return res, nil
}

// describeEdges says what blocks a delete: "2 exchanges and 1 membership".
func describeEdges(r *c2c.DeleteResult) string {
	var parts []string
	add := func(n int, one, many string) {
		switch {
		case n == 1:
			parts = append(parts, "1 "+one)
		case n > 1:
			parts = append(parts, fmt.Sprintf("%d %s", n, many))
		}
	}
	add(r.ExchangesRemoved, "exchange", "exchanges")
	add(r.MembershipsRemoved, "membership", "memberships")
	add(r.CitiesDetached, "city lying in it", "cities lying in it")
	add(r.FacilitatorsPruned, "exchange it facilitates", "exchanges it facilitates")
	switch len(parts) {
	case 0:
		return ""
	case 1:
		return parts[0]
	}
	return strings.Join(parts[:len(parts)-1], ", ") + " and " + parts[len(parts)-1]
}
