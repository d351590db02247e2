package neo4jstore

import (
	"context"
	"reflect"
	"sort"
	"time"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"

	"github.com/c2c-project/c2c/internal/c2c"
	"github.com/c2c-project/c2c/internal/store/changeset"
)

// importChunk is the number of rows one UNWIND statement carries.
const importChunk = 5000

// importTxTimeout bounds the one transaction of an import, which may be
// much larger than an API write.
const importTxTimeout = 10 * time.Minute

// maxImportErrors caps the problems one failed import reports.
const maxImportErrors = 100

// Import queries. Nodes first, then the relationships that need them, so
// an item may name another that comes later in the batch. Ids the
// database does not hold yet are written with CREATE, which needs no
// lookup or lock of an old item; the rest are replaced.
const (
	importReadActors = `UNWIND $ids AS id
MATCH (a:Actor {id: id}) USING INDEX SEEK a:Actor(id)
RETURN ` + actorMap + ` AS a`
	importReadExchanges = `UNWIND $ids AS id
MATCH (s:Actor)-[x:EXCHANGE {id: id}]->(t:Actor) USING INDEX SEEK x:EXCHANGE(id)
RETURN ` + exchangeMap + ` AS x`
	importReadMemberships = `UNWIND $ids AS id
MATCH (ma:Actor)-[m:MEMBER_OF {id: id}]->(mo:Actor) USING INDEX SEEK m:MEMBER_OF(id)
RETURN ` + membershipMap + ` AS m`
	importReadThemes = `MATCH (t:Theme) RETURN t.id, t.label`
	createExchanges  = `UNWIND $rows AS r
MATCH (s:Actor {id: r.source}) USING INDEX SEEK s:Actor(id)
MATCH (t:Actor {id: r.target}) USING INDEX SEEK t:Actor(id)
CREATE (s)-[x:EXCHANGE]->(t)
SET x = r.props`
	createMemberships = `UNWIND $rows AS r
MATCH (ma:Actor {id: r.actor}) USING INDEX SEEK ma:Actor(id)
MATCH (mo:Actor {id: r.org}) USING INDEX SEEK mo:Actor(id)
WHERE mo:Organisation
CREATE (ma)-[m:MEMBER_OF]->(mo)
SET m = r.props`
	// Labels cannot be parameters: one statement per kind.
	createCities = `UNWIND $rows AS r
CREATE (a:Actor:City)
SET a = r.props`
	createRegions = `UNWIND $rows AS r
CREATE (a:Actor:Region)
SET a = r.props`
	createOrganisations = `UNWIND $rows AS r
CREATE (a:Actor:Organisation)
SET a = r.props`
	// linkNewRegions places new actors: they have no old region to drop.
	linkNewRegions = `UNWIND $rows AS r
MATCH (a:Actor {id: r.id}) USING INDEX SEEK a:Actor(id)
MATCH (reg:Actor {id: r.regionId}) USING INDEX SEEK reg:Actor(id)
WHERE reg:Region
CREATE (a)-[:IN_REGION]->(reg)`
	importActorNodes = `UNWIND $rows AS r
MERGE (a:Actor {id: r.id})
SET a = r.props
FOREACH (_ IN CASE WHEN r.city THEN [1] ELSE [] END | SET a:City)
FOREACH (_ IN CASE WHEN r.region THEN [1] ELSE [] END | SET a:Region)
FOREACH (_ IN CASE WHEN r.org THEN [1] ELSE [] END | SET a:Organisation)
RETURN count(a)`
	importActorRegions = `UNWIND $rows AS r
MATCH (a:Actor {id: r.id}) USING INDEX SEEK a:Actor(id)
OPTIONAL MATCH (a)-[old:IN_REGION]->()
DELETE old
WITH DISTINCT a, r
CALL (a, r) {
  MATCH (reg:Actor {id: r.regionId}) USING INDEX SEEK reg:Actor(id)
  WHERE reg:Region
  CREATE (a)-[:IN_REGION]->(reg)
}
RETURN count(a)`
)

// Import upserts b by id in one transaction and counts the items created,
// updated and unchanged (themes, actors, exchanges and memberships
// together). Items apply in order, so a repeated id acts as an update of
// the earlier one. References may point anywhere in the batch or the
// database. Nothing is written if any item fails: KindInvalid names every
// failing item's field (e.g. "exchanges[3].target"), up to 100 of them;
// KindConflict if another writer creates one of the batch's new ids
// while the import runs.
func (s *Store) Import(ctx context.Context, b c2c.Batch) (*c2c.ImportResult, error) {
	// Validation needs no database: do it before taking a transaction.
	var es c2c.Errors
	themes := append([]c2c.Theme(nil), b.Themes...)
	for i := range themes {
		if err := themes[i].Validate("themes[" + itoa(i) + "]"); err != nil {
			es = append(es, err)
		}
	}
	actors := append([]c2c.Actor(nil), b.Actors...)
	for i := range actors {
		actors[i].Normalize()
		if err := actors[i].Validate("actors[" + itoa(i) + "]"); err != nil {
			es = append(es, err)
		}
	}
	exchanges := append([]c2c.Exchange(nil), b.Exchanges...)
	for i := range exchanges {
		exchanges[i].Normalize()
		if err := exchanges[i].Validate("exchanges[" + itoa(i) + "]"); err != nil {
			es = append(es, err)
		}
	}
	memberships := append([]c2c.Membership(nil), b.Memberships...)
	for i := range memberships {
		memberships[i].Normalize()
		if err := memberships[i].Validate("memberships[" + itoa(i) + "]"); err != nil {
			es = append(es, err)
		}
	}
	if len(es) > 0 {
		return nil, capErrors(es).Err()
	}
	out, err := s.writeWithTimeout(ctx, "import", importTxTimeout, func(tx *wtx) (any, error) {
		imp := &importer{ctx: ctx, tx: tx, changes: &tx.changes}
		return imp.run(themes, actors, exchanges, memberships)
	})
	if err != nil {
		return nil, err
	}
	return out.(*c2c.ImportResult), nil
}

func capErrors(es c2c.Errors) c2c.Errors {
	if len(es) > maxImportErrors {
		return es[:maxImportErrors]
	}
	return es
}

// importer does one attempt of an import inside its transaction; the
// driver may retry the transaction, so it keeps no state across attempts.
type importer struct {
	ctx context.Context
	tx  neo4j.ManagedTransaction
	res c2c.ImportResult
	// changes receives the ids of the items written.
	changes *changeset.Set
}

// count classifies one item against what the database (or an earlier item
// of the batch) holds.
func (imp *importer) count(existed bool, same bool) {
	switch {
	case !existed:
		imp.res.Created++
	case same:
		imp.res.Unchanged++
	default:
		imp.res.Updated++
	}
}

// chunks runs query over rows importChunk at a time.
func (imp *importer) chunks(query string, key string, rows []any) ([]*neo4j.Record, error) {
	var all []*neo4j.Record
	for i := 0; i < len(rows); i += importChunk {
		recs, err := run(imp.ctx, imp.tx, query, map[string]any{key: rows[i:min(i+importChunk, len(rows))]})
		if err != nil {
			return nil, err
		}
		all = append(all, recs...)
	}
	return all, nil
}

// exec writes rows with query, importChunk at a time; no rows, no
// round trip.
func (imp *importer) exec(query string, rows []any) error {
	if len(rows) == 0 {
		return nil
	}
	_, err := imp.chunks(query, "rows", rows)
	return err
}

func (imp *importer) run(themes []c2c.Theme, actors []c2c.Actor, exchanges []c2c.Exchange, memberships []c2c.Membership) (*c2c.ImportResult, error) {
	// What the database holds for every id the batch writes or names.
	recs, err := run(imp.ctx, imp.tx, importReadThemes, nil)
	if err != nil {
		return nil, err
	}
	themeLabel := map[string]string{}
	for _, r := range recs {
		id, _ := r.Values[0].(string)
		label, _ := r.Values[1].(string)
		themeLabel[id] = label
	}
	actorIDs := map[string]bool{}
	for _, a := range actors {
		actorIDs[a.ID] = true
		if a.RegionID != "" {
			actorIDs[a.RegionID] = true
		}
	}
	for _, x := range exchanges {
		actorIDs[x.SourceID], actorIDs[x.TargetID] = true, true
		for _, f := range x.Facilitators {
			actorIDs[f] = true
		}
	}
	for _, m := range memberships {
		actorIDs[m.ActorID], actorIDs[m.OrganisationID] = true, true
	}
	actorState := map[string]*c2c.Actor{}
	recs, err = imp.chunks(importReadActors, "ids", stringsOrEmpty(sortedKeys(actorIDs)))
	if err != nil {
		return nil, err
	}
	for _, r := range recs {
		a := decodeActor(r.Values[0])
		actorState[a.ID] = a
	}
	exchangeState := map[string]*c2c.Exchange{}
	if len(exchanges) > 0 {
		ids := make([]string, len(exchanges))
		for i, x := range exchanges {
			ids[i] = x.ID
		}
		recs, err = imp.chunks(importReadExchanges, "ids", idsParam(ids))
		if err != nil {
			return nil, err
		}
		for _, r := range recs {
			x := decodeExchange(r.Values[0])
			exchangeState[x.ID] = x
		}
	}
	membershipState := map[string]*c2c.Membership{}
	if len(memberships) > 0 {
		ids := make([]string, len(memberships))
		for i, m := range memberships {
			ids[i] = m.ID
		}
		recs, err = imp.chunks(importReadMemberships, "ids", idsParam(ids))
		if err != nil {
			return nil, err
		}
		for _, r := range recs {
			m := decodeMembership(r.Values[0])
			membershipState[m.ID] = m
		}
	}

	oldActors := make(map[string]bool, len(actorState))
	for id := range actorState {
		oldActors[id] = true
	}
	oldExchanges := make(map[string]bool, len(exchangeState))
	for id := range exchangeState {
		oldExchanges[id] = true
	}
	oldMemberships := make(map[string]bool, len(membershipState))
	for id := range membershipState {
		oldMemberships[id] = true
	}

	// Apply items in order to the state, counting and checking.
	var es c2c.Errors
	themeRows, themeSeen := []any{}, map[string]bool{}
	themesChanged := false
	for _, t := range themes {
		label, existed := themeLabel[t.ID]
		imp.count(existed, label == t.Label)
		themesChanged = themesChanged || !existed || label != t.Label
		themeLabel[t.ID] = t.Label
		themeSeen[t.ID] = true
	}
	for id := range themeSeen {
		themeRows = append(themeRows, map[string]any{"id": id, "label": themeLabel[id]})
	}

	writeActors := map[string]bool{}
	actorAt := map[string]int{}
	for i := range actors {
		a := &actors[i]
		old, existed := actorState[a.ID]
		if existed && old.Kind != a.Kind {
			es = append(es, c2c.Invalid("actors["+itoa(i)+"].kind", "actor %q is a %s; its kind cannot change", a.ID, old.Kind))
			continue
		}
		same := existed && sameActor(old, a)
		imp.count(existed, same)
		actorState[a.ID] = a
		actorAt[a.ID] = i
		if !same {
			writeActors[a.ID] = true
		}
	}
	for i := range actors {
		a := &actors[i]
		if a.RegionID == "" || actorAt[a.ID] != i {
			continue
		}
		switch r := actorState[a.RegionID]; {
		case r == nil:
			es = append(es, c2c.Invalid("actors["+itoa(i)+"].regionId", "no actor has id %q", a.RegionID))
		case r.Kind != c2c.ActorRegion:
			es = append(es, c2c.Invalid("actors["+itoa(i)+"].regionId", "%q is not a region", a.RegionID))
		}
	}

	writeExchanges := map[string]int{}
	for i := range exchanges {
		x := &exchanges[i]
		f := func(name string) string { return "exchanges[" + itoa(i) + "]." + name }
		bad := false
		if actorState[x.SourceID] == nil {
			es, bad = append(es, c2c.Invalid(f("source"), "no actor has id %q", x.SourceID)), true
		}
		if actorState[x.TargetID] == nil {
			es, bad = append(es, c2c.Invalid(f("target"), "no actor has id %q", x.TargetID)), true
		}
		for j, id := range x.Facilitators {
			if actorState[id] == nil {
				es, bad = append(es, c2c.Invalid(f("facilitators["+itoa(j)+"]"), "no actor has id %q", id)), true
			}
		}
		for j, th := range x.Themes {
			if _, ok := themeLabel[th]; !ok {
				es, bad = append(es, c2c.Invalid(f("themes["+itoa(j)+"]"), "%q is not in the theme vocabulary", th)), true
			}
		}
		if bad {
			continue
		}
		old, existed := exchangeState[x.ID]
		same := existed && sameExchange(old, x)
		imp.count(existed, same)
		exchangeState[x.ID] = x
		if _, pending := writeExchanges[x.ID]; pending || !same {
			writeExchanges[x.ID] = i // the last version of an id is the one written
		}
	}

	writeMemberships := map[string]int{}
	for i := range memberships {
		m := &memberships[i]
		f := func(name string) string { return "memberships[" + itoa(i) + "]." + name }
		bad := false
		if actorState[m.ActorID] == nil {
			es, bad = append(es, c2c.Invalid(f("actor"), "no actor has id %q", m.ActorID)), true
		}
		switch o := actorState[m.OrganisationID]; {
		case o == nil:
			es, bad = append(es, c2c.Invalid(f("organisation"), "no actor has id %q", m.OrganisationID)), true
		case o.Kind != c2c.ActorOrganisation:
			es, bad = append(es, c2c.Invalid(f("organisation"), "%q is not an organisation", m.OrganisationID)), true
		}
		if bad {
			continue
		}
		old, existed := membershipState[m.ID]
		same := existed && sameMembership(old, m)
		imp.count(existed, same)
		membershipState[m.ID] = m
		if _, pending := writeMemberships[m.ID]; pending || !same {
			writeMemberships[m.ID] = i // the last version of an id is the one written
		}
	}
	if len(es) > 0 {
		return nil, capErrors(es).Err()
	}

	// Write what changed, nodes before relationships.
	if themesChanged {
		imp.changes.Themes()
	}
	imp.changes.Actors(sortedKeys(writeActors)...)
	for _, i := range sortedIndexes(writeExchanges) {
		imp.changes.Exchanges(exchanges[i].ID)
	}
	for _, i := range sortedIndexes(writeMemberships) {
		imp.changes.Memberships(memberships[i].ID)
	}
	if err := imp.exec(upsertThemes, themeRows); err != nil {
		return nil, err
	}
	// Actors: new ones by kind, then the changed ones; regions once every
	// node exists.
	var changedActors, newRegionLinks []any
	newActors := map[c2c.ActorKind][]any{}
	for _, id := range sortedKeys(writeActors) {
		a := actorState[id]
		row := writeRow(actorRow(a))
		switch {
		case oldActors[id]:
			changedActors = append(changedActors, row)
		default:
			newActors[a.Kind] = append(newActors[a.Kind], row)
			if a.RegionID != "" {
				newRegionLinks = append(newRegionLinks, row)
			}
		}
	}
	for _, k := range []struct {
		kind  c2c.ActorKind
		query string
	}{{c2c.ActorRegion, createRegions}, {c2c.ActorCity, createCities}, {c2c.ActorOrganisation, createOrganisations}} {
		if err := imp.exec(k.query, newActors[k.kind]); err != nil {
			return nil, err
		}
	}
	if err := imp.exec(importActorNodes, changedActors); err != nil {
		return nil, err
	}
	if err := imp.exec(importActorRegions, changedActors); err != nil {
		return nil, err
	}
	if err := imp.exec(linkNewRegions, newRegionLinks); err != nil {
		return nil, err
	}
	var newRows, changedRows []any
	for _, i := range sortedIndexes(writeExchanges) {
		id := exchanges[i].ID
		row := writeRow(exchangeRow(exchangeState[id]))
		if oldExchanges[id] {
			changedRows = append(changedRows, row)
		} else {
			newRows = append(newRows, row)
		}
	}
	if err := imp.exec(createExchanges, newRows); err != nil {
		return nil, err
	}
	if err := imp.exec(upsertExchanges, changedRows); err != nil {
		return nil, err
	}
	newRows, changedRows = nil, nil
	for _, i := range sortedIndexes(writeMemberships) {
		id := memberships[i].ID
		row := writeRow(membershipRow(membershipState[id]))
		if oldMemberships[id] {
			changedRows = append(changedRows, row)
		} else {
			newRows = append(newRows, row)
		}
	}
	if err := imp.exec(createMemberships, newRows); err != nil {
		return nil, err
	}
	if err := imp.exec(upsertMemberships, changedRows); err != nil {
		return nil, err
	}
	res := imp.res
	return &res, nil
}

// writeRow returns row with the null properties left out: SET x = props
// removes every property props lacks, so the item stored is the same, and
// the statement carries and sets only the values there are.
func writeRow(row map[string]any) map[string]any {
	props := row["props"].(map[string]any)
	kept := make(map[string]any, len(props))
	for k, v := range props {
		if v != nil {
			kept[k] = v
		}
	}
	out := make(map[string]any, len(row))
	for k, v := range row {
		out[k] = v
	}
	out["props"] = kept
	return out
}

// sameActor reports whether two actors store the same properties and
// region. Every field of c2c.Actor is stored (see actorRow), so the fields
// are compared directly, an empty list counting as none as it does once
// stored; building rows to compare would fold every name twice.
func sameActor(a, b *c2c.Actor) bool {
	x, y := *a, *b
	x.AltNames, y.AltNames = noneIfEmpty(x.AltNames), noneIfEmpty(y.AltNames)
	return reflect.DeepEqual(x, y)
}

// sameExchange is sameActor for exchanges (see exchangeRow).
func sameExchange(a, b *c2c.Exchange) bool {
	x, y := *a, *b
	x.Themes, y.Themes = noneIfEmpty(x.Themes), noneIfEmpty(y.Themes)
	x.Facilitators, y.Facilitators = noneIfEmpty(x.Facilitators), noneIfEmpty(y.Facilitators)
	return reflect.DeepEqual(x, y)
}

// sameMembership is sameActor for memberships (see membershipRow).
func sameMembership(a, b *c2c.Membership) bool {
	return reflect.DeepEqual(*a, *b)
}

func noneIfEmpty(xs []string) []string {
	if len(xs) == 0 {
		return nil
	}
	return xs
}

func sortedIndexes(m map[string]int) []int {
	out := make([]int, 0, len(m))
	for _, i := range m {
		out = append(out, i)
	}
	sort.Ints(out)
	return out
}
