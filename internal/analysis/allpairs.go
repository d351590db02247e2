package analysis

import (
	"context"
	"runtime"
	"sync"
	"sync/atomic"
)

// The all-pairs measures (betweenness, closeness, harmonic) run one
// breadth-first search per actor: O(n·(n+m)) for n actors and m partner
// pairs. gonum's generic versions pay a map access per visited node and an
// interface value per neighbour; here the searches run over a compact
// adjacency of int32 indices, with slices reset rather than reallocated
// between sources, on every core.
//
// Sparse real networks such as twin-town links hang many trees off a
// denser core (half the actors of the Wikipedia twin-town graph have one
// partner). Shortest paths through a tree are unique, so the trees need no
// search of their own:
//
//   - betweenness peels the trees off entirely (Baglioni et al., "Fast
//     exact computation of betweenness centrality in social networks",
//     2012): each tree actor's share is counted from subtree sizes, and
//     Brandes runs on the core with every core actor weighted by the size
//     of the tree it carries;
//   - closeness and harmonic peel one layer of leaves: a leaf's distances
//     are its partner's plus one, which the partner's search gives as a
//     histogram of distances.

// csr is an undirected simple graph in compressed sparse row form: the
// partners of u are adj[off[u]:off[u+1]], ascending.
type csr struct {
	off []int32
	adj []int32
}

// newCSR lays out ix.nbr. A subgraph held in memory has far fewer than 2^31
// partner pairs, so int32 offsets suffice.
func newCSR(ix *index) csr {
	n := len(ix.nbr)
	g := csr{off: make([]int32, n+1)}
	for u, nb := range ix.nbr {
		g.off[u+1] = g.off[u] + int32(len(nb))
	}
	g.adj = make([]int32, g.off[n])
	for u, nb := range ix.nbr {
		at := g.adj[g.off[u]:g.off[u+1]]
		for k, v := range nb {
			at[k] = int32(v)
		}
	}
	return g
}

func (g csr) n() int { return len(g.off) - 1 }

func (g csr) partners(u int32) []int32 { return g.adj[g.off[u]:g.off[u+1]] }

func (g csr) degree(u int) int32 { return g.off[u+1] - g.off[u] }

// induced returns the subgraph on the actors keep marks, numbered in
// their order in g, and for each of its actors its number in g.
func (g csr) induced(keep []bool) (csr, []int32) {
	n := g.n()
	num := make([]int32, n)
	var orig []int32
	for u := range n {
		num[u] = -1
		if keep[u] {
			num[u] = int32(len(orig))
			orig = append(orig, int32(u))
		}
	}
	sub := csr{off: make([]int32, len(orig)+1)}
	for i, u := range orig {
		for _, v := range g.partners(u) {
			if keep[v] {
				sub.adj = append(sub.adj, num[v])
			}
		}
		sub.off[i+1] = int32(len(sub.adj))
	}
	return sub, orig
}

// componentSizes returns for each actor the number of actors of its
// connected component.
func (g csr) componentSizes() []int32 {
	n := g.n()
	size, queue := make([]int32, n), make([]int32, 0, n)
	comp := make([]int32, n)
	for i := range comp {
		comp[i] = -1
	}
	for s := range n {
		if comp[s] >= 0 {
			continue
		}
		queue = append(queue[:0], int32(s))
		comp[s] = int32(s)
		for q := 0; q < len(queue); q++ {
			for _, v := range g.partners(queue[q]) {
				if comp[v] < 0 {
					comp[v] = int32(s)
					queue = append(queue, v)
				}
			}
		}
		for _, v := range queue {
			size[v] = int32(len(queue))
		}
	}
	return size
}

// lanes is the number of interleaved source sets a pass splits into: lane
// l takes sources l, l+lanes, l+2·lanes… in ascending order, and a lane
// that sums into shared totals sums into a slice of its own; the lanes are
// then added in lane order. The float sums thus come out bit for bit the
// same whatever the number of cores or the scheduling of the workers.
const lanes = 16

// checkEvery is how many sources a worker searches between looks at the
// context.
const checkEvery = 8

// parallelFrom is the fewest sources for which a pass starts workers; a
// smaller graph is answered before they would be running.
const parallelFrom = 256

// eachSource calls visit(w, l, src) for every source in [0, n), src in
// lane l, on up to GOMAXPROCS workers, each with its own scratch w from
// newWorker. It returns ctx.Err() if ctx ends first; the workers then stop
// within checkEvery sources.
func eachSource[W any](ctx context.Context, n int, newWorker func() W, visit func(w W, lane, src int)) error {
	nl := min(lanes, n)
	workers := 1
	if n >= parallelFrom {
		workers = min(runtime.GOMAXPROCS(0), nl)
	}
	var next atomic.Int32
	var wg sync.WaitGroup
	for range workers {
		wg.Go(func() {
			w := newWorker()
			for {
				l := int(next.Add(1) - 1)
				if l >= nl {
					return
				}
				for k, src := 0, l; src < n; k, src = k+1, src+nl {
					if k%checkEvery == 0 && ctx.Err() != nil {
						return
					}
					visit(w, l, src)
				}
			}
		})
	}
	wg.Wait()
	return ctx.Err()
}

// search is one worker's scratch space for single-source searches. Between
// sources only the entries of the actors reached are reset, so a source in
// a small component costs the size of its component, not n.
type search struct {
	dist  []int32 // hops from the source, -1 when not reached
	sigma []float64
	delta []float64
	order []int32 // actors in the order reached: the BFS queue
	dag   []arc   // Brandes: the shortest-path DAG, arcs in the order found
	hist  []int64 // hist[d]: actors (leaves included) d hops away
}

func newSearch(n int) *search {
	s := &search{dist: make([]int32, n), order: make([]int32, 0, n)}
	for i := range s.dist {
		s.dist[i] = -1
	}
	return s
}

// betweenness returns the betweenness of each actor of g, each unordered
// pair counted once. Trees are peeled off first, then Brandes runs on the
// weighted core.
func betweenness(ctx context.Context, g csr) ([]float64, error) {
	n := g.n()
	size := g.componentSizes()
	// Peel: a leaf x joins the tree of its one remaining partner p.
	// weight[v] is the size of the tree v carries (v included), sq[v] the
	// sum of the squared sizes of the subtrees peeled into v.
	deg := make([]int32, n)
	weight, sq := make([]float64, n), make([]float64, n)
	var queue []int32
	for u := range n {
		deg[u], weight[u] = g.degree(u), 1
		if deg[u] == 1 {
			queue = append(queue, int32(u))
		}
	}
	core := make([]bool, n)
	for i := range core {
		core[i] = true
	}
	for q := 0; q < len(queue); q++ {
		x := queue[q]
		if deg[x] != 1 {
			continue // its last partner was peeled into it: it roots its tree
		}
		core[x], deg[x] = false, 0
		for _, p := range g.partners(x) {
			if core[p] {
				weight[p] += weight[x]
				sq[p] += weight[x] * weight[x]
				if deg[p]--; deg[p] == 1 {
					queue = append(queue, p)
				}
				break
			}
		}
	}
	// Pairs whose paths run through v's tree edges: between two subtrees
	// peeled into v, and from one of them to the rest of v's component.
	bc := make([]float64, n)
	for v := range n {
		c := weight[v] - 1
		bc[v] = (c*c-sq[v])/2 + c*(float64(size[v])-weight[v])
	}
	// Pairs whose paths cross the core: Brandes from each core actor, a
	// target counting for the tree it carries, a source for its own.
	sub, orig := g.induced(core)
	w := make([]float64, len(orig))
	for i, u := range orig {
		w[i] = weight[u]
	}
	acc := make([][]float64, min(lanes, len(orig)))
	err := eachSource(ctx, len(orig), func() *search {
		s := newSearch(sub.n())
		s.sigma, s.delta = make([]float64, sub.n()), make([]float64, sub.n())
		return s
	}, func(s *search, lane, src int) {
		if acc[lane] == nil {
			acc[lane] = make([]float64, sub.n())
		}
		if sub.degree(src) > 0 {
			s.brandes(sub, w, int32(src), acc[lane])
		}
	})
	if err != nil {
		return nil, err
	}
	for _, a := range acc {
		for i, v := range a {
			bc[orig[i]] += v / 2
		}
	}
	return bc, nil
}

// brandes runs Brandes' single-source step from src, targets weighted by
// w, and adds w[src] times each actor's dependency to acc. Summed over
// every source, acc counts each unordered pair twice. The forward search
// records the arcs of the shortest-path DAG in the order it finds them, so
// the backward pass walks that list in reverse instead of rescanning every
// actor's partners.
func (s *search) brandes(g csr, w []float64, src int32, acc []float64) {
	dist, sigma, delta := s.dist, s.sigma, s.delta
	order, dag := append(s.order[:0], src), s.dag[:0]
	dist[src], sigma[src] = 0, 1
	for q := 0; q < len(order); q++ {
		u := order[q]
		du, su := dist[u]+1, sigma[u]
		for _, v := range g.partners(u) {
			dv := dist[v]
			if dv < 0 {
				dist[v], dv = du, du
				order = append(order, v)
			}
			if dv == du {
				sigma[v] += su
				dag = append(dag, arc{u, v})
			}
		}
	}
	// An arc u→v comes after every arc out of v's level is done with, so
	// delta[v] is complete when it is read.
	for i := len(dag) - 1; i >= 0; i-- {
		u, v := dag[i].from, dag[i].to
		delta[u] += sigma[u] / sigma[v] * (w[v] + delta[v])
	}
	ws := w[src]
	for _, v := range order[1:] {
		acc[v] += ws * delta[v]
	}
	for _, v := range order {
		dist[v], sigma[v], delta[v] = -1, 0, 0
	}
	s.order, s.dag = order, dag
}

// arc is an arc of a shortest-path DAG.
type arc struct{ from, to int32 }

// distanceSums holds, for every actor, sums over the actors it reaches.
type distanceSums struct {
	distSum  []int64   // sum of hops
	reached  []int64   // actors reached, the actor itself included
	harmonic []float64 // sum of 1/hops
}

// distances returns the distance sums of every actor of g. Leaves (one
// partner, who has others) are peeled off: the core is searched, each
// core actor counting its leaves one hop further, and a leaf's sums are
// derived from its partner's.
func distances(ctx context.Context, g csr) (distanceSums, error) {
	n := g.n()
	core, parent := make([]bool, n), make([]int32, n)
	leaves := make([]int64, n)
	for u := range n {
		core[u], parent[u] = true, -1
		if g.degree(u) == 1 {
			if p := g.partners(int32(u))[0]; g.degree(int(p)) > 1 {
				core[u], parent[u] = false, p
				leaves[p]++
			}
		}
	}
	sub, orig := g.induced(core)
	lf := make([]int64, len(orig))
	for i, u := range orig {
		lf[i] = leaves[u]
	}
	res := distanceSums{distSum: make([]int64, n), reached: make([]int64, n), harmonic: make([]float64, n)}
	// shifted[u] is core actor u's sum of 1/(hops+1), which is what a leaf
	// of u sums, but for the leaf itself.
	shifted := make([]float64, n)
	err := eachSource(ctx, len(orig), func() *search { return newSearch(sub.n()) }, func(s *search, _, src int) {
		u := orig[src]
		res.distSum[u], res.reached[u], res.harmonic[u], shifted[u] = s.levels(sub, lf, int32(src))
	})
	if err != nil {
		return distanceSums{}, err
	}
	for x, p := range parent {
		if p >= 0 {
			res.reached[x] = res.reached[p]
			res.distSum[x] = res.distSum[p] + res.reached[p] - 2
			res.harmonic[x] = shifted[p] - 0.5
		}
	}
	return res, nil
}

// levels runs a breadth-first search from src, each actor u reached
// counting lf[u] leaves one hop beyond it, and returns the sum of hops to
// the actors reached, their number (src included), the sum of 1/hops and
// the sum of 1/(hops+1). The sums run over the histogram of distances, so
// they are taken in one fixed order.
func (s *search) levels(g csr, lf []int64, src int32) (sum, reached int64, harmonic, shifted float64) {
	dist := s.dist
	order := append(s.order[:0], src)
	dist[src] = 0
	for q := 0; q < len(order); q++ {
		u := order[q]
		du := dist[u] + 1
		for _, v := range g.partners(u) {
			if dist[v] < 0 {
				dist[v] = du
				order = append(order, v)
			}
		}
	}
	depth := int(dist[order[len(order)-1]]) + 2
	if cap(s.hist) < depth {
		s.hist = make([]int64, depth)
	}
	hist := s.hist[:depth]
	clear(hist)
	for _, v := range order {
		hist[dist[v]]++
		hist[dist[v]+1] += lf[v]
		dist[v] = -1
	}
	s.order = order
	for d, k := range hist {
		reached += k
		sum += int64(d) * k
		if d > 0 {
			harmonic += float64(k) / float64(d)
		}
		shifted += float64(k) / float64(d+1)
	}
	return sum, reached, harmonic, shifted
}
