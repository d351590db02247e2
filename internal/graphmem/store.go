package graphmem

import (
	"context"
	"time"

	"github.com/c2c-project/c2c/internal/c2c"
)

// Store is a c2c.Store whose graph questions the in-process graph answers:
// Edges, Neighbourhood, Adjacent, ExchangeFacets, ExchangesByActors,
// PartnersByActors and the exchange pages ordered by start or id select
// from the snapshot, and the records they return are read from the
// underlying store by id, in one batched call per kind. Everything else
// goes to the underlying store. Writes go to the store and then bring the
// graph up to date before they return, so a write made through a Store is
// in its graph when the caller sees the result.
//
// The snapshot read is the one the context carries (WithSnapshot), else
// the current one. Filters on titles (ExchangeFilter.Text) go to the
// store.
type Store struct {
	c2c.Store
	Graph *Graph
	// MaxStale bounds the age of the snapshot (Graph.Age) a graph question
	// is answered from; past it they answer KindUnavailable. 0 means no
	// bound.
	MaxStale time.Duration
}

// NewStore returns the Store over st answered from g.
func NewStore(st c2c.Store, g *Graph, maxStale time.Duration) *Store {
	return &Store{Store: st, Graph: g, MaxStale: maxStale}
}

// Snapshot returns the snapshot a request reads: the one ctx carries, else
// the current one; KindUnavailable when it is older than MaxStale.
func (s *Store) Snapshot(ctx context.Context) (*Snapshot, error) {
	if err := s.Graph.Fresh(s.MaxStale); err != nil {
		return nil, err
	}
	if sn := SnapshotFrom(ctx); sn != nil {
		return sn, nil
	}
	return s.Graph.Snapshot(), nil
}

// Edges answers from the snapshot with records read by id.
func (s *Store) Edges(ctx context.Context, f c2c.ExchangeFilter) (*c2c.Subgraph, error) {
	if !Supports(f) {
		return s.Store.Edges(ctx, f)
	}
	sn, err := s.Snapshot(ctx)
	if err != nil {
		return nil, err
	}
	g, err := sn.Edges(f)
	if err != nil {
		return nil, err
	}
	return s.Hydrate(ctx, g)
}

// Neighbourhood answers from the snapshot with records read by id.
func (s *Store) Neighbourhood(ctx context.Context, q c2c.NeighbourhoodQuery) (*c2c.Subgraph, error) {
	if !Supports(q.Filter) {
		return s.Store.Neighbourhood(ctx, q)
	}
	sn, err := s.Snapshot(ctx)
	if err != nil {
		return nil, err
	}
	g, err := sn.Neighbourhood(q)
	if err != nil {
		return nil, err
	}
	return s.Hydrate(ctx, g)
}

// Hydrate replaces the skeleton records of g by the store's records, read
// by id (the actors and the exchanges at the same time), leaving out what
// the store no longer holds. g is changed and returned.
func (s *Store) Hydrate(ctx context.Context, g *c2c.Subgraph) (*c2c.Subgraph, error) {
	aIDs := make([]string, len(g.Nodes))
	for i, a := range g.Nodes {
		aIDs[i] = a.ID
	}
	xIDs := make([]string, len(g.Edges))
	for i, x := range g.Edges {
		xIDs[i] = x.ID
	}
	var (
		xs   []*c2c.Exchange
		xErr error
		done = make(chan struct{})
	)
	go func() {
		defer close(done)
		if len(xIDs) > 0 {
			xs, xErr = readAll(ctx, s.ExchangesByIDs, xIDs)
		}
	}()
	var as []*c2c.Actor
	var aErr error
	if len(aIDs) > 0 {
		as, aErr = readAll(ctx, s.ActorsByIDs, aIDs)
	}
	<-done
	if aErr != nil {
		return nil, aErr
	}
	if xErr != nil {
		return nil, xErr
	}
	g.Nodes = compact(as)
	g.Edges = compact(xs)
	if g.Depth != nil && len(g.Nodes) < len(aIDs) {
		kept := make(map[string]bool, len(g.Nodes))
		for _, a := range g.Nodes {
			kept[a.ID] = true
		}
		for id := range g.Depth {
			if !kept[id] {
				delete(g.Depth, id)
			}
		}
	}
	return g, nil
}

func compact[T any](xs []*T) []*T {
	out := xs[:0]
	for _, x := range xs {
		if x != nil {
			out = append(out, x)
		}
	}
	if out == nil {
		out = []*T{}
	}
	return out
}

// Adjacent answers from the snapshot.
func (s *Store) Adjacent(ctx context.Context, ids []string, f c2c.ExchangeFilter) (map[string][]c2c.Adjacency, error) {
	if !Supports(f) {
		return s.Store.Adjacent(ctx, ids, f)
	}
	sn, err := s.Snapshot(ctx)
	if err != nil {
		return nil, err
	}
	return sn.Adjacent(ids, f)
}

// ExchangeFacets answers from the snapshot.
func (s *Store) ExchangeFacets(ctx context.Context, f c2c.ExchangeFilter, keys c2c.FacetKeys) ([]c2c.FacetRow, int, error) {
	if !Supports(f) {
		return s.Store.ExchangeFacets(ctx, f, keys)
	}
	sn, err := s.Snapshot(ctx)
	if err != nil {
		return nil, 0, err
	}
	return sn.Facets(f, keys)
}

// PartnersByActors answers from the snapshot.
func (s *Store) PartnersByActors(ctx context.Context, actorIDs []string, f c2c.ExchangeFilter, limit int) (map[string][]*c2c.Partner, error) {
	if !Supports(f) {
		return s.Store.PartnersByActors(ctx, actorIDs, f, limit)
	}
	sn, err := s.Snapshot(ctx)
	if err != nil {
		return nil, err
	}
	return sn.PartnersByActors(actorIDs, f, limit)
}

// PartnersInMemory is PartnersByActors when the snapshot answers it,
// which costs no store round trip; ok is false when it would need the
// store (a filter the snapshot cannot evaluate, a snapshot too stale), and
// PartnersByActors then gives the answer or the error.
func (s *Store) PartnersInMemory(ctx context.Context, actorIDs []string, f c2c.ExchangeFilter, limit int) (map[string][]*c2c.Partner, bool) {
	if !Supports(f) {
		return nil, false
	}
	sn, err := s.Snapshot(ctx)
	if err != nil {
		return nil, false
	}
	m, err := sn.PartnersByActors(actorIDs, f, limit)
	if err != nil {
		return nil, false
	}
	return m, true
}

// ExchangesByActors selects from the snapshot and reads the exchanges by
// id in one call.
func (s *Store) ExchangesByActors(ctx context.Context, actorIDs []string, f c2c.ExchangeFilter, limit int) (map[string][]*c2c.Exchange, error) {
	return s.ExchangesByActorsVia(ctx, actorIDs, f, limit, s.ExchangesByIDs)
}

// ExchangesByActorsVia is ExchangesByActors with the records read by
// byIDs, which answers in the order of its ids with nil for an exchange
// that is gone: a request's loader, which shares reads already under way.
func (s *Store) ExchangesByActorsVia(ctx context.Context, actorIDs []string, f c2c.ExchangeFilter, limit int, byIDs func(context.Context, []string) ([]*c2c.Exchange, error)) (map[string][]*c2c.Exchange, error) {
	if !Supports(f) {
		return s.Store.ExchangesByActors(ctx, actorIDs, f, limit)
	}
	sn, err := s.Snapshot(ctx)
	if err != nil {
		return nil, err
	}
	byActor, err := sn.ExchangeIDsByActors(actorIDs, f, limit)
	if err != nil {
		return nil, err
	}
	var ids []string
	for _, l := range byActor {
		ids = append(ids, l...)
	}
	ids = dedupe(ids)
	out := map[string][]*c2c.Exchange{}
	if len(ids) == 0 {
		return out, nil
	}
	xs, err := byIDs(ctx, ids)
	if err != nil {
		return nil, err
	}
	byID := make(map[string]*c2c.Exchange, len(xs))
	for _, x := range xs {
		if x != nil {
			byID[x.ID] = x
		}
	}
	for a, l := range byActor {
		for _, id := range l {
			if x := byID[id]; x != nil {
				out[a] = append(out[a], x)
			}
		}
	}
	return out, nil
}

// AdjacentInMemory is Adjacent when the snapshot answers it, which costs
// no store round trip; ok is false when it would need the store.
func (s *Store) AdjacentInMemory(ctx context.Context, actorIDs []string, f c2c.ExchangeFilter) (map[string][]c2c.Adjacency, bool) {
	if !Supports(f) {
		return nil, false
	}
	sn, err := s.Snapshot(ctx)
	if err != nil {
		return nil, false
	}
	m, err := sn.Adjacent(actorIDs, f)
	if err != nil {
		return nil, false
	}
	return m, true
}

// Exchanges selects the page from the snapshot when it holds the order's
// keys (start, id) and reads the exchanges by id in one call; title order
// and title filters go to the store.
func (s *Store) Exchanges(ctx context.Context, q c2c.ExchangeQuery) (*c2c.ExchangePage, error) {
	return s.ExchangesWithEnds(ctx, q, nil)
}

// ExchangesWithEnds is Exchanges that, when the snapshot selects the page,
// hands ends the ids of the page's sources and targets before it reads
// the records, so that a caller can start reading those actors beside
// them.
func (s *Store) ExchangesWithEnds(ctx context.Context, q c2c.ExchangeQuery, ends func(actorIDs []string)) (*c2c.ExchangePage, error) {
	if !Supports(q.Filter) {
		return s.Store.Exchanges(ctx, q)
	}
	sn, err := s.Snapshot(ctx)
	if err != nil {
		return nil, err
	}
	ids, hasNext, total, ok, err := sn.ExchangePage(q)
	if !ok {
		return s.Store.Exchanges(ctx, q)
	}
	if err != nil {
		return nil, err
	}
	page := &c2c.ExchangePage{Exchanges: []*c2c.Exchange{}, HasNext: hasNext}
	if q.WantTotal {
		page.TotalCount = total
	}
	if len(ids) == 0 {
		return page, nil
	}
	if ends != nil {
		ends(sn.ExchangeEnds(ids))
	}
	xs, err := s.ExchangesByIDs(ctx, ids)
	if err != nil {
		return nil, err
	}
	page.Exchanges = compact(xs)
	return page, nil
}

// catchUpTimeout bounds the catch-up after a write.
const catchUpTimeout = 30 * time.Second

// caughtUp brings the graph up to date after a write; a failure is logged
// (the write itself succeeded, and the poller retries). It reads with a
// context of its own: the write's context may carry a store transaction
// (Write), whose uncommitted state the graph must not see; inside one,
// the catch-up finds nothing new and the one after Write commits applies
// the change.
func (s *Store) caughtUp(context.Context) {
	ctx, cancel := context.WithTimeout(context.Background(), catchUpTimeout)
	defer cancel()
	if err := s.Graph.CatchUp(ctx); err != nil {
		s.Graph.log.Warn("the in-process graph could not catch up after a write", "err", err.Error())
	}
}

// Write runs fn in one write transaction of the underlying store and,
// once it committed, brings the graph up to date.
func (s *Store) Write(ctx context.Context, fn func(ctx context.Context) error) error {
	err := s.Store.Write(ctx, func(ctx context.Context) error {
		return fn(context.WithValue(ctx, inWriteKey{}, true))
	})
	if err == nil && ctx.Value(inWriteKey{}) == nil {
		s.caughtUp(ctx)
	}
	return err
}

// inWriteKey marks the context of a Write's function: its writes commit
// with the Write, which catches up once for all of them.
type inWriteKey struct{}

func after[T any](s *Store, ctx context.Context, v T, err error) (T, error) {
	if err == nil && ctx.Value(inWriteKey{}) == nil {
		s.caughtUp(ctx)
	}
	return v, err
}

// CreateActor writes through and catches up.
func (s *Store) CreateActor(ctx context.Context, a c2c.Actor) (*c2c.Actor, error) {
	v, err := s.Store.CreateActor(ctx, a)
	return after(s, ctx, v, err)
}

// UpdateActor writes through and catches up.
func (s *Store) UpdateActor(ctx context.Context, id string, p c2c.ActorPatch) (*c2c.Actor, error) {
	v, err := s.Store.UpdateActor(ctx, id, p)
	return after(s, ctx, v, err)
}

// DeleteActor writes through and catches up.
func (s *Store) DeleteActor(ctx context.Context, id string, cascade bool) (*c2c.DeleteResult, error) {
	v, err := s.Store.DeleteActor(ctx, id, cascade)
	return after(s, ctx, v, err)
}

// CreateExchange writes through and catches up.
func (s *Store) CreateExchange(ctx context.Context, x c2c.Exchange) (*c2c.Exchange, error) {
	v, err := s.Store.CreateExchange(ctx, x)
	return after(s, ctx, v, err)
}

// UpdateExchange writes through and catches up.
func (s *Store) UpdateExchange(ctx context.Context, id string, p c2c.ExchangePatch) (*c2c.Exchange, error) {
	v, err := s.Store.UpdateExchange(ctx, id, p)
	return after(s, ctx, v, err)
}

// DeleteExchange writes through and catches up.
func (s *Store) DeleteExchange(ctx context.Context, id string) (*c2c.Exchange, error) {
	v, err := s.Store.DeleteExchange(ctx, id)
	return after(s, ctx, v, err)
}

// CreateMembership writes through and catches up.
func (s *Store) CreateMembership(ctx context.Context, m c2c.Membership) (*c2c.Membership, error) {
	v, err := s.Store.CreateMembership(ctx, m)
	return after(s, ctx, v, err)
}

// UpdateMembership writes through and catches up.
func (s *Store) UpdateMembership(ctx context.Context, id string, p c2c.MembershipPatch) (*c2c.Membership, error) {
	v, err := s.Store.UpdateMembership(ctx, id, p)
	return after(s, ctx, v, err)
}

// DeleteMembership writes through and catches up.
func (s *Store) DeleteMembership(ctx context.Context, id string) (*c2c.Membership, error) {
	v, err := s.Store.DeleteMembership(ctx, id)
	return after(s, ctx, v, err)
}

// UpsertTheme writes through and catches up.
func (s *Store) UpsertTheme(ctx context.Context, t c2c.Theme) (*c2c.Theme, error) {
	v, err := s.Store.UpsertTheme(ctx, t)
	return after(s, ctx, v, err)
}

// Import writes through and catches up.
func (s *Store) Import(ctx context.Context, b c2c.Batch) (*c2c.ImportResult, error) {
	v, err := s.Store.Import(ctx, b)
	return after(s, ctx, v, err)
}
