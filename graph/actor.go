package graph

import (
	"context"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"

	"github.com/c2c-project/c2c/graph/model"
	"github.com/c2c-project/c2c/internal/c2c"
)

// The fields every Actor type shares; the per-type resolvers call these.

func actorCountry(a *c2c.Actor) *c2c.Country {
	if c, ok := c2c.CountryByCode(a.Country); ok {
		return &c
	}
	return nil
}

func actorGeonamesID(a *c2c.Actor) *int {
	if a.GeoNamesID == 0 {
		return nil
	}
	return ptr(int(a.GeoNamesID))
}

func (r *Resolver) actorExchanges(ctx context.Context, id string, filter *model.ExchangeFilter, first *int) ([]*c2c.Exchange, error) {
	n, err := pageSize("first", first, c2c.DefaultPageSize, c2c.MaxPageSize)
	if err != nil {
		return nil, err
	}
	f, err := r.exchangeFilter(ctx, "filter", filter)
	if err != nil {
		return nil, err
	}
	l := r.loadersFor(ctx)
	// The loader asks the store for n exchanges per actor.
	ld := l.exchangesByActor(f, n)
	if selectedUnder(ctx, nil, "facilitators") {
		ld.extra.Store(true)
	}
	xs, err := ld.load(ctx, id, endsFor(ctx, n, exchangeEndFields...))
	if err != nil {
		return nil, err
	}
	l.primeExchanges(xs)
	return xs, nil
}

func (r *Resolver) actorPartners(ctx context.Context, id string, filter *model.ExchangeFilter, first *int) ([]*c2c.Partner, error) {
	n, err := pageSize("first", first, c2c.DefaultPageSize, c2c.MaxPageSize)
	if err != nil {
		return nil, err
	}
	f, err := r.exchangeFilter(ctx, "filter", filter)
	if err != nil {
		return nil, err
	}
	// The loader asks the store for n partners per actor.
	return r.loadersFor(ctx).partnersByActor(f, n).load(ctx, id, endsFor(ctx, n, "partner"))
}

func (r *Resolver) actorMemberships(ctx context.Context, id string) ([]*c2c.Membership, error) {
	ms, err := r.loadersFor(ctx).membershipsByActor.load(ctx, id, endsFor(ctx, allEdges, membershipEndFields...))
	if ms == nil && err == nil {
		ms = []*c2c.Membership{}
	}
	return ms, err
}

// actorByID loads an actor that must exist (an exchange end, a partner):
// its absence means the store broke an invariant.
func (r *Resolver) actorByID(ctx context.Context, what, id string) (model.Actor, error) {
	a, err := r.loadersFor(ctx).actors.Load(ctx, id)
	if err != nil {
		return nil, err
	}
	if a == nil {
		return nil, c2c.Internal("load "+what, c2c.NotFound("actor", id))
	}
	return model.WrapActor(a), nil
}

// endsFor is n when the current field's selection reaches one of the end
// fields, else 0: how many edges' far ends an edge loader should fetch.
func endsFor(ctx context.Context, n int, fields ...string) int {
	if selectedUnder(ctx, nil, fields...) {
		return n
	}
	return 0
}

// prefetchEdges starts, without waiting, the edge loads that the selection
// of the current field (an actor looked up by id) will make for it: its
// partners and exchanges without a filter, from the loaders of the page
// size their resolvers will use, with the far ends their own selections
// reach. They then run beside the actor's own lookup instead of after it,
// which saves a round trip's latency on the common "actor with its
// partners" read. A field with a filter argument is left to its resolver,
// which validates it.
func (r *Resolver) prefetchEdges(ctx context.Context, id string) {
	oc, fc := graphql.GetOperationContext(ctx), graphql.GetFieldContext(ctx)
	if oc == nil || fc == nil {
		return
	}
	l := r.loadersFor(ctx)
	for _, f := range graphql.CollectFields(oc, fc.Field.Selections, schemaTypes) {
		if f.Name != "partners" && f.Name != "exchanges" {
			continue
		}
		args := f.ArgumentMap(oc.Variables)
		if args["filter"] != nil {
			continue
		}
		n := c2c.DefaultPageSize
		if v, ok := args["first"].(int64); ok && v > 0 && v <= c2c.MaxPageSize {
			n = int(v)
		} else if args["first"] != nil {
			continue
		}
		switch f.Name {
		case "partners":
			l.prefetchPartners(ctx, id, n, endsIn(oc, f.Selections, n, "partner"))
		case "exchanges":
			l.prefetchExchanges(ctx, id, n, endsIn(oc, f.Selections, n, exchangeEndFields...), selects(oc, f.Selections, "facilitators"))
		}
	}
}

// endsIn is n when sels select one of the end fields, else 0.
func endsIn(oc *graphql.OperationContext, sels ast.SelectionSet, n int, fields ...string) int {
	if selects(oc, sels, fields...) {
		return n
	}
	return 0
}
