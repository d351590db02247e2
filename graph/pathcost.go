package graph

import (
	"github.com/c2c-project/c2c/graph/model"
	"github.com/c2c-project/c2c/internal/analysis"
)

// Complexity weights of the path searches beyond their static CostPaths.
// A shortest-path search reads each exchange it reaches at most twice
// whatever the length, bounded by the analysis limit, so its hop limit
// costs nothing. Yen's algorithm behind K_SHORTEST runs about k times the
// path's length searches over the whole subgraph; the time-respecting
// searches make one pass over the exchanges and keep a label per actor and
// hop count.
const (
	CostSpurSearch = 50 // per path and hop of K_SHORTEST
	CostTimedHop   = 10 // per hop of TIME_RESPECTING and reachable
)

// pathsComplexity is the complexity of Query.paths: CostPaths, the
// mode's work at the hop limit asked for (or the mode's default), and
// child for each of the at most k paths returned.
func pathsComplexity(child int, mode *model.PathMode, k, maxHops *int) int {
	m := model.PathModeShortest
	if mode != nil {
		m = *mode
	}
	switch m {
	case model.PathModeKShortest:
		n := min(size(k, 3), analysis.MaxK)
		return CostPaths + n*min(size(maxHops, analysis.MaxKShortestHops), analysis.MaxKShortestHops)*CostSpurSearch + n*child
	case model.PathModeTimeRespecting:
		return CostPaths + timedCost(maxHops) + child
	default:
		return CostPaths + min(size(k, analysis.MaxK), analysis.MaxK)*child
	}
}

// reachableComplexity is the complexity of Query.reachable: CostPaths,
// the time-respecting search at the hop limit, and a tenth of child per
// arrival returned.
func reachableComplexity(child int, maxHops, first *int) int {
	return CostPaths + timedCost(maxHops) + max(1, size(first, 100)/10)*child
}

// timedCost is the work of a time-respecting search at the hop limit
// asked for, analysis.MaxTimedHops when absent.
func timedCost(maxHops *int) int {
	return min(size(maxHops, analysis.MaxTimedHops), analysis.MaxTimedHops) * CostTimedHop
}
