package analysis

import (
	"context"
	"math"
	"slices"

	"github.com/c2c-project/c2c/internal/c2c"
	"gonum.org/v1/gonum/graph"
	"gonum.org/v1/gonum/graph/path"
	"gonum.org/v1/gonum/graph/simple"
)

// Limits on path queries. Shortest paths have no hop limit unless asked:
// a breadth-first search reads each exchange at most twice, however long
// the path. KShortest runs up to k times the path's length searches over
// the whole subgraph, so its hop limit keeps that bounded; the
// time-respecting searches make one pass over the exchanges whatever the
// limit, which only bounds the labels kept per actor.
const (
	MaxKShortestHops = 16   // the largest (and default) hop limit of KShortest
	MaxTimedHops     = 64   // the largest (and default) hop limit of EarliestArrival and Reachable
	MaxK             = 10   // the most paths KShortest returns
	DefaultPathLimit = 100  // the most paths ShortestPaths returns by default
	MaxPathLimit     = 1000 // the largest Limit a query may ask for
)

// PathOptions tunes the path functions.
type PathOptions struct {
	// Directed follows directed exchanges from source to target only;
	// mutual exchanges are followed both ways. The default ignores
	// direction.
	Directed bool
	// MaxHops bounds the number of exchanges on a path. For shortest
	// paths 0 means no bound; for KShortest 0 means MaxKShortestHops and
	// more is invalid, for the time-respecting searches 0 means
	// MaxTimedHops and more is invalid.
	MaxHops int
	// Limit bounds the number of paths ShortestPaths returns: 0 means
	// DefaultPathLimit, more than MaxPathLimit is invalid.
	Limit int
}

// shortestHops returns the hop limit of a shortest-path search: none
// (math.MaxInt) unless given.
func (o PathOptions) shortestHops() (int, error) {
	switch {
	case o.MaxHops == 0:
		return math.MaxInt, nil
	case o.MaxHops < 0:
		return 0, c2c.Invalid("maxHops", "must be at least 1")
	}
	return o.MaxHops, nil
}

// hops returns the hop limit of a search whose cost grows with it: max
// unless given, at most max.
func (o PathOptions) hops(max int) (int, error) {
	switch {
	case o.MaxHops == 0:
		return max, nil
	case o.MaxHops < 0 || o.MaxHops > max:
		return 0, c2c.Invalid("maxHops", "must be between 1 and %d", max)
	}
	return o.MaxHops, nil
}

func (o PathOptions) limit() (int, error) {
	switch {
	case o.Limit == 0:
		return DefaultPathLimit, nil
	case o.Limit < 0 || o.Limit > MaxPathLimit:
		return 0, c2c.Invalid("limit", "must be between 1 and %d", MaxPathLimit)
	}
	return o.Limit, nil
}

// Path is a walk through the graph: the actors in order and, between each
// two, the exchange taken. Where several exchanges join two actors, the
// path names one of them and Parallel says how many could have been taken
// on that hop (in the hop's direction when PathOptions.Directed is set).
// For ShortestPaths and KShortest the exchange named is the earliest
// starting one (unknown dates last), then the lowest id; for time-respecting
// paths it is the one the time order chose.
type Path struct {
	ActorIDs    []string // len(ExchangeIDs)+1 actors
	ExchangeIDs []string
	Parallel    []int // per hop, the number of exchanges joining the two actors
}

// Hops returns the number of exchanges on p.
func (p Path) Hops() int { return len(p.ExchangeIDs) }

func (ix *index) endpoints(from, to string) (int, int, error) {
	u, ok := ix.pos[from]
	if !ok {
		return 0, 0, c2c.Invalid("from", "actor %q has no exchanges in the selected graph", from)
	}
	v, ok := ix.pos[to]
	if !ok {
		return 0, 0, c2c.Invalid("to", "actor %q has no exchanges in the selected graph", to)
	}
	return u, v, nil
}

// makePath turns a node sequence into a Path, naming the preferred exchange
// of each hop.
func (ix *index) makePath(nodes []int, directed bool) Path {
	p := Path{ActorIDs: make([]string, len(nodes))}
	for i, n := range nodes {
		p.ActorIDs[i] = ix.ids[n]
	}
	for i := 1; i < len(nodes); i++ {
		xs := ix.usable(nodes[i-1], nodes[i], directed)
		p.ExchangeIDs = append(p.ExchangeIDs, xs[0].ID)
		p.Parallel = append(p.Parallel, len(xs))
	}
	return p
}

// distancesTo returns the hop distance of every node to t (-1 when t is
// out of reach within max hops), following arcs backwards.
func (ix *index) distancesTo(t int, directed bool, max int) []int {
	d := make([]int, len(ix.ids))
	for i := range d {
		d[i] = -1
	}
	d[t] = 0
	queue := []int{t}
	for len(queue) > 0 {
		v := queue[0]
		queue = queue[1:]
		if d[v] == max {
			continue
		}
		for _, u := range ix.pred(v, directed) {
			if d[u] < 0 {
				d[u] = d[v] + 1
				queue = append(queue, u)
			}
		}
	}
	return d
}

// ShortestPaths returns every shortest path from one actor to another (with
// at most opts.MaxHops exchanges when set), up to opts.Limit paths, ordered by their
// actor id sequences. It returns no paths when to is out of reach and the
// single path [from] when from == to. It returns KindInvalid naming "from"
// or "to" when the actor has no exchanges in g (callers check existence in
// the store first to report KindNotFound), "maxHops" or "limit" when an
// option is out of range.
func ShortestPaths(g *c2c.Subgraph, from, to string, opts PathOptions) ([]Path, error) {
	maxHops, err := opts.shortestHops()
	if err != nil {
		return nil, err
	}
	limit, err := opts.limit()
	if err != nil {
		return nil, err
	}
	ix := newIndex(g)
	s, t, err := ix.endpoints(from, to)
	if err != nil {
		return nil, err
	}
	d := ix.distancesTo(t, opts.Directed, maxHops)
	if d[s] < 0 {
		return nil, nil
	}
	// Walk forward from s along nodes one hop nearer to t, neighbours in
	// id order: paths come out in lexicographic order of their ids.
	var out []Path
	stack := []int{s}
	var walk func(u int)
	walk = func(u int) {
		if len(out) >= limit {
			return
		}
		if u == t {
			out = append(out, ix.makePath(slices.Clone(stack), opts.Directed))
			return
		}
		for _, v := range ix.succ(u, opts.Directed) {
			if d[v] == d[u]-1 && d[v] >= 0 {
				stack = append(stack, v)
				walk(v)
				stack = stack[:len(stack)-1]
			}
		}
	}
	walk(s)
	return out, nil
}

// KShortest returns up to k loopless paths from one actor to another in
// order of length, with at most opts.MaxHops exchanges each. Paths of equal
// length are ordered, and chosen where only some of them fit in k, by their
// actor id sequences. Parallel exchanges do not make distinct paths: a path
// is a sequence of actors. The candidates come from Yen's algorithm
// (gonum's path.YenKShortestPaths over the simple graph); the last length
// class is then filled in id order. opts.MaxHops is at most
// MaxKShortestHops, which it is when not set. Errors are those of
// ShortestPaths, and KindInvalid naming "k" unless 1 <= k <= MaxK.
func KShortest(g *c2c.Subgraph, from, to string, k int, opts PathOptions) ([]Path, error) {
	return KShortestContext(context.Background(), g, from, to, k, opts)
}

// KShortestContext is KShortest that stops, returning ctx's error, once
// ctx ends.
func KShortestContext(ctx context.Context, g *c2c.Subgraph, from, to string, k int, opts PathOptions) ([]Path, error) {
	if k < 1 || k > MaxK {
		return nil, c2c.Invalid("k", "must be between 1 and %d", MaxK)
	}
	maxHops, err := opts.hops(MaxKShortestHops)
	if err != nil {
		return nil, err
	}
	ix := newIndex(g)
	s, t, err := ix.endpoints(from, to)
	if err != nil {
		return nil, err
	}
	if s == t {
		return []Path{ix.makePath([]int{s}, opts.Directed)}, nil
	}
	d := ix.distancesTo(t, opts.Directed, maxHops)
	if d[s] < 0 {
		return nil, nil
	}
	// Yen's algorithm runs a Dijkstra search per spur node; once ctx ends
	// each finds no neighbours, so the rest finish at once.
	var gg graph.Graph = stopGraph{hopGraph{ix}, ctx}
	if opts.Directed {
		gg = stopDigraph{hopDigraph{hopGraph{ix}}, ctx}
	}
	found := path.YenKShortestPaths(gg, k, float64(maxHops-d[s]), simple.Node(s), simple.Node(t))
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	seqs := make([][]int, 0, len(found))
	for _, p := range found {
		seq := make([]int, len(p))
		for i, n := range p {
			seq[i] = int(n.ID())
		}
		seqs = append(seqs, seq)
	}
	if len(seqs) == k {
		// Every path shorter than the longest found is among them; the
		// longest length may have more paths than fit, so take those in
		// id order.
		last := len(seqs[len(seqs)-1]) - 1
		var keep [][]int
		for _, q := range seqs {
			if len(q)-1 < last {
				keep = append(keep, q)
			}
		}
		more, err := ix.looplessOfLength(ctx, s, t, last, k-len(keep), d, opts.Directed)
		if err != nil {
			return nil, err
		}
		seqs = append(keep, more...)
	}
	slices.SortFunc(seqs, compareSeq)
	out := make([]Path, len(seqs))
	for i, q := range seqs {
		out[i] = ix.makePath(q, opts.Directed)
	}
	return out, nil
}

// compareSeq orders node sequences by length, then lexicographically (node
// numbers follow id order).
func compareSeq(a, b []int) int {
	if len(a) != len(b) {
		return len(a) - len(b)
	}
	return slices.Compare(a, b)
}

// looplessOfLength returns up to n loopless paths from s to t with exactly
// hops exchanges, in lexicographic order. d holds distances to t and prunes
// branches that cannot arrive in time. It checks ctx every few thousand
// steps and returns its error once it ends.
func (ix *index) looplessOfLength(ctx context.Context, s, t, hops, n int, d []int, directed bool) ([][]int, error) {
	var out [][]int
	steps := 0
	var stopped error
	on := make([]bool, len(ix.ids))
	stack := []int{s}
	on[s] = true
	var walk func(u, left int)
	walk = func(u, left int) {
		if len(out) >= n || stopped != nil {
			return
		}
		if steps++; steps%4096 == 0 {
			if stopped = ctx.Err(); stopped != nil {
				return
			}
		}
		if u == t {
			if left == 0 {
				out = append(out, slices.Clone(stack))
			}
			return
		}
		for _, v := range ix.succ(u, directed) {
			if on[v] || d[v] < 0 || d[v] > left-1 {
				continue
			}
			on[v] = true
			stack = append(stack, v)
			walk(v, left-1)
			stack = stack[:len(stack)-1]
			on[v] = false
		}
	}
	walk(s, hops)
	if stopped != nil {
		return nil, stopped
	}
	return out, nil
}

// stopGraph is an undirected hop graph whose actors have no neighbours
// once ctx ends, so that a gonum search over it stops early.
type stopGraph struct {
	hopGraph
	ctx context.Context
}

// From returns the neighbours of id, none once the context has ended.
func (g stopGraph) From(id int64) graph.Nodes {
	if g.ctx.Err() != nil {
		return graph.Empty
	}
	return g.hopGraph.From(id)
}

// stopDigraph is stopGraph for a directed hop graph.
type stopDigraph struct {
	hopDigraph
	ctx context.Context
}

// From returns the successors of id, none once the context has ended.
func (g stopDigraph) From(id int64) graph.Nodes {
	if g.ctx.Err() != nil {
		return graph.Empty
	}
	return g.hopDigraph.From(id)
}
