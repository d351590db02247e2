package analysis

import (
	"cmp"
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"strconv"
	"strings"

	"github.com/c2c-project/c2c/internal/c2c"
	"gonum.org/v1/gonum/graph"
	"gonum.org/v1/gonum/graph/community"
	"gonum.org/v1/gonum/graph/topo"
)

// Scores maps actor ids to the value of a measure. Every actor of the
// subgraph has an entry.
type Scores map[string]float64

// Score is one actor's value of a measure.
type Score struct {
	ActorID string
	Value   float64
}

// TopK returns the k highest scores, ties broken by ascending actor id; all
// of them, sorted, when k <= 0 or k exceeds their number.
func TopK(s Scores, k int) []Score {
	out := make([]Score, 0, len(s))
	for id, v := range s {
		out = append(out, Score{id, v})
	}
	slices.SortFunc(out, func(a, b Score) int {
		return cmp.Or(cmp.Compare(b.Value, a.Value), strings.Compare(a.ActorID, b.ActorID))
	})
	if k > 0 && k < len(out) {
		out = out[:k]
	}
	return out
}

// stable rounds x to 12 significant digits, so that sums taken in another
// order, which differ in the last bits, compare equal and ties fall to ids.
func stable(x float64) float64 {
	if x == 0 || math.IsInf(x, 0) || math.IsNaN(x) {
		return x
	}
	v, _ := strconv.ParseFloat(strconv.FormatFloat(x, 'g', 12, 64), 64)
	return v
}

func (ix *index) scores(f func(i int) float64) Scores {
	s := make(Scores, len(ix.ids))
	for i, id := range ix.ids {
		s[id] = stable(f(i))
	}
	return s
}

// Degree returns the number of distinct partners of each actor (direction
// ignored).
func Degree(g *c2c.Subgraph) Scores {
	ix := newIndex(g)
	return ix.scores(func(i int) float64 { return float64(len(ix.nbr[i])) })
}

// WeightedDegree returns the number of exchanges each actor takes part in:
// its degree with each partner weighted by the exchanges between them.
func WeightedDegree(g *c2c.Subgraph) Scores {
	ix := newIndex(g)
	return ix.scores(func(i int) float64 {
		var w float64
		for _, j := range ix.nbr[i] {
			w += ix.weight(i, j)
		}
		return w
	})
}

// Betweenness returns the shortest-path betweenness of each actor on the
// undirected simple graph (parallel exchanges count once), unnormalised,
// each unordered pair of endpoints counted once: the value NetworkX gives
// with normalized=False. It is Brandes' algorithm, one breadth-first
// search per actor, checked against gonum's network.Betweenness.
func Betweenness(g *c2c.Subgraph) Scores {
	s, _ := BetweennessContext(context.Background(), g)
	return s
}

// BetweennessContext is Betweenness that stops when ctx ends: it then
// returns ctx.Err() wrapped, and no scores.
func BetweennessContext(ctx context.Context, g *c2c.Subgraph) (Scores, error) {
	ix := newIndex(g)
	b, err := betweenness(ctx, newCSR(ix))
	if err != nil {
		return nil, fmt.Errorf("betweenness: %w", err)
	}
	return ix.scores(func(i int) float64 { return b[i] }), nil
}

// Closeness returns the closeness centrality of each actor in hops on the
// undirected simple graph. A graph split into components is handled as
// NetworkX does by default (Wasserman and Faust): with r the number of
// actors u reaches (itself included) and n the number of actors,
//
//	C(u) = (r-1)/(n-1) · (r-1)/Σ d(u,v)
//
// so an actor of a small component does not score as if central; an
// isolated actor scores 0. Harmonic gives the other usual answer.
func Closeness(g *c2c.Subgraph) Scores {
	s, _ := ClosenessContext(context.Background(), g)
	return s
}

// ClosenessContext is Closeness that stops when ctx ends: it then returns
// ctx.Err() wrapped, and no scores.
func ClosenessContext(ctx context.Context, g *c2c.Subgraph) (Scores, error) {
	ix := newIndex(g)
	ds, err := distances(ctx, newCSR(ix))
	if err != nil {
		return nil, fmt.Errorf("closeness: %w", err)
	}
	return ix.scores(ds.closeness), nil
}

// closeness is the Wasserman-Faust closeness of actor i.
func (ds distanceSums) closeness(i int) float64 {
	if ds.distSum[i] == 0 {
		return 0
	}
	n, r := float64(len(ds.distSum)), float64(ds.reached[i])
	return (r - 1) / (n - 1) * (r - 1) / float64(ds.distSum[i])
}

// Harmonic returns the harmonic centrality of each actor: the sum of
// 1/d(u,v) over the other actors, 0 for those out of reach.
func Harmonic(g *c2c.Subgraph) Scores {
	s, _ := HarmonicContext(context.Background(), g)
	return s
}

// HarmonicContext is Harmonic that stops when ctx ends: it then returns
// ctx.Err() wrapped, and no scores.
func HarmonicContext(ctx context.Context, g *c2c.Subgraph) (Scores, error) {
	ix := newIndex(g)
	ds, err := distances(ctx, newCSR(ix))
	if err != nil {
		return nil, fmt.Errorf("harmonic: %w", err)
	}
	return ix.scores(func(i int) float64 { return ds.harmonic[i] }), nil
}

// PageRank damping and convergence.
const (
	Damping    = 0.85
	Tolerance  = 1e-10 // L1 change between iterations at which PageRank stops
	maxPRIters = 1000
)

// PageRank returns the PageRank of each actor on the undirected graph
// (each pair of partners links both ways) weighted by the number of
// exchanges between them, damping 0.85, scores summing to 1. Actors
// without partners spread their rank over all actors. This is NetworkX's
// pagerank on the weighted graph. It is written here rather than taken from
// gonum, whose PageRank starts from a vector drawn from the global random
// source and so differs in the last digits from run to run.
func PageRank(g *c2c.Subgraph) Scores {
	s, _ := PageRankContext(context.Background(), g)
	return s
}

// PageRankContext is PageRank that stops when ctx ends: it then returns
// ctx.Err() wrapped, and no scores.
func PageRankContext(ctx context.Context, g *c2c.Subgraph) (Scores, error) {
	return withStop(ctx, "pagerank", func(s *stopper) (Scores, error) { return pageRank(g, s), nil })
}

func pageRank(g *c2c.Subgraph, s *stopper) Scores {
	ix := newIndex(g)
	n := len(ix.ids)
	if n == 0 {
		return Scores{}
	}
	strength := make([]float64, n)
	for i := range n {
		for _, j := range ix.nbr[i] {
			strength[i] += ix.weight(i, j)
		}
	}
	rank := make([]float64, n)
	for i := range rank {
		rank[i] = 1 / float64(n)
	}
	next := make([]float64, n)
	for range maxPRIters {
		var dangling float64
		for i := range n {
			if strength[i] == 0 {
				dangling += rank[i]
			}
		}
		base := (1-Damping)/float64(n) + Damping*dangling/float64(n)
		var diff float64
		for j := range n {
			s.tick()
			v := base
			for _, i := range ix.nbr[j] {
				v += Damping * rank[i] * ix.weight(i, j) / strength[i]
			}
			next[j] = v
			diff += math.Abs(v - rank[j])
		}
		rank, next = next, rank
		if diff < Tolerance {
			break
		}
	}
	return ix.scores(func(i int) float64 { return rank[i] })
}

// Components returns the connected components (direction ignored), each
// sorted by id, largest first, then by first id. Computed by gonum's
// topo.ConnectedComponents.
func Components(g *c2c.Subgraph) [][]string {
	cs, _ := ComponentsContext(context.Background(), g)
	return cs
}

// ComponentsContext is Components that stops when ctx ends: it then
// returns ctx.Err() wrapped, and no components.
func ComponentsContext(ctx context.Context, g *c2c.Subgraph) ([][]string, error) {
	return withStop(ctx, "components", func(s *stopper) ([][]string, error) {
		ix := newIndex(g)
		return ix.groups(topo.ConnectedComponents(stoppingGraph{weightedGraph{hopGraph{ix}}, s})), nil
	})
}

func (ix *index) groups(cs [][]graph.Node) [][]string {
	out := make([][]string, 0, len(cs))
	for _, c := range cs {
		ids := make([]string, len(c))
		for i, n := range c {
			ids[i] = ix.ids[n.ID()]
		}
		slices.Sort(ids)
		out = append(out, ids)
	}
	slices.SortFunc(out, func(a, b []string) int {
		return cmp.Or(cmp.Compare(len(b), len(a)), strings.Compare(a[0], b[0]))
	})
	return out
}

// CommunitySeed seeds the random source of community detection, so that
// the same subgraph always gives the same communities.
const CommunitySeed = 20130728

// Communities is a partition of the actors.
type Communities struct {
	// Groups holds the communities, each sorted by id, largest first, then
	// by first id.
	Groups [][]string
	// Of maps each actor id to its community's index in Groups.
	Of map[string]int
	// Modularity is the modularity Q of the partition at resolution 1.
	Modularity float64
}

// DetectCommunities partitions the actors by the Louvain method (gonum's
// community.Modularize at resolution 1, with a random source seeded by
// CommunitySeed) on the undirected graph weighted by the number of
// exchanges between partners. An actor without partners is a community of
// its own.
func DetectCommunities(g *c2c.Subgraph) Communities {
	cs, _ := DetectCommunitiesContext(context.Background(), g)
	return cs
}

// DetectCommunitiesContext is DetectCommunities that stops when ctx ends
// (gonum's Louvain is stopped through the graph and the random source it
// reads, which give it the same answers): it then returns ctx.Err()
// wrapped, and no communities.
func DetectCommunitiesContext(ctx context.Context, g *c2c.Subgraph) (Communities, error) {
	return withStop(ctx, "communities", func(s *stopper) (Communities, error) { return detectCommunities(g, s), nil })
}

func detectCommunities(g *c2c.Subgraph, s *stopper) Communities {
	ix := newIndex(g)
	res := Communities{Of: map[string]int{}}
	if len(ix.ids) == 0 {
		return res
	}
	wg := stoppingGraph{weightedGraph{hopGraph{ix}}, s}
	reduced := community.Modularize(wg, 1, stoppingSource{rand.NewPCG(CommunitySeed, 0), s})
	comms := reduced.Communities()
	res.Groups = ix.groups(comms)
	for i, grp := range res.Groups {
		for _, id := range grp {
			res.Of[id] = i
		}
	}
	if len(g.Edges) > 0 {
		res.Modularity = stable(community.Q(wg, comms, 1))
	}
	return res
}

// Centrality gathers every measure for one actor.
type Centrality struct {
	ActorID        string
	Degree         int
	WeightedDegree int
	Betweenness    float64
	Closeness      float64
	Harmonic       float64
	PageRank       float64
	// Component is the index of the actor's component in Components.
	Component int
}

// Centralities returns every measure for every actor, ordered by id.
func Centralities(g *c2c.Subgraph) []Centrality {
	cs, _ := CentralitiesContext(context.Background(), g)
	return cs
}

// CentralitiesContext is Centralities that stops when ctx ends: it then
// returns ctx.Err() wrapped, and no rows. Betweenness, closeness and
// harmonic share one layout of the subgraph.
func CentralitiesContext(ctx context.Context, g *c2c.Subgraph) ([]Centrality, error) {
	ix := newIndex(g)
	adj := newCSR(ix)
	b, err := betweenness(ctx, adj)
	if err != nil {
		return nil, fmt.Errorf("centralities: %w", err)
	}
	ds, err := distances(ctx, adj)
	if err != nil {
		return nil, fmt.Errorf("centralities: %w", err)
	}
	deg, wdeg, pr := Degree(g), WeightedDegree(g), PageRank(g)
	bet := ix.scores(func(i int) float64 { return b[i] })
	clo := ix.scores(ds.closeness)
	har := ix.scores(func(i int) float64 { return ds.harmonic[i] })
	comp := map[string]int{}
	for i, c := range Components(g) {
		for _, id := range c {
			comp[id] = i
		}
	}
	out := make([]Centrality, len(ix.ids))
	for i, id := range ix.ids {
		out[i] = Centrality{
			ActorID: id, Degree: int(deg[id]), WeightedDegree: int(wdeg[id]),
			Betweenness: bet[id], Closeness: clo[id], Harmonic: har[id], PageRank: pr[id],
			Component: comp[id],
		}
	}
	return out, nil
}

// Measure names one centrality measure.
type Measure string

// The measures.
const (
	MeasureDegree         Measure = "DEGREE"
	MeasureWeightedDegree Measure = "WEIGHTED_DEGREE"
	MeasureBetweenness    Measure = "BETWEENNESS"
	MeasureCloseness      Measure = "CLOSENESS"
	MeasureHarmonic       Measure = "HARMONIC"
	MeasurePageRank       Measure = "PAGERANK"
)

// Measures lists every measure.
var Measures = []Measure{MeasureDegree, MeasureWeightedDegree, MeasureBetweenness, MeasureCloseness, MeasureHarmonic, MeasurePageRank}

// Compute returns the scores of measure m; KindInvalid naming "measure" for
// an unknown one.
func Compute(g *c2c.Subgraph, m Measure) (Scores, error) {
	return ComputeContext(context.Background(), g, m)
}

// ComputeContext is Compute that stops when ctx ends (PageRank and the
// all-pairs measures, betweenness, closeness and harmonic; degrees take
// one pass): it then returns ctx.Err() wrapped.
func ComputeContext(ctx context.Context, g *c2c.Subgraph, m Measure) (Scores, error) {
	switch m {
	case MeasureDegree:
		return Degree(g), nil
	case MeasureWeightedDegree:
		return WeightedDegree(g), nil
	case MeasureBetweenness:
		return BetweennessContext(ctx, g)
	case MeasureCloseness:
		return ClosenessContext(ctx, g)
	case MeasureHarmonic:
		return HarmonicContext(ctx, g)
	case MeasurePageRank:
		return PageRankContext(ctx, g)
	}
	return nil, c2c.Invalid("measure", "%q is not one of DEGREE, WEIGHTED_DEGREE, BETWEENNESS, CLOSENESS, HARMONIC, PAGERANK", m)
}
