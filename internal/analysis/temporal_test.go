package analysis

import (
	"fmt"
	"testing"

	"github.com/c2c-project/c2c/internal/c2c"
	"github.com/google/go-cmp/cmp"
)

type best struct{ key, hops int }

// bruteArrivals searches every time-respecting sequence of exchanges from s
// of at most max hops (exhaustive DFS) and returns, per actor reached, the
// earliest arrival and the fewest hops at it.
func bruteArrivals(g *c2c.Subgraph, s string, directed bool, max int) map[string]best {
	out := map[string]best{}
	var walk func(u string, last, hops int)
	walk = func(u string, last, hops int) {
		if hops == max {
			return
		}
		for _, x := range g.Edges {
			if x.Start == nil {
				continue
			}
			lo := x.Start.FirstKey()
			if lo < last {
				continue
			}
			var v string
			switch {
			case x.SourceID == u:
				v = x.TargetID
			case x.TargetID == u && (!directed || !x.Directed):
				v = x.SourceID
			default:
				continue
			}
			if v == s {
				continue
			}
			b, ok := out[v]
			if !ok || lo < b.key || (lo == b.key && hops+1 < b.hops) {
				out[v] = best{lo, hops + 1}
			}
			// Walks that revisit an actor never arrive earlier or in
			// fewer hops than the loopless walk they contain, but visit
			// them anyway up to the hop limit: the reference should not
			// lean on that argument.
			walk(v, lo, hops+1)
		}
	}
	walk(s, 0, 0)
	return out
}

// checkTimed asserts that p is a time-respecting path over exchanges of g
// from s arriving at key.
func checkTimed(t *testing.T, g *c2c.Subgraph, p TimedPath, directed bool, key int) {
	t.Helper()
	byID := map[string]*c2c.Exchange{}
	for _, x := range g.Edges {
		byID[x.ID] = x
	}
	last := 0
	for i, id := range p.ExchangeIDs {
		x := byID[id]
		u, v := p.ActorIDs[i], p.ActorIDs[i+1]
		ok := (x.SourceID == u && x.TargetID == v) || (x.SourceID == v && x.TargetID == u && (!directed || !x.Directed))
		if !ok {
			t.Fatalf("path %v: exchange %s does not lead from %s to %s", p.ActorIDs, id, u, v)
		}
		if lo := x.Start.FirstKey(); lo < last {
			t.Fatalf("path %v: exchange %s starts before the previous hop", p.ActorIDs, id)
		} else {
			last = lo
		}
		if p.Starts[i] != *x.Start {
			t.Fatalf("path %v: start %v, want %v", p.ActorIDs, p.Starts[i], *x.Start)
		}
	}
	if p.Arrival != key || last != key {
		t.Fatalf("path %v arrives %d (last hop %d), want %d", p.ActorIDs, p.Arrival, last, key)
	}
}

func TestTimeRespectingMatchesExhaustiveSearch(t *testing.T) {
	for _, sz := range []struct {
		seed uint64
		n, m int
	}{{11, 5, 8}, {12, 7, 10}, {13, 8, 12}, {14, 6, 14}} {
		for _, directed := range []bool{false, true} {
			for _, hops := range []int{2, 4} {
				g := randomGraph(sz.seed, sz.n, sz.m)
				for _, s := range g.Nodes {
					name := fmt.Sprintf("seed%d/directed=%v/hops=%d/%s", sz.seed, directed, hops, s.ID)
					want := bruteArrivals(g, s.ID, directed, hops)
					arr, err := Reachable(shuffled(g, sz.seed), s.ID, PathOptions{Directed: directed, MaxHops: hops})
					if err != nil {
						t.Fatal(err)
					}
					got := map[string]best{}
					for _, a := range arr {
						got[a.ActorID] = best{a.Key, a.Hops}
						checkTimed(t, g, a.Path, directed, a.Key)
						if got, want := a.Path.Hops(), a.Hops; got != want {
							t.Fatalf("%s: %s path has %d hops, says %d", name, a.ActorID, got, want)
						}
					}
					if diff := cmp.Diff(want, got, cmp.AllowUnexported(best{})); diff != "" {
						t.Fatalf("%s: arrivals (-want +got):\n%s", name, diff)
					}
					for _, tt := range g.Nodes {
						p, err := EarliestArrival(g, s.ID, tt.ID, PathOptions{Directed: directed, MaxHops: hops})
						if err != nil {
							t.Fatal(err)
						}
						w, ok := want[tt.ID]
						switch {
						case tt.ID == s.ID:
							if p == nil || p.Hops() != 0 {
								t.Fatalf("%s: path to itself %v", name, p)
							}
						case !ok:
							if p != nil {
								t.Fatalf("%s: path to unreachable %s: %v", name, tt.ID, p.ActorIDs)
							}
						default:
							if p == nil || p.Arrival != w.key || p.Hops() != w.hops {
								t.Fatalf("%s: to %s got %+v, want arrival %d in %d hops", name, tt.ID, p, w.key, w.hops)
							}
							checkTimed(t, g, *p, directed, w.key)
						}
					}
				}
			}
		}
	}
}

func TestHandGraphEarliestArrival(t *testing.T) {
	g := handGraph()
	// maputo-durban (2012), durban-uclg (2013-07), uclg-chefchaouen
	// (2016-11-02); barcelona-chefchaouen (2016) starts on 2016-01-01,
	// before the hop to chefchaouen, so barcelona is out of reach.
	p, err := EarliestArrival(g, "maputo", "chefchaouen", PathOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]string{"maputo", "durban", "uclg", "chefchaouen"}, p.ActorIDs); diff != "" {
		t.Errorf("maputo to chefchaouen (-want +got):\n%s", diff)
	}
	if got, want := p.Arrival, 20161102; got != want {
		t.Errorf("arrival %d, want %d", got, want)
	}
	p, err = EarliestArrival(g, "maputo", "barcelona", PathOptions{})
	if err != nil || p != nil {
		t.Errorf("maputo to barcelona: %v, %v; want no path", p, err)
	}
	// The undated e5 (salga-durban) is never taken, and e4 (uclg-salga,
	// 2012-06-03) starts before e3 (durban-uclg, 2013-07): from durban,
	// salga is out of reach.
	p, err = EarliestArrival(g, "durban", "salga", PathOptions{})
	if err != nil || p != nil {
		t.Errorf("durban to salga: %+v, %v; want no path", p, err)
	}
}
