package graph

import (
	"context"
	"encoding/json"
	"math"
	"sync"
	"sync/atomic"
	"time"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vikstrous/dataloadgen"

	"github.com/c2c-project/c2c/internal/c2c"
	"github.com/c2c-project/c2c/internal/graphmem"
)

// DefaultBatchWait is how long a loader collects keys before it calls the
// store, unless Resolver.BatchWait says otherwise. The look-ahead below,
// not the window, is what keeps round trips bounded by depth; the window
// only gathers sibling resolvers that run at nearly the same moment, and
// every level of a query waits for it once, so it is kept short.
const DefaultBatchWait = time.Millisecond

// loaders batches and caches the store reads of one request, so that its
// round trips grow with its depth, not with the number of items.
//
// A time window alone does not give that: the resolvers of a large list
// reach their loaders over more time than any window. So the loaders look
// ahead in two ways. When the query selects the actors at the far end of
// edges (exchanges, partners, memberships), the batch that fetched the edges
// loads those actors too, in one more call. And actors that arrive together
// (a page, the partners or exchange ends of one batch) form a group: the
// first of a group to ask a per-actor loader for its edges asks for the
// whole group, so its siblings find their answer cached.
type loaders struct {
	store c2c.Store
	wait  dataloadgen.Option

	actors      *dataloadgen.Loader[string, *c2c.Actor]
	exchanges   *dataloadgen.Loader[string, *c2c.Exchange]
	memberships *dataloadgen.Loader[string, *c2c.Membership]

	membershipsByActor *edgeLoader[*c2c.Membership]
	membersByOrg       *edgeLoader[*c2c.Membership]
	citiesByRegion     *dataloadgen.Loader[string, []*c2c.Actor]

	// vocabulary has one key: a request sees one theme vocabulary, taken
	// from the resolver's cache (see vocabCache).
	vocabulary *dataloadgen.Loader[struct{}, map[string]c2c.Theme]

	mu sync.Mutex
	// The per-actor edge loaders, one per filter and page size: the store
	// cuts each actor's list to the page, so a hub's page does not read
	// the hub's every edge.
	exchangesByFilter map[edgeKey]*edgeLoader[*c2c.Exchange]
	partnersByFilter  map[edgeKey]*edgeLoader[*c2c.Partner]
	groups            map[string]*group
	// unsettled holds, by subgraph, the read of its nodes that a
	// resolver started and did not wait for (see settleLater).
	unsettled map[*c2c.Subgraph]func() error
}

// settleLater records settle, which completes g's nodes (and depths), to
// run once, when the first field that shows them asks (settled).
func (l *loaders) settleLater(g *c2c.Subgraph, settle func() error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.unsettled == nil {
		l.unsettled = map[*c2c.Subgraph]func() error{}
	}
	l.unsettled[g] = sync.OnceValue(settle)
}

// settled completes g's nodes if a resolver left them to be read; a
// subgraph returned complete has nothing to wait for.
func (l *loaders) settled(g *c2c.Subgraph) error {
	l.mu.Lock()
	settle := l.unsettled[g]
	l.mu.Unlock()
	if settle == nil {
		return nil
	}
	return settle()
}

// group is a set of actor ids that arrived together.
type group struct {
	ids     []string
	mu      sync.Mutex
	claimed map[any]bool
}

// claim reports whether loader has not yet loaded the group, and marks it.
func (g *group) claim(loader any) bool {
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.claimed[loader] {
		return false
	}
	g.claimed[loader] = true
	return true
}

// group records that ids arrived together; an id keeps its first group.
func (l *loaders) group(ids []string) {
	ids = dedupe(ids)
	if len(ids) < 2 {
		return
	}
	g := &group{ids: ids, claimed: map[any]bool{}}
	l.mu.Lock()
	defer l.mu.Unlock()
	for _, id := range ids {
		if _, ok := l.groups[id]; !ok {
			l.groups[id] = g
		}
	}
}

// groupOf returns the group of id, nil if it has none.
func (l *loaders) groupOf(id string) *group {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.groups[id]
}

// loadGrouped loads id through ld, first asking ld for the whole group of
// id if no member of the group has yet.
func loadGrouped[V any](ctx context.Context, l *loaders, ld *dataloadgen.Loader[string, V], id string) (V, error) {
	if g := l.groupOf(id); g != nil && g.claim(ld) {
		ld.LoadAllThunk(ctx, g.ids)
	}
	return ld.Load(ctx, id)
}

// allEdges asks an edge loader for the far ends of every edge (lists that
// are not paged, such as memberships).
const allEdges = math.MaxInt32

// edgeLoader loads edge lists by actor id and, when wantEnds is set by a
// resolver whose selection reaches the far ends, loads those ends in the
// same batch.
type edgeLoader[V any] struct {
	*dataloadgen.Loader[string, []V]
	// ends is how many of each actor's edges (from the first) have their
	// far ends loaded with the batch: the most any caller returns.
	ends atomic.Int64
	l    *loaders
	// endsOf gives the far ends of one edge.
	endsOf func(V) []string
	// prefetched holds the ids prefetch asked for.
	prefetched sync.Map
	// extraOf, when set, gives ends loaded only once a caller raised
	// extra (an exchange's facilitators, when some selection names them).
	extraOf func(V) []string
	extra   atomic.Bool
}

// load returns the edges of id; ends is how many of them (from the first)
// the caller returns with a selection that reaches the actors at their far
// ends, 0 if it does not reach them.
func (e *edgeLoader[V]) load(ctx context.Context, id string, ends int) ([]V, error) {
	e.raiseEnds(ends)
	if _, ok := e.prefetched.Load(id); ok {
		// Asked for already: its group (formed since, from its own
		// ends) is not what this resolver is about to need.
		return e.Load(ctx, id)
	}
	return loadGrouped(ctx, e.l, e.Loader, id)
}

// prefetch starts loading the edges of id without waiting; a later load
// finds them cached.
func (e *edgeLoader[V]) prefetch(ctx context.Context, id string, ends int) {
	e.raiseEnds(ends)
	e.prefetched.Store(id, true)
	e.LoadThunk(ctx, id)
}

// prefetchNow answers the edges of id at once when now can (they come
// from memory), caches them, and asks for the far ends of the first ends
// of them in the actor batch being collected, so that they are read with
// whatever else that batch holds (the actor id was looked up by) instead
// of in a batch of their own after this loader's. It reports whether it
// could; the caller then prefetches the usual way.
func (e *edgeLoader[V]) prefetchNow(ctx context.Context, id string, ends int, now func([]string) (map[string][]V, bool)) bool {
	m, ok := now([]string{id})
	if !ok {
		return false
	}
	list := m[id]
	e.Prime(id, list)
	e.prefetched.Store(id, true)
	var endIDs []string
	for _, v := range list[:min(ends, len(list))] {
		endIDs = append(endIDs, e.endsOf(v)...)
	}
	if len(endIDs) > 0 {
		endIDs = dedupe(endIDs)
		e.l.group(endIDs)
		e.l.actors.LoadAllThunk(ctx, endIDs)
	}
	return true
}

// raiseEnds makes sure the far ends of the first n edges are loaded.
func (e *edgeLoader[V]) raiseEnds(n int) {
	for {
		cur := e.ends.Load()
		if int64(n) <= cur || e.ends.CompareAndSwap(cur, int64(n)) {
			return
		}
	}
}

func newEdgeLoader[V any](l *loaders, fetch func(context.Context, []string) (map[string][]V, error), ends func(V) []string) *edgeLoader[V] {
	e := &edgeLoader[V]{l: l, endsOf: ends}
	e.Loader = dataloadgen.NewLoader(func(ctx context.Context, ids []string) ([][]V, []error) {
		m, err := fetch(ctx, ids)
		if err != nil {
			return nil, []error{err}
		}
		out := make([][]V, len(ids))
		var endIDs []string
		n := int(e.ends.Load())
		extra := e.extraOf != nil && e.extra.Load()
		for i, id := range ids {
			out[i] = m[id]
			for _, v := range m[id][:min(n, len(m[id]))] {
				endIDs = append(endIDs, ends(v)...)
				if extra {
					endIDs = append(endIDs, e.extraOf(v)...)
				}
			}
		}
		if len(endIDs) > 0 {
			endIDs = dedupe(endIDs)
			l.group(endIDs)
			// Errors reach the resolvers through the cached thunks.
			_, _ = l.actors.LoadAll(ctx, endIDs)
		}
		return out, nil
	}, l.wait)
	return e
}

func dedupe(ids []string) []string {
	seen := make(map[string]bool, len(ids))
	out := ids[:0:0]
	for _, id := range ids {
		if id != "" && !seen[id] {
			seen[id] = true
			out = append(out, id)
		}
	}
	return out
}

// exchangeSides are an exchange's source and target.
func exchangeSides(x *c2c.Exchange) []string { return []string{x.SourceID, x.TargetID} }

// exchangeFacilitators are an exchange's facilitators.
func exchangeFacilitators(x *c2c.Exchange) []string { return x.Facilitators }

func partnerEnds(p *c2c.Partner) []string { return []string{p.PartnerID} }

func membershipEnds(m *c2c.Membership) []string { return []string{m.ActorID, m.OrganisationID} }

func newLoaders(r *Resolver) *loaders {
	store := r.Store
	batchWait := r.BatchWait
	if batchWait <= 0 {
		batchWait = DefaultBatchWait
	}
	l := &loaders{
		store:             store,
		exchangesByFilter: map[edgeKey]*edgeLoader[*c2c.Exchange]{},
		partnersByFilter:  map[edgeKey]*edgeLoader[*c2c.Partner]{},
		groups:            map[string]*group{},
	}
	wait := dataloadgen.WithWait(batchWait)
	l.wait = wait
	l.actors = dataloadgen.NewLoader(ordered(store.ActorsByIDs), wait)
	l.exchanges = dataloadgen.NewLoader(ordered(store.ExchangesByIDs), wait)
	l.memberships = dataloadgen.NewLoader(ordered(store.MembershipsByIDs), wait)
	l.membershipsByActor = newEdgeLoader(l, store.MembershipsByActors, membershipEnds)
	l.membersByOrg = newEdgeLoader(l, store.MembersByOrganisations, membershipEnds)
	l.citiesByRegion = dataloadgen.NewLoader(grouped(store.CitiesByRegions), wait)
	l.vocabulary = dataloadgen.NewLoader(func(ctx context.Context, keys []struct{}) ([]map[string]c2c.Theme, []error) {
		m, err := r.vocabulary(ctx, false)
		if err != nil {
			return nil, []error{err}
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

// edgeKey identifies a per-actor edge loader: the filter and how many
// edges of each actor it reads.
type edgeKey struct {
	filter string
	first  int
}

// exchangesByActor returns the loader of the first n exchanges matching f
// by actor.
func (l *loaders) exchangesByActor(f c2c.ExchangeFilter, n int) *edgeLoader[*c2c.Exchange] {
	l.mu.Lock()
	defer l.mu.Unlock()
	k := edgeKey{filterKey(f), n}
	if ld, ok := l.exchangesByFilter[k]; ok {
		return ld
	}
	ld := newEdgeLoader(l, func(ctx context.Context, ids []string) (map[string][]*c2c.Exchange, error) {
		if mem, ok := l.store.(exchangesInMemory); ok {
			// The records through the request's loader, which a
			// prefetch may have asked for already.
			return mem.ExchangesByActorsVia(ctx, ids, f, n, l.exchanges.LoadAll)
		}
		return l.store.ExchangesByActors(ctx, ids, f, n)
	}, exchangeSides)
	ld.extraOf = exchangeFacilitators
	l.exchangesByFilter[k] = ld
	return ld
}

// partnersByActor returns the loader of the first n partners over
// exchanges matching f by actor.
func (l *loaders) partnersByActor(f c2c.ExchangeFilter, n int) *edgeLoader[*c2c.Partner] {
	l.mu.Lock()
	defer l.mu.Unlock()
	k := edgeKey{filterKey(f), n}
	if ld, ok := l.partnersByFilter[k]; ok {
		return ld
	}
	ld := newEdgeLoader(l, func(ctx context.Context, ids []string) (map[string][]*c2c.Partner, error) {
		return l.store.PartnersByActors(ctx, ids, f, n)
	}, partnerEnds)
	l.partnersByFilter[k] = ld
	return ld
}

// partnersInMemory is implemented by a store that ranks partners in
// memory without a store round trip when it can (graphmem.Store).
type partnersInMemory interface {
	PartnersInMemory(ctx context.Context, actorIDs []string, f c2c.ExchangeFilter, limit int) (map[string][]*c2c.Partner, bool)
}

// prefetchPartners starts loading the first n partners of id and, when
// ends > 0, the actors at the far ends of the first ends of them: at once
// and with the far ends in the actor batch being collected when the store
// ranks partners in memory, else through the partners loader's batch.
func (l *loaders) prefetchPartners(ctx context.Context, id string, n, ends int) {
	ld := l.partnersByActor(c2c.ExchangeFilter{}, n)
	if mem, ok := l.store.(partnersInMemory); ok {
		now := func(ids []string) (map[string][]*c2c.Partner, bool) {
			return mem.PartnersInMemory(ctx, ids, c2c.ExchangeFilter{}, n)
		}
		if ld.prefetchNow(ctx, id, ends, now) {
			return
		}
	}
	ld.prefetch(ctx, id, ends)
}

// exchangesInMemory is implemented by a store that selects an actor's
// exchanges in memory and reads only their records (graphmem.Store).
type exchangesInMemory interface {
	AdjacentInMemory(ctx context.Context, actorIDs []string, f c2c.ExchangeFilter) (map[string][]c2c.Adjacency, bool)
	ExchangesByActorsVia(ctx context.Context, actorIDs []string, f c2c.ExchangeFilter, limit int, byIDs func(context.Context, []string) ([]*c2c.Exchange, error)) (map[string][]*c2c.Exchange, error)
}

// prefetchExchanges starts loading the first n exchanges of id and, when
// ends > 0, the actors at the ends of the first ends of them (with their
// facilitators when facilitators is set). When the
// store selects them in memory, the records are asked for at once from
// the request's exchange loader and the ends join the actor batch being
// collected (beside the actor id was looked up by), so that records and
// ends are read beside the actor instead of one batch after the other.
func (l *loaders) prefetchExchanges(ctx context.Context, id string, n, ends int, facilitators bool) {
	ld := l.exchangesByActor(c2c.ExchangeFilter{}, n)
	if facilitators {
		ld.extra.Store(true)
	}
	if mem, ok := l.store.(exchangesInMemory); ok {
		if adj, ok := mem.AdjacentInMemory(ctx, []string{id}, c2c.ExchangeFilter{}); ok {
			list := adj[id][:min(n, len(adj[id]))]
			ids := make([]string, len(list))
			var endIDs []string
			for i, a := range list {
				ids[i] = a.ExchangeID
				if i < ends && a.OtherID != id {
					// Not id itself: the actor's own lookup has it, and
					// grouping it would make its exchanges resolver
					// load the whole group's.
					endIDs = append(endIDs, a.OtherID)
				}
			}
			if len(ids) > 0 {
				l.exchanges.LoadAllThunk(ctx, ids)
			}
			if len(endIDs) > 0 {
				endIDs = dedupe(endIDs)
				l.group(endIDs)
				l.actors.LoadAllThunk(ctx, endIDs)
			}
		}
	}
	ld.prefetch(ctx, id, ends)
}

// themes returns the theme vocabulary by id, the same for the whole
// request.
func (l *loaders) themes(ctx context.Context) (map[string]c2c.Theme, error) {
	return l.vocabulary.Load(ctx, struct{}{})
}

// primeActors caches actors already read together (a page, a subgraph) so
// that fields naming them cost no further round trip, and groups them.
func (l *loaders) primeActors(as []*c2c.Actor) {
	ids := make([]string, 0, len(as))
	for _, a := range as {
		if a != nil {
			l.actors.Prime(a.ID, a)
			ids = append(ids, a.ID)
		}
	}
	l.group(ids)
}

// primeExchanges caches exchanges already read.
func (l *loaders) primeExchanges(xs []*c2c.Exchange) {
	for _, x := range xs {
		if x != nil {
			l.exchanges.Prime(x.ID, x)
		}
	}
}

// prefetchEnds starts loading the actors at the ends of xs without
// waiting, when the selection of the current field reaches them under
// path: sources and targets for any end field, facilitators when they
// are selected.
func (l *loaders) prefetchEnds(ctx context.Context, xs []*c2c.Exchange, path ...string) {
	if len(xs) == 0 || !selectedUnder(ctx, path, exchangeEndFields...) {
		return
	}
	facilitators := selectedUnder(ctx, path, "facilitators")
	var ids []string
	for _, x := range xs {
		ids = append(ids, x.SourceID, x.TargetID)
		if facilitators {
			ids = append(ids, x.Facilitators...)
		}
	}
	l.actors.LoadAllThunk(ctx, dedupe(ids))
}

// pageWithEnds is implemented by a store that selects a page of exchanges
// in memory and can name the page's ends before reading its records
// (graphmem.Store).
type pageWithEnds interface {
	ExchangesWithEnds(ctx context.Context, q c2c.ExchangeQuery, ends func(actorIDs []string)) (*c2c.ExchangePage, error)
}

// exchangePage reads a page of exchanges; when the selection under path
// reaches their ends and the store names them first, the actors at the
// ends are read beside the records instead of after them.
func (l *loaders) exchangePage(ctx context.Context, q c2c.ExchangeQuery, path ...string) (*c2c.ExchangePage, error) {
	mem, ok := l.store.(pageWithEnds)
	if !ok || !selectedUnder(ctx, path, exchangeEndFields...) {
		return l.store.Exchanges(ctx, q)
	}
	return mem.ExchangesWithEnds(ctx, q, func(ids []string) {
		l.actors.LoadAllThunk(ctx, dedupe(ids))
	})
}

type loadersKey struct{}

// AroundOperations gives each operation its own dataloaders. Register it on
// the gqlgen handler (NewServer does); without it every field falls back
// to loaders of its own and batching is lost.
//
// Over the in-process graph it also pins the snapshot a query reads (unless
// the transport pinned one), so that all its fields answer from one data
// version.
func (r *Resolver) AroundOperations(ctx context.Context, next graphql.OperationHandler) graphql.ResponseHandler {
	if r.Graph != nil && graphmem.SnapshotFrom(ctx) == nil {
		if oc := graphql.GetOperationContext(ctx); oc != nil && oc.Operation != nil && oc.Operation.Operation == ast.Query {
			ctx = graphmem.WithSnapshot(ctx, r.Graph.Snapshot())
		}
	}
	return next(context.WithValue(ctx, loadersKey{}, newLoaders(r)))
}

// loadersFor returns the request's loaders.
func (r *Resolver) loadersFor(ctx context.Context) *loaders {
	if l, ok := ctx.Value(loadersKey{}).(*loaders); ok {
		return l
	}
	return newLoaders(r)
}
