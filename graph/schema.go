package graph

import (
	"github.com/99designs/gqlgen/graphql"
	"github.com/99designs/gqlgen/graphql/handler"

	"github.com/c2c-project/c2c/graph/generated"
	"github.com/c2c-project/c2c/graph/model"
	"github.com/c2c-project/c2c/internal/analysis"
	"github.com/c2c-project/c2c/internal/c2c"
)

// DefaultMaxComplexity is the complexity limit of one operation (a batch
// shares one) when none is configured: c2c serve -max-complexity and
// server.Config.MaxComplexity default to it. The weights below are set
// against it: a dashboard's depth-3 read (50 actors × 20 partners × 20
// exchanges) scores about 82,000, the largest ego network the API allows
// (depth 3, 2,000 actors, the explorer's fields) about 68,000, and twenty
// default K_SHORTEST searches or three all-pairs centralities fill it.
const DefaultMaxComplexity = 100_000

// Static complexity costs of the graph analyses, in the unit of the
// limit: one point is about one object of an answer. Each is the work of
// the analysis on the largest subgraph it may read (graph.DefaultMaxEdges
// exchanges), relative to the others; the pool of expensive fields and the
// per-client limits of internal/server bound how many run at once.
const (
	// CostScan is one pass over the exchanges a filter selects, or one
	// aggregation in the store: timeline, southSouthShare, pairSpans,
	// stats, components, subgraph, degree centralities.
	CostScan = 2_000
	// CostPaths is one path search before the work of its mode and hop
	// limit (pathcost.go): SHORTEST and ALL_SHORTEST (a bidirectional
	// search), K_SHORTEST, TIME_RESPECTING and reachable.
	CostPaths = 2_000
	// CostIterative is an analysis that sweeps the graph until it
	// converges: PageRank, Louvain communities.
	CostIterative = 10_000
	// CostAllPairs is a breadth-first search from every actor:
	// betweenness, closeness and harmonic centrality.
	CostAllPairs = 30_000
	// CostSearch is one typeahead search, before its hits.
	CostSearch = 50
	// NeighbourhoodHopCost is the cost of each of the limit actors an
	// ego network may reach, per hop: the store expands the frontier a
	// hop at a time (see neighbourhoodCost).
	NeighbourhoodHopCost = 10
)

// NewExecutableSchema returns the executable schema over r, with complexity
// functions that multiply the cost of a list field's items by its page
// size, so that the complexity limit bounds the size of the answer, and
// charge the graph analyses for the work they do (the Cost constants).
func NewExecutableSchema(r *Resolver) graphql.ExecutableSchema {
	cfg := generated.Config{Resolvers: r}
	c := &cfg.Complexity

	list := func(child int, first *int, def int) int { return 1 + size(first, def)*child }
	actorExchanges := func(child int, _ *model.ExchangeFilter, first *int) int {
		return list(child, first, c2c.DefaultPageSize)
	}
	c.City.Exchanges, c.Region.Exchanges, c.Organisation.Exchanges = actorExchanges, actorExchanges, actorExchanges
	c.City.Partners, c.Region.Partners, c.Organisation.Partners = actorExchanges, actorExchanges, actorExchanges
	c.Query.Actors = func(child int, _ *model.ActorFilter, _ *c2c.ActorOrder, first *int, _ *string) int {
		return list(child, first, c2c.DefaultPageSize)
	}
	c.Query.Exchanges = func(child int, _ *model.ExchangeFilter, _ *c2c.ExchangeOrder, first *int, _ *string) int {
		return list(child, first, c2c.DefaultPageSize)
	}
	c.Query.Search = func(child int, _ string, first *int) int { return CostSearch + list(child, first, 10) }
	c.Query.Neighbourhood = func(child int, _ string, depth *int, _ *model.ExchangeFilter, limit *int) int {
		return neighbourhoodCost(child, depth, limit)
	}

	// The analyses' items are read in one store call or computed in
	// memory: they cost a tenth each.
	tenth := func(child int, n *int, def int) int { return max(1, size(n, def)/10) * child }
	// Path searches: the weights are in pathcost.go.
	c.Query.Paths = func(child int, _, _ string, mode *model.PathMode, k *int, maxHops *int, _ *bool, _ *model.ExchangeFilter) int {
		return pathsComplexity(child, mode, k, maxHops)
	}
	c.Query.Reachable = func(child int, _ string, _ *model.ExchangeFilter, _ *bool, maxHops *int, first *int) int {
		return reachableComplexity(child, maxHops, first)
	}
	c.Query.Timeline = func(child int, _ *model.ExchangeFilter, _ *model.TimelineDimension, _ *c2c.Definition) int {
		return CostScan + child
	}
	c.Query.SouthSouthShare = func(child int, _ *model.ExchangeFilter, _ c2c.Definition) int {
		return CostScan + child
	}
	c.Query.Stats = func(child int, _ *model.ExchangeFilter, _ []model.StatsDimension, _ *c2c.Definition, first *int) int {
		return CostScan + tenth(child, first, 100)
	}
	c.Query.PairSpans = func(child int, _ *model.ExchangeFilter, first *int) int {
		return CostScan + tenth(child, first, 100)
	}
	c.Query.Centrality = func(child int, m analysis.Measure, _ *model.ExchangeFilter, first *int) int {
		return measureCost(m) + tenth(child, first, 20)
	}
	c.Query.Communities = func(child int, _ *model.ExchangeFilter, first *int) int {
		return CostIterative + tenth(child, first, 20)
	}
	c.Query.Components = func(child int, _ *model.ExchangeFilter, first *int) int {
		return CostScan + tenth(child, first, 20)
	}
	c.Query.Subgraph = func(child int, _ *model.ExchangeFilter, limit *int) int {
		return CostScan + tenth(child, limit, 2000)
	}
	c.ActorGroup.Actors = func(child int, first *int) int { return 1 + tenth(child, first, 100) }
	return generated.NewExecutableSchema(cfg)
}

// measureCost is the static cost of computing one centrality measure.
func measureCost(m analysis.Measure) int {
	switch m {
	case analysis.MeasureBetweenness, analysis.MeasureCloseness, analysis.MeasureHarmonic:
		return CostAllPairs
	case analysis.MeasurePageRank:
		return CostIterative
	}
	return CostScan
}

// neighbourhoodCost is the complexity of an ego network: depth × limit ×
// NeighbourhoodHopCost for the search (each hop expands a frontier of up
// to limit actors) plus a tenth of its items (limit actors and the
// exchanges among them) for the answer.
func neighbourhoodCost(child int, depth, limit *int) int {
	d := clamp(size(depth, 1), 1, c2c.MaxNeighbourhoodDepth)
	n := clamp(size(limit, 200), 1, c2c.MaxNeighbourhoodNodes)
	return 1 + d*n*NeighbourhoodHopCost + max(1, n/10)*child
}

// clamp bounds n to [lo, hi]: arguments outside their range fail in the
// resolver, but their cost is computed first.
func clamp(n, lo, hi int) int { return min(max(n, lo), hi) }

func size(n *int, def int) int {
	if n == nil || *n < 1 {
		return def
	}
	return *n
}

// NewServer returns a gqlgen server over r with the error presenter, the
// panic recovery, the per-request dataloaders and the mutation
// transactions installed, and sets
// r.Cache when it is nil. It has no transports and no limits: the caller
// adds those.
func NewServer(r *Resolver) *handler.Server {
	if r.Cache == nil {
		r.Cache = analysis.NewCache(DefaultCacheSize)
	}
	srv := handler.New(NewExecutableSchema(r))
	srv.SetErrorPresenter(ErrorPresenter(r.log()))
	srv.SetRecoverFunc(Recover(r.log()))
	srv.AroundOperations(r.AroundOperations)
	srv.AroundResponses(r.AroundMutations)
	srv.AroundRootFields(r.AroundMutationFields)
	return srv
}
