package neo4jstore

import (
	"context"
	"reflect"
	"sort"
	"time"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"

	"github.com/c2c-project/c2c/internal/c2c"
)

// importChunk is the number of rows one UNWIND statement carries.
const importChunk = 5000

// importTxTimeout bounds the one transaction of an import, which may be
// much larger than an API write.
const importTxTimeout = 10 * time.Minute

// maxImportErrors caps the problems one failed import reports.
const maxImportErrors = 100

// Import queries. Nodes first, then the relationships that need them, so
// an item may name another that comes later in the batch.
const (
	importReadActors = `UNWIND $ids AS id
MATCH (a:Actor {id: id}) USING INDEX a:Actor(id)
RETURN ` + actorMap + ` AS a`
	importReadExchanges = `UNWIND $ids AS id
MATCH (s:Actor)-[x:EXCHANGE {id: id}]->(t:Actor) USING INDEX x:EXCHANGE(id)
RETURN ` + exchangeMap + ` AS x`
	importReadMemberships = `UNWIND $ids AS id
MATCH (ma:Actor)-[m:MEMBER_OF {id: id}]->(mo:Actor) USING INDEX m:MEMBER_OF(id)
RETURN ` + membershipMap + ` AS m`
	importReadThemes = `MATCH (t:Theme) RETURN t.id, t.label`
	createExchanges  = `UNWIND $rows AS r
MATCH (s:Actor {id: r.source}), (t:Actor {id: r.target})
CREATE (s)-[x:EXCHANGE]->(t)
SET x = r.props
RETURN count(x)`
	createMemberships = `UNWIND $rows AS r
MATCH (ma:Actor {id: r.actor}), (mo:Actor {id: r.org})
WHERE mo:Organisation
CREATE (ma)-[m:MEMBER_OF]->(mo)
SET m = r.props
RETURN count(m)`
	importActorNodes = `UNWIND $rows AS r
MERGE (a:Actor {id: r.id})
SET a = r.props
FOREACH (_ IN CASE WHEN r.city THEN [1] ELSE [] END | SET a:City)
FOREACH (_ IN CASE WHEN r.region THEN [1] ELSE [] END | SET a:Region)
FOREACH (_ IN CASE WHEN r.org THEN [1] ELSE [] END | SET a:Organisation)
RETURN count(a)`
	importActorRegions = `UNWIND $rows AS r
MATCH (a:Actor {id: r.id})
OPTIONAL MATCH (a)-[old:IN_REGION]->()
DELETE old
WITH DISTINCT a, r
CALL (a, r) {
  MATCH (reg:Actor {id: r.regionId}) WHERE reg:Region
  CREATE (a)-[:IN_REGION]->(reg)
}
RETURN count(a)`
)

// Import upserts b by id in one transaction and counts the items created,
// updated and unchanged (themes, actors, exchanges and memberships
// together). Items apply in order, so a repeated id acts as an update of
// the earlier one. References may point anywhere in the batch or the
// database. Nothing is written if any item fails: KindInvalid names every
// failing item's field (e.g. "exchanges[3].target"), up to 100 of them.
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
	out, err := s.writeWithTimeout(ctx, "import", importTxTimeout, func(tx neo4j.ManagedTransaction) (any, error) {
		imp := &importer{ctx: ctx, tx: tx}
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

// write sends the new rows with create and the changed ones with upsert.
func (imp *importer) write(create string, newRows []any, upsert string, changedRows []any) error {
	if len(newRows) > 0 {
		if _, err := imp.chunks(create, "rows", newRows); err != nil {
			return err
		}
	}
	if len(changedRows) > 0 {
		if _, err := imp.chunks(upsert, "rows", changedRows); err != nil {
			return err
		}
	}
	return nil
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
	for _, t := range themes {
		label, existed := themeLabel[t.ID]
		imp.count(existed, label == t.Label)
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
		same := existed && reflect.DeepEqual(exchangeRow(old), exchangeRow(x))
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
		same := existed && reflect.DeepEqual(membershipRow(old), membershipRow(m))
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
	if len(themeRows) > 0 {
		if _, err := imp.chunks(upsertThemes, "rows", themeRows); err != nil {
			return nil, err
		}
	}
	var actorRows []any
	for _, id := range sortedKeys(writeActors) {
		actorRows = append(actorRows, actorRow(actorState[id]))
	}
	if len(actorRows) > 0 {
		if _, err := imp.chunks(importActorNodes, "rows", actorRows); err != nil {
			return nil, err
		}
		if _, err := imp.chunks(importActorRegions, "rows", actorRows); err != nil {
			return nil, err
		}
	}
	// New relationships skip the lookup of an old one to replace.
	var newRows, changedRows []any
	for _, i := range sortedIndexes(writeExchanges) {
		id := exchanges[i].ID
		if _, existed := oldExchanges[id]; existed {
			changedRows = append(changedRows, exchangeRow(exchangeState[id]))
		} else {
			newRows = append(newRows, exchangeRow(exchangeState[id]))
		}
	}
	if err := imp.write(createExchanges, newRows, upsertExchanges, changedRows); err != nil {
		return nil, err
	}
	newRows, changedRows = nil, nil
	for _, i := range sortedIndexes(writeMemberships) {
		id := memberships[i].ID
		if _, existed := oldMemberships[id]; existed {
			changedRows = append(changedRows, membershipRow(membershipState[id]))
		} else {
			newRows = append(newRows, membershipRow(membershipState[id]))
		}
	}
	if err := imp.write(createMemberships, newRows, upsertMemberships, changedRows); err != nil {
		return nil, err
	}
	res := imp.res
	return &res, nil
}

// sameActor reports whether two actors store the same properties and
// region.
func sameActor(a, b *c2c.Actor) bool {
	return reflect.DeepEqual(actorRow(a), actorRow(b))
}

func sortedIndexes(m map[string]int) []int {
	out := make([]int, 0, len(m))
	for _, i := range m {
		out = append(out, i)
	}
	sort.Ints(out)
	return out
}
