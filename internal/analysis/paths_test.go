package analysis

import (
	"context"
	"errors"
	"fmt"
	"math"
	"slices"
	"testing"

	"github.com/c2c-project/c2c/internal/c2c"
	"github.com/google/go-cmp/cmp"
)

var sizes = []struct {
	seed uint64
	n, m int
}{{1, 5, 6}, {2, 8, 12}, {3, 10, 14}, {4, 12, 20}, {5, 14, 18}, {6, 9, 25}}

// checkHops asserts that each hop of p names the preferred exchange and the
// right parallel count.
func checkHops(t *testing.T, r *ref, p Path) {
	t.Helper()
	if got, want := len(p.ExchangeIDs), len(p.ActorIDs)-1; got != want {
		t.Fatalf("path %v: %d exchanges, want %d", p.ActorIDs, got, want)
	}
	for i := 1; i < len(p.ActorIDs); i++ {
		id, n := r.preferred(p.ActorIDs[i-1], p.ActorIDs[i])
		if p.ExchangeIDs[i-1] != id || p.Parallel[i-1] != n {
			t.Errorf("path %v hop %d: exchange %s (%d parallel), want %s (%d)", p.ActorIDs, i, p.ExchangeIDs[i-1], p.Parallel[i-1], id, n)
		}
	}
}

func TestShortestPathsMatchEnumeration(t *testing.T) {
	for _, sz := range sizes {
		for _, directed := range []bool{false, true} {
			g := randomGraph(sz.seed, sz.n, sz.m)
			r := newRef(g, directed)
			for _, s := range r.nodes {
				d := r.bfs(s)
				for _, tt := range r.nodes {
					name := fmt.Sprintf("seed%d/directed=%v/%s-%s", sz.seed, directed, s, tt)
					got := mustPaths(t)(ShortestPaths(g, s, tt, PathOptions{Directed: directed, MaxHops: testHops, Limit: MaxPathLimit}))
					all := r.simplePaths(s, tt, testHops)
					var want [][]string
					if dist, ok := d[tt]; ok && dist <= testHops {
						for _, p := range all {
							if len(p)-1 == dist {
								want = append(want, p)
							}
						}
					}
					slices.SortFunc(want, seqLess)
					var gotSeqs [][]string
					for _, p := range got {
						gotSeqs = append(gotSeqs, p.ActorIDs)
						checkHops(t, r, p)
					}
					if diff := cmp.Diff(want, gotSeqs); diff != "" {
						t.Fatalf("%s: paths (-want +got):\n%s", name, diff)
					}
				}
			}
		}
	}
}

func TestShortestPathsHopLimitAndCap(t *testing.T) {
	g := randomGraph(4, 12, 20)
	r := newRef(g, false)
	for _, s := range r.nodes {
		d := r.bfs(s)
		for _, tt := range r.nodes {
			got := mustPaths(t)(ShortestPaths(g, s, tt, PathOptions{MaxHops: 2, Limit: 1}))
			dist, ok := d[tt]
			if want := ok && dist <= 2; (len(got) == 1) != want {
				t.Fatalf("%s-%s: %d paths with distance %d (reachable %v), want a path: %v", s, tt, len(got), dist, ok, want)
			}
		}
	}
}

func TestKShortestMatchesEnumeration(t *testing.T) {
	for _, sz := range sizes {
		for _, directed := range []bool{false, true} {
			g := randomGraph(sz.seed, sz.n, sz.m)
			r := newRef(g, directed)
			for _, k := range []int{1, 3, MaxK} {
				for _, hops := range []int{3, testHops} {
					for _, s := range r.nodes {
						for _, tt := range r.nodes {
							if s == tt {
								continue
							}
							all := r.simplePaths(s, tt, hops)
							slices.SortFunc(all, seqLess)
							want := all[:min(k, len(all))]
							got := mustPaths(t)(KShortest(shuffled(g, sz.seed), s, tt, k, PathOptions{Directed: directed, MaxHops: hops}))
							var gotSeqs [][]string
							for _, p := range got {
								gotSeqs = append(gotSeqs, p.ActorIDs)
								checkHops(t, r, p)
							}
							if len(want) == 0 {
								want = nil
							}
							if diff := cmp.Diff(want, gotSeqs); diff != "" {
								t.Fatalf("seed %d directed=%v k=%d hops=%d %s-%s (-want +got):\n%s", sz.seed, directed, k, hops, s, tt, diff)
							}
						}
					}
				}
			}
		}
	}
}

func TestHandGraphPaths(t *testing.T) {
	g := handGraph()
	got := mustPaths(t)(ShortestPaths(g, "barcelona", "durban", PathOptions{}))
	if diff := cmp.Diff([]string{"barcelona>chefchaouen>uclg>durban"}, ids(got)); diff != "" {
		t.Errorf("barcelona to durban (-want +got):\n%s", diff)
	}
	// Two exchanges join durban and sao-paulo: the earlier one is named.
	got = mustPaths(t)(ShortestPaths(g, "sao-paulo", "durban", PathOptions{}))
	if diff := cmp.Diff([]Path{{ActorIDs: []string{"sao-paulo", "durban"}, ExchangeIDs: []string{"e1"}, Parallel: []int{2}}}, got); diff != "" {
		t.Errorf("sao-paulo to durban (-want +got):\n%s", diff)
	}
	// Directed: only e2 runs sao-paulo to durban.
	got = mustPaths(t)(ShortestPaths(g, "sao-paulo", "durban", PathOptions{Directed: true}))
	if diff := cmp.Diff([]Path{{ActorIDs: []string{"sao-paulo", "durban"}, ExchangeIDs: []string{"e2"}, Parallel: []int{1}}}, got); diff != "" {
		t.Errorf("directed sao-paulo to durban (-want +got):\n%s", diff)
	}
	// Maputo to sao-paulo: two shortest paths, in id order.
	got = mustPaths(t)(ShortestPaths(g, "maputo", "sao-paulo", PathOptions{}))
	if diff := cmp.Diff([]string{"maputo>durban>sao-paulo", "maputo>nampula>sao-paulo"}, ids(got)); diff != "" {
		t.Errorf("maputo to sao-paulo (-want +got):\n%s", diff)
	}
	got = mustPaths(t)(KShortest(g, "maputo", "sao-paulo", 4, PathOptions{}))
	// Only two loopless paths exist, whatever k asks for.
	if diff := cmp.Diff([]string{"maputo>durban>sao-paulo", "maputo>nampula>sao-paulo"}, ids(got)); diff != "" {
		t.Errorf("k-shortest maputo to sao-paulo (-want +got):\n%s", diff)
	}
	for _, p := range got {
		seen := map[string]bool{}
		for _, a := range p.ActorIDs {
			if seen[a] {
				t.Errorf("path %v repeats %s", p.ActorIDs, a)
			}
			seen[a] = true
		}
	}
	got = mustPaths(t)(ShortestPaths(g, "durban", "durban", PathOptions{}))
	if diff := cmp.Diff([]string{"durban"}, ids(got)); diff != "" {
		t.Errorf("durban to itself (-want +got):\n%s", diff)
	}
}

func TestPathErrors(t *testing.T) {
	g := handGraph()
	cases := []struct {
		name  string
		err   error
		field string
	}{
		{"unknown from", second(ShortestPaths(g, "nowhere", "durban", PathOptions{})), "from"},
		{"unknown to", second(KShortest(g, "durban", "nowhere", 2, PathOptions{})), "to"},
		{"k too large", second(KShortest(g, "durban", "uclg", MaxK+1, PathOptions{})), "k"},
		{"k zero", second(KShortest(g, "durban", "uclg", 0, PathOptions{})), "k"},
		{"hops too low", second(ShortestPaths(g, "durban", "uclg", PathOptions{MaxHops: -1})), "maxHops"},
		{"k-shortest hops too high", second(KShortest(g, "durban", "uclg", 2, PathOptions{MaxHops: MaxKShortestHops + 1})), "maxHops"},
		{"reachable hops too high", second(Reachable(g, "durban", PathOptions{MaxHops: MaxTimedHops + 1})), "maxHops"},
		{"limit too high", second(ShortestPaths(g, "durban", "uclg", PathOptions{Limit: MaxPathLimit + 1})), "limit"},
		{"time hops", second(EarliestArrival(g, "durban", "uclg", PathOptions{MaxHops: -1})), "maxHops"},
		{"reachable from", second(Reachable(g, "nowhere", PathOptions{})), "from"},
	}
	for _, c := range cases {
		var e *c2c.Error
		if c.err == nil {
			t.Errorf("%s: no error", c.name)
			continue
		}
		if got, want := c2c.KindOf(c.err), c2c.KindInvalid; got != want {
			t.Errorf("%s: kind %v, want %v", c.name, got, want)
		}
		if ok := asError(c.err, &e); !ok || e.Field != c.field {
			t.Errorf("%s: error %v, want field %q", c.name, c.err, c.field)
		}
	}
}

// endingCtx is a context that ends after its Err has been asked calls
// times: it ends a search part-way through at a point the test chooses.
type endingCtx struct {
	context.Context
	calls int
	asked int
}

func (c *endingCtx) Err() error {
	if c.asked++; c.asked > c.calls {
		return context.Canceled
	}
	return nil
}

func TestPathSearchesStopWithContext(t *testing.T) {
	g := randomGraph(7, 400, 1600)
	from, to := g.Nodes[0].ID, g.Nodes[1].ID
	searches := map[string]func(ctx context.Context) error{
		"k-shortest": func(ctx context.Context) error {
			return second(KShortestContext(ctx, g, from, to, MaxK, PathOptions{}))
		},
		"earliest arrival": func(ctx context.Context) error {
			return second(EarliestArrivalContext(ctx, g, from, to, PathOptions{}))
		},
		"reachable": func(ctx context.Context) error {
			return second(ReachableContext(ctx, g, from, PathOptions{}))
		},
		"shortest": func(ctx context.Context) error {
			return second(SearchShortest(ctx, SubgraphExpander(g), from, to, PathOptions{}, 0))
		},
	}
	for name, search := range searches {
		// The whole search asks the context n times; ending it after
		// fewer must stop it with the context's error.
		count := &endingCtx{Context: t.Context(), calls: 1 << 30}
		if err := search(count); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if count.asked < 2 {
			t.Fatalf("%s asks its context %d times: it cannot stop part-way", name, count.asked)
		}
		for _, after := range []int{0, 1, count.asked / 2, count.asked - 1} {
			if err := search(&endingCtx{Context: t.Context(), calls: after}); !errors.Is(err, context.Canceled) {
				t.Errorf("%s with the context ending after %d of %d checks: %v, want context.Canceled", name, after, count.asked, err)
			}
		}
	}
}

// ladder returns a chain of n diamonds (s=v0, each vi joined to vi+1
// through two middle actors): 2n hops between its ends and 2^n shortest
// paths.
func ladder(n int) (*c2c.Subgraph, string, string) {
	g := &c2c.Subgraph{}
	add := func(a, b string) {
		g.Edges = append(g.Edges, &c2c.Exchange{ID: fmt.Sprintf("x%d", len(g.Edges)), SourceID: a, TargetID: b, Kind: c2c.KindTwinning})
	}
	v := func(i int) string { return fmt.Sprintf("v%03d", i) }
	for i := range n {
		for _, m := range []string{"a", "b"} {
			mid := fmt.Sprintf("m%03d%s", i, m)
			add(v(i), mid)
			add(mid, v(i+1))
		}
	}
	seen := map[string]bool{}
	for _, x := range g.Edges {
		for _, id := range []string{x.SourceID, x.TargetID} {
			if !seen[id] {
				seen[id] = true
				g.Nodes = append(g.Nodes, &c2c.Actor{ID: id, Kind: c2c.ActorCity, Name: id})
			}
		}
	}
	return g, v(0), v(n)
}

func TestShortestCountsLongLadders(t *testing.T) {
	for _, n := range []int{1, 5, 30, 53, 54, 70} {
		g, s, tt := ladder(n)
		res, err := SearchShortest(t.Context(), SubgraphExpander(g), s, tt, PathOptions{Limit: 3}, 0)
		if err != nil {
			t.Fatal(err)
		}
		// 2^n is a power of two: exact as a float64 at any n here.
		if want := math.Ldexp(1, n); res.Count != want || res.Hops != 2*n || !res.Connected || res.Cut {
			t.Errorf("ladder of %d: %+v (count %v), want %d hops, count %v, connected", n, res.Paths, res.Count, 2*n, want)
		}
		if len(res.Paths) != min(3, 1<<min(n, 10)) {
			t.Errorf("ladder of %d: %d paths, want the limit", n, len(res.Paths))
		}
		// A hop limit one short cuts the search.
		res, err = SearchShortest(t.Context(), SubgraphExpander(g), s, tt, PathOptions{MaxHops: 2*n - 1}, 0)
		if err != nil || !res.Cut || res.Count != 0 || len(res.Paths) != 0 {
			t.Errorf("ladder of %d within %d hops: %+v, %v; want cut", n, 2*n-1, res, err)
		}
	}
	// Two ladders apart: not connected, whatever the limit.
	g, s, _ := ladder(20)
	h, _, u := ladder(3)
	for _, x := range h.Edges {
		x.SourceID, x.TargetID, x.ID = "o"+x.SourceID, "o"+x.TargetID, "o"+x.ID
	}
	g.Edges = append(g.Edges, h.Edges...)
	res, err := SearchShortest(t.Context(), SubgraphExpander(g), s, "o"+u, PathOptions{}, 0)
	if err != nil || res.Connected || res.Cut || res.Count != 0 || res.Hops != -1 {
		t.Errorf("separate ladders: %+v, %v; want not connected", res, err)
	}
}
