// Package analysis answers graph questions over a *c2c.Subgraph: paths
// (shortest, k-shortest, time-respecting), centrality, components,
// communities, timelines and breakdowns. Every function is pure: it reads
// the subgraph a store's Edges returned and never talks to a store, so both
// stores answer alike. Results are deterministic: node and edge orders are
// fixed by id, and ties are broken by id.
package analysis

import (
	"slices"
	"strings"

	"github.com/c2c-project/c2c/internal/c2c"
	"gonum.org/v1/gonum/graph"
	"gonum.org/v1/gonum/graph/iterator"
	"gonum.org/v1/gonum/graph/simple"
)

// index is the subgraph laid out for algorithms: actors numbered 0..n-1 in
// id order, and for every pair of actors the exchanges joining them.
type index struct {
	ids    []string
	pos    map[string]int
	actors []*c2c.Actor // nil for an end the subgraph's nodes do not list
	// pairs maps an unordered pair {lo, hi} to its exchanges, ordered by
	// start (unknown last) then id.
	pairs map[[2]int][]*c2c.Exchange
	nbr   [][]int // undirected neighbours, ascending
	out   [][]int // directed mode: successors, ascending
	in    [][]int // directed mode: predecessors, ascending
}

// newIndex lays out g. Exchange ends missing from g.Nodes still become
// nodes, so a hand-built subgraph cannot make an algorithm index out of range.
func newIndex(g *c2c.Subgraph) *index {
	ix := &index{pos: map[string]int{}, pairs: map[[2]int][]*c2c.Exchange{}}
	byID := map[string]*c2c.Actor{}
	add := func(id string) {
		if _, ok := ix.pos[id]; !ok {
			ix.pos[id] = -1
			ix.ids = append(ix.ids, id)
		}
	}
	if g != nil {
		for _, a := range g.Nodes {
			if a != nil {
				byID[a.ID] = a
				add(a.ID)
			}
		}
		for _, x := range g.Edges {
			if x != nil && x.SourceID != x.TargetID {
				add(x.SourceID)
				add(x.TargetID)
			}
		}
	}
	slices.Sort(ix.ids)
	ix.actors = make([]*c2c.Actor, len(ix.ids))
	for i, id := range ix.ids {
		ix.pos[id] = i
		ix.actors[i] = byID[id]
	}
	n := len(ix.ids)
	ix.nbr, ix.out, ix.in = make([][]int, n), make([][]int, n), make([][]int, n)
	if g == nil {
		return ix
	}
	type arc struct{ u, v int }
	arcs := map[arc]bool{}
	for _, x := range sortedEdges(g.Edges) {
		if x.SourceID == x.TargetID {
			continue
		}
		u, v := ix.pos[x.SourceID], ix.pos[x.TargetID]
		k := pairKey(u, v)
		if len(ix.pairs[k]) == 0 {
			ix.nbr[u] = append(ix.nbr[u], v)
			ix.nbr[v] = append(ix.nbr[v], u)
		}
		ix.pairs[k] = append(ix.pairs[k], x)
		for _, a := range []arc{{u, v}, {v, u}} {
			if a.u == v && x.Directed {
				continue
			}
			if !arcs[a] {
				arcs[a] = true
				ix.out[a.u] = append(ix.out[a.u], a.v)
				ix.in[a.v] = append(ix.in[a.v], a.u)
			}
		}
	}
	for i := 0; i < n; i++ {
		slices.Sort(ix.nbr[i])
		slices.Sort(ix.out[i])
		slices.Sort(ix.in[i])
	}
	return ix
}

// sortedEdges returns the non-nil exchanges ordered by start (unknown last)
// then id: the order in which parallel exchanges are preferred.
func sortedEdges(xs []*c2c.Exchange) []*c2c.Exchange {
	out := make([]*c2c.Exchange, 0, len(xs))
	for _, x := range xs {
		if x != nil {
			out = append(out, x)
		}
	}
	slices.SortFunc(out, compareByStart)
	return out
}

func compareByStart(a, b *c2c.Exchange) int {
	ka, kb := startKey(a), startKey(b)
	if ka != kb {
		if ka < kb {
			return -1
		}
		return 1
	}
	return strings.Compare(a.ID, b.ID)
}

func startKey(x *c2c.Exchange) int {
	if x.Start == nil {
		return c2c.UnknownStartAsc
	}
	return x.Start.FirstKey()
}

func pairKey(u, v int) [2]int {
	if u > v {
		u, v = v, u
	}
	return [2]int{u, v}
}

// usable returns the exchanges that a hop from u to v may take: all of the
// pair's when undirected, else the mutual ones and the directed ones from u
// to v. The order is that of pairs.
func (ix *index) usable(u, v int, directed bool) []*c2c.Exchange {
	all := ix.pairs[pairKey(u, v)]
	if !directed {
		return all
	}
	var out []*c2c.Exchange
	for _, x := range all {
		if !x.Directed || x.SourceID == ix.ids[u] {
			out = append(out, x)
		}
	}
	return out
}

// succ returns the nodes one hop from u can reach.
func (ix *index) succ(u int, directed bool) []int {
	if directed {
		return ix.out[u]
	}
	return ix.nbr[u]
}

// pred returns the nodes that reach u in one hop.
func (ix *index) pred(u int, directed bool) []int {
	if directed {
		return ix.in[u]
	}
	return ix.nbr[u]
}

// weight is the number of exchanges between u and v, direction ignored.
func (ix *index) weight(u, v int) float64 { return float64(len(ix.pairs[pairKey(u, v)])) }

// The gonum views below iterate nodes and neighbours in id order. gonum's
// own simple graphs iterate maps, which makes tie-breaking (Louvain's moves,
// Yen's candidates) change from run to run; a fixed order keeps every result
// reproducible.

// hopGraph is the unweighted, undirected simple graph of ix for gonum.
type hopGraph struct{ ix *index }

var _ graph.Undirected = hopGraph{}

func nodesOf(ids []int) graph.Nodes {
	ns := make([]graph.Node, len(ids))
	for i, id := range ids {
		ns[i] = simple.Node(id)
	}
	return iterator.NewOrderedNodes(ns)
}

func (g hopGraph) has(id int64) bool { return id >= 0 && id < int64(len(g.ix.ids)) }

// Node returns the node with id, nil if there is none.
func (g hopGraph) Node(id int64) graph.Node {
	if !g.has(id) {
		return nil
	}
	return simple.Node(id)
}

// Nodes returns all nodes in id order.
func (g hopGraph) Nodes() graph.Nodes {
	ns := make([]graph.Node, len(g.ix.ids))
	for i := range ns {
		ns[i] = simple.Node(i)
	}
	return iterator.NewOrderedNodes(ns)
}

// From returns the neighbours of id in id order.
func (g hopGraph) From(id int64) graph.Nodes {
	if !g.has(id) {
		return graph.Empty
	}
	return nodesOf(g.ix.nbr[id])
}

// HasEdgeBetween reports whether x and y are adjacent.
func (g hopGraph) HasEdgeBetween(x, y int64) bool {
	if !g.has(x) || !g.has(y) {
		return false
	}
	return len(g.ix.pairs[pairKey(int(x), int(y))]) > 0
}

// Edge returns the edge from u to v, nil if they are not adjacent.
func (g hopGraph) Edge(u, v int64) graph.Edge { return g.EdgeBetween(u, v) }

// EdgeBetween returns the edge between x and y, nil if there is none.
func (g hopGraph) EdgeBetween(x, y int64) graph.Edge {
	if !g.HasEdgeBetween(x, y) {
		return nil
	}
	return simple.Edge{F: simple.Node(x), T: simple.Node(y)}
}

// weightedGraph is hopGraph weighted by the number of exchanges per pair.
type weightedGraph struct{ hopGraph }

var _ graph.WeightedUndirected = weightedGraph{}

// WeightedEdge returns the weighted edge from u to v.
func (g weightedGraph) WeightedEdge(u, v int64) graph.WeightedEdge {
	return g.WeightedEdgeBetween(u, v)
}

// WeightedEdgeBetween returns the weighted edge between x and y.
func (g weightedGraph) WeightedEdgeBetween(x, y int64) graph.WeightedEdge {
	if !g.HasEdgeBetween(x, y) {
		return nil
	}
	return simple.WeightedEdge{F: simple.Node(x), T: simple.Node(y), W: g.ix.weight(int(x), int(y))}
}

// Weight returns the number of exchanges between x and y; 0 for x == y.
func (g weightedGraph) Weight(x, y int64) (float64, bool) {
	if x == y {
		return 0, true
	}
	if !g.HasEdgeBetween(x, y) {
		return 0, false
	}
	return g.ix.weight(int(x), int(y)), true
}

// hopDigraph is the unweighted directed view: directed exchanges give one
// arc, mutual ones two.
type hopDigraph struct{ hopGraph }

var _ graph.Directed = hopDigraph{}

// From returns the successors of id in id order.
func (g hopDigraph) From(id int64) graph.Nodes {
	if !g.has(id) {
		return graph.Empty
	}
	return nodesOf(g.ix.out[id])
}

// To returns the predecessors of id in id order.
func (g hopDigraph) To(id int64) graph.Nodes {
	if !g.has(id) {
		return graph.Empty
	}
	return nodesOf(g.ix.in[id])
}

// HasEdgeFromTo reports whether there is an arc from u to v.
func (g hopDigraph) HasEdgeFromTo(u, v int64) bool {
	if !g.has(u) || !g.has(v) {
		return false
	}
	_, ok := slices.BinarySearch(g.ix.out[u], int(v))
	return ok
}

// HasEdgeBetween reports whether there is an arc either way.
func (g hopDigraph) HasEdgeBetween(x, y int64) bool {
	return g.HasEdgeFromTo(x, y) || g.HasEdgeFromTo(y, x)
}

// Edge returns the arc from u to v, nil if there is none.
func (g hopDigraph) Edge(u, v int64) graph.Edge {
	if !g.HasEdgeFromTo(u, v) {
		return nil
	}
	return simple.Edge{F: simple.Node(u), T: simple.Node(v)}
}
