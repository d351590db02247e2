package sqlitestore

import (
	"context"
	"database/sql"
	"fmt"
	"reflect"
	"strings"

	"github.com/c2c-project/c2c/internal/c2c"
)

// maxImportErrors bounds how many problems one failed import reports.
const maxImportErrors = 100

const (
	actorKindsSQL = `SELECT id, kind FROM actors WHERE id IN (SELECT value FROM json_each(?))`
	allThemesSQL  = `SELECT id, label FROM themes`
)

// namedIDs returns every actor id b's items are or name: what an import
// needs to know the kinds of. Loading only those keeps each of many
// imports into a large store (an importer writing a big file in several
// transactions) as cheap as its own items.
func namedIDs(b c2c.Batch) []string {
	seen := map[string]bool{}
	var out []string
	add := func(ids ...string) {
		for _, id := range ids {
			if id != "" && !seen[id] {
				seen[id] = true
				out = append(out, id)
			}
		}
	}
	for _, a := range b.Actors {
		add(strings.TrimSpace(a.ID), strings.TrimSpace(a.RegionID), a.ID, a.RegionID)
	}
	for _, x := range b.Exchanges {
		add(x.SourceID, x.TargetID)
		add(x.Facilitators...)
	}
	for _, m := range b.Memberships {
		add(m.ActorID, m.OrganisationID)
	}
	return out
}

// Import upserts b by id in one transaction, in the order themes, actors
// (regions and organisations before cities, so a city may lie in a region
// of the same batch), exchanges, memberships. An item equal to the stored
// one counts as unchanged and is not rewritten. If any item is invalid
// nothing is written and the KindInvalid error names each item and field
// ("exchanges[3].target: actor \"x\" does not exist"), up to 100 of them.
func (s *Store) Import(ctx context.Context, b c2c.Batch) (*c2c.ImportResult, error) {
	res := &c2c.ImportResult{}
	err := s.write(ctx, "import", func(tx *wtx) error {
		im := &importer{ctx: ctx, tx: tx, res: res, now: timestamp(s.now())}
		defer im.close()
		if err := im.load(namedIDs(b)); err != nil {
			return err
		}
		steps := []func(c2c.Batch) error{im.themes, im.actors, im.exchanges, im.memberships}
		for _, step := range steps {
			if err := step(b); err != nil {
				return err
			}
			if len(im.errs) >= maxImportErrors {
				break
			}
		}
		return im.errs.Err()
	})
	if err != nil {
		return nil, err
	}
	return res, nil
}

// importer holds the state of one Import: what the store holds (kinds of
// every actor, the theme vocabulary) updated as items are written, the
// prepared statements and the problems found.
type importer struct {
	ctx    context.Context
	tx     *wtx
	res    *c2c.ImportResult
	now    string
	kinds  map[string]c2c.ActorKind
	themeL map[string]string
	stmts  map[string]*sql.Stmt
	errs   c2c.Errors
}

func (im *importer) load(ids []string) error {
	im.kinds = map[string]c2c.ActorKind{}
	im.themeL = map[string]string{}
	im.stmts = map[string]*sql.Stmt{}
	kinds, err := stringPairs(im.ctx, im.tx, "import: actors", actorKindsSQL, jsonList(ids))
	if err != nil {
		return err
	}
	for _, p := range kinds {
		im.kinds[p[0]] = c2c.ActorKind(p[1])
	}
	themes, err := stringPairs(im.ctx, im.tx, "import: themes", allThemesSQL)
	if err != nil {
		return err
	}
	for _, p := range themes {
		im.themeL[p[0]] = p[1]
	}
	return nil
}

func (im *importer) close() {
	for _, st := range im.stmts {
		_ = st.Close()
	}
}

// exec runs stmt as a statement prepared once per import.
func (im *importer) exec(step, stmt string, args ...any) error {
	st := im.stmts[stmt]
	if st == nil {
		var err error
		if st, err = im.tx.PrepareContext(im.ctx, stmt); err != nil {
			return dbError(step, err)
		}
		im.stmts[stmt] = st
	}
	c2c.CountRoundTrip(im.ctx, storeName)
	if _, err := st.ExecContext(im.ctx, args...); err != nil {
		return dbError(step, err)
	}
	return nil
}

func (im *importer) reject(err error) { im.errs = append(im.errs, err) }

// count records what happened to one item.
func (im *importer) count(existed, same bool) {
	switch {
	case !existed:
		im.res.Created++
	case same:
		im.res.Unchanged++
	default:
		im.res.Updated++
	}
}

func (im *importer) kindOf(id string) (c2c.ActorKind, error) { return im.kinds[id], nil }

func (im *importer) themeExists(id string) (bool, error) {
	_, ok := im.themeL[id]
	return ok, nil
}

func (im *importer) themes(b c2c.Batch) error {
	for i, t := range b.Themes {
		t.ID, t.Label = strings.TrimSpace(t.ID), strings.TrimSpace(t.Label)
		if err := t.Validate(fmt.Sprintf("themes[%d]", i)); err != nil {
			im.reject(err)
			continue
		}
		label, existed := im.themeL[t.ID]
		same := existed && label == t.Label
		im.count(existed, same)
		if same {
			continue
		}
		im.tx.changes.Themes()
		if err := im.exec("import: themes", upsertThemeSQL, t.ID, t.Label); err != nil {
			return err
		}
		im.themeL[t.ID] = t.Label
	}
	return nil
}

func (im *importer) actors(b c2c.Batch) error {
	if len(b.Actors) == 0 {
		return nil
	}
	ids := make([]string, len(b.Actors))
	for i, a := range b.Actors {
		ids[i] = a.ID
	}
	stored, err := actorsByIDs(im.ctx, im.tx, ids)
	if err != nil {
		return err
	}
	// Cities last, so the regions they lie in exist when they are checked.
	order := make([]int, 0, len(b.Actors))
	for pass := 0; pass < 2; pass++ {
		for i, a := range b.Actors {
			if (a.Kind == c2c.ActorCity) == (pass == 1) {
				order = append(order, i)
			}
		}
	}
	for _, i := range order {
		a := b.Actors[i]
		a.AltNames = append([]string(nil), a.AltNames...)
		if a.Coords != nil {
			c := *a.Coords
			a.Coords = &c
		}
		a.Normalize()
		prefix := fmt.Sprintf("actors[%d]", i)
		if err := a.Validate(prefix); err != nil {
			im.reject(err)
			continue
		}
		if k := im.kinds[a.ID]; k != "" && k != a.Kind {
			im.reject(c2c.Invalid(prefix+".kind", "actor %q is a %s; the kind of an actor cannot change", a.ID, k))
			continue
		}
		if err := checkRegion(&a, prefix+".regionId", im.kindOf); err != nil {
			im.reject(err)
			continue
		}
		want := readBackActor(&a)
		old, existed := stored[a.ID]
		same := existed && reflect.DeepEqual(old, want)
		im.count(existed, same)
		if same {
			continue
		}
		im.tx.changes.Actors(a.ID)
		if err := im.exec("import: actors", upsertActorSQL, actorArgs(&a, im.now)...); err != nil {
			return err
		}
		im.kinds[a.ID] = a.Kind
		stored[a.ID] = want
	}
	return nil
}

func (im *importer) exchanges(b c2c.Batch) error {
	if len(b.Exchanges) == 0 {
		return nil
	}
	ids := make([]string, len(b.Exchanges))
	for i, x := range b.Exchanges {
		ids[i] = x.ID
	}
	stored, err := exchangesByIDs(im.ctx, im.tx, ids)
	if err != nil {
		return err
	}
	for i, x := range b.Exchanges {
		x.Themes = append([]string(nil), x.Themes...)
		x.Facilitators = append([]string(nil), x.Facilitators...)
		x.Normalize()
		prefix := fmt.Sprintf("exchanges[%d]", i)
		if err := x.Validate(prefix); err != nil {
			im.reject(err)
			continue
		}
		if err := validateDates(prefix, map[string]*c2c.PartialDate{"start": x.Start, "end": x.End}); err != nil {
			im.reject(err)
			continue
		}
		if err := checkExchangeRefs(&x, prefix, im.kindOf, im.themeExists); err != nil {
			im.reject(err)
			continue
		}
		want := readBackExchange(&x)
		old, existed := stored[x.ID]
		same := existed && reflect.DeepEqual(old, want)
		im.count(existed, same)
		if same {
			continue
		}
		im.tx.changes.Exchanges(x.ID)
		if existed {
			if err := im.exec("import: exchanges", clearExchangeThemesSQL, x.ID); err != nil {
				return err
			}
			if err := im.exec("import: exchanges", clearExchangeFacilitatorsSQL, x.ID); err != nil {
				return err
			}
		}
		if err := im.exec("import: exchanges", upsertExchangeSQL, exchangeArgs(&x, im.now)...); err != nil {
			return err
		}
		for _, t := range x.Themes {
			if err := im.exec("import: exchanges", insertExchangeThemeSQL, x.ID, t); err != nil {
				return err
			}
		}
		for _, a := range x.Facilitators {
			if err := im.exec("import: exchanges", insertExchangeFacilitatorSQL, x.ID, a); err != nil {
				return err
			}
		}
		stored[x.ID] = want
	}
	return nil
}

func (im *importer) memberships(b c2c.Batch) error {
	if len(b.Memberships) == 0 {
		return nil
	}
	ids := make([]string, len(b.Memberships))
	for i, m := range b.Memberships {
		ids[i] = m.ID
	}
	stored, err := membershipsByIDs(im.ctx, im.tx, ids)
	if err != nil {
		return err
	}
	for i, m := range b.Memberships {
		m.Normalize()
		prefix := fmt.Sprintf("memberships[%d]", i)
		if err := m.Validate(prefix); err != nil {
			im.reject(err)
			continue
		}
		if err := validateDates(prefix, map[string]*c2c.PartialDate{"since": m.Since, "until": m.Until}); err != nil {
			im.reject(err)
			continue
		}
		if err := checkMembershipRefs(&m, prefix, im.kindOf); err != nil {
			im.reject(err)
			continue
		}
		want := readBackMembership(&m)
		old, existed := stored[m.ID]
		same := existed && reflect.DeepEqual(old, want)
		im.count(existed, same)
		if same {
			continue
		}
		im.tx.changes.Memberships(m.ID)
		if err := im.exec("import: memberships", upsertMembershipSQL, membershipArgs(&m, im.now)...); err != nil {
			return err
		}
		stored[m.ID] = want
	}
	return nil
}
