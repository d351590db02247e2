package graph

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/c2c-project/c2c/graph/model"
	"github.com/c2c-project/c2c/internal/analysis"
	"github.com/c2c-project/c2c/internal/c2c"
	"github.com/c2c-project/c2c/internal/graphmem"
)

// Defaults of the Resolver's analysis settings.
const (
	// DefaultMaxEdges is the most exchanges a graph analysis reads.
	DefaultMaxEdges = 200_000
	// DefaultMaxPairWork bounds actors × exchanges for the measures that
	// visit every pair of actors (betweenness, closeness, harmonic). It
	// admits the whole Wikipedia twin-town graph (17,147 actors × 24,757
	// exchanges = 424 million), whose betweenness takes about 3 s of CPU
	// (BenchmarkTwinTowns in internal/analysis/twintest), well within the
	// 10 s request timeout on two cores. A graph of that size with fewer
	// trees hanging off its core costs up to four times as much; the
	// request's deadline then stops the computation.
	DefaultMaxPairWork = 450_000_000
	// DefaultCacheTTL is how long a cached analysis result is served.
	DefaultCacheTTL = 30 * time.Second
	// DefaultCacheSize is the number of results NewServer's cache holds.
	DefaultCacheSize = 256
)

// cacheEntry is a cached result with the time it was computed and, over
// the in-process graph, the data version it describes.
type cacheEntry struct {
	v       any
	at      time.Time
	version uint64
}

// fresh reports whether e may answer a request: over the in-process graph
// when it describes the version the request reads (sn), else when it is
// younger than the TTL.
func (r *Resolver) fresh(e any, sn *graphmem.Snapshot) (cacheEntry, bool) {
	ce, ok := e.(cacheEntry)
	if !ok {
		return ce, false
	}
	if sn != nil {
		return ce, ce.version == sn.Version()
	}
	return ce, r.now().Sub(ce.at) < r.cacheTTL()
}

// cacheVersion returns the cache version to compute under: over the
// in-process graph, the snapshot's data version (the cache moves to it,
// dropping what older versions left), else the cache's own count of
// writes.
func (r *Resolver) cacheVersion(sn *graphmem.Snapshot) uint64 {
	if sn != nil {
		return r.Cache.Advance(sn.Version())
	}
	return r.Cache.Version()
}

func (r *Resolver) now() time.Time {
	if r.Now != nil {
		return r.Now()
	}
	return time.Now()
}

func (r *Resolver) cacheTTL() time.Duration {
	if r.CacheTTL <= 0 {
		return DefaultCacheTTL
	}
	return r.CacheTTL
}

// dataChanged is called by every mutation after a successful write: cached
// analyses no longer describe the data. Over the in-process graph the
// cache follows the snapshot's data version instead.
func (r *Resolver) dataChanged() {
	if r.Cache != nil && r.Graph == nil {
		r.Cache.Bump()
	}
}

// snapshot returns the in-process graph's snapshot the request reads (the
// one its context carries, else the current one), nil when there is no
// in-process graph or it cannot evaluate f (a title filter), and
// KindUnavailable when the snapshot is older than MaxStale.
func (r *Resolver) snapshot(ctx context.Context, f c2c.ExchangeFilter) (*graphmem.Snapshot, error) {
	if r.Graph == nil || !graphmem.Supports(f) {
		return nil, nil
	}
	if err := r.Graph.Fresh(r.MaxStale); err != nil {
		return nil, err
	}
	if sn := graphmem.SnapshotFrom(ctx); sn != nil {
		return sn, nil
	}
	return r.Graph.Snapshot(), nil
}

// cached returns the result cached under key if it is younger than the
// TTL, else computes it from the subgraph of the exchanges f selects and
// caches it under the data version read before the subgraph was.
func cached[T any](ctx context.Context, r *Resolver, key string, f c2c.ExchangeFilter, compute func(*c2c.Subgraph) (T, error)) (T, error) {
	var zero T
	sn, err := r.snapshot(ctx, f)
	if err != nil {
		return zero, err
	}
	if r.Cache != nil {
		if e, ok := r.Cache.Get(key); ok {
			if ce, ok := r.fresh(e, sn); ok {
				return ce.v.(T), nil
			}
		}
	}
	var version uint64
	if r.Cache != nil {
		version = r.cacheVersion(sn)
	}
	at := r.now()
	g, err := r.edges(ctx, f)
	if err != nil {
		return zero, err
	}
	v, err := run(ctx, func() (T, error) { return compute(g) })
	if err != nil {
		return zero, err
	}
	if r.Cache != nil {
		r.Cache.Put(key, version, cacheEntry{v: v, at: at, version: snapVersion(sn)})
	}
	return v, nil
}

func snapVersion(sn *graphmem.Snapshot) uint64 {
	if sn == nil {
		return 0
	}
	return sn.Version()
}

// run calls f and returns its result, or the context's error as soon as
// the request's deadline passes or it is cancelled. The centralities,
// communities, components, timelines, pair spans and South-South shares
// are given the context (their *Context functions) and stop soon after;
// what does not watch it runs to its end in the background, and the size
// limits (MaxEdges, MaxPairWork) bound how long that can be; WithWork
// counts it.
func run[T any](ctx context.Context, f func() (T, error)) (T, error) {
	type result struct {
		v   T
		err error
	}
	done := make(chan result, 1)
	wg := workOf(ctx)
	if wg != nil {
		wg.Add(1)
	}
	go func() {
		if wg != nil {
			defer wg.Done()
		}
		v, err := f()
		done <- result{v, err}
	}()
	select {
	case res := <-done:
		return res.v, res.err
	case <-ctx.Done():
		var zero T
		return zero, ctx.Err()
	}
}

// edges returns the subgraph of the exchanges f selects, from the cache
// under the same rules as cached results (a write through the API drops
// it; otherwise it lives for the TTL), so that path questions asked one
// after another do not each load the graph. Analyses only read it.
//
// Requests that miss the cache together share one load (singleflight):
// the load runs detached from the request that started it, so that its
// cancellation does not fail the others, but within its deadline; each
// request waits for it no longer than its own context allows.
func (r *Resolver) edges(ctx context.Context, f c2c.ExchangeFilter) (*c2c.Subgraph, error) {
	sn, err := r.snapshot(ctx, f)
	if err != nil {
		return nil, err
	}
	if g, ok := r.cachedEdges(f, sn); ok {
		return g, nil
	}
	ch := r.edgeLoads.DoChan(analysis.Key("edges", f, snapVersion(sn)), func() (any, error) {
		// A load that finished just before this one began has filled
		// the cache.
		if g, ok := r.cachedEdges(f, sn); ok {
			return g, nil
		}
		if sn != nil {
			return r.snapshotEdges(sn, f)
		}
		lctx, cancel := detach(ctx)
		defer cancel()
		if r.Cache == nil {
			return r.loadEdges(lctx, f)
		}
		version, at := r.Cache.Version(), r.now()
		g, err := r.loadEdges(lctx, f)
		if err != nil {
			return nil, err
		}
		r.Cache.Put(analysis.Key("edges", f), version, cacheEntry{v: g, at: at})
		return g, nil
	})
	select {
	case res := <-ch:
		if res.Err != nil {
			return nil, res.Err
		}
		return res.Val.(*c2c.Subgraph), nil
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

// detach returns a context with the values and the deadline of ctx but not
// its cancellation.
func detach(ctx context.Context) (context.Context, context.CancelFunc) {
	d := context.WithoutCancel(ctx)
	if deadline, ok := ctx.Deadline(); ok {
		return context.WithDeadline(d, deadline)
	}
	return context.WithCancel(d)
}

// snapshotEdges selects the subgraph of f from the snapshot (records with
// the fields the snapshot holds: what analyses read) and caches it under
// the snapshot's version; KindInvalid naming "filter" when more than the
// analysis limit match.
func (r *Resolver) snapshotEdges(sn *graphmem.Snapshot, f c2c.ExchangeFilter) (*c2c.Subgraph, error) {
	n, err := sn.Count(f)
	if err != nil {
		return nil, err
	}
	if limit := r.maxEdges(); n > limit {
		return nil, tooMany("filter", n, limit, "the analysis limit")
	}
	var version uint64
	if r.Cache != nil {
		version = r.cacheVersion(sn)
	}
	g, err := sn.Edges(f)
	if err != nil {
		return nil, err
	}
	if r.Cache != nil {
		r.Cache.Put(analysis.Key("edges", f), version, cacheEntry{v: g, at: r.now(), version: sn.Version()})
	}
	return g, nil
}

// cachedEdges returns the subgraph of f if the cache holds one that may
// answer a request reading sn (see fresh).
func (r *Resolver) cachedEdges(f c2c.ExchangeFilter, sn *graphmem.Snapshot) (*c2c.Subgraph, bool) {
	if r.Cache == nil {
		return nil, false
	}
	e, ok := r.Cache.Get(analysis.Key("edges", f))
	if !ok {
		return nil, false
	}
	ce, ok := r.fresh(e, sn)
	if !ok {
		return nil, false
	}
	return ce.v.(*c2c.Subgraph), true
}

// maxEdges returns the most exchanges a graph analysis reads.
func (r *Resolver) maxEdges() int {
	if r.MaxEdges <= 0 {
		return DefaultMaxEdges
	}
	return r.MaxEdges
}

// loadEdges reads the subgraph of the exchanges f selects from the store;
// KindInvalid naming "filter" when more than the analysis limit match. The
// count is asked first so that an over-wide filter costs a count, not a
// load.
func (r *Resolver) loadEdges(ctx context.Context, f c2c.ExchangeFilter) (*c2c.Subgraph, error) {
	limit := r.MaxEdges
	if limit <= 0 {
		limit = DefaultMaxEdges
	}
	if err := r.checkEdgeCount(ctx, f, "filter", limit, "the analysis limit"); err != nil {
		return nil, err
	}
	g, err := r.Store.Edges(ctx, f)
	if err != nil {
		return nil, err
	}
	if len(g.Edges) > limit {
		return nil, tooMany("filter", len(g.Edges), limit, "the analysis limit")
	}
	return g, nil
}

// checkEdgeCount reports KindInvalid naming field when more than limit
// exchanges match f.
func (r *Resolver) checkEdgeCount(ctx context.Context, f c2c.ExchangeFilter, field string, limit int, what string) error {
	sn, err := r.snapshot(ctx, f)
	if err != nil {
		return err
	}
	if sn != nil {
		n, err := sn.Count(f)
		if err != nil {
			return err
		}
		if n > limit {
			return tooMany(field, n, limit, what)
		}
		return nil
	}
	page, err := r.Store.Exchanges(ctx, c2c.ExchangeQuery{Filter: f, Order: c2c.OrderExIDAsc, First: 1, WantTotal: true})
	if err != nil {
		return err
	}
	if page.TotalCount > limit {
		return tooMany(field, page.TotalCount, limit, what)
	}
	return nil
}

func tooMany(field string, n, limit int, what string) error {
	return c2c.Invalid(field, "%d exchanges match, more than %s of %d: narrow the filter", n, what, limit)
}

// checkPairWork refuses an all-pairs measure over a subgraph too large to
// answer within a request.
func (r *Resolver) checkPairWork(g *c2c.Subgraph, m analysis.Measure) error {
	switch m {
	case analysis.MeasureBetweenness, analysis.MeasureCloseness, analysis.MeasureHarmonic:
	default:
		return nil
	}
	limit := r.MaxPairWork
	if limit <= 0 {
		limit = DefaultMaxPairWork
	}
	if work := len(g.Nodes) * len(g.Edges); work > limit {
		return c2c.Invalid("filter", "%s visits every pair of actors: %d actors × %d exchanges is more than the limit of %d; narrow the filter",
			m, len(g.Nodes), len(g.Edges), limit)
	}
	return nil
}

// pathHops returns the maxHops argument of paths in mode as
// analysis.PathOptions takes it: for SHORTEST and ALL_SHORTEST 0 (no
// limit) when absent, else at least 1; for K_SHORTEST and TIME_RESPECTING
// the mode's maximum when absent, else 1 to that maximum. KindInvalid
// naming maxHops otherwise.
func pathHops(mode model.PathMode, n *int) (int, error) {
	switch mode {
	case model.PathModeKShortest:
		return pageSize("maxHops", n, analysis.MaxKShortestHops, analysis.MaxKShortestHops)
	case model.PathModeTimeRespecting:
		return timedHops(n)
	}
	if n == nil {
		return 0, nil
	}
	if *n < 1 {
		return 0, c2c.Invalid("maxHops", "%d is less than 1: leave it out for no limit", *n)
	}
	return *n, nil
}

// timedHops returns the maxHops argument of a time-respecting search,
// analysis.MaxTimedHops when absent; KindInvalid naming maxHops outside
// 1..analysis.MaxTimedHops.
func timedHops(n *int) (int, error) {
	return pageSize("maxHops", n, analysis.MaxTimedHops, analysis.MaxTimedHops)
}

// pathK returns how many paths mode returns at most.
func pathK(mode model.PathMode, k *int) (int, error) {
	switch mode {
	case model.PathModeKShortest:
		return pageSize("k", k, 3, analysis.MaxK)
	case model.PathModeAllShortest:
		return pageSize("k", k, analysis.MaxK, analysis.MaxK)
	}
	if k != nil {
		return 0, c2c.Invalid("k", "applies only to the K_SHORTEST and ALL_SHORTEST modes, not %s", mode)
	}
	return 1, nil
}

// endsExist reports KindNotFound naming field for each id that names no
// actor (from first).
//
// Over the in-process graph, actors its snapshot holds exist at the
// version the request reads and cost no round trip.
func (r *Resolver) endsExist(ctx context.Context, fields, ids []string) error {
	if sn, _ := r.snapshot(ctx, c2c.ExchangeFilter{}); sn != nil {
		held := true
		for _, id := range ids {
			held = held && sn.HasActor(id)
		}
		if held {
			return nil
		}
	}
	as, err := r.loadersFor(ctx).actors.LoadAll(ctx, ids)
	if err != nil {
		return err
	}
	for i, a := range as {
		if a == nil {
			return &c2c.Error{Kind: c2c.KindNotFound, Field: fields[i], Message: fmt.Sprintf("actor %q not found", ids[i])}
		}
	}
	return nil
}

// graphIndex finds a subgraph's actors and exchanges by id.
type graphIndex struct {
	actors    map[string]*c2c.Actor
	exchanges map[string]*c2c.Exchange
}

func indexGraph(g *c2c.Subgraph) graphIndex {
	ix := graphIndex{actors: make(map[string]*c2c.Actor, len(g.Nodes)), exchanges: make(map[string]*c2c.Exchange, len(g.Edges))}
	for _, a := range g.Nodes {
		ix.actors[a.ID] = a
	}
	for _, x := range g.Edges {
		ix.exchanges[x.ID] = x
	}
	return ix
}

// path converts p, priming the request's actor loader with its actors so
// that Path.nodes costs no round trip.
func (ix graphIndex) path(l *loaders, p analysis.Path) *model.Path {
	out := &model.Path{
		ActorIDs:  p.ActorIDs,
		Exchanges: make([]*c2c.Exchange, len(p.ExchangeIDs)),
		Hops:      p.Hops(),
		Parallel:  p.Parallel,
	}
	if out.Parallel == nil {
		out.Parallel = []int{}
	}
	for i, id := range p.ExchangeIDs {
		out.Exchanges[i] = ix.exchanges[id]
	}
	as := make([]*c2c.Actor, 0, len(p.ActorIDs))
	for _, id := range p.ActorIDs {
		if a := ix.actors[id]; a != nil {
			as = append(as, a)
		}
	}
	l.primeActors(as)
	return out
}

// timedPath converts a time-respecting path.
func (ix graphIndex) timedPath(l *loaders, p analysis.TimedPath) *model.Path {
	out := ix.path(l, p.Path)
	out.Starts = append([]c2c.PartialDate{}, p.Starts...)
	if n := len(p.Starts); n > 0 {
		d := p.Starts[n-1]
		out.Arrival = &d
	}
	return out
}

// trivialPath is the path of no hops from an actor to itself.
func trivialPath(id string, timed bool) *model.Path {
	p := &model.Path{ActorIDs: []string{id}, Exchanges: []*c2c.Exchange{}, Parallel: []int{}}
	if timed {
		p.Starts = []c2c.PartialDate{}
	}
	return p
}

// paths answers Query.paths for the resolved arguments: SHORTEST and
// ALL_SHORTEST through shortestPaths, which loads no subgraph; K_SHORTEST
// and TIME_RESPECTING over the subgraph of f, where the count and the
// connection come from the shortest-path search over that subgraph.
func (r *Resolver) paths(ctx context.Context, from, to string, mode model.PathMode, k int, opts analysis.PathOptions, f c2c.ExchangeFilter) (*model.PathResult, error) {
	res := &model.PathResult{Mode: mode, Paths: []*model.Path{}, Connected: new(bool)}
	if from == to {
		res.Paths = append(res.Paths, trivialPath(from, mode == model.PathModeTimeRespecting))
		res.Count, *res.Connected = 1, true
		return res, nil
	}
	if mode == model.PathModeShortest || mode == model.PathModeAllShortest {
		return r.shortestPaths(ctx, from, to, mode, k, opts, f)
	}
	g, err := r.edges(ctx, f)
	if err != nil {
		return nil, err
	}
	ix := indexGraph(g)
	if ix.actors[from] == nil || ix.actors[to] == nil {
		return res, nil
	}
	sp, err := analysis.SearchShortest(ctx, analysis.SubgraphExpander(g), from, to, analysis.PathOptions{Directed: opts.Directed, MaxHops: opts.MaxHops, Limit: 1}, 0)
	if err != nil {
		return nil, err
	}
	setReach(res, sp)
	switch mode {
	case model.PathModeTimeRespecting:
		tp, err := run(ctx, func() (*analysis.TimedPath, error) { return analysis.EarliestArrivalContext(ctx, g, from, to, opts) })
		if err != nil {
			return nil, err
		}
		if tp != nil {
			ps, err := r.modelPaths(ctx, ix, []analysis.TimedPath{*tp}, true)
			if err != nil {
				return nil, err
			}
			res.Paths = ps
		}
		return res, nil
	default: // K_SHORTEST
		ps, err := run(ctx, func() ([]analysis.Path, error) { return analysis.KShortestContext(ctx, g, from, to, k, opts) })
		if err != nil {
			return nil, err
		}
		if res.Paths, err = r.modelPaths(ctx, ix, untimed(ps), false); err != nil {
			return nil, err
		}
		return res, nil
	}
}

// setReach copies the count and the connection of a shortest-path search
// to res: connected is null when the hop limit cut the search.
func setReach(res *model.PathResult, sp analysis.Shortest) {
	res.Count = sp.Count
	if sp.Cut {
		res.Connected = nil
	} else {
		res.Connected = &sp.Connected
	}
}

// untimed wraps paths as time-respecting paths without dates.
func untimed(ps []analysis.Path) []analysis.TimedPath {
	out := make([]analysis.TimedPath, len(ps))
	for i, p := range ps {
		out[i] = analysis.TimedPath{Path: p}
	}
	return out
}

// modelPaths converts paths found over a subgraph indexed by ix. Over the
// store's subgraph, whose records are whole, the records come from it and
// its actors prime the request's loader; over the in-process graph, whose
// records hold only what analyses read, the exchanges are read by id in
// one batch (and the actors when a field asks for them).
func (r *Resolver) modelPaths(ctx context.Context, ix graphIndex, ps []analysis.TimedPath, timed bool) ([]*model.Path, error) {
	l := r.loadersFor(ctx)
	out := make([]*model.Path, 0, len(ps))
	if r.Graph == nil {
		for _, p := range ps {
			if timed {
				out = append(out, ix.timedPath(l, p))
			} else {
				out = append(out, ix.path(l, p.Path))
			}
		}
		return out, nil
	}
	var ids, actorIDs []string
	for _, p := range ps {
		ids = append(ids, p.ExchangeIDs...)
		actorIDs = append(actorIDs, p.ActorIDs...)
	}
	l.actors.LoadAllThunk(ctx, dedupe(actorIDs))
	byID, err := r.exchangesByID(ctx, ids)
	if err != nil {
		return nil, err
	}
	for _, p := range ps {
		mp, err := modelPath(p.Path, byID)
		if err != nil {
			return nil, err
		}
		if timed {
			mp.Starts = append([]c2c.PartialDate{}, p.Starts...)
			if n := len(p.Starts); n > 0 {
				d := p.Starts[n-1]
				mp.Arrival = &d
			}
		}
		out = append(out, mp)
	}
	return out, nil
}

// exchangesByID reads exchanges through the request's loader.
func (r *Resolver) exchangesByID(ctx context.Context, ids []string) (map[string]*c2c.Exchange, error) {
	byID := map[string]*c2c.Exchange{}
	if len(ids) == 0 {
		return byID, nil
	}
	xs, err := r.loadersFor(ctx).exchanges.LoadAll(ctx, dedupe(ids))
	if err != nil {
		return nil, err
	}
	for _, x := range xs {
		if x != nil {
			byID[x.ID] = x
		}
	}
	return byID, nil
}

// modelPath converts p with its exchanges from byID; KindUnavailable when
// one was deleted since the search read the graph.
func modelPath(p analysis.Path, byID map[string]*c2c.Exchange) (*model.Path, error) {
	mp := &model.Path{ActorIDs: p.ActorIDs, Exchanges: make([]*c2c.Exchange, len(p.ExchangeIDs)), Hops: p.Hops(), Parallel: p.Parallel}
	if mp.Parallel == nil {
		mp.Parallel = []int{}
	}
	for i, id := range p.ExchangeIDs {
		if mp.Exchanges[i] = byID[id]; mp.Exchanges[i] == nil {
			return nil, &c2c.Error{Kind: c2c.KindUnavailable, Message: "the graph changed during the path search: ask again"}
		}
	}
	return mp, nil
}

// maxCachedPathEdges is the largest cached subgraph that shortestPaths
// searches in memory rather than through the store: the expander over it
// lays out the whole subgraph for each question, which costs about 50 ms
// at 5,000 exchanges, 0.4 s at 20,000 and 2-5 s at 200,000 (two shared
// cores under load 6-8), while over 200,000 exchanges the expanding search
// through the store read 37-9,500 exchanges in 1-3 round trips and took
// 1-170 ms on SQLite and 5-320 ms (median 47 ms) on Neo4j.
const maxCachedPathEdges = 5_000

// shortestPaths answers the SHORTEST and ALL_SHORTEST modes (from != to)
// without loading the subgraph of f: by a bidirectional search that reads
// the exchanges around the two ends a frontier at a time, from the
// in-process graph's adjacency when there is one, else over the cached
// subgraph when it is small (maxCachedPathEdges), else through the store
// (Store.Adjacent), at most the analysis limit of them; then it reads the
// exchanges of the paths found by id. Either way the answer is the one
// ShortestPaths gives over the subgraph.
func (r *Resolver) shortestPaths(ctx context.Context, from, to string, mode model.PathMode, k int, opts analysis.PathOptions, f c2c.ExchangeFilter) (*model.PathResult, error) {
	res := &model.PathResult{Mode: mode, Paths: []*model.Path{}, Connected: new(bool)}
	// One more than wanted tells whether ALL_SHORTEST was cut.
	opts.Limit = k + 1
	cut := func(ps []analysis.Path) []analysis.Path {
		if len(ps) > k {
			ps, res.Truncated = ps[:k], mode == model.PathModeAllShortest
		}
		return ps
	}
	sn, err := r.snapshot(ctx, f)
	if err != nil {
		return nil, err
	}
	l := r.loadersFor(ctx)
	if g, ok := r.cachedEdges(f, sn); ok && sn == nil && len(g.Edges) <= maxCachedPathEdges {
		ix := indexGraph(g)
		if ix.actors[from] == nil || ix.actors[to] == nil {
			return res, nil
		}
		sp, err := analysis.SearchShortest(ctx, analysis.SubgraphExpander(g), from, to, opts, 0)
		if err != nil {
			return nil, err
		}
		setReach(res, sp)
		for _, p := range cut(sp.Paths) {
			res.Paths = append(res.Paths, ix.path(l, p))
		}
		return res, nil
	}
	expand := func(ctx context.Context, ids []string) (map[string][]c2c.Adjacency, error) {
		return r.Store.Adjacent(ctx, ids, f)
	}
	if sn != nil {
		expand = func(_ context.Context, ids []string) (map[string][]c2c.Adjacency, error) {
			return sn.Adjacent(ids, f)
		}
	}
	sp, err := analysis.SearchShortest(ctx, expand, from, to, opts, r.maxEdges())
	if err != nil {
		if noExchanges(err) {
			return res, nil
		}
		return nil, err
	}
	setReach(res, sp)
	ps := cut(sp.Paths)
	if len(ps) == 0 {
		return res, nil
	}
	var ids, actorIDs []string
	for _, p := range ps {
		ids = append(ids, p.ExchangeIDs...)
		actorIDs = append(actorIDs, p.ActorIDs...)
	}
	// The actors of the paths load with their exchanges, in the same
	// batch window, for Path.nodes.
	l.actors.LoadAllThunk(ctx, dedupe(actorIDs))
	byID, err := r.exchangesByID(ctx, ids)
	if err != nil {
		return nil, err
	}
	for _, p := range ps {
		mp, err := modelPath(p, byID)
		if err != nil {
			return nil, err
		}
		res.Paths = append(res.Paths, mp)
	}
	return res, nil
}

// noExchanges reports whether err is the search's report that the from or
// to actor has no exchange in the selected graph: such a pair has no path.
func noExchanges(err error) bool {
	var e *c2c.Error
	return errors.As(err, &e) && e.Kind == c2c.KindInvalid && (e.Field == "from" || e.Field == "to")
}

// reachable answers Query.reachable for the resolved arguments.
func (r *Resolver) reachable(ctx context.Context, from string, opts analysis.PathOptions, first int, f c2c.ExchangeFilter) (*model.Reachability, error) {
	res := &model.Reachability{Arrivals: []*model.Arrival{}}
	g, err := r.edges(ctx, f)
	if err != nil {
		return nil, err
	}
	ix := indexGraph(g)
	if ix.actors[from] == nil {
		return res, nil
	}
	as, err := run(ctx, func() ([]analysis.Arrival, error) { return analysis.ReachableContext(ctx, g, from, opts) })
	if err != nil {
		return nil, err
	}
	res.Count = len(as)
	as = as[:min(first, len(as))]
	tps := make([]analysis.TimedPath, len(as))
	for i, a := range as {
		tps[i] = a.Path
	}
	ps, err := r.modelPaths(ctx, ix, tps, true)
	if err != nil {
		return nil, err
	}
	for i, a := range as {
		res.Arrivals = append(res.Arrivals, &model.Arrival{ActorID: a.ActorID, Arrival: a.Date, Hops: a.Hops, Path: ps[i]})
	}
	return res, nil
}

// timelineDimension converts the by and definition arguments.
func timelineDimension(by *model.TimelineDimension, def *c2c.Definition) (analysis.Dimension, error) {
	if by == nil {
		return analysis.Dimension{}, nil
	}
	switch *by {
	case model.TimelineDimensionTheme:
		return analysis.DimTheme, nil
	case model.TimelineDimensionKind:
		return analysis.DimKind, nil
	case model.TimelineDimensionClass:
		if def == nil {
			return analysis.Dimension{}, c2c.Invalid("definition", "is required to split by CLASS")
		}
		return analysis.DimClass(*def), nil
	}
	return analysis.Dimension{}, c2c.Invalid("by", "%q is not a timeline dimension", *by)
}

// timeline converts a series.
func timeline(s *analysis.Series) *model.Timeline {
	year := func(b analysis.YearBucket) *model.YearCount {
		out := &model.YearCount{Count: b.Count, Groups: make([]*model.KeyCount, len(b.Groups))}
		if b.Year != 0 {
			y := b.Year
			out.Year = &y
		}
		for i, g := range b.Groups {
			out.Groups[i] = &model.KeyCount{Key: g.Key, Count: g.Count}
		}
		return out
	}
	out := &model.Timeline{Years: make([]*model.YearCount, len(s.Years)), Undated: year(s.Undated)}
	for i, b := range s.Years {
		out.Years[i] = year(b)
	}
	return out
}

// MaxStatsDimensions is the most dimensions one stats query crosses.
const MaxStatsDimensions = 3

var statsFields = map[model.StatsDimension]analysis.Field{
	model.StatsDimensionTheme:         analysis.FieldTheme,
	model.StatsDimensionKind:          analysis.FieldKind,
	model.StatsDimensionYear:          analysis.FieldYear,
	model.StatsDimensionCountry:       analysis.FieldCountry,
	model.StatsDimensionM49Region:     analysis.FieldRegion,
	model.StatsDimensionM49SubRegion:  analysis.FieldSubRegion,
	model.StatsDimensionRegionPair:    analysis.FieldRegionPair,
	model.StatsDimensionSubRegionPair: analysis.FieldSubRegionPair,
	model.StatsDimensionCountryPair:   analysis.FieldCountryPair,
	model.StatsDimensionProgramme:     analysis.FieldProgramme,
	model.StatsDimensionClass:         analysis.FieldClass,
}

// statsDimensions converts the by and definition arguments.
func statsDimensions(by []model.StatsDimension, def *c2c.Definition) ([]analysis.Dimension, error) {
	if len(by) == 0 || len(by) > MaxStatsDimensions {
		return nil, c2c.Invalid("by", "gives %d dimensions: give 1 to %d", len(by), MaxStatsDimensions)
	}
	out := make([]analysis.Dimension, len(by))
	for i, d := range by {
		field := fmt.Sprintf("by[%d]", i)
		if slices.Contains(by[:i], d) {
			return nil, c2c.Invalid(field, "%s is given twice", d)
		}
		f, ok := statsFields[d]
		if !ok {
			return nil, c2c.Invalid(field, "%q is not a stats dimension", d)
		}
		out[i] = analysis.Dimension{Field: f}
		if f == analysis.FieldClass {
			if def == nil {
				return nil, c2c.Invalid("definition", "is required to count by CLASS")
			}
			out[i].Definition = *def
		}
	}
	return out, nil
}

// ranked returns the first n scores with their competition ranks (equal
// values share a rank).
func ranked(sorted []analysis.Score, n int) []*model.CentralityScore {
	out := make([]*model.CentralityScore, 0, min(n, len(sorted)))
	for i, s := range sorted[:min(n, len(sorted))] {
		rank := i + 1
		if i > 0 && s.Value == sorted[i-1].Value {
			rank = out[i-1].Rank
		}
		out = append(out, &model.CentralityScore{ActorID: s.ActorID, Value: s.Value, Rank: rank})
	}
	return out
}

// actorGroups converts the first n groups.
func actorGroups(groups [][]string, n int) []*model.ActorGroup {
	out := make([]*model.ActorGroup, 0, min(n, len(groups)))
	for _, g := range groups[:min(n, len(groups))] {
		out = append(out, &model.ActorGroup{IDs: g, Size: len(g)})
	}
	return out
}

// actorsByID loads actors through the request's loader, in order, leaving
// out ids that no longer name one.
func (r *Resolver) actorsByID(ctx context.Context, ids []string) ([]model.Actor, error) {
	as, err := r.loadersFor(ctx).actors.LoadAll(ctx, ids)
	if err != nil {
		return nil, err
	}
	out := make([]model.Actor, 0, len(as))
	for _, a := range as {
		if a != nil {
			out = append(out, model.WrapActor(a))
		}
	}
	return out, nil
}

// cachedFrom returns the result cached under key if it is younger than the
// TTL, else computes it with compute, which asks the store itself instead
// of reading the subgraph of a filter, and caches it under the data version
// read before compute ran.
func cachedFrom[T any](ctx context.Context, r *Resolver, key string, f c2c.ExchangeFilter, compute func() (T, error)) (T, error) {
	var zero T
	if r.Cache == nil {
		return compute()
	}
	sn, err := r.snapshot(ctx, f)
	if err != nil {
		return zero, err
	}
	if e, ok := r.Cache.Get(key); ok {
		if ce, ok := r.fresh(e, sn); ok {
			return ce.v.(T), nil
		}
	}
	version, at := r.cacheVersion(sn), r.now()
	v, err := compute()
	if err != nil {
		return zero, err
	}
	r.Cache.Put(key, version, cacheEntry{v: v, at: at, version: snapVersion(sn)})
	return v, nil
}

// stats answers Query.stats in one store round trip: the store counts the
// exchanges f selects by the base keys dims need (Store.ExchangeFacets),
// and the buckets are derived from its rows exactly as analysis.Breakdown
// counts exchanges; no subgraph is loaded, so unlike the analyses it has
// no limit on how many exchanges the filter selects.
func (r *Resolver) stats(ctx context.Context, f c2c.ExchangeFilter, dims []analysis.Dimension, n int) (*model.Stats, error) {
	rows, total, err := r.Store.ExchangeFacets(ctx, f, analysis.FacetKeysFor(dims...))
	if err != nil {
		return nil, err
	}
	bs, err := analysis.BreakdownFacets(rows, dims...)
	if err != nil {
		return nil, err
	}
	out := &model.Stats{Exchanges: total, BucketCount: len(bs), Buckets: make([]*model.StatsBucket, 0, min(n, len(bs)))}
	for _, b := range bs[:min(n, len(bs))] {
		out.Buckets = append(out.Buckets, &model.StatsBucket{Keys: b.Keys, Count: b.Count})
	}
	return out, nil
}

// recordOnlyExchangeFields are the Exchange fields the in-process graph
// does not hold: selecting one makes a subgraph's exchanges come from the
// store.
var recordOnlyExchangeFields = []string{"title", "summary", "sourceUrl", "dateNote", "facilitators"}

// snapshotNeighbourhood answers Query.neighbourhood from the in-process
// graph (ok false when there is none or it cannot evaluate the filter):
// the search runs over the snapshot, the actors are read from the store by
// id through the request's loader, and the exchanges too when the
// selection asks for a field the snapshot does not hold, both in one batch
// window. When it does not, the subgraph is returned before its actors
// arrive, so that its edges are written while they are read.
func (r *Resolver) snapshotNeighbourhood(ctx context.Context, q c2c.NeighbourhoodQuery) (*c2c.Subgraph, bool, error) {
	sn, err := r.snapshot(ctx, q.Filter)
	if sn == nil || err != nil {
		return nil, err != nil, err
	}
	g, err := sn.Neighbourhood(q)
	if err != nil {
		return nil, true, err
	}
	l := r.loadersFor(ctx)
	aIDs := make([]string, len(g.Nodes))
	for i, a := range g.Nodes {
		aIDs[i] = a.ID
	}
	actors := l.actors.LoadAllThunk(ctx, aIDs)
	settle := func() error {
		as, err := actors()
		if err != nil {
			return err
		}
		g.Nodes = g.Nodes[:0]
		for i, a := range as {
			if a == nil {
				// Deleted since the snapshot was taken.
				delete(g.Depth, aIDs[i])
				continue
			}
			g.Nodes = append(g.Nodes, a)
		}
		l.group(aIDs)
		return nil
	}
	if len(g.Edges) == 0 || !selectedUnder(ctx, []string{"edges"}, recordOnlyExchangeFields...) {
		// The edges need nothing from the store: they are written while
		// the nodes are read, which the nodes and depths fields wait for.
		l.settleLater(g, settle)
		l.prefetchEnds(ctx, g.Edges, "edges")
		return g, true, nil
	}
	xIDs := make([]string, len(g.Edges))
	for i, x := range g.Edges {
		xIDs[i] = x.ID
	}
	exchanges := l.exchanges.LoadAllThunk(ctx, xIDs)
	if err := settle(); err != nil {
		return nil, true, err
	}
	xs, err := exchanges()
	if err != nil {
		return nil, true, err
	}
	g.Edges = g.Edges[:0]
	for _, x := range xs {
		if x != nil {
			g.Edges = append(g.Edges, x)
		}
	}
	l.prefetchEnds(ctx, g.Edges, "edges")
	return g, true, nil
}
