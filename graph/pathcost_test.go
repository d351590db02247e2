package graph

import (
	"testing"

	"github.com/c2c-project/c2c/graph/model"
	"github.com/c2c-project/c2c/internal/analysis"
)

func TestPathsComplexityFollowsWork(t *testing.T) {
	mode := func(m model.PathMode) *model.PathMode { return &m }
	n := func(v int) *int { return &v }
	const child = 7
	// A shortest-path search costs the same at any hop limit.
	if a, b := pathsComplexity(child, nil, nil, nil), pathsComplexity(child, mode(model.PathModeShortest), nil, n(1000)); a != b {
		t.Errorf("SHORTEST: %d without a hop limit, %d at 1000 hops; want the same", a, b)
	}
	// K_SHORTEST grows with k times the hop limit; its default is the
	// maximum.
	ks := mode(model.PathModeKShortest)
	if got, want := pathsComplexity(child, ks, n(10), n(16))-pathsComplexity(child, ks, n(10), n(8)), 10*8*CostSpurSearch; got != want {
		t.Errorf("K_SHORTEST k 10, 16 hops against 8: %d more, want %d", got, want)
	}
	if a, b := pathsComplexity(child, ks, n(5), nil), pathsComplexity(child, ks, n(5), n(analysis.MaxKShortestHops)); a != b {
		t.Errorf("K_SHORTEST without a hop limit %d, at the maximum %d; want the same", a, b)
	}
	if got := pathsComplexity(child, ks, nil, nil); got != CostPaths+3*analysis.MaxKShortestHops*CostSpurSearch+3*child {
		t.Errorf("K_SHORTEST by default: %d", got)
	}
	// The time-respecting searches grow with the hop limit.
	tr := mode(model.PathModeTimeRespecting)
	if a, b := pathsComplexity(child, tr, nil, n(4)), pathsComplexity(child, tr, nil, nil); b-a != (analysis.MaxTimedHops-4)*CostTimedHop {
		t.Errorf("TIME_RESPECTING at 4 hops %d, by default %d", a, b)
	}
	if a, b := reachableComplexity(child, n(4), nil), reachableComplexity(child, nil, nil); b-a != (analysis.MaxTimedHops-4)*CostTimedHop {
		t.Errorf("reachable at 4 hops %d, by default %d", a, b)
	}
}
