package analysis

import (
	"context"
	"errors"
	"math/rand/v2"
	"testing"

	"gonum.org/v1/gonum/graph/community"

	"github.com/c2c-project/c2c/internal/c2c"
)

// contextAnalyses are the analyses that stop through a stopper when their
// context ends, each as a function of the context and a subgraph. (The
// all-pairs centralities watch their context themselves:
// TestAllPairsStopWithContext.)
var contextAnalyses = []struct {
	name  string
	small bool // runs on the small random graph (Louvain is slow under the race detector)
	run   func(context.Context, *c2c.Subgraph) error
}{
	{"communities", true, func(ctx context.Context, g *c2c.Subgraph) error { return second(DetectCommunitiesContext(ctx, g)) }},
	{"pagerank", false, func(ctx context.Context, g *c2c.Subgraph) error { return second(PageRankContext(ctx, g)) }},
	{"pagerank measure", false, func(ctx context.Context, g *c2c.Subgraph) error {
		return second(ComputeContext(ctx, g, MeasurePageRank))
	}},
	{"components", false, func(ctx context.Context, g *c2c.Subgraph) error { return second(ComponentsContext(ctx, g)) }},
	{"timeline", false, func(ctx context.Context, g *c2c.Subgraph) error { return second(TimelineContext(ctx, g, DimTheme)) }},
	{"pair spans", false, func(ctx context.Context, g *c2c.Subgraph) error { return second(PairSpansContext(ctx, g)) }},
	{"south-south share", false, func(ctx context.Context, g *c2c.Subgraph) error {
		return second(SouthSouthShareContext(ctx, g, c2c.DefG77))
	}},
	{"breakdown", false, func(ctx context.Context, g *c2c.Subgraph) error {
		return second(BreakdownContext(ctx, g, DimTheme, Dimension{Field: FieldRegionPair}))
	}},
}

// Each analysis stops when its context ends, wherever it is in its work:
// a full run is counted in checks (a look at the context every thousand
// steps of its loops, or gonum's), then the context is cancelled at the
// first check, half way and at nine tenths, and the run must end there
// with the context's error (one that went on would return its answer).
func TestAnalysesStopWhenTheContextEnds(t *testing.T) {
	t.Cleanup(func() { onCheck = nil })
	// The large graph has enough actors for a thousand steps of the
	// one-pass analyses to be a small part of their run.
	large, small := randomGraph(5, 2500, 7500), randomGraph(6, 500, 2500)
	for _, a := range contextAnalyses {
		t.Run(a.name, func(t *testing.T) {
			g := large
			if a.small {
				g = small
			}
			if err := a.run(canceled(), g); !errors.Is(err, context.Canceled) {
				t.Fatalf("with a cancelled context: %v", err)
			}
			checks := 0
			onCheck = func(*stopper) { checks++ }
			if err := a.run(context.Background(), g); err != nil {
				t.Fatal(err)
			}
			total := checks
			if total < 2 {
				t.Fatalf("a full run checks its context %d times", total)
			}
			for _, at := range []int{1, total / 2, total * 9 / 10} {
				ctx, cancel := context.WithCancel(context.Background())
				checks = 0
				after := -1
				onCheck = func(s *stopper) {
					checks++
					switch {
					case checks == at:
						cancel()
						s.done.Store(true) // as context.AfterFunc does, a moment later
						after = 0
					case after >= 0:
						after++
					}
				}
				err := a.run(ctx, g)
				cancel()
				if !errors.Is(err, context.Canceled) {
					t.Errorf("cancelled at check %d of %d: %v, want context.Canceled", at, total, err)
				}
				if after != 0 {
					t.Errorf("cancelled at check %d of %d: went on for %d more checks", at, total, after)
				}
			}
			t.Logf("%d checks in a full run", total)
		})
	}
	onCheck = nil
	// The answers do not change: the stopping graph and random source
	// give gonum's Louvain what the plain ones do.
	wg := weightedGraph{hopGraph{newIndex(small)}}
	plain := community.Modularize(wg, 1, rand.NewPCG(CommunitySeed, 0))
	if got, want := DetectCommunities(small).Modularity, stable(community.Q(wg, plain.Communities(), 1)); got != want {
		t.Errorf("communities through a stopper: Q = %v, gonum's plain run: %v", got, want)
	}
}

func canceled() context.Context {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	return ctx
}
