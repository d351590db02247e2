package analysis

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/c2c-project/c2c/internal/c2c"
	"github.com/google/go-cmp/cmp"
)

// hubGraph builds a subgraph of n actors and m exchanges in which most
// exchanges touch one of three hubs, a quarter repeat an earlier pair
// (either way round, with another direction flag and date), and dates are
// drawn from a few values of different precision that start on the same
// day, so that the choice among parallel exchanges falls to the id.
func hubGraph(seed uint64, n, m int) *c2c.Subgraph {
	r := rand.New(rand.NewPCG(seed, seed*13+5))
	g := &c2c.Subgraph{}
	for i := range n {
		g.Nodes = append(g.Nodes, &c2c.Actor{ID: fmt.Sprintf("h%03d", (i*37)%n), Kind: c2c.ActorCity, Name: fmt.Sprint(i)})
	}
	dates := []*c2c.PartialDate{nil, {Year: 2012}, {Year: 2012, Month: 1}, {Year: 2012, Month: 1, Day: 1}, {Year: 2011, Month: 6}, nil}
	pick := func() int {
		if r.IntN(10) < 6 {
			return r.IntN(3)
		}
		return r.IntN(n)
	}
	var pairs [][2]int
	for i := 0; i < m; i++ {
		var u, v int
		if len(pairs) > 0 && r.IntN(4) == 0 {
			p := pairs[r.IntN(len(pairs))]
			u, v = p[0], p[1]
			if r.IntN(2) == 0 {
				u, v = v, u
			}
		} else {
			u, v = pick(), pick()
			if u == v {
				continue
			}
		}
		pairs = append(pairs, [2]int{u, v})
		x := &c2c.Exchange{
			// Ids in another order than creation, so that the id never
			// follows the order of the pairs.
			ID:       fmt.Sprintf("x%04d", (i*7919)%10007),
			SourceID: g.Nodes[u].ID, TargetID: g.Nodes[v].ID,
			Kind:     c2c.KindStudyVisit,
			Directed: r.IntN(3) > 0,
		}
		if d := dates[r.IntN(len(dates))]; d != nil {
			c := *d
			x.Start = &c
		}
		x.Normalize()
		g.Edges = append(g.Edges, x)
	}
	return g
}

// edgesOnly returns g as Store.Edges returns a subgraph: only the actors at
// an end of an exchange.
func edgesOnly(g *c2c.Subgraph) *c2c.Subgraph {
	ends := map[string]bool{}
	for _, x := range g.Edges {
		ends[x.SourceID], ends[x.TargetID] = true, true
	}
	out := &c2c.Subgraph{Edges: g.Edges}
	for _, a := range g.Nodes {
		if ends[a.ID] {
			out.Nodes = append(out.Nodes, a)
		}
	}
	return out
}

// expanderOf answers as Store.Adjacent would over g, each list in a
// shuffled order (the search must not rely on the store's order), and
// records the ids asked for in each call.
type expanderOf struct {
	adj   map[string][]c2c.Adjacency
	r     *rand.Rand
	calls [][]string
	fail  error
}

func newExpander(g *c2c.Subgraph, seed uint64) *expanderOf {
	e := &expanderOf{adj: map[string][]c2c.Adjacency{}, r: rand.New(rand.NewPCG(seed, 3))}
	for _, x := range g.Edges {
		e.adj[x.SourceID] = append(e.adj[x.SourceID], c2c.Adjacency{ExchangeID: x.ID, OtherID: x.TargetID, Outgoing: true, Directed: x.Directed, Start: x.Start})
		e.adj[x.TargetID] = append(e.adj[x.TargetID], c2c.Adjacency{ExchangeID: x.ID, OtherID: x.SourceID, Outgoing: false, Directed: x.Directed, Start: x.Start})
	}
	return e
}

func (e *expanderOf) expand(_ context.Context, ids []string) (map[string][]c2c.Adjacency, error) {
	e.calls = append(e.calls, slices.Clone(ids))
	if e.fail != nil {
		return nil, e.fail
	}
	out := map[string][]c2c.Adjacency{}
	for _, id := range ids {
		if xs := e.adj[id]; len(xs) > 0 {
			xs = slices.Clone(xs)
			e.r.Shuffle(len(xs), func(i, j int) { xs[i], xs[j] = xs[j], xs[i] })
			out[id] = xs
		}
	}
	return out, nil
}

// checkCalls fails t if an expansion asked for no actor or for one asked
// for before, or if there were more expansions than steps.
func (e *expanderOf) checkCalls(t *testing.T, name string, maxHops int) {
	t.Helper()
	seen := map[string]bool{}
	for _, c := range e.calls {
		if len(c) == 0 {
			t.Fatalf("%s: an expansion asked for no actor", name)
		}
		for _, id := range c {
			if seen[id] {
				t.Fatalf("%s: actor %s expanded twice (calls %v)", name, id, e.calls)
			}
			seen[id] = true
		}
	}
	// The first call asks for both ends; each later step expands one
	// frontier, and the hop limit bounds the steps.
	if len(e.calls) > maxHops+1 {
		t.Fatalf("%s: %d expansions for at most %d hops", name, len(e.calls), maxHops)
	}
}

// pathCase is one question put to both searches.
type pathCase struct {
	from, to string
	opts     PathOptions
}

// compareSearches asks ShortestPaths over g and the expanding search over
// an expander of g the same question and fails t unless the paths, or the
// errors, are the same.
func compareSearches(t *testing.T, name string, g *c2c.Subgraph, c pathCase, seed uint64) (paths int) {
	t.Helper()
	want, wantErr := ShortestPaths(shuffled(g, seed), c.from, c.to, c.opts)
	e := newExpander(g, seed)
	res, gotErr := SearchShortest(t.Context(), e.expand, c.from, c.to, c.opts, 0)
	got := res.Paths
	name = fmt.Sprintf("%s %s→%s %+v", name, c.from, c.to, c.opts)
	if (wantErr == nil) != (gotErr == nil) || (wantErr != nil && wantErr.Error() != gotErr.Error()) {
		t.Fatalf("%s: error %v, want %v", name, gotErr, wantErr)
	}
	if wantErr != nil {
		if c2c.KindOf(gotErr) != c2c.KindOf(wantErr) {
			t.Fatalf("%s: error kind %v, want %v", name, c2c.KindOf(gotErr), c2c.KindOf(wantErr))
		}
		return 0
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Fatalf("%s: paths (-ShortestPaths +expanding):\n%s", name, diff)
	}
	checkCounts(t, name, g, c, res)
	hops := c.opts.MaxHops
	if hops == 0 {
		hops = len(g.Nodes)
	}
	e.checkCalls(t, name, hops)
	return len(got)
}

// checkCounts fails t unless the length, count and connection the search
// reports agree with a breadth-first search and ShortestPaths enumerating
// every shortest path of the full subgraph.
func checkCounts(t *testing.T, name string, g *c2c.Subgraph, c pathCase, res Shortest) {
	t.Helper()
	r := newRef(g, c.opts.Directed)
	dist, reached := r.bfs(c.from)[c.to]
	all, err := ShortestPaths(g, c.from, c.to, PathOptions{Directed: c.opts.Directed, Limit: MaxPathLimit})
	if err != nil {
		t.Fatalf("%s: enumerating: %v", name, err)
	}
	within := reached && (c.opts.MaxHops == 0 || dist <= c.opts.MaxHops)
	switch {
	case within:
		if res.Hops != dist || !res.Connected || res.Cut {
			t.Fatalf("%s: hops %d connected %v cut %v, want %d hops, connected", name, res.Hops, res.Connected, res.Cut, dist)
		}
		if len(all) < MaxPathLimit && res.Count != float64(len(all)) {
			t.Fatalf("%s: count %v, want %d", name, res.Count, len(all))
		}
	case reached:
		if res.Hops != -1 || res.Count != 0 || res.Connected || !res.Cut {
			t.Fatalf("%s: %+v, want cut by the hop limit %d (distance %d)", name, res, c.opts.MaxHops, dist)
		}
	default:
		// Not reached: the search must say so, or that the limit cut it
		// before it could tell.
		if res.Hops != -1 || res.Count != 0 || res.Connected || (res.Cut && c.opts.MaxHops == 0) {
			t.Fatalf("%s: %+v, want not connected", name, res)
		}
	}
}

func TestShortestPathsExpandingMatchesSubgraph(t *testing.T) {
	type graphCase struct {
		name string
		g    *c2c.Subgraph
	}
	var graphs []graphCase
	for seed := uint64(1); seed <= 24; seed++ {
		n := 6 + int(seed%5)*6
		// From sparse (many unreachable pairs) to dense.
		m := n / 2 * (1 + int(seed%4))
		graphs = append(graphs, graphCase{fmt.Sprintf("random seed %d n %d m %d", seed, n, m), randomGraph(seed, n, m)})
		graphs = append(graphs, graphCase{fmt.Sprintf("hubs seed %d n %d m %d", seed, 3*n, 2*m), hubGraph(seed, 3*n, 2*m)})
	}
	graphs = append(graphs, graphCase{"hand", handGraph()})
	hopsAndLimits := []PathOptions{{}, {MaxHops: 1}, {MaxHops: 2, Limit: 1}, {MaxHops: 3, Limit: 3}, {MaxHops: testHops, Limit: 11}, {Limit: MaxPathLimit}}
	reached, unreached, multi := 0, 0, 0
	for gi, gc := range graphs {
		full := gc.g
		g := edgesOnly(full)
		r := rand.New(rand.NewPCG(uint64(gi), 17))
		ids := make([]string, 0, len(full.Nodes))
		for _, a := range full.Nodes {
			ids = append(ids, a.ID)
		}
		slices.Sort(ids)
		// Every pair of a small graph; a sample of a larger one, always
		// with an actor of no exchange and an unknown id.
		var cases [][2]string
		if len(ids) <= 16 {
			for _, s := range ids {
				for _, tt := range ids {
					cases = append(cases, [2]string{s, tt})
				}
			}
		} else {
			for range 120 {
				cases = append(cases, [2]string{ids[r.IntN(len(ids))], ids[r.IntN(len(ids))]})
			}
		}
		cases = append(cases, [2]string{ids[0], "nowhere"}, [2]string{"nowhere", ids[0]}, [2]string{"nowhere", "nowhere"})
		for ci, pair := range cases {
			for _, directed := range []bool{false, true} {
				opts := hopsAndLimits[(ci+gi)%len(hopsAndLimits)]
				opts.Directed = directed
				n := compareSearches(t, gc.name, g, pathCase{pair[0], pair[1], opts}, uint64(gi*1000+ci))
				switch {
				case n == 0:
					unreached++
				case n > 1:
					multi++
					reached++
				default:
					reached++
				}
			}
		}
	}
	// The comparison proves little unless both outcomes occur often.
	if reached < 500 || unreached < 200 || multi < 100 {
		t.Errorf("cases: %d with paths (%d with several), %d without; want more of each", reached, multi, unreached)
	}
}

func TestShortestPathsExpandingLargerGraphs(t *testing.T) {
	for seed := uint64(100); seed < 104; seed++ {
		full := hubGraph(seed, 400, 700)
		g := edgesOnly(full)
		r := rand.New(rand.NewPCG(seed, 5))
		for i := range 60 {
			s := g.Nodes[r.IntN(len(g.Nodes))].ID
			tt := g.Nodes[r.IntN(len(g.Nodes))].ID
			for _, directed := range []bool{false, true} {
				compareSearches(t, fmt.Sprintf("hubs seed %d", seed), g, pathCase{s, tt, PathOptions{Directed: directed, MaxHops: i % testHops, Limit: 1 + i%5*50}}, seed*100+uint64(i))
			}
		}
	}
}

func TestShortestPathsExpandingErrors(t *testing.T) {
	g := handGraph()
	for _, opts := range []PathOptions{{MaxHops: -7}, {MaxHops: -1}, {Limit: MaxPathLimit + 1}, {Limit: -2}} {
		e := newExpander(g, 1)
		want := second(ShortestPaths(g, "durban", "uclg", opts))
		got := second(ShortestPathsExpanding(t.Context(), e.expand, "durban", "uclg", opts, 0))
		if want == nil || got == nil || want.Error() != got.Error() {
			t.Errorf("%+v: error %v, want %v", opts, got, want)
		}
		if len(e.calls) != 0 {
			t.Errorf("%+v: a bad option still expanded %v", opts, e.calls)
		}
	}

	// The store's error comes back as it is.
	e := newExpander(g, 1)
	e.fail = c2c.Unavailable("adjacent", errors.New("down"))
	if err := second(ShortestPathsExpanding(t.Context(), e.expand, "durban", "barcelona", PathOptions{}, 0)); !errors.Is(err, e.fail) {
		t.Errorf("expander failure: got %v, want %v", err, e.fail)
	}

	// A cancelled request stops before the next expansion.
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	e = newExpander(g, 1)
	if err := second(ShortestPathsExpanding(ctx, e.expand, "durban", "barcelona", PathOptions{}, 0)); !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled: got %v", err)
	}
}

func TestShortestPathsExpandingBound(t *testing.T) {
	// A hub with 50 leaves and a chain hanging off one of them.
	g := &c2c.Subgraph{}
	add := func(id, s, t string) {
		g.Edges = append(g.Edges, &c2c.Exchange{ID: id, SourceID: s, TargetID: t, Kind: c2c.KindMeeting})
	}
	for i := range 50 {
		add(fmt.Sprintf("hub-%02d", i), "hub", fmt.Sprintf("leaf%02d", i))
	}
	add("chain-1", "leaf07", "c1")
	add("chain-2", "c1", "c2")
	for _, tc := range []struct {
		from, to string
		bound    int
		fails    bool
	}{
		{"c2", "c1", 2, false},     // both ends expanded: chain-1, chain-2
		{"c2", "leaf07", 3, false}, // c2 and leaf07: chain-2, hub-07, chain-1
		{"c2", "hub", 52, false},   // every exchange
		{"c2", "hub", 51, true},    // the hub alone has 50
		{"hub", "leaf01", 49, true},
	} {
		e := newExpander(edgesOnly(g), 1)
		got, err := ShortestPathsExpanding(t.Context(), e.expand, tc.from, tc.to, PathOptions{}, tc.bound)
		if tc.fails {
			var ce *c2c.Error
			if !errors.As(err, &ce) || ce.Kind != c2c.KindInvalid || ce.Field != "filter" {
				t.Errorf("%s→%s within %d exchanges: got %v, %v; want KindInvalid naming filter", tc.from, tc.to, tc.bound, got, err)
			}
			continue
		}
		want := mustPaths(t)(ShortestPaths(g, tc.from, tc.to, PathOptions{}))
		if err != nil {
			t.Errorf("%s→%s within %d exchanges: %v", tc.from, tc.to, tc.bound, err)
		} else if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("%s→%s (-want +got):\n%s", tc.from, tc.to, diff)
		}
	}
}
