// Package storetest is the conformance suite every c2c.Store runs: the
// embedded SQLite store and the Neo4j store alike. Expected answers come from
// a brute-force reference over an in-memory copy of the fixture, never from
// the store under test and never hard-coded.
package storetest

import (
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/c2c-project/c2c/internal/c2c"
)

// Run runs the conformance suite. open must return a fresh, empty store
// (migrated, with the default themes) for each subtest that calls it, and
// arrange for it to be closed when the test ends.
func Run(t *testing.T, open func(t *testing.T) c2c.Store) {
	t.Run("Fresh", func(t *testing.T) { testFresh(t, open(t)) })
	t.Run("Actors", func(t *testing.T) { testActorCRUD(t, open) })
	t.Run("Exchanges", func(t *testing.T) { testExchangeCRUD(t, open) })
	t.Run("Memberships", func(t *testing.T) { testMembershipCRUD(t, open) })
	t.Run("Themes", func(t *testing.T) { testThemes(t, open(t)) })
	t.Run("SearchFollowsWrites", func(t *testing.T) { testSearchFollowsWrites(t, open(t)) })
	t.Run("PartnerLastDay", func(t *testing.T) { testPartnerLastDay(t, open(t)) })
	t.Run("PartnerDateTies", func(t *testing.T) { testPartnerDateTies(t, open(t)) })
	t.Run("Import", func(t *testing.T) { testImport(t, open) })
	t.Run("KeysetStability", func(t *testing.T) {
		t.Run("Actors", func(t *testing.T) { testKeysetStability(t, open(t)) })
		t.Run("Exchanges", func(t *testing.T) { testExchangeKeysetStability(t, open(t)) })
	})
	t.Run("RoundTrips", func(t *testing.T) { testRoundTrips(t, open(t)) })
	t.Run("Concurrency", func(t *testing.T) { testConcurrency(t, open(t)) })
	t.Run("Analysis", func(t *testing.T) { testAnalysis(t, open(t)) })
	t.Run("Facets", func(t *testing.T) { testFacets(t, open(t)) })
	t.Run("Hygiene", func(t *testing.T) { testHygiene(t, open(t)) })
	t.Run("LongPaths", func(t *testing.T) { testLongPaths(t, open(t)) })
	t.Run("ChangeLog", func(t *testing.T) { testChangeLog(t, open) })
	t.Run("Scans", func(t *testing.T) { testScans(t, open(t)) })
	// The read checks share one loaded store per fixture: they do not write.
	t.Run("HandFixture", func(t *testing.T) {
		s := open(t)
		m := mustLoadByCreate(t, s, handBatch())
		testReads(t, s, m, readParams{actorPage: 3, exchangePage: 4})
		t.Run("Adjacent", func(t *testing.T) { testAdjacent(t, s, m) })
	})
	t.Run("Generated", func(t *testing.T) {
		s := open(t)
		m, _ := mustImport(t, s, GenerateBatch(20240613, 150, 600))
		testReads(t, s, m, readParams{actorPage: 11, exchangePage: 37})
		t.Run("Adjacent", func(t *testing.T) { testAdjacent(t, s, m) })
	})
}

var cmpOpts = []cmp.Option{cmpopts.EquateEmpty()}

// wantError fails unless err is a domain error of kind whose Field is field
// (or ends with "."+field, since a store may prefix paths such as
// "input."); field "" skips the field check.
func wantError(t *testing.T, what string, err error, kind c2c.ErrorKind, field string) {
	t.Helper()
	if err == nil {
		t.Errorf("%s: got no error, want %v", what, kind)
		return
	}
	if got := c2c.KindOf(err); got != kind {
		t.Errorf("%s: got error kind %v (%v), want %v", what, got, err, kind)
		return
	}
	if field == "" {
		return
	}
	var e *c2c.Error
	if !errors.As(err, &e) {
		t.Errorf("%s: error %v is not a *c2c.Error", what, err)
		return
	}
	if !fieldIs(e.Field, field) {
		t.Errorf("%s: error field is %q (%v), want %q", what, e.Field, err, field)
	}
}

func fieldIs(got, want string) bool {
	return got == want || strings.HasSuffix(got, "."+want)
}

func mustNoError(t *testing.T, what string, err error) {
	t.Helper()
	if err != nil {
		t.Fatalf("%s: %v", what, err)
	}
}

// mustLoadByCreate writes the batch through the single-item create methods
// and checks that each returns what was stored.
func mustLoadByCreate(t *testing.T, s c2c.Store, b c2c.Batch) *model {
	t.Helper()
	ctx := t.Context()
	m := newModel()
	for _, th := range b.Themes {
		got, err := s.UpsertTheme(ctx, th)
		mustNoError(t, "upsert theme "+th.ID, err)
		if diff := cmp.Diff(&th, got); diff != "" {
			t.Errorf("UpsertTheme(%s) returned (-want +got):\n%s", th.ID, diff)
		}
		m.themes[th.ID] = th
	}
	for _, a := range b.Actors {
		got, err := s.CreateActor(ctx, a)
		mustNoError(t, "create actor "+a.ID, err)
		want := m.putActor(a)
		if diff := cmp.Diff(want, got, cmpOpts...); diff != "" {
			t.Errorf("CreateActor(%s) returned (-want +got):\n%s", a.ID, diff)
		}
	}
	for _, x := range b.Exchanges {
		got, err := s.CreateExchange(ctx, x)
		mustNoError(t, "create exchange "+x.ID, err)
		want := m.putExchange(x)
		if diff := cmp.Diff(want, got, cmpOpts...); diff != "" {
			t.Errorf("CreateExchange(%s) returned (-want +got):\n%s", x.ID, diff)
		}
	}
	for _, ms := range b.Memberships {
		got, err := s.CreateMembership(ctx, ms)
		mustNoError(t, "create membership "+ms.ID, err)
		want := m.putMembership(ms)
		if diff := cmp.Diff(want, got, cmpOpts...); diff != "" {
			t.Errorf("CreateMembership(%s) returned (-want +got):\n%s", ms.ID, diff)
		}
	}
	checkState(t, s, m)
	return m
}

// mustImport loads the batch with Store.Import into a fresh store and
// checks that everything was created.
func mustImport(t *testing.T, s c2c.Store, b c2c.Batch) (*model, *c2c.ImportResult) {
	t.Helper()
	res, err := s.Import(t.Context(), b)
	mustNoError(t, "import", err)
	m := newModel()
	m.add(b)
	checkState(t, s, m)
	return m, res
}

// snapshot is everything a store holds, read through its public methods.
type snapshot struct {
	Actors      []*c2c.Actor
	Exchanges   []*c2c.Exchange
	Memberships []*c2c.Membership
	Themes      []c2c.ThemeCount
}

func (m *model) snapshot() snapshot {
	return snapshot{Actors: m.actorList(), Exchanges: m.exchangeList(), Memberships: m.membershipList(), Themes: m.themeCounts()}
}

func mustSnapshot(t *testing.T, s c2c.Store) snapshot {
	t.Helper()
	ctx := t.Context()
	var sn snapshot
	q := c2c.ActorQuery{Order: c2c.OrderIDAsc, First: c2c.MaxPageSize}
	for range 10000 {
		p, err := s.Actors(ctx, q)
		mustNoError(t, "snapshot actors", err)
		sn.Actors = append(sn.Actors, p.Actors...)
		if !p.HasNext || len(p.Actors) == 0 {
			break
		}
		c := c2c.ActorCursor(q.Order, p.Actors[len(p.Actors)-1])
		q.After = &c
	}
	xq := c2c.ExchangeQuery{Order: c2c.OrderExIDAsc, First: c2c.MaxPageSize}
	for range 10000 {
		p, err := s.Exchanges(ctx, xq)
		mustNoError(t, "snapshot exchanges", err)
		sn.Exchanges = append(sn.Exchanges, p.Exchanges...)
		if !p.HasNext || len(p.Exchanges) == 0 {
			break
		}
		c := c2c.ExchangeCursor(xq.Order, p.Exchanges[len(p.Exchanges)-1])
		xq.After = &c
	}
	ids := make([]string, len(sn.Actors))
	for i, a := range sn.Actors {
		ids[i] = a.ID
	}
	if len(ids) > 0 {
		byActor, err := s.MembershipsByActors(ctx, ids)
		mustNoError(t, "snapshot memberships", err)
		for _, ms := range byActor {
			sn.Memberships = append(sn.Memberships, ms...)
		}
		slices.SortFunc(sn.Memberships, func(a, b *c2c.Membership) int { return strings.Compare(a.ID, b.ID) })
	}
	th, err := s.Themes(ctx)
	mustNoError(t, "snapshot themes", err)
	sn.Themes = th
	return sn
}

// checkState fails unless the store holds exactly what m holds.
func checkState(t *testing.T, s c2c.Store, m *model) {
	t.Helper()
	if diff := cmp.Diff(m.snapshot(), mustSnapshot(t, s), cmpOpts...); diff != "" {
		t.Errorf("store state differs from the reference (-want +got):\n%s", diff)
	}
}

func testFresh(t *testing.T, s c2c.Store) {
	ctx := t.Context()
	mustNoError(t, "ping", s.Ping(ctx))
	checkState(t, s, newModel())
	got, err := s.ActorsByIDs(ctx, []string{"nobody", "nothing"})
	mustNoError(t, "ActorsByIDs on an empty store", err)
	if diff := cmp.Diff([]*c2c.Actor{nil, nil}, got); diff != "" {
		t.Errorf("ActorsByIDs on an empty store (-want +got):\n%s", diff)
	}
	g, err := s.Edges(ctx, c2c.ExchangeFilter{})
	mustNoError(t, "Edges on an empty store", err)
	if len(g.Nodes) != 0 || len(g.Edges) != 0 {
		t.Errorf("Edges on an empty store: %d nodes, %d edges, want none", len(g.Nodes), len(g.Edges))
	}
}

// The read checks compare whole values for one filter of each query and
// ids for the rest: decoding is one code path per store, and comparing every
// field of every answer costs more than the stores do.

func diffActors(want, got []*c2c.Actor, full bool) string {
	if full {
		return cmp.Diff(want, got, cmpOpts...)
	}
	return diffIDs(actorIDs(want), actorIDs(got))
}

func diffExchanges(want, got []*c2c.Exchange, full bool) string {
	if full {
		return cmp.Diff(want, got, cmpOpts...)
	}
	return diffIDs(exchangeIDs(want), exchangeIDs(got))
}

func diffSubgraph(want, got *c2c.Subgraph, full bool) string {
	if full {
		return cmp.Diff(want, got, cmpOpts...)
	}
	type shape struct {
		Nodes, Edges []string
		Depth        map[string]int
		Truncated    bool
	}
	return cmp.Diff(
		shape{actorIDs(want.Nodes), exchangeIDs(want.Edges), want.Depth, want.Truncated},
		shape{actorIDs(got.Nodes), exchangeIDs(got.Edges), got.Depth, got.Truncated}, cmpOpts...)
}

func diffIDs(want, got []string) string {
	if slices.Equal(want, got) {
		return ""
	}
	return cmp.Diff(want, got, cmpOpts...)
}

func actorIDs(as []*c2c.Actor) []string {
	out := make([]string, len(as))
	for i, a := range as {
		if a != nil {
			out[i] = a.ID
		}
	}
	return out
}

func exchangeIDs(xs []*c2c.Exchange) []string {
	out := make([]string, len(xs))
	for i, x := range xs {
		if x != nil {
			out[i] = x.ID
		}
	}
	return out
}

func ptr[T any](v T) *T { return &v }
