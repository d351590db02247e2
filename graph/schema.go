package graph

import (
	"github.com/99designs/gqlgen/graphql"
	"github.com/99designs/gqlgen/graphql/handler"

	"github.com/c2c-project/c2c/graph/generated"
	"github.com/c2c-project/c2c/graph/model"
	"github.com/c2c-project/c2c/internal/analysis"
	"github.com/c2c-project/c2c/internal/c2c"
)

// NewExecutableSchema returns the executable schema over r, with complexity
// functions that multiply the cost of a list field's items by its page
// size, so that the complexity limit bounds the size of the answer.
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
	c.Query.Search = func(child int, _ string, first *int) int { return list(child, first, 10) }
	// A subgraph is one store call whatever its size; its items cost a
	// tenth each.
	c.Query.Neighbourhood = func(child int, _ string, _ *int, _ *model.ExchangeFilter, limit *int) int {
		return 1 + max(1, size(limit, 200)/10)*child
	}

	// Graph analyses read every exchange the filter selects: a high static
	// cost lets the complexity limit refuse many in one request. Their
	// items cost a tenth each, like a subgraph's.
	tenth := func(child int, n *int, def int) int { return max(1, size(n, def)/10) * child }
	// Path searches: the weights are in pathcost.go.
	c.Query.Paths = func(child int, _, _ string, mode *model.PathMode, k *int, maxHops *int, _ *bool, _ *model.ExchangeFilter) int {
		return pathsComplexity(child, mode, k, maxHops)
	}
	c.Query.Reachable = func(child int, _ string, _ *model.ExchangeFilter, _ *bool, maxHops *int, first *int) int {
		return reachableComplexity(child, maxHops, first)
	}
	c.Query.Timeline = func(child int, _ *model.ExchangeFilter, _ *model.TimelineDimension, _ *c2c.Definition) int {
		return CostBreakdown + child
	}
	c.Query.SouthSouthShare = func(child int, _ *model.ExchangeFilter, _ c2c.Definition) int {
		return CostBreakdown + child
	}
	c.Query.Stats = func(child int, _ *model.ExchangeFilter, _ []model.StatsDimension, _ *c2c.Definition, first *int) int {
		return CostBreakdown + tenth(child, first, 100)
	}
	c.Query.PairSpans = func(child int, _ *model.ExchangeFilter, first *int) int {
		return CostBreakdown + tenth(child, first, 100)
	}
	c.Query.Centrality = func(child int, _ analysis.Measure, _ *model.ExchangeFilter, first *int) int {
		return CostGraphMeasure + tenth(child, first, 20)
	}
	c.Query.Communities = func(child int, _ *model.ExchangeFilter, first *int) int {
		return CostGraphMeasure + tenth(child, first, 20)
	}
	c.Query.Components = func(child int, _ *model.ExchangeFilter, first *int) int {
		return CostBreakdown + tenth(child, first, 20)
	}
	c.Query.Subgraph = func(child int, _ *model.ExchangeFilter, limit *int) int {
		return CostBreakdown + tenth(child, limit, 2000)
	}
	c.ActorGroup.Actors = func(child int, first *int) int { return 1 + tenth(child, first, 100) }
	return generated.NewExecutableSchema(cfg)
}

// Static complexity costs of the graph analyses. The server's default
// complexity limit (5000) admits a few in one request, not a batch.
const (
	CostBreakdown    = 500  // one pass over the exchanges: timeline, stats, components, subgraph
	CostPaths        = 800  // a traversal: paths, reachable
	CostGraphMeasure = 1500 // centrality and communities
)

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
