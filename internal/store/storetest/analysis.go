package storetest

import (
	"fmt"
	"math"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/c2c-project/c2c/internal/analysis"
	"github.com/c2c-project/c2c/internal/c2c"
)

// analysisTolerance is the relative difference allowed between a score
// computed over a store's subgraph and over the reference subgraph. Both
// runs see the same nodes and edges in the same order, so in practice they
// agree to the last bit; the tolerance only states the contract.
const analysisTolerance = 1e-9

// analysisFilters are the subgraphs the analyses are run over: the whole
// graph, one theme, a date window and the G77 South-South exchanges.
func analysisFilters(m *model) map[string]c2c.ExchangeFilter {
	tc := m.themeCounts()
	top := tc[0]
	for _, c := range tc {
		if c.Exchanges > top.Exchanges {
			top = c
		}
	}
	return map[string]c2c.ExchangeFilter{
		"all":               {},
		"theme " + top.ID:   {ThemesAny: []string{top.ID}},
		"window 2005-2018":  {From: d("2005"), To: d("2018-06")},
		"G77 SOUTH_SOUTH":   {Class: &c2c.ClassFilter{Definition: c2c.DefG77, Class: c2c.ClassSouthSouth}},
		"M49 NORTH_SOUTH":   {Class: &c2c.ClassFilter{Definition: c2c.DefM49Developing2020, Class: c2c.ClassNorthSouth}},
		"directed in 2010s": {Directed: ptr(true), From: d("2010"), To: d("2019")},
	}
}

// testAnalysis checks that the graph analyses give the same answers over
// the subgraph the store's Edges returns as over the reference's subgraph
// for the same filter: a store that drops, duplicates or alters an edge,
// a date or a direction shows up as a different score, partition or path.
func testAnalysis(t *testing.T, s c2c.Store) {
	b := GenerateBatch(20250301, 150, 600)
	_, err := s.Import(t.Context(), b)
	mustNoError(t, "import", err)
	m := newModel()
	m.add(b)
	fs := analysisFilters(m)
	for _, name := range sortedKeys(fs) {
		t.Run(name, func(t *testing.T) {
			want := m.edges(fs[name])
			if len(want.Edges) < 10 {
				t.Fatalf("the filter selects %d exchanges: too few to prove anything", len(want.Edges))
			}
			got, err := s.Edges(t.Context(), fs[name])
			mustNoError(t, "edges", err)
			checkDegreesByHand(t, want)
			compareAnalyses(t, want, got, name == "all")
		})
	}
}

// checkDegreesByHand counts partners and exchanges of every actor of g
// directly, so the comparisons below rest on an analysis that is itself
// right on the reference subgraph.
func checkDegreesByHand(t *testing.T, g *c2c.Subgraph) {
	t.Helper()
	partners := map[string]map[string]bool{}
	exchanges := map[string]float64{}
	for _, x := range g.Edges {
		for _, e := range [][2]string{{x.SourceID, x.TargetID}, {x.TargetID, x.SourceID}} {
			if partners[e[0]] == nil {
				partners[e[0]] = map[string]bool{}
			}
			partners[e[0]][e[1]] = true
			exchanges[e[0]]++
		}
	}
	deg := map[string]float64{}
	for id, ps := range partners {
		deg[id] = float64(len(ps))
	}
	if diff := cmp.Diff(deg, map[string]float64(analysis.Degree(g))); diff != "" {
		t.Errorf("Degree of the reference subgraph (-counted +analysis):\n%s", diff)
	}
	if diff := cmp.Diff(exchanges, map[string]float64(analysis.WeightedDegree(g))); diff != "" {
		t.Errorf("WeightedDegree of the reference subgraph (-counted +analysis):\n%s", diff)
	}
}

// compareAnalyses runs every analysis over want (the reference) and got
// (the store's) and reports where they differ. With connected set, the
// paths between the two hubs must exist, so that the path checks are not
// vacuous.
func compareAnalyses(t *testing.T, want, got *c2c.Subgraph, connected bool) {
	t.Helper()
	for _, c := range []struct {
		name string
		f    func(*c2c.Subgraph) analysis.Scores
	}{
		{"Degree", analysis.Degree},
		{"WeightedDegree", analysis.WeightedDegree},
		{"PageRank", analysis.PageRank},
		{"Betweenness", analysis.Betweenness},
		{"Closeness", analysis.Closeness},
		{"Harmonic", analysis.Harmonic},
	} {
		if diff := diffScores(c.f(want), c.f(got)); diff != "" {
			t.Errorf("%s differs between reference and store: %s", c.name, diff)
		}
	}
	if diff := cmp.Diff(analysis.Components(want), analysis.Components(got)); diff != "" {
		t.Errorf("Components (-reference +store):\n%s", diff)
	}
	wc, gc := analysis.DetectCommunities(want), analysis.DetectCommunities(got)
	if diff := cmp.Diff(wc.Groups, gc.Groups); diff != "" {
		t.Errorf("communities (-reference +store):\n%s", diff)
	}
	if !near(wc.Modularity, gc.Modularity) {
		t.Errorf("modularity: reference %v, store %v", wc.Modularity, gc.Modularity)
	}

	hubs := analysis.TopK(analysis.Degree(want), 2)
	if len(hubs) < 2 {
		t.Fatalf("fewer than two actors in the reference subgraph")
	}
	from, to := hubs[0].ActorID, hubs[1].ActorID
	for _, opts := range []analysis.PathOptions{{}, {Directed: true}} {
		what := fmt.Sprintf("%s to %s (directed %v)", from, to, opts.Directed)
		wp, werr := analysis.ShortestPaths(want, from, to, opts)
		gp, gerr := analysis.ShortestPaths(got, from, to, opts)
		mustNoError(t, "reference shortest paths "+what, werr)
		mustNoError(t, "store shortest paths "+what, gerr)
		if connected && !opts.Directed && len(wp) == 0 {
			t.Errorf("no shortest path %s in the reference subgraph", what)
		}
		if diff := cmp.Diff(wp, gp); diff != "" {
			t.Errorf("shortest paths %s (-reference +store):\n%s", what, diff)
		}
		wk, werr := analysis.KShortest(want, from, to, 3, opts)
		gk, gerr := analysis.KShortest(got, from, to, 3, opts)
		mustNoError(t, "reference k shortest "+what, werr)
		mustNoError(t, "store k shortest "+what, gerr)
		if diff := cmp.Diff(wk, gk); diff != "" {
			t.Errorf("3 shortest paths %s (-reference +store):\n%s", what, diff)
		}
		wt, werr := analysis.EarliestArrival(want, from, to, opts)
		gt, gerr := analysis.EarliestArrival(got, from, to, opts)
		mustNoError(t, "reference earliest arrival "+what, werr)
		mustNoError(t, "store earliest arrival "+what, gerr)
		if diff := cmp.Diff(wt, gt); diff != "" {
			t.Errorf("time-respecting path %s (-reference +store):\n%s", what, diff)
		}
		checkReach(t, want, got, from, opts, connected)
		// The reach of actors spread over the subgraph, so that a changed
		// date or direction away from the hubs shows too.
		for _, id := range spread(want.Nodes, reachSources) {
			checkReach(t, want, got, id, opts, false)
		}
	}
}

// reachSources is the number of actors, besides the top hub, whose
// time-respecting reach is compared: all of them would take tens of seconds
// under the race detector.
const reachSources = 8

// spread returns the ids of up to n actors taken at even steps through as.
func spread(as []*c2c.Actor, n int) []string {
	var out []string
	for i := range n {
		if j := i * len(as) / n; len(out) == 0 || as[j].ID != out[len(out)-1] {
			out = append(out, as[j].ID)
		}
	}
	return out
}

// checkReach compares the actors a time-respecting path reaches from
// from, with their earliest arrivals and paths. With nonEmpty set, some
// actor must be reached.
func checkReach(t *testing.T, want, got *c2c.Subgraph, from string, opts analysis.PathOptions, nonEmpty bool) {
	t.Helper()
	wr, werr := analysis.Reachable(want, from, opts)
	gr, gerr := analysis.Reachable(got, from, opts)
	mustNoError(t, "reference reachable from "+from, werr)
	mustNoError(t, "store reachable from "+from, gerr)
	if nonEmpty && len(wr) == 0 {
		t.Errorf("no actor reachable in time from %s (directed %v) in the reference subgraph", from, opts.Directed)
	}
	if diff := cmp.Diff(wr, gr); diff != "" {
		t.Errorf("time-respecting reach from %s (directed %v) (-reference +store):\n%s", from, opts.Directed, diff)
	}
}

// diffScores describes where two score maps differ by more than
// analysisTolerance, "" when they agree.
func diffScores(want, got analysis.Scores) string {
	var diff string
	for _, id := range sortedKeys(want) {
		g, ok := got[id]
		switch {
		case !ok:
			diff += fmt.Sprintf("\n  %s: missing from the store's scores", id)
		case !near(want[id], g):
			diff += fmt.Sprintf("\n  %s: reference %v, store %v", id, want[id], g)
		}
	}
	for _, id := range sortedKeys(got) {
		if _, ok := want[id]; !ok {
			diff += fmt.Sprintf("\n  %s: not in the reference's scores", id)
		}
	}
	return diff
}

// near reports whether a and b agree within analysisTolerance, relative to
// the larger of them.
func near(a, b float64) bool {
	return math.Abs(a-b) <= analysisTolerance*math.Max(math.Abs(a), math.Abs(b))
}
