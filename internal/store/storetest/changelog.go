package storetest

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/c2c-project/c2c/internal/c2c"
)

// logWatch follows a store's change log from the version it was started
// at, checking each write against the ids the test computed itself.
type logWatch struct {
	t *testing.T
	s c2c.Store
	v uint64
}

func watchLog(t *testing.T, s c2c.Store) *logWatch {
	t.Helper()
	v, err := s.DataVersion(t.Context())
	mustNoError(t, "DataVersion", err)
	return &logWatch{t: t, s: s, v: v}
}

// change checks that exactly one write transaction happened since the last
// check and that it touched exactly want's ids.
func (w *logWatch) change(what string, want c2c.Change) {
	w.t.Helper()
	got, err := w.s.DataVersion(w.t.Context())
	mustNoError(w.t, what+": DataVersion", err)
	if got != w.v+1 {
		w.t.Errorf("%s: data version %d, want %d (one more than before)", what, got, w.v+1)
	}
	chs, cur, err := w.s.ChangesSince(w.t.Context(), w.v, 0)
	mustNoError(w.t, what+": ChangesSince", err)
	if cur != got {
		w.t.Errorf("%s: ChangesSince says version %d, DataVersion %d", what, cur, got)
	}
	want.Version = w.v + 1
	sortChange(&want)
	if diff := cmp.Diff([]c2c.Change{want}, chs, cmpOpts...); diff != "" {
		w.t.Errorf("%s: changes since %d (-want +got):\n%s", what, w.v, diff)
	}
	w.v = got
}

// none checks that nothing was written since the last check.
func (w *logWatch) none(what string) {
	w.t.Helper()
	got, err := w.s.DataVersion(w.t.Context())
	mustNoError(w.t, what+": DataVersion", err)
	if got != w.v {
		w.t.Errorf("%s: data version moved from %d to %d", what, w.v, got)
	}
	chs, _, err := w.s.ChangesSince(w.t.Context(), w.v, 0)
	mustNoError(w.t, what+": ChangesSince", err)
	if len(chs) != 0 {
		w.t.Errorf("%s: left changes %+v", what, chs)
	}
	w.v = got
}

// sortChange sorts and dedupes the id lists, as stores report them.
func sortChange(c *c2c.Change) {
	for _, l := range []*[]string{&c.Actors, &c.Exchanges, &c.Memberships} {
		slices.Sort(*l)
		*l = slices.Compact(*l)
		if len(*l) == 0 {
			*l = nil
		}
	}
}

// batchChange is what importing b into a store holding none of it touches.
func batchChange(b c2c.Batch) c2c.Change {
	var c c2c.Change
	for _, a := range b.Actors {
		c.Actors = append(c.Actors, a.ID)
	}
	for _, x := range b.Exchanges {
		c.Exchanges = append(c.Exchanges, x.ID)
	}
	for _, m := range b.Memberships {
		c.Memberships = append(c.Memberships, m.ID)
	}
	c.Themes = len(b.Themes) > 0
	return c
}

// cascadeChange is what deleting actor id with cascade touches, computed
// from the batch stored: the actor, the cities lying in it (their region is
// cleared), its exchanges and memberships (removed) and the exchanges it
// facilitates (their facilitators change).
func cascadeChange(b c2c.Batch, id string) c2c.Change {
	c := c2c.Change{Actors: []string{id}}
	for _, a := range b.Actors {
		if a.RegionID == id {
			c.Actors = append(c.Actors, a.ID)
		}
	}
	for _, x := range b.Exchanges {
		if x.SourceID == id || x.TargetID == id || slices.Contains(x.Facilitators, id) {
			c.Exchanges = append(c.Exchanges, x.ID)
		}
	}
	for _, m := range b.Memberships {
		if m.ActorID == id || m.OrganisationID == id {
			c.Memberships = append(c.Memberships, m.ID)
		}
	}
	return c
}

func testChangeLog(t *testing.T, open func(t *testing.T) c2c.Store) {
	t.Run("EachWrite", func(t *testing.T) { testChangePerWrite(t, open(t)) })
	t.Run("Cascade", func(t *testing.T) { testChangeCascade(t, open(t)) })
	t.Run("Import", func(t *testing.T) { testChangeImport(t, open(t)) })
	t.Run("ConcurrentWriters", func(t *testing.T) { testChangeConcurrent(t, open(t)) })
	t.Run("Limit", func(t *testing.T) { testChangeLimit(t, open(t)) })
	t.Run("Write", func(t *testing.T) { testWriteTx(t, open(t)) })
}

func testChangePerWrite(t *testing.T, s c2c.Store) {
	ctx := t.Context()
	w := watchLog(t, s)
	region := c2c.Actor{ID: "cl-region", Kind: c2c.ActorRegion, Name: "Change Region", Country: "ZA"}
	city := c2c.Actor{ID: "cl-city", Kind: c2c.ActorCity, Name: "Change City", Country: "ZA", RegionID: region.ID}
	org := c2c.Actor{ID: "cl-org", Kind: c2c.ActorOrganisation, Name: "Change Network", OrgType: c2c.OrgNetwork}
	for _, a := range []c2c.Actor{region, city, org} {
		_, err := s.CreateActor(ctx, a)
		mustNoError(t, "create "+a.ID, err)
		w.change("create actor "+a.ID, c2c.Change{Actors: []string{a.ID}})
	}
	_, err := s.CreateActor(ctx, city)
	wantError(t, "create a taken id", err, c2c.KindConflict, "")
	w.none("create a taken id")
	_, err = s.CreateActor(ctx, c2c.Actor{ID: "cl-bad", Kind: c2c.ActorCity, Name: "", Country: "ZA"})
	wantError(t, "create without a name", err, c2c.KindInvalid, "name")
	w.none("create without a name")
	_, err = s.CreateActor(ctx, c2c.Actor{ID: "cl-bad", Kind: c2c.ActorCity, Name: "Bad", Country: "ZA", RegionID: org.ID})
	wantError(t, "create in an organisation", err, c2c.KindInvalid, "regionId")
	w.none("create in an organisation")

	name := "Renamed City"
	_, err = s.UpdateActor(ctx, city.ID, c2c.ActorPatch{Name: &name})
	mustNoError(t, "update actor", err)
	w.change("update actor", c2c.Change{Actors: []string{city.ID}})
	_, err = s.UpdateActor(ctx, "cl-missing", c2c.ActorPatch{Name: &name})
	wantError(t, "update a missing actor", err, c2c.KindNotFound, "")
	w.none("update a missing actor")

	x := c2c.Exchange{ID: "cl-x", SourceID: city.ID, TargetID: org.ID, Title: "Change exchange",
		Kind: c2c.KindMeeting, Themes: []string{"governance"}, Start: d("2020-03")}
	_, err = s.CreateExchange(ctx, x)
	mustNoError(t, "create exchange", err)
	w.change("create exchange", c2c.Change{Exchanges: []string{x.ID}})
	bad := x
	bad.ID, bad.TargetID = "cl-x-bad", "cl-missing"
	_, err = s.CreateExchange(ctx, bad)
	wantError(t, "create an exchange to a missing actor", err, c2c.KindInvalid, "target")
	w.none("create an exchange to a missing actor")
	title := "Retitled exchange"
	_, err = s.UpdateExchange(ctx, x.ID, c2c.ExchangePatch{Title: &title, Facilitators: &[]string{region.ID}})
	mustNoError(t, "update exchange", err)
	w.change("update exchange", c2c.Change{Exchanges: []string{x.ID}})

	m := c2c.Membership{ID: "cl-m", ActorID: city.ID, OrganisationID: org.ID, Since: d("2019")}
	_, err = s.CreateMembership(ctx, m)
	mustNoError(t, "create membership", err)
	w.change("create membership", c2c.Change{Memberships: []string{m.ID}})
	role := "member"
	_, err = s.UpdateMembership(ctx, m.ID, c2c.MembershipPatch{Role: &role})
	mustNoError(t, "update membership", err)
	w.change("update membership", c2c.Change{Memberships: []string{m.ID}})

	_, err = s.DeleteActor(ctx, city.ID, false)
	wantError(t, "delete an actor with edges", err, c2c.KindConflict, "")
	w.none("delete an actor with edges")

	_, err = s.UpsertTheme(ctx, c2c.Theme{ID: "cl-theme", Label: "Change theme"})
	mustNoError(t, "upsert theme", err)
	w.change("upsert theme", c2c.Change{Themes: true})
	_, err = s.UpsertTheme(ctx, c2c.Theme{ID: "cl-theme", Label: ""})
	wantError(t, "upsert a theme without a label", err, c2c.KindInvalid, "label")
	w.none("upsert a theme without a label")

	_, err = s.DeleteMembership(ctx, m.ID)
	mustNoError(t, "delete membership", err)
	w.change("delete membership", c2c.Change{Memberships: []string{m.ID}})
	_, err = s.DeleteMembership(ctx, m.ID)
	wantError(t, "delete a missing membership", err, c2c.KindNotFound, "")
	w.none("delete a missing membership")
	_, err = s.DeleteExchange(ctx, x.ID)
	mustNoError(t, "delete exchange", err)
	w.change("delete exchange", c2c.Change{Exchanges: []string{x.ID}})
	_, err = s.DeleteExchange(ctx, x.ID)
	wantError(t, "delete a missing exchange", err, c2c.KindNotFound, "")
	w.none("delete a missing exchange")
	_, err = s.DeleteActor(ctx, org.ID, false)
	mustNoError(t, "delete actor", err)
	w.change("delete actor", c2c.Change{Actors: []string{org.ID}})
	_, err = s.DeleteActor(ctx, org.ID, false)
	wantError(t, "delete a missing actor", err, c2c.KindNotFound, "")
	w.none("delete a missing actor")
}

func testChangeCascade(t *testing.T, s c2c.Store) {
	b := GenerateBatch(31, 60, 240)
	mustImport(t, s, b)
	// The actor with the most of everything a cascade removes or alters,
	// found by brute force over the batch.
	best, most := "", -1
	for _, a := range b.Actors {
		c := cascadeChange(b, a.ID)
		n := len(c.Actors) + len(c.Exchanges) + len(c.Memberships)
		if n > most {
			best, most = a.ID, n
		}
	}
	w := watchLog(t, s)
	_, err := s.DeleteActor(t.Context(), best, true)
	mustNoError(t, "cascade delete "+best, err)
	w.change("cascade delete "+best, cascadeChange(b, best))

	// A region with every kind of edge a cascade handles: cities lying in
	// it, an exchange at its end, one it facilitates, a membership.
	hb := c2c.Batch{
		Actors: []c2c.Actor{
			{ID: "cl-r", Kind: c2c.ActorRegion, Name: "Cascade Region", Country: "ZA"},
			{ID: "cl-o", Kind: c2c.ActorOrganisation, Name: "Cascade Network", OrgType: c2c.OrgNetwork},
			{ID: "cl-c1", Kind: c2c.ActorCity, Name: "Cascade One", Country: "ZA", RegionID: "cl-r"},
			{ID: "cl-c2", Kind: c2c.ActorCity, Name: "Cascade Two", Country: "ZA", RegionID: "cl-r"},
			{ID: "cl-c3", Kind: c2c.ActorCity, Name: "Cascade Three", Country: "ZA"},
		},
		Exchanges: []c2c.Exchange{
			{ID: "cl-x1", SourceID: "cl-r", TargetID: "cl-c3", Title: "At its end", Kind: c2c.KindMeeting},
			{ID: "cl-x2", SourceID: "cl-c1", TargetID: "cl-c3", Title: "Facilitated by it", Kind: c2c.KindMeeting, Facilitators: []string{"cl-r", "cl-o"}},
			{ID: "cl-x3", SourceID: "cl-c2", TargetID: "cl-o", Title: "Untouched", Kind: c2c.KindMeeting},
		},
		Memberships: []c2c.Membership{
			{ID: "cl-m1", ActorID: "cl-r", OrganisationID: "cl-o"},
			{ID: "cl-m2", ActorID: "cl-c3", OrganisationID: "cl-o"},
		},
	}
	_, err = s.Import(t.Context(), hb)
	mustNoError(t, "import", err)
	w = watchLog(t, s)
	want := cascadeChange(hb, "cl-r")
	if len(want.Actors) != 3 || len(want.Exchanges) != 2 || len(want.Memberships) != 1 {
		t.Fatalf("the hand-made cascade touches %+v, want 3 actors, 2 exchanges, 1 membership", want)
	}
	_, err = s.DeleteActor(t.Context(), "cl-r", true)
	mustNoError(t, "cascade delete cl-r", err)
	w.change("cascade delete of a region", want)
}

func testChangeImport(t *testing.T, s c2c.Store) {
	ctx := t.Context()
	w := watchLog(t, s)
	b := GenerateBatch(32, 40, 120)
	_, err := s.Import(ctx, b)
	mustNoError(t, "import", err)
	w.change("first import", batchChange(b))

	// An import that changes nothing writes nothing: no version, no change.
	res, err := s.Import(ctx, b)
	mustNoError(t, "import again", err)
	wantImport(t, "import again", res, 0, 0, batchSize(b))
	w.none("import of an unchanged batch")

	// Some items changed, some new, the rest unchanged: the change lists
	// the first two kinds only.
	again := GenerateBatch(32, 40, 120)
	var want c2c.Change
	for i := range again.Actors {
		if i%7 == 3 {
			again.Actors[i].Summary = "Changed by the second import."
			want.Actors = append(want.Actors, again.Actors[i].ID)
		}
	}
	for i := range again.Exchanges {
		if i%9 == 4 {
			again.Exchanges[i].Title += " (revised)"
			want.Exchanges = append(want.Exchanges, again.Exchanges[i].ID)
		}
	}
	for i := range again.Memberships {
		if i%5 == 1 && again.Memberships[i].Role != "observer" {
			again.Memberships[i].Role = "observer"
			want.Memberships = append(want.Memberships, again.Memberships[i].ID)
		}
	}
	newActor := c2c.Actor{ID: "cl-import-new", Kind: c2c.ActorCity, Name: "Imported Later", Country: again.Actors[len(again.Actors)-1].Country}
	again.Actors = append(again.Actors, newActor)
	want.Actors = append(want.Actors, newActor.ID)
	again.Themes = []c2c.Theme{{ID: "cl-import-theme", Label: "Imported theme"}}
	want.Themes = true
	_, err = s.Import(ctx, again)
	mustNoError(t, "second import", err)
	w.change("import of a partly changed batch", want)

	// A batch with one bad item writes nothing.
	failing := c2c.Batch{Actors: []c2c.Actor{
		{ID: "cl-import-ok", Kind: c2c.ActorCity, Name: "Fine", Country: newActor.Country},
		{ID: "cl-import-bad", Kind: c2c.ActorCity, Name: "", Country: newActor.Country},
	}}
	_, err = s.Import(ctx, failing)
	wantError(t, "import with a bad item", err, c2c.KindInvalid, "")
	w.none("import with a bad item")
}

func testChangeConcurrent(t *testing.T, s c2c.Store) {
	ctx := t.Context()
	w := watchLog(t, s)
	const writers, each = 6, 5
	var wg sync.WaitGroup
	for g := range writers {
		wg.Go(func() {
			for i := range each {
				a := c2c.Actor{ID: fmt.Sprintf("cl-conc-%d-%d", g, i), Kind: c2c.ActorOrganisation,
					Name: fmt.Sprintf("Concurrent %d/%d", g, i), OrgType: c2c.OrgOther}
				if _, err := s.CreateActor(ctx, a); err != nil {
					t.Errorf("create %s: %v", a.ID, err)
				}
			}
		})
	}
	wg.Wait()
	v, err := w.s.DataVersion(ctx)
	mustNoError(t, "DataVersion", err)
	if v != w.v+writers*each {
		t.Errorf("data version %d after %d concurrent writes from %d, want %d", v, writers*each, w.v, w.v+writers*each)
	}
	chs, _, err := w.s.ChangesSince(ctx, w.v, 0)
	mustNoError(t, "ChangesSince", err)
	seen := map[string]bool{}
	for i, ch := range chs {
		if ch.Version != w.v+uint64(i)+1 {
			t.Errorf("change %d has version %d, want %d", i, ch.Version, w.v+uint64(i)+1)
		}
		if len(ch.Actors) != 1 || len(ch.Exchanges)+len(ch.Memberships) > 0 || ch.Themes {
			t.Errorf("change %d is %+v, want one actor", i, ch)
			continue
		}
		if seen[ch.Actors[0]] {
			t.Errorf("actor %s is in two changes", ch.Actors[0])
		}
		seen[ch.Actors[0]] = true
	}
	if len(seen) != writers*each {
		t.Errorf("%d actors in the changes, want %d", len(seen), writers*each)
	}
}

// testChangeLimit reads the log a few changes at a time, as a reader
// catching up does.
func testChangeLimit(t *testing.T, s c2c.Store) {
	ctx := t.Context()
	w := watchLog(t, s)
	start := w.v
	const n = 7
	for i := range n {
		_, err := s.UpsertTheme(ctx, c2c.Theme{ID: fmt.Sprintf("cl-limit-%d", i), Label: "Limit"})
		mustNoError(t, "upsert theme", err)
	}
	for since := start; since < start+n; {
		chs, cur, err := w.s.ChangesSince(ctx, since, 3)
		mustNoError(t, "ChangesSince", err)
		if cur != start+n {
			t.Fatalf("ChangesSince(%d, 3) says version %d, want %d", since, cur, start+n)
		}
		want := min(3, int(start+n-since))
		if len(chs) != want {
			t.Fatalf("ChangesSince(%d, 3) gave %d changes, want %d", since, len(chs), want)
		}
		for i, ch := range chs {
			if ch.Version != since+uint64(i)+1 || !ch.Themes {
				t.Errorf("ChangesSince(%d, 3)[%d] = %+v, want version %d with themes", since, i, ch, since+uint64(i)+1)
			}
		}
		since += uint64(len(chs))
	}
	chs, cur, err := w.s.ChangesSince(ctx, start+n, 3)
	mustNoError(t, "ChangesSince at the head", err)
	if len(chs) != 0 || cur != start+n {
		t.Errorf("ChangesSince at the head = %d changes, version %d; want none, %d", len(chs), cur, start+n)
	}
	if _, _, err := w.s.ChangesSince(ctx, start+n+5, 3); !errors.Is(err, c2c.ErrChangesPruned) {
		t.Errorf("ChangesSince ahead of the store: %v, want ErrChangesPruned", err)
	}
}

func testWriteTx(t *testing.T, s c2c.Store) {
	ctx := t.Context()
	w := watchLog(t, s)
	a := c2c.Actor{ID: "cl-tx-a", Kind: c2c.ActorCity, Name: "Transaction A", Country: "ZA"}
	bb := c2c.Actor{ID: "cl-tx-b", Kind: c2c.ActorCity, Name: "Transaction B", Country: "ZA"}
	x := c2c.Exchange{ID: "cl-tx-x", SourceID: a.ID, TargetID: bb.ID, Title: "Within one transaction",
		Kind: c2c.KindMeeting, Themes: []string{"governance"}}

	// Several writes, one version; reads inside see the writes so far.
	err := s.Write(ctx, func(ctx context.Context) error {
		if _, err := s.CreateActor(ctx, a); err != nil {
			return err
		}
		if _, err := s.CreateActor(ctx, bb); err != nil {
			return err
		}
		got, err := s.ActorsByIDs(ctx, []string{a.ID, bb.ID})
		if err != nil {
			return err
		}
		if got[0] == nil || got[1] == nil {
			t.Errorf("inside the transaction, ActorsByIDs = %v: its own writes are missing", got)
		}
		if _, err := s.CreateExchange(ctx, x); err != nil {
			return err
		}
		// A nested Write joins the transaction.
		return s.Write(ctx, func(ctx context.Context) error {
			name := "Transaction A, renamed"
			_, err := s.UpdateActor(ctx, a.ID, c2c.ActorPatch{Name: &name})
			return err
		})
	})
	mustNoError(t, "Write", err)
	w.change("Write with four writes", c2c.Change{Actors: []string{a.ID, bb.ID}, Exchanges: []string{x.ID}})

	// A failing write rolls back the writes before it.
	c := c2c.Actor{ID: "cl-tx-c", Kind: c2c.ActorCity, Name: "Transaction C", Country: "ZA"}
	err = s.Write(ctx, func(ctx context.Context) error {
		if _, err := s.CreateActor(ctx, c); err != nil {
			return err
		}
		_, err := s.CreateActor(ctx, a) // taken
		return err
	})
	wantError(t, "Write whose second write conflicts", err, c2c.KindConflict, "")
	w.none("Write whose second write conflicts")
	// Also when fn swallows the error.
	err = s.Write(ctx, func(ctx context.Context) error {
		if _, err := s.CreateActor(ctx, c); err != nil {
			return err
		}
		_, _ = s.CreateExchange(ctx, c2c.Exchange{ID: "cl-tx-bad", SourceID: c.ID, TargetID: "cl-missing",
			Title: "To nowhere", Kind: c2c.KindMeeting})
		return nil
	})
	wantError(t, "Write that ignores a failed write", err, c2c.KindInvalid, "")
	w.none("Write that ignores a failed write")
	// And when fn fails by itself.
	errStop := errors.New("stop")
	err = s.Write(ctx, func(ctx context.Context) error {
		if _, err := s.CreateActor(ctx, c); err != nil {
			return err
		}
		return errStop
	})
	if !errors.Is(err, errStop) {
		t.Errorf("Write whose fn fails returned %v, want its error", err)
	}
	w.none("Write whose fn fails")
	got, err := s.ActorsByIDs(ctx, []string{c.ID})
	mustNoError(t, "ActorsByIDs", err)
	if got[0] != nil {
		t.Errorf("actor %s of rolled-back transactions exists", c.ID)
	}
	// An import joins a transaction too, and reads inside it may run
	// concurrently, as a request's resolvers do.
	ib := c2c.Batch{Actors: []c2c.Actor{
		{ID: "cl-tx-i1", Kind: c2c.ActorCity, Name: "Imported One", Country: "ZA"},
		{ID: "cl-tx-i2", Kind: c2c.ActorCity, Name: "Imported Two", Country: "ZA"},
	}}
	err = s.Write(ctx, func(ctx context.Context) error {
		if _, err := s.Import(ctx, ib); err != nil {
			return err
		}
		var wg sync.WaitGroup
		for range 4 {
			wg.Go(func() {
				got, err := s.ActorsByIDs(ctx, []string{"cl-tx-i1", "cl-tx-i2", a.ID})
				if err != nil {
					t.Errorf("concurrent read inside Write: %v", err)
					return
				}
				for i, g := range got {
					if g == nil {
						t.Errorf("concurrent read inside Write: actor %d missing", i)
					}
				}
				if _, err := s.DataVersion(ctx); err != nil {
					t.Errorf("DataVersion inside Write: %v", err)
				}
			})
		}
		wg.Wait()
		_, err := s.CreateExchange(ctx, c2c.Exchange{ID: "cl-tx-ix", SourceID: "cl-tx-i1", TargetID: "cl-tx-i2",
			Title: "Between imported actors", Kind: c2c.KindMeeting})
		return err
	})
	mustNoError(t, "Write with an import", err)
	w.change("Write with an import", c2c.Change{Actors: []string{"cl-tx-i1", "cl-tx-i2"}, Exchanges: []string{"cl-tx-ix"}})

	// A Write without writes bumps nothing.
	mustNoError(t, "empty Write", s.Write(ctx, func(context.Context) error { return nil }))
	w.none("empty Write")
}

// RunPruning checks that a store keeping size changes prunes older ones:
// open must return a fresh store keeping the last size changes.
func RunPruning(t *testing.T, open func(t *testing.T, size int) c2c.Store) {
	const size = 5
	s := open(t, size)
	ctx := t.Context()
	start, err := s.DataVersion(ctx)
	mustNoError(t, "DataVersion", err)
	const writes = 12
	for i := range writes {
		_, err := s.CreateActor(ctx, c2c.Actor{ID: fmt.Sprintf("cl-prune-%02d", i), Kind: c2c.ActorOrganisation,
			Name: "Pruned", OrgType: c2c.OrgOther})
		mustNoError(t, "create", err)
	}
	head := start + writes
	for since := start; since <= head; since++ {
		chs, cur, err := s.ChangesSince(ctx, since, 0)
		if since < head-size {
			if !errors.Is(err, c2c.ErrChangesPruned) {
				t.Errorf("ChangesSince(%d) with the last %d of %d kept: %v, want ErrChangesPruned", since, size, head, err)
			}
			continue
		}
		if err != nil {
			t.Errorf("ChangesSince(%d) with the last %d of %d kept: %v", since, size, head, err)
			continue
		}
		if cur != head || len(chs) != int(head-since) {
			t.Errorf("ChangesSince(%d) = %d changes, version %d; want %d, %d", since, len(chs), cur, head-since, head)
		}
		for i, ch := range chs {
			want := fmt.Sprintf("cl-prune-%02d", int(since-start)+i)
			if ch.Version != since+uint64(i)+1 || !slices.Equal(ch.Actors, []string{want}) {
				t.Errorf("ChangesSince(%d)[%d] = %+v, want version %d with %s", since, i, ch, since+uint64(i)+1, want)
			}
		}
	}
}
