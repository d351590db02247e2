package storetest

import (
	"context"
	"fmt"
	"slices"
	"sync"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/c2c-project/c2c/internal/c2c"
	"github.com/c2c-project/c2c/internal/graphmem"
)

type readParams struct {
	actorPage    int // page size for walking actor pages
	exchangePage int
}

// everyOrderFilters are walked under every order: they hold ties on names,
// titles and start dates. Every other filter is walked under one order, the
// orders taken in turn, so each order still meets every sort of filter.
var everyOrderFilters = map[string]bool{
	"all": true, "text sao": true, "text São Paulo": true, "text a": true,
	"event IOPD Canoas 2014": true, "in 2014": true, "themesAny one": true,
}

// testReads runs every read check against a loaded store that the checks
// share and do not change.
func testReads(t *testing.T, s c2c.Store, m *model, p readParams) {
	t.Run("ActorPages", func(t *testing.T) { testActorPages(t, s, m, p.actorPage) })
	t.Run("ExchangePages", func(t *testing.T) { testExchangePages(t, s, m, p.exchangePage) })
	t.Run("Search", func(t *testing.T) {
		testSearch(t, s, m)
		if _, ok := m.actors["ethekwini"]; ok {
			testSearchSpecifics(t, s, m)
		}
	})
	t.Run("ExchangesByActors", func(t *testing.T) { testExchangesByActors(t, s, m) })
	t.Run("PartnersByActors", func(t *testing.T) { testPartnersByActors(t, s, m) })
	t.Run("Memberships", func(t *testing.T) { testMembershipReaders(t, s, m) })
	t.Run("CitiesByRegions", func(t *testing.T) { testCitiesByRegions(t, s, m) })
	t.Run("Themes", func(t *testing.T) {
		got, err := s.Themes(t.Context())
		mustNoError(t, "themes", err)
		if diff := cmp.Diff(m.themeCounts(), got, cmpOpts...); diff != "" {
			t.Errorf("Themes (-want +got):\n%s", diff)
		}
		// The vocabulary is the same list without the counts.
		voc, err := s.Vocabulary(t.Context())
		mustNoError(t, "vocabulary", err)
		want := []c2c.Theme{}
		for _, tc := range m.themeCounts() {
			want = append(want, tc.Theme)
		}
		if diff := cmp.Diff(want, voc, cmpOpts...); diff != "" {
			t.Errorf("Vocabulary (-want +got):\n%s", diff)
		}
	})
	t.Run("Neighbourhood", func(t *testing.T) { testNeighbourhood(t, s, m) })
	t.Run("Edges", func(t *testing.T) {
		fs := exchangeFilters(m)
		for _, name := range sortedKeys(fs) {
			got, err := s.Edges(t.Context(), fs[name])
			if err != nil {
				t.Errorf("Edges %s: %v", name, err)
				continue
			}
			if diff := diffSubgraph(m.edges(fs[name]), got, name == "all"); diff != "" {
				t.Errorf("Edges %s (-want +got):\n%s", name, diff)
			}
		}
	})
}

// byActorFilters are the filters the per-actor readers are checked with: a
// few of each sort, none naming an actor.
func byActorFilters(m *model) map[string]c2c.ExchangeFilter {
	all := exchangeFilters(m)
	out := map[string]c2c.ExchangeFilter{}
	for _, name := range []string{"all", "themesAny one", "themesAll two", "kinds two", "in 2014", "2016-2017", "directed", "mutual", "text visit", "class G77 SOUTH_SOUTH", "class M49_DEVELOPING_2020 UNKNOWN", "class WORLD_BANK_NON_HIGH_INCOME NORTH_SOUTH"} {
		if f, ok := all[name]; ok {
			out[name] = f
		}
	}
	return out
}

// askedIDs returns every actor id of m (shuffled by reversing id order) and
// ids of no actor.
func askedIDs(m *model) []string {
	ids := sortedKeys(m.actors)
	slices.Reverse(ids)
	return append(ids, "no-such-actor", "also-missing")
}

// byActorLimits are the per-actor limits the per-actor readers are checked
// with: 0 for all, and limits small enough to cut the lists of hubs.
var byActorLimits = []int{0, 1, 3}

// firstN returns the first n of xs, all of them when n <= 0.
func firstN[T any](xs []T, n int) []T {
	if n > 0 && len(xs) > n {
		return xs[:n]
	}
	return xs
}

func testExchangesByActors(t *testing.T, s c2c.Store, m *model) {
	ids := askedIDs(m)
	fs := byActorFilters(m)
	for _, limit := range byActorLimits {
		cut := 0 // lists the limit cuts: the check must meet some
		for _, name := range sortedKeys(fs) {
			got, err := s.ExchangesByActors(t.Context(), ids, fs[name], limit)
			if err != nil {
				t.Errorf("ExchangesByActors %s, limit %d: %v", name, limit, err)
				continue
			}
			want := m.exchangesByActors(fs[name])
			for _, id := range ids {
				if limit > 0 && len(want[id]) > limit {
					cut++
				}
				if diff := diffExchanges(firstN(want[id], limit), got[id], name == "all" || limit > 0); diff != "" {
					t.Errorf("ExchangesByActors %s, limit %d, actor %s (-want +got):\n%s", name, limit, id, diff)
				}
			}
		}
		if limit > 0 && cut == 0 {
			t.Errorf("ExchangesByActors, limit %d: no actor has more exchanges than that: the check proves nothing", limit)
		}
	}
}

func testPartnersByActors(t *testing.T, s c2c.Store, m *model) {
	ids := askedIDs(m)
	fs := byActorFilters(m)
	for _, limit := range byActorLimits {
		cut := 0
		for _, name := range sortedKeys(fs) {
			got, err := s.PartnersByActors(t.Context(), ids, fs[name], limit)
			if err != nil {
				t.Errorf("PartnersByActors %s, limit %d: %v", name, limit, err)
				continue
			}
			xs := m.exchangesByActors(fs[name])
			for _, id := range ids {
				for _, p := range got[id] {
					if p.ActorID != id {
						t.Errorf("PartnersByActors %s, limit %d: partner %s listed under %s has ActorID %q", name, limit, p.PartnerID, id, p.ActorID)
					}
				}
				want := m.partners(id, xs[id])
				if limit > 0 && len(want) > limit {
					cut++
				}
				if diff := cmp.Diff(firstN(want, limit), summarisePartners(got[id]), cmpOpts...); diff != "" {
					t.Errorf("PartnersByActors %s, limit %d, actor %s (-want +got; days are yyyymmdd of the first day of First and the last day of Last):\n%s", name, limit, id, diff)
				}
			}
		}
		if limit > 0 && cut == 0 {
			t.Errorf("PartnersByActors, limit %d: no actor has more partners than that: the check proves nothing", limit)
		}
	}
}

func testMembershipReaders(t *testing.T, s c2c.Store, m *model) {
	ids := askedIDs(m)
	byActor, err := s.MembershipsByActors(t.Context(), ids)
	mustNoError(t, "MembershipsByActors", err)
	for _, id := range ids {
		if diff := cmp.Diff(m.membershipsByActor(id), byActor[id], cmpOpts...); diff != "" {
			t.Errorf("MembershipsByActors, actor %s (-want +got):\n%s", id, diff)
		}
	}
	// Organisations, and ids that are not organisations at all.
	byOrg, err := s.MembersByOrganisations(t.Context(), ids)
	mustNoError(t, "MembersByOrganisations", err)
	for _, id := range ids {
		if diff := cmp.Diff(m.membersByOrganisation(id), byOrg[id], cmpOpts...); diff != "" {
			t.Errorf("MembersByOrganisations, organisation %s (-want +got):\n%s", id, diff)
		}
	}
}

func testCitiesByRegions(t *testing.T, s c2c.Store, m *model) {
	ids := askedIDs(m)
	got, err := s.CitiesByRegions(t.Context(), ids)
	mustNoError(t, "CitiesByRegions", err)
	n := 0
	for _, id := range ids {
		want := m.citiesByRegion(id)
		n += len(want)
		if diff := cmp.Diff(want, got[id], cmpOpts...); diff != "" {
			t.Errorf("CitiesByRegions, region %s (-want +got):\n%s", id, diff)
		}
	}
	if n == 0 {
		t.Errorf("the fixture has no city lying in a region: the check proves nothing")
	}
}

func testNeighbourhood(t *testing.T, s c2c.Store, m *model) {
	ctx := t.Context()
	deg := m.degrees()
	ids := sortedKeys(m.actors)
	slices.SortStableFunc(ids, func(a, b string) int { return deg[b] - deg[a] })
	centres := []string{ids[0], ids[1], ids[len(ids)/2]}
	for _, id := range slices.Backward(ids) {
		if deg[id] > 0 {
			centres = append(centres, id) // a leaf
			break
		}
	}
	if deg[ids[len(ids)-1]] == 0 {
		centres = append(centres, ids[len(ids)-1]) // an isolated actor
	}
	for _, id := range ids {
		if m.actors[id].Country == "" && deg[id] > 0 {
			centres = append(centres, id) // an organisation with no country
			break
		}
	}
	all := exchangeFilters(m)
	filters := map[string]c2c.ExchangeFilter{}
	matching := map[string][]*c2c.Exchange{}
	for _, name := range []string{"all", "themesAny one", "2016-2017", "class G77 SOUTH_SOUTH", "directed"} {
		filters[name] = all[name]
		matching[name] = m.queryExchanges(all[name], c2c.OrderExIDAsc)
	}
	for _, centre := range centres {
		for depth := 1; depth <= c2c.MaxNeighbourhoodDepth; depth++ {
			for _, fname := range sortedKeys(filters) {
				for _, limit := range []int{c2c.MaxNeighbourhoodNodes, 7, 1} {
					q := c2c.NeighbourhoodQuery{Centre: centre, Depth: depth, Filter: filters[fname], Limit: limit}
					got, err := s.Neighbourhood(ctx, q)
					if err != nil {
						t.Errorf("Neighbourhood(%s, depth %d, %s, limit %d): %v", centre, depth, fname, limit, err)
						continue
					}
					if diff := diffSubgraph(m.neighbourhoodOver(q, matching[fname]), got, fname == "all" && limit == c2c.MaxNeighbourhoodNodes); diff != "" {
						t.Errorf("Neighbourhood(%s, depth %d, %s, limit %d) (-want +got):\n%s", centre, depth, fname, limit, diff)
					}
				}
			}
		}
	}
	_, err := s.Neighbourhood(ctx, c2c.NeighbourhoodQuery{Centre: "no-such-actor", Depth: 1, Limit: 10})
	wantError(t, "Neighbourhood of a missing centre", err, c2c.KindNotFound, "")
	for _, depth := range []int{0, -1, c2c.MaxNeighbourhoodDepth + 1} {
		_, err := s.Neighbourhood(ctx, c2c.NeighbourhoodQuery{Centre: ids[0], Depth: depth, Limit: 10})
		wantError(t, fmt.Sprintf("Neighbourhood with depth %d", depth), err, c2c.KindInvalid, "depth")
	}
}

// --- import ---

func batchSize(b c2c.Batch) int { return len(b.Actors) + len(b.Exchanges) + len(b.Memberships) }

func wantImport(t *testing.T, what string, got *c2c.ImportResult, created, updated, unchanged int) {
	t.Helper()
	want := &c2c.ImportResult{Created: created, Updated: updated, Unchanged: unchanged}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("%s: import result (-want +got):\n%s", what, diff)
	}
}

func testImport(t *testing.T, open func(t *testing.T) c2c.Store) {
	t.Run("Idempotent", func(t *testing.T) {
		s := open(t)
		b := GenerateBatch(11, 80, 200)
		m, res := mustImport(t, s, b)
		wantImport(t, "first import", res, batchSize(b), 0, 0)
		before := mustSnapshot(t, s)
		res, err := s.Import(t.Context(), b)
		mustNoError(t, "second import", err)
		wantImport(t, "second import", res, 0, 0, batchSize(b))
		if diff := cmp.Diff(before, mustSnapshot(t, s), cmpOpts...); diff != "" {
			t.Errorf("state after importing the same batch again (-before +after):\n%s", diff)
		}
		checkState(t, s, m)
	})

	t.Run("UnchangedAfterNormalisation", func(t *testing.T) {
		s := open(t)
		b := GenerateBatch(12, 40, 100)
		mustImport(t, s, b)
		// The same items as a client might send them again: themes in
		// another order, the ends of mutual exchanges swapped, names
		// padded.
		again := GenerateBatch(12, 40, 100)
		for i := range again.Exchanges {
			x := &again.Exchanges[i]
			slices.Reverse(x.Themes)
			if !x.Directed {
				x.SourceID, x.TargetID = x.TargetID, x.SourceID
			}
		}
		for i := range again.Actors {
			again.Actors[i].Name = " " + again.Actors[i].Name + " "
		}
		res, err := s.Import(t.Context(), again)
		mustNoError(t, "re-import", err)
		wantImport(t, "re-import of equal items", res, 0, 0, batchSize(b))
	})

	t.Run("Counts", func(t *testing.T) {
		s := open(t)
		b := GenerateBatch(13, 60, 150)
		m, _ := mustImport(t, s, b)
		next := GenerateBatch(13, 60, 150)
		updated := 0
		for _, i := range []int{0, 7, 30} {
			next.Actors[i].Name += " (renamed)"
			updated++
		}
		for _, i := range []int{1, 2, 50, 149} {
			next.Exchanges[i].Title = "Retitled " + next.Exchanges[i].Title
			updated++
		}
		next.Exchanges[3].Start, next.Exchanges[3].End = d("2020-02-02"), nil
		updated++
		next.Memberships[0].Role = "observer (changed)"
		updated++
		created := 0
		for i := range 5 {
			next.Exchanges = append(next.Exchanges, c2c.Exchange{
				ID: fmt.Sprintf("new-x%d", i), SourceID: next.Actors[i].ID, TargetID: next.Actors[i+10].ID,
				Title: "New exchange", Kind: c2c.KindSeminar, Themes: []string{"governance"},
			})
			created++
		}
		next.Actors = append(next.Actors, c2c.Actor{ID: "new-org", Kind: c2c.ActorOrganisation, Name: "New network", OrgType: c2c.OrgNetwork})
		created++
		res, err := s.Import(t.Context(), next)
		mustNoError(t, "import with changes", err)
		wantImport(t, "import with changes", res, created, updated, batchSize(next)-created-updated)
		m.add(next)
		checkState(t, s, m)
	})

	t.Run("AllOrNothing", func(t *testing.T) {
		base := GenerateBatch(14, 30, 40)
		cases := []struct {
			name  string
			edit  func(b *c2c.Batch)
			field string
		}{
			{"exchange with a missing end", func(b *c2c.Batch) { b.Exchanges[3].TargetID = "no-such-actor" }, "exchanges[3].target"},
			{"exchange with an unknown theme", func(b *c2c.Batch) { b.Exchanges[5].Themes = []string{"zz-unknown"} }, "exchanges[5].themes[0]"},
			{"exchange without a title", func(b *c2c.Batch) { b.Exchanges[len(b.Exchanges)-1].Title = "" }, fmt.Sprintf("exchanges[%d].title", len(base.Exchanges)+1)},
			{"actor with an unknown country", func(b *c2c.Batch) { b.Actors[2].Country = "XX" }, "actors[2].country"},
			{"city in a missing region", func(b *c2c.Batch) {
				b.Actors[len(b.Actors)-1].RegionID = "no-such-region"
			}, fmt.Sprintf("actors[%d].regionId", len(base.Actors)+1)},
			{"membership of a city", func(b *c2c.Batch) { b.Memberships[1].OrganisationID = "fresh-city" }, "memberships[1].organisation"},
			{"bad theme", func(b *c2c.Batch) {
				b.Themes = []c2c.Theme{{ID: "ok-theme", Label: "OK"}, {ID: "Bad Theme", Label: "Bad"}}
			}, "themes[1].id"},
		}
		for _, c := range cases {
			t.Run(c.name, func(t *testing.T) {
				s := open(t)
				m, _ := mustImport(t, s, base)
				// A batch that updates, creates and then fails.
				b := GenerateBatch(14, 30, 40)
				b.Actors[0].Name = "Changed before the failure"
				b.Actors = append(b.Actors,
					c2c.Actor{ID: "fresh-region", Kind: c2c.ActorRegion, Name: "Fresh region", Country: "ZA"},
					c2c.Actor{ID: "fresh-city", Kind: c2c.ActorCity, Name: "Fresh city", Country: "ZA", RegionID: "fresh-region"})
				b.Exchanges[0].Title = "Changed before the failure"
				b.Exchanges = append(b.Exchanges,
					c2c.Exchange{ID: "fresh-x1", SourceID: "fresh-city", TargetID: b.Actors[0].ID, Title: "Fresh", Kind: c2c.KindWorkshop},
					c2c.Exchange{ID: "fresh-x2", SourceID: "fresh-city", TargetID: b.Actors[1].ID, Title: "Fresh 2", Kind: c2c.KindWorkshop})
				c.edit(&b)
				_, err := s.Import(t.Context(), b)
				wantError(t, "Import "+c.name, err, c2c.KindInvalid, c.field)
				checkState(t, s, m)
			})
		}
	})

	t.Run("IntraBatchReferences", func(t *testing.T) {
		batch := func(regionFirst bool) c2c.Batch {
			region := c2c.Actor{ID: "gauteng", Kind: c2c.ActorRegion, Name: "Gauteng", Country: "ZA"}
			city := c2c.Actor{ID: "johannesburg", Kind: c2c.ActorCity, Name: "Johannesburg", Country: "ZA", RegionID: "gauteng"}
			org := c2c.Actor{ID: "metropolis", Kind: c2c.ActorOrganisation, Name: "Metropolis", OrgType: c2c.OrgNetwork}
			actors := []c2c.Actor{org, region, city}
			if !regionFirst {
				actors = []c2c.Actor{city, org, region}
			}
			return c2c.Batch{
				// References run across item types (an exchange naming
				// actors and a theme of the same batch) and within actors
				// (a city naming its region).
				Themes: []c2c.Theme{{ID: "metropolitan-governance", Label: "Metropolitan governance"}},
				Actors: actors,
				Exchanges: []c2c.Exchange{{ID: "jhb-gauteng", SourceID: "johannesburg", TargetID: "gauteng", Title: "City-region planning", Kind: c2c.KindWorkshop,
					Themes: []string{"metropolitan-governance"}, Facilitators: []string{"metropolis"}, Start: d("2019-03")}},
				Memberships: []c2c.Membership{{ID: "jhb-metropolis", ActorID: "johannesburg", OrganisationID: "metropolis", Since: d("1999")}},
			}
		}
		for _, regionFirst := range []bool{true, false} {
			t.Run(fmt.Sprintf("regionFirst=%v", regionFirst), func(t *testing.T) {
				s := open(t)
				b := batch(regionFirst)
				m, _ := mustImport(t, s, b)
				got, err := s.CitiesByRegions(t.Context(), []string{"gauteng"})
				mustNoError(t, "CitiesByRegions", err)
				if diff := cmp.Diff(m.citiesByRegion("gauteng"), got["gauteng"], cmpOpts...); diff != "" {
					t.Errorf("cities of a region imported with them (-want +got):\n%s", diff)
				}
			})
		}
	})
}

// --- round trips ---

func testRoundTrips(t *testing.T, s c2c.Store) {
	m, _ := mustImport(t, s, GenerateBatch(3, 120, 300))
	actorIDs := sortedKeys(m.actors)
	exIDs := sortedKeys(m.exchanges)
	msIDs := sortedKeys(m.memberships)
	// n ids of the list, padded with missing ids when it is short.
	take := func(ids []string, n int) []string {
		out := slices.Clone(ids[:min(n, len(ids))])
		for i := len(out); i < n; i++ {
			out = append(out, fmt.Sprintf("missing-%d", i))
		}
		return out
	}
	f := c2c.ExchangeFilter{ThemesAny: []string{"housing", "migration"}}
	readers := map[string]func(ctx context.Context, n int) error{
		"ActorsByIDs": func(ctx context.Context, n int) error {
			_, err := s.ActorsByIDs(ctx, take(actorIDs, n))
			return err
		},
		"ExchangesByIDs": func(ctx context.Context, n int) error {
			_, err := s.ExchangesByIDs(ctx, take(exIDs, n))
			return err
		},
		"MembershipsByIDs": func(ctx context.Context, n int) error {
			_, err := s.MembershipsByIDs(ctx, take(msIDs, n))
			return err
		},
		"ExchangesByActors": func(ctx context.Context, n int) error {
			_, err := s.ExchangesByActors(ctx, take(actorIDs, n), f, 0)
			return err
		},
		"ExchangesByActors, first 3": func(ctx context.Context, n int) error {
			_, err := s.ExchangesByActors(ctx, take(actorIDs, n), f, 3)
			return err
		},
		"PartnersByActors": func(ctx context.Context, n int) error {
			_, err := s.PartnersByActors(ctx, take(actorIDs, n), f, 0)
			return err
		},
		"PartnersByActors, first 3": func(ctx context.Context, n int) error {
			_, err := s.PartnersByActors(ctx, take(actorIDs, n), f, 3)
			return err
		},
		"MembershipsByActors": func(ctx context.Context, n int) error {
			_, err := s.MembershipsByActors(ctx, take(actorIDs, n))
			return err
		},
		"MembersByOrganisations": func(ctx context.Context, n int) error {
			_, err := s.MembersByOrganisations(ctx, take(actorIDs, n))
			return err
		},
		"CitiesByRegions": func(ctx context.Context, n int) error {
			_, err := s.CitiesByRegions(ctx, take(actorIDs, n))
			return err
		},
	}
	// The in-process graph answers some readers without a round trip.
	_, inMemory := s.(*graphmem.Store)
	for _, name := range sortedKeys(readers) {
		counts := map[int]int64{}
		for _, n := range []int{10, 100} {
			ctx, rt := c2c.WithRoundTrips(t.Context())
			if err := readers[name](ctx, n); err != nil {
				t.Errorf("%s with %d ids: %v", name, n, err)
				continue
			}
			counts[n] = rt.Count()
			if c := rt.Count(); (c < 1 && !inMemory) || c > 2 {
				t.Errorf("%s with %d ids: %d round trips counted, want 1 or 2 (at least one: a store counts what it sends)", name, n, c)
			}
		}
		if counts[10] != counts[100] {
			t.Errorf("%s: %d round trips for 10 ids, %d for 100: the cost depends on the number of ids", name, counts[10], counts[100])
		}
	}
}

// --- concurrency ---

func testConcurrency(t *testing.T, s c2c.Store) {
	m, _ := mustImport(t, s, GenerateBatch(5, 30, 10))
	ids := sortedKeys(m.actors)
	const writers, each = 6, 5
	var wg sync.WaitGroup
	var mu sync.Mutex
	for w := range writers {
		wg.Go(func() {
			for i := range each {
				x := c2c.Exchange{
					ID:       fmt.Sprintf("conc-%d-%d", w, i),
					SourceID: ids[(w+i)%len(ids)], TargetID: ids[(w+i+1)%len(ids)],
					Title: fmt.Sprintf("Concurrent exchange %d/%d", w, i), Kind: c2c.KindMeeting,
					Themes: []string{"governance"}, Start: &c2c.PartialDate{Year: 2000 + w, Month: 1 + i},
				}
				if _, err := s.CreateExchange(t.Context(), x); err != nil {
					t.Errorf("concurrent CreateExchange %s: %v", x.ID, err)
					continue
				}
				mu.Lock()
				m.putExchange(x)
				mu.Unlock()
			}
		})
	}
	// Readers at the same time.
	for range 2 {
		wg.Go(func() {
			for range 5 {
				if _, err := s.Actors(t.Context(), c2c.ActorQuery{First: 10}); err != nil {
					t.Errorf("concurrent Actors: %v", err)
				}
				if _, err := s.Edges(t.Context(), c2c.ExchangeFilter{}); err != nil {
					t.Errorf("concurrent Edges: %v", err)
				}
			}
		})
	}
	wg.Wait()
	if got, want := len(m.exchanges), 10+writers*each; got != want {
		t.Errorf("%d exchanges created concurrently, want %d", got-10, want-10)
	}
	checkState(t, s, m)
}
