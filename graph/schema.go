package graph

import (
	"github.com/99designs/gqlgen/graphql"
	"github.com/99designs/gqlgen/graphql/handler"

	"github.com/c2c-project/c2c/graph/generated"
	"github.com/c2c-project/c2c/graph/model"
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
	return generated.NewExecutableSchema(cfg)
}

func size(n *int, def int) int {
	if n == nil || *n < 1 {
		return def
	}
	return *n
}

// NewServer returns a gqlgen server over r with the error presenter, the
// panic recovery and the per-request dataloaders installed. It has no
// transports and no limits: the caller adds those.
func NewServer(r *Resolver) *handler.Server {
	srv := handler.New(NewExecutableSchema(r))
	srv.SetErrorPresenter(ErrorPresenter(r.log()))
	srv.SetRecoverFunc(Recover(r.log()))
	srv.AroundOperations(r.AroundOperations)
	return srv
}
