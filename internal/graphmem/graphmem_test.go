package graphmem_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/c2c-project/c2c/internal/c2c"
	"github.com/c2c-project/c2c/internal/graphmem"
	"github.com/c2c-project/c2c/internal/store/sqlitestore"
	"github.com/c2c-project/c2c/internal/store/storetest"
)

var viewOpts = []cmp.Option{cmpopts.EquateEmpty(), cmpopts.SortSlices(func(a, b c2c.FacetRow) bool { return fmt.Sprint(a) < fmt.Sprint(b) })}

// TestIncrementalMatchesFreshLoad applies random write sequences to a store
// and, after each write, brings the graph up to date from the change log
// and compares what it answers with a snapshot loaded afresh, its derived
// indexes with those built afresh from its columns, and what the snapshot
// before the write answers with what it answered before.
func TestIncrementalMatchesFreshLoad(t *testing.T) {
	seeds := []uint64{20240613, 7, 1999}
	if testing.Short() {
		seeds = seeds[:1]
	}
	for _, seed := range seeds {
		t.Run(fmt.Sprint(seed), func(t *testing.T) { testIncremental(t, seed, 120) })
	}
}

func testIncremental(t *testing.T, seed uint64, steps int) {
	ctx := t.Context()
	st, err := sqlitestore.Open(ctx, filepath.Join(t.TempDir(), "c2c.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	if _, err := st.Import(ctx, storetest.GenerateBatch(5, 40, 160)); err != nil {
		t.Fatal(err)
	}
	g, err := graphmem.New(ctx, st, nil)
	if err != nil {
		t.Fatal(err)
	}
	if !g.Tracking() {
		t.Skip("the store keeps no change log: the graph reloads in full on every write")
	}
	clog := any(st).(c2c.ChangeLog)
	w := newWriter(t, st, seed)
	for step := range steps {
		old := g.Snapshot()
		oldView := graphmem.ViewOf(t, old)
		what := w.step(ctx)
		if err := g.CatchUp(ctx); err != nil {
			t.Fatalf("step %d (%s): catch up: %v", step, what, err)
		}
		v, err := clog.DataVersion(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if got := g.Version(); got != v {
			t.Fatalf("step %d (%s): graph at version %d, store at %d", step, what, got, v)
		}
		fresh, _, _, err := graphmem.Load(ctx, st, v)
		if err != nil {
			t.Fatal(err)
		}
		cur := g.Snapshot()
		if diff := diffViews(graphmem.ViewOf(t, fresh), graphmem.ViewOf(t, cur)); diff != "" {
			t.Fatalf("step %d (%s): the incrementally updated graph differs from a fresh load (-fresh +incremental):\n%s", step, what, diff)
		}
		if diff := graphmem.DiffDerived(cur); diff != "" {
			t.Fatalf("step %d (%s): the incrementally updated graph's indexes differ from those built from its columns (-built +incremental):\n%s", step, what, diff)
		}
		if diff := diffViews(oldView, graphmem.ViewOf(t, old)); diff != "" {
			t.Fatalf("step %d (%s): catching up changed what the snapshot before answers (-before +after):\n%s", step, what, diff)
		}
	}
}

// writer makes random writes through the store's public methods.
type writer struct {
	t  *testing.T
	st c2c.Store
	r  *rand.Rand
	n  int
}

func newWriter(t *testing.T, st c2c.Store, seed uint64) *writer {
	return &writer{t: t, st: st, r: rand.New(rand.NewPCG(seed, 9))}
}

var countries = []string{"ZA", "BR", "FR", "MA", "IN", "DE", "KE", "MX", "JP", "SN"}

func (w *writer) ids(ctx context.Context, kind c2c.ActorKind) []string {
	q := c2c.ActorQuery{Order: c2c.OrderIDAsc, First: c2c.MaxPageSize}
	if kind != "" {
		q.Filter.Kinds = []c2c.ActorKind{kind}
	}
	var out []string
	for {
		p, err := w.st.Actors(ctx, q)
		if err != nil {
			w.t.Fatal(err)
		}
		for _, a := range p.Actors {
			out = append(out, a.ID)
		}
		if !p.HasNext {
			return out
		}
		c := c2c.ActorCursor(q.Order, p.Actors[len(p.Actors)-1])
		q.After = &c
	}
}

func (w *writer) exchangeIDs(ctx context.Context) []string {
	q := c2c.ExchangeQuery{Order: c2c.OrderExIDAsc, First: c2c.MaxPageSize}
	var out []string
	for {
		p, err := w.st.Exchanges(ctx, q)
		if err != nil {
			w.t.Fatal(err)
		}
		for _, x := range p.Exchanges {
			out = append(out, x.ID)
		}
		if !p.HasNext {
			return out
		}
		c := c2c.ExchangeCursor(q.Order, p.Exchanges[len(p.Exchanges)-1])
		q.After = &c
	}
}

func (w *writer) pick(ids []string) string { return ids[w.r.IntN(len(ids))] }

func (w *writer) date() *c2c.PartialDate {
	switch w.r.IntN(4) {
	case 0:
		return nil
	case 1:
		return &c2c.PartialDate{Year: 1990 + w.r.IntN(30)}
	case 2:
		return &c2c.PartialDate{Year: 1990 + w.r.IntN(30), Month: 1 + w.r.IntN(12)}
	}
	return &c2c.PartialDate{Year: 1990 + w.r.IntN(30), Month: 1 + w.r.IntN(12), Day: 1 + w.r.IntN(28)}
}

func (w *writer) themes() []string {
	var out []string
	for range w.r.IntN(4) {
		out = append(out, c2c.DefaultThemes[w.r.IntN(8)].ID)
	}
	return out
}

func (w *writer) exchange(ctx context.Context, id string) c2c.Exchange {
	as := w.ids(ctx, "")
	src := w.pick(as)
	tgt := w.pick(as)
	for tgt == src {
		tgt = w.pick(as)
	}
	x := c2c.Exchange{ID: id, SourceID: src, TargetID: tgt, Title: "Exchange " + id,
		Kind: c2c.ExchangeKinds[w.r.IntN(len(c2c.ExchangeKinds))], Themes: w.themes(),
		Directed: w.r.IntN(3) == 0}
	if s := w.date(); s != nil {
		x.Start = s
		if w.r.IntN(2) == 0 {
			x.End = &c2c.PartialDate{Year: s.Year + w.r.IntN(3)}
		}
	}
	if w.r.IntN(3) == 0 {
		x.Programme = []string{"AL-LAS", "MC2CM", "URBACT"}[w.r.IntN(3)]
	}
	if w.r.IntN(4) == 0 {
		x.Event = []string{"Forum 2014", "Summit"}[w.r.IntN(2)]
	}
	return x
}

// step makes one random write and says what it was; writes the store
// refuses (a conflict, say) are part of the sequence too.
func (w *writer) step(ctx context.Context) string {
	w.n++
	id := fmt.Sprintf("w-%03d", w.n)
	switch op := w.r.IntN(10); op {
	case 0:
		a := c2c.Actor{ID: id, Kind: c2c.ActorCity, Name: "City " + id, Country: countries[w.r.IntN(len(countries))]}
		if w.r.IntN(2) == 0 {
			a.Coords = &c2c.Coordinates{Lat: float64(w.r.IntN(90)), Lon: float64(w.r.IntN(180))}
		}
		if regions := w.ids(ctx, c2c.ActorRegion); len(regions) > 0 && w.r.IntN(2) == 0 {
			a.RegionID = w.pick(regions)
		}
		_, err := w.st.CreateActor(ctx, a)
		return fmt.Sprintf("create actor %s: %v", id, err)
	case 1:
		a := w.pick(w.ids(ctx, ""))
		c := countries[w.r.IntN(len(countries))]
		name := "Renamed " + id
		p := c2c.ActorPatch{Country: &c, Name: &name, ClearCoords: w.r.IntN(2) == 0}
		_, err := w.st.UpdateActor(ctx, a, p)
		return fmt.Sprintf("update actor %s: %v", a, err)
	case 2:
		a := w.pick(w.ids(ctx, ""))
		_, err := w.st.DeleteActor(ctx, a, w.r.IntN(3) > 0)
		return fmt.Sprintf("delete actor %s: %v", a, err)
	case 3, 4:
		_, err := w.st.CreateExchange(ctx, w.exchange(ctx, id))
		return fmt.Sprintf("create exchange %s: %v", id, err)
	case 5:
		xs := w.exchangeIDs(ctx)
		if len(xs) == 0 {
			return "no exchange to update"
		}
		xid := w.pick(xs)
		nx := w.exchange(ctx, xid)
		p := c2c.ExchangePatch{Themes: &nx.Themes, Kind: &nx.Kind, Directed: &nx.Directed}
		if w.r.IntN(2) == 0 {
			p.SourceID, p.TargetID = &nx.SourceID, &nx.TargetID
		}
		if nx.Start != nil {
			p.Start, p.ClearEnd = nx.Start, true
		} else {
			p.ClearStart, p.ClearEnd = true, true
		}
		_, err := w.st.UpdateExchange(ctx, xid, p)
		return fmt.Sprintf("update exchange %s: %v", xid, err)
	case 6:
		xs := w.exchangeIDs(ctx)
		if len(xs) == 0 {
			return "no exchange to delete"
		}
		xid := w.pick(xs)
		_, err := w.st.DeleteExchange(ctx, xid)
		return fmt.Sprintf("delete exchange %s: %v", xid, err)
	case 7:
		orgs := w.ids(ctx, c2c.ActorOrganisation)
		if len(orgs) == 0 {
			return "no organisation"
		}
		m := c2c.Membership{ID: id, ActorID: w.pick(w.ids(ctx, c2c.ActorCity)), OrganisationID: w.pick(orgs), Since: w.date()}
		_, err := w.st.CreateMembership(ctx, m)
		return fmt.Sprintf("create membership %s: %v", id, err)
	case 8:
		if w.r.IntN(4) == 0 {
			// A change too large to patch: the snapshot is built afresh.
			var b c2c.Batch
			for i := range 70 {
				b.Exchanges = append(b.Exchanges, w.exchange(ctx, fmt.Sprintf("%s-%02d", id, i)))
			}
			_, err := w.st.Import(ctx, b)
			return fmt.Sprintf("import 70 exchanges %s: %v", id, err)
		}
		var b c2c.Batch
		xs := w.exchangeIDs(ctx)
		for i := range 3 {
			if len(xs) > 0 {
				b.Exchanges = append(b.Exchanges, w.exchange(ctx, w.pick(xs)))
			}
			b.Exchanges = append(b.Exchanges, w.exchange(ctx, fmt.Sprintf("%s-%d", id, i)))
		}
		b.Actors = append(b.Actors, c2c.Actor{ID: id, Kind: c2c.ActorOrganisation, Name: "Network " + id})
		_, err := w.st.Import(ctx, b)
		return fmt.Sprintf("import %s: %v", id, err)
	default:
		_, err := w.st.UpsertTheme(ctx, c2c.Theme{ID: c2c.DefaultThemes[w.r.IntN(5)].ID, Label: "Label " + id})
		return fmt.Sprintf("upsert theme: %v", err)
	}
}
