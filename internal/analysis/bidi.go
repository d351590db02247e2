package analysis

import (
	"context"
	"slices"

	"github.com/c2c-project/c2c/internal/c2c"
)

// Expander returns, for each of the actor ids, the exchanges of the graph
// searched that touch it, seen from it: c2c.Store.Adjacent with the
// query's filter. An actor without any may be left out of the map. The
// search calls it once per step with the actors it has not asked about yet.
type Expander func(ctx context.Context, ids []string) (map[string][]c2c.Adjacency, error)

// Shortest is the answer of a shortest-path search between two actors.
type Shortest struct {
	// Paths holds the shortest paths in id order, at most the search's
	// limit of them.
	Paths []Path
	// Hops is the length of the shortest paths, -1 when there is none
	// within the hop limit.
	Hops int
	// Count is how many shortest paths there are in all (sequences of
	// actors: parallel exchanges do not make distinct paths), counted
	// along the breadth-first layers rather than enumerated: exact up to
	// 2^53, the nearest float64 beyond. 0 when there is none.
	Count float64
	// Connected reports whether a path of any length joins the two actors
	// (from the first to the second when the search is directed). When
	// Cut is set it is false and says nothing.
	Connected bool
	// Cut is set when the hop limit stopped the search before it met a
	// path or ran out of actors: whether the two are connected further
	// out is not known.
	Cut bool
}

// ShortestPathsExpanding answers what ShortestPaths answers over the
// subgraph the expander describes; SearchShortest gives the count and the
// connection beside the paths.
func ShortestPathsExpanding(ctx context.Context, expand Expander, from, to string, opts PathOptions, maxExchanges int) ([]Path, error) {
	res, err := SearchShortest(ctx, expand, from, to, opts, maxExchanges)
	if err != nil {
		return nil, err
	}
	return res.Paths, nil
}

// SearchShortest finds the shortest paths between two actors over the
// subgraph the expander describes (the same paths in the same order as
// ShortestPaths over that subgraph, the same exchange and parallel count
// per hop, the same errors) without loading that subgraph: a
// bidirectional breadth-first search asks expand for the exchanges of one
// frontier per step, the smaller one (the one with fewer actors not yet
// expanded), until the frontiers meet, one of them runs out (the actors
// are in different components: Connected is false) or opts.MaxHops is
// spent (Cut). No hop limit (opts.MaxHops 0) searches as far as the
// component reaches. Every shortest path then runs through the actors
// where they met, and each of its hops has an expanded end, whose
// exchanges give the hop's preferred exchange and parallel count. The
// number of shortest paths is the sum, over the meeting actors, of the
// paths from each root counted layer by layer.
//
// maxExchanges bounds the number of distinct exchanges the search may read
// (0 means no bound): past it the search stops with KindInvalid naming
// "filter". It checks ctx before every expansion and returns its error
// once it ends. Errors of expand are returned as they are.
func SearchShortest(ctx context.Context, expand Expander, from, to string, opts PathOptions, maxExchanges int) (Shortest, error) {
	none := Shortest{Hops: -1}
	maxHops, err := opts.shortestHops()
	if err != nil {
		return none, err
	}
	limit, err := opts.limit()
	if err != nil {
		return none, err
	}
	b := &bidi{ctx: ctx, expand: expand, max: maxExchanges, directed: opts.Directed,
		adj: map[string][]c2c.Adjacency{}, read: map[string]struct{}{}}
	if err := b.fetch([]string{from, to}); err != nil {
		return none, err
	}
	if len(b.adj[from]) == 0 {
		return none, c2c.Invalid("from", "actor %q has no exchanges in the selected graph", from)
	}
	if len(b.adj[to]) == 0 {
		return none, c2c.Invalid("to", "actor %q has no exchanges in the selected graph", to)
	}
	if from == to {
		return Shortest{Paths: []Path{{ActorIDs: []string{from}}}, Count: 1, Connected: true}, nil
	}
	fwd := newSide(from, true)
	bwd := newSide(to, false)
	for fwd.depth+bwd.depth < maxHops {
		if len(fwd.front) == 0 || len(bwd.front) == 0 {
			return none, nil
		}
		side, other := fwd, bwd
		if b.unfetched(bwd.front) < b.unfetched(fwd.front) {
			side, other = bwd, fwd
		}
		if err := b.step(side); err != nil {
			return none, err
		}
		var meet []string
		count := 0.0
		for _, id := range side.front {
			if _, ok := other.dist[id]; ok {
				meet = append(meet, id)
				count += side.count[id] * other.count[id]
			}
		}
		if len(meet) > 0 {
			return Shortest{Paths: b.paths(fwd, bwd, meet, limit), Hops: fwd.depth + bwd.depth, Count: count, Connected: true}, nil
		}
	}
	if len(fwd.front) == 0 || len(bwd.front) == 0 {
		return none, nil
	}
	none.Cut = true
	return none, nil
}

// bidi is the state of one bidirectional search.
type bidi struct {
	ctx      context.Context
	expand   Expander
	max      int
	directed bool
	// adj holds the exchanges of every expanded actor, ordered as paths
	// prefer them (c2c.CompareAdjacency); an expanded actor without any
	// has an empty entry.
	adj  map[string][]c2c.Adjacency
	read map[string]struct{} // ids of the exchanges read, for the bound
}

// side is one half of the search: the distances from its root (to it, for
// the backward side) of the actors it has reached, the number of shortest
// paths joining each to the root, the last layer it reached, and for each
// actor of a later layer its neighbours one layer nearer the root.
type side struct {
	root    string
	forward bool
	dist    map[string]int
	count   map[string]float64
	depth   int
	front   []string
	nearer  map[string][]string
}

func newSide(root string, forward bool) *side {
	return &side{root: root, forward: forward, dist: map[string]int{root: 0}, count: map[string]float64{root: 1},
		front: []string{root}, nearer: map[string][]string{}}
}

// unfetched counts the actors of front not expanded yet.
func (b *bidi) unfetched(front []string) int {
	n := 0
	for _, id := range front {
		if _, ok := b.adj[id]; !ok {
			n++
		}
	}
	return n
}

// fetch expands the actors of ids not expanded yet, in one call.
func (b *bidi) fetch(ids []string) error {
	var need []string
	for _, id := range ids {
		if _, ok := b.adj[id]; !ok && !slices.Contains(need, id) {
			need = append(need, id)
		}
	}
	if len(need) == 0 {
		return nil
	}
	if err := b.ctx.Err(); err != nil {
		return err
	}
	m, err := b.expand(b.ctx, need)
	if err != nil {
		return err
	}
	for _, id := range need {
		xs := make([]c2c.Adjacency, 0, len(m[id]))
		for _, a := range m[id] {
			if a.OtherID == id {
				continue // a loop joins no two actors
			}
			xs = append(xs, a)
			b.read[a.ExchangeID] = struct{}{}
		}
		slices.SortStableFunc(xs, c2c.CompareAdjacency)
		b.adj[id] = xs
	}
	if b.max > 0 && len(b.read) > b.max {
		return c2c.Invalid("filter", "the path search reached more than %d exchanges, the analysis limit: narrow the filter or lower maxHops", b.max)
	}
	return nil
}

// leads reports whether a, in the list of actor u, lets a hop go from u to
// a.OtherID (out) or from a.OtherID to u (!out).
func (b *bidi) leads(a c2c.Adjacency, out bool) bool {
	return !b.directed || !a.Directed || a.Outgoing == out
}

// step expands the front of s into the next layer.
func (b *bidi) step(s *side) error {
	if err := b.fetch(s.front); err != nil {
		return err
	}
	next := []string{}
	d := s.depth + 1
	for _, u := range s.front {
		for _, a := range b.adj[u] {
			if !b.leads(a, s.forward) {
				continue
			}
			v := a.OtherID
			dv, seen := s.dist[v]
			if !seen {
				dv = d
				s.dist[v] = d
				next = append(next, v)
			}
			// Parallel exchanges come one after another in some order:
			// record u once per v.
			if dv == d && !slices.Contains(s.nearer[v], u) {
				s.nearer[v] = append(s.nearer[v], u)
				s.count[v] += s.count[u]
			}
		}
	}
	s.depth, s.front = d, next
	return nil
}

// paths lists the shortest paths through the meeting actors in id order,
// at most limit of them, as ShortestPaths does: a walk from the source that
// takes, at each actor, the next actors of the shortest-path DAG in id
// order.
func (b *bidi) paths(fwd, bwd *side, meet []string, limit int) []Path {
	// The forward half of the DAG: the actors from which a meeting actor
	// is reached one layer at a time.
	succ := map[string][]string{}
	on := map[string]bool{}
	queue := slices.Clone(meet)
	for _, m := range meet {
		on[m] = true
	}
	for len(queue) > 0 {
		v := queue[0]
		queue = queue[1:]
		for _, u := range fwd.nearer[v] {
			succ[u] = append(succ[u], v)
			if !on[u] {
				on[u] = true
				queue = append(queue, u)
			}
		}
	}
	// The backward half: from a meeting actor on, each actor's neighbours
	// one layer nearer the target all lead there.
	next := func(u string) []string {
		if _, ok := bwd.dist[u]; ok {
			return bwd.nearer[u]
		}
		return succ[u]
	}
	for u, vs := range succ {
		slices.Sort(vs)
		succ[u] = vs
	}
	for _, vs := range bwd.nearer {
		slices.Sort(vs)
	}
	var out []Path
	stack := []string{fwd.root}
	var walk func(u string)
	walk = func(u string) {
		if len(out) >= limit {
			return
		}
		if u == bwd.root {
			out = append(out, b.makePath(stack))
			return
		}
		for _, v := range next(u) {
			stack = append(stack, v)
			walk(v)
			stack = stack[:len(stack)-1]
		}
	}
	walk(stack[0])
	return out
}

// makePath turns an actor sequence into a Path, naming each hop's
// preferred exchange from the exchanges of whichever end was expanded.
func (b *bidi) makePath(ids []string) Path {
	p := Path{ActorIDs: slices.Clone(ids)}
	for i := 1; i < len(ids); i++ {
		u, v := ids[i-1], ids[i]
		from, to, out := u, v, true
		if _, ok := b.adj[u]; !ok {
			from, to, out = v, u, false
		}
		n, first := 0, ""
		for _, a := range b.adj[from] {
			if a.OtherID == to && b.leads(a, out) {
				if n == 0 {
					first = a.ExchangeID
				}
				n++
			}
		}
		p.ExchangeIDs = append(p.ExchangeIDs, first)
		p.Parallel = append(p.Parallel, n)
	}
	return p
}

// SubgraphExpander returns an Expander over g that answers as
// Store.Adjacent answers over the exchanges of g: each asked actor's
// exchanges seen from it, actors without any left out.
func SubgraphExpander(g *c2c.Subgraph) Expander {
	adj := make(map[string][]c2c.Adjacency, len(g.Nodes))
	for _, x := range g.Edges {
		adj[x.SourceID] = append(adj[x.SourceID], c2c.Adjacency{ExchangeID: x.ID, OtherID: x.TargetID, Outgoing: true, Directed: x.Directed, Start: x.Start})
		if x.TargetID != x.SourceID {
			adj[x.TargetID] = append(adj[x.TargetID], c2c.Adjacency{ExchangeID: x.ID, OtherID: x.SourceID, Directed: x.Directed, Start: x.Start})
		}
	}
	return func(_ context.Context, ids []string) (map[string][]c2c.Adjacency, error) {
		out := make(map[string][]c2c.Adjacency, len(ids))
		for _, id := range ids {
			if xs, ok := adj[id]; ok {
				out[id] = xs
			}
		}
		return out, nil
	}
}
