package graph

import (
	"context"
	"encoding/json"
	"sync"
	"time"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vikstrous/dataloadgen"

	"github.com/c2c-project/c2c/internal/c2c"
)

// batchWait is how long a loader collects keys before it calls the store.
// Sibling resolvers of one list run concurrently and register their keys
// well within it, so each level of a query costs one round trip per loader.
const batchWait = 5 * time.Millisecond

// loaders batches and caches the store reads of one request. Every batch is
// one store call: the round trips of a request grow with its depth, not
// with the number of items it returns.
type loaders struct {
	store c2c.Store

	actors      *dataloadgen.Loader[string, *c2c.Actor]
	exchanges   *dataloadgen.Loader[string, *c2c.Exchange]
	memberships *dataloadgen.Loader[string, *c2c.Membership]

	membershipsByActor *dataloadgen.Loader[string, []*c2c.Membership]
	membersByOrg       *dataloadgen.Loader[string, []*c2c.Membership]
	citiesByRegion     *dataloadgen.Loader[string, []*c2c.Actor]

	// vocabulary has one key: the theme vocabulary is read once a request.
	vocabulary *dataloadgen.Loader[struct{}, map[string]c2c.Theme]

	mu                sync.Mutex
	exchangesByFilter map[string]*dataloadgen.Loader[string, []*c2c.Exchange]
	partnersByFilter  map[string]*dataloadgen.Loader[string, []*c2c.Partner]
}

func newLoaders(store c2c.Store) *loaders {
	l := &loaders{
		store:             store,
		exchangesByFilter: map[string]*dataloadgen.Loader[string, []*c2c.Exchange]{},
		partnersByFilter:  map[string]*dataloadgen.Loader[string, []*c2c.Partner]{},
	}
	wait := dataloadgen.WithWait(batchWait)
	l.actors = dataloadgen.NewLoader(ordered(store.ActorsByIDs), wait)
	l.exchanges = dataloadgen.NewLoader(ordered(store.ExchangesByIDs), wait)
	l.memberships = dataloadgen.NewLoader(ordered(store.MembershipsByIDs), wait)
	l.membershipsByActor = dataloadgen.NewLoader(grouped(store.MembershipsByActors), wait)
	l.membersByOrg = dataloadgen.NewLoader(grouped(store.MembersByOrganisations), wait)
	l.citiesByRegion = dataloadgen.NewLoader(grouped(store.CitiesByRegions), wait)
	l.vocabulary = dataloadgen.NewLoader(func(ctx context.Context, keys []struct{}) ([]map[string]c2c.Theme, []error) {
		ts, err := store.Themes(ctx)
		if err != nil {
			return nil, []error{err}
		}
		m := make(map[string]c2c.Theme, len(ts))
		for _, t := range ts {
			m[t.ID] = t.Theme
		}
		out := make([]map[string]c2c.Theme, len(keys))
		for i := range out {
			out[i] = m
		}
		return out, nil
	}, wait)
	return l
}

// ordered adapts a store batch reader that answers in key order.
func ordered[V any](fetch func(context.Context, []string) ([]V, error)) func(context.Context, []string) ([]V, []error) {
	return func(ctx context.Context, ids []string) ([]V, []error) {
		vs, err := fetch(ctx, ids)
		if err != nil {
			return nil, []error{err}
		}
		return vs, nil
	}
}

// grouped adapts a store batch reader that answers with a map by key.
func grouped[V any](fetch func(context.Context, []string) (map[string][]V, error)) func(context.Context, []string) ([][]V, []error) {
	return func(ctx context.Context, ids []string) ([][]V, []error) {
		m, err := fetch(ctx, ids)
		if err != nil {
			return nil, []error{err}
		}
		out := make([][]V, len(ids))
		for i, id := range ids {
			out[i] = m[id]
		}
		return out, nil
	}
}

// filterKey identifies a filter among the loaders of one request.
func filterKey(f c2c.ExchangeFilter) string {
	b, _ := json.Marshal(f)
	return string(b)
}

// exchangesByActor returns the loader of the exchanges matching f by actor.
func (l *loaders) exchangesByActor(f c2c.ExchangeFilter) *dataloadgen.Loader[string, []*c2c.Exchange] {
	l.mu.Lock()
	defer l.mu.Unlock()
	k := filterKey(f)
	if ld, ok := l.exchangesByFilter[k]; ok {
		return ld
	}
	ld := dataloadgen.NewLoader(grouped(func(ctx context.Context, ids []string) (map[string][]*c2c.Exchange, error) {
		return l.store.ExchangesByActors(ctx, ids, f)
	}), dataloadgen.WithWait(batchWait))
	l.exchangesByFilter[k] = ld
	return ld
}

// partnersByActor returns the loader of the partners over exchanges
// matching f by actor.
func (l *loaders) partnersByActor(f c2c.ExchangeFilter) *dataloadgen.Loader[string, []*c2c.Partner] {
	l.mu.Lock()
	defer l.mu.Unlock()
	k := filterKey(f)
	if ld, ok := l.partnersByFilter[k]; ok {
		return ld
	}
	ld := dataloadgen.NewLoader(grouped(func(ctx context.Context, ids []string) (map[string][]*c2c.Partner, error) {
		return l.store.PartnersByActors(ctx, ids, f)
	}), dataloadgen.WithWait(batchWait))
	l.partnersByFilter[k] = ld
	return ld
}

// themes returns the theme vocabulary by id, read once per request.
func (l *loaders) themes(ctx context.Context) (map[string]c2c.Theme, error) {
	return l.vocabulary.Load(ctx, struct{}{})
}

// primeActors caches actors already read (a page, a subgraph) so that
// fields naming them cost no further round trip.
func (l *loaders) primeActors(as []*c2c.Actor) {
	for _, a := range as {
		if a != nil {
			l.actors.Prime(a.ID, a)
		}
	}
}

// primeExchanges caches exchanges already read.
func (l *loaders) primeExchanges(xs []*c2c.Exchange) {
	for _, x := range xs {
		if x != nil {
			l.exchanges.Prime(x.ID, x)
		}
	}
}

type loadersKey struct{}

// AroundOperations gives each operation its own dataloaders. Register it on
// the gqlgen handler (handler.Server.AroundOperations); without it every
// field falls back to loaders of its own and batching is lost.
func (r *Resolver) AroundOperations(ctx context.Context, next graphql.OperationHandler) graphql.ResponseHandler {
	return next(context.WithValue(ctx, loadersKey{}, newLoaders(r.Store)))
}

// loadersFor returns the request's loaders.
func (r *Resolver) loadersFor(ctx context.Context) *loaders {
	if l, ok := ctx.Value(loadersKey{}).(*loaders); ok {
		return l
	}
	return newLoaders(r.Store)
}
