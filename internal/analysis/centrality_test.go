package analysis

import (
	"fmt"
	"math"
	"slices"
	"strings"
	"testing"

	"github.com/c2c-project/c2c/internal/c2c"
	"github.com/google/go-cmp/cmp"
	"gonum.org/v1/gonum/graph/network"
	"gonum.org/v1/gonum/graph/simple"
)

func near(a, b, tol float64) bool { return math.Abs(a-b) <= tol*math.Max(1, math.Abs(b)) }

func checkScores(t *testing.T, name string, want map[string]float64, got Scores, tol float64) {
	t.Helper()
	if len(want) != len(got) {
		t.Fatalf("%s: %d scores, want %d", name, len(got), len(want))
	}
	for id, w := range want {
		if g, ok := got[id]; !ok || !near(g, w, tol) {
			t.Errorf("%s: %s = %v, want %v", name, id, g, w)
		}
	}
}

func TestDegreeByCounting(t *testing.T) {
	for _, sz := range sizes {
		g := randomGraph(sz.seed, sz.n, sz.m)
		deg, wdeg := map[string]float64{}, map[string]float64{}
		partners := map[string]map[string]bool{}
		for _, a := range g.Nodes {
			deg[a.ID], wdeg[a.ID] = 0, 0
			partners[a.ID] = map[string]bool{}
		}
		for _, x := range g.Edges {
			wdeg[x.SourceID]++
			wdeg[x.TargetID]++
			partners[x.SourceID][x.TargetID] = true
			partners[x.TargetID][x.SourceID] = true
		}
		for id, p := range partners {
			deg[id] = float64(len(p))
		}
		checkScores(t, "degree", deg, Degree(g), 0)
		checkScores(t, "weighted degree", wdeg, WeightedDegree(g), 0)
	}
}

// bruteBetweenness sums, over unordered pairs, the share of shortest paths
// through each interior actor, by enumerating the paths.
func bruteBetweenness(g *c2c.Subgraph) map[string]float64 {
	r := newRef(g, false)
	b := map[string]float64{}
	for _, id := range r.nodes {
		b[id] = 0
	}
	for i, s := range r.nodes {
		d := r.bfs(s)
		for _, tt := range r.nodes[i+1:] {
			dist, ok := d[tt]
			if !ok {
				continue
			}
			var shortest [][]string
			for _, p := range r.simplePaths(s, tt, dist) {
				if len(p)-1 == dist {
					shortest = append(shortest, p)
				}
			}
			for _, p := range shortest {
				for _, v := range p[1 : len(p)-1] {
					b[v] += 1 / float64(len(shortest))
				}
			}
		}
	}
	return b
}

func TestBetweennessByEnumeration(t *testing.T) {
	for _, sz := range sizes {
		g := randomGraph(sz.seed, sz.n, sz.m)
		checkScores(t, fmt.Sprintf("betweenness seed %d", sz.seed), bruteBetweenness(g), Betweenness(shuffled(g, 3)), 1e-9)
	}
	checkScores(t, "betweenness hand graph", bruteBetweenness(handGraph()), Betweenness(handGraph()), 1e-9)
}

func TestClosenessAndHarmonicByBFS(t *testing.T) {
	for _, sz := range sizes {
		g := randomGraph(sz.seed, sz.n, sz.m)
		r := newRef(g, false)
		n := float64(len(r.nodes))
		clo, har := map[string]float64{}, map[string]float64{}
		for _, s := range r.nodes {
			var sum, h float64
			d := r.bfs(s)
			for _, k := range d {
				if k > 0 {
					sum += float64(k)
					h += 1 / float64(k)
				}
			}
			reach := float64(len(d))
			clo[s], har[s] = 0, h
			if sum > 0 {
				clo[s] = (reach - 1) / (n - 1) * (reach - 1) / sum
			}
		}
		checkScores(t, "closeness", clo, Closeness(g), 1e-9)
		checkScores(t, "harmonic", har, Harmonic(g), 1e-9)
	}
}

func TestPageRankAgreesWithGonum(t *testing.T) {
	for _, sz := range sizes {
		g := randomGraph(sz.seed, sz.n, sz.m)
		// gonum's PageRank on its own weighted digraph: each pair linked
		// both ways, weighted by its number of exchanges.
		dg := simple.NewWeightedDirectedGraph(0, 0)
		num := map[string]int64{}
		for i, a := range g.Nodes {
			num[a.ID] = int64(i)
			dg.AddNode(simple.Node(i))
		}
		w := map[[2]int64]float64{}
		for _, x := range g.Edges {
			u, v := num[x.SourceID], num[x.TargetID]
			w[[2]int64{u, v}]++
			w[[2]int64{v, u}]++
		}
		for k, wt := range w {
			dg.SetWeightedEdge(dg.NewWeightedEdge(simple.Node(k[0]), simple.Node(k[1]), wt))
		}
		pr := network.PageRankSparse(dg, Damping, 1e-12)
		want := map[string]float64{}
		var sum float64
		for id, i := range num {
			want[id] = pr[i]
			sum += pr[i]
		}
		for id := range want {
			want[id] /= sum
		}
		got := PageRank(g)
		checkScores(t, fmt.Sprintf("pagerank seed %d", sz.seed), want, got, 1e-6)
		var total float64
		for _, v := range got {
			total += v
		}
		if !near(total, 1, 1e-9) {
			t.Errorf("pagerank sums to %v", total)
		}
	}
}

// find is union-find's lookup with path halving.
func find(parent map[string]string, x string) string {
	for parent[x] != x {
		parent[x] = parent[parent[x]]
		x = parent[x]
	}
	return x
}

func TestComponentsByUnionFind(t *testing.T) {
	for _, sz := range append(sizes, struct {
		seed uint64
		n, m int
	}{7, 30, 12}) {
		g := randomGraph(sz.seed, sz.n, sz.m)
		parent := map[string]string{}
		for _, a := range g.Nodes {
			parent[a.ID] = a.ID
		}
		for _, x := range g.Edges {
			parent[find(parent, x.SourceID)] = find(parent, x.TargetID)
		}
		groups := map[string][]string{}
		for _, a := range g.Nodes {
			root := find(parent, a.ID)
			groups[root] = append(groups[root], a.ID)
		}
		var want [][]string
		for _, grp := range groups {
			slices.Sort(grp)
			want = append(want, grp)
		}
		slices.SortFunc(want, func(a, b []string) int {
			if len(a) != len(b) {
				return len(b) - len(a)
			}
			return strings.Compare(a[0], b[0])
		})
		if diff := cmp.Diff(want, Components(shuffled(g, 5))); diff != "" {
			t.Errorf("seed %d components (-want +got):\n%s", sz.seed, diff)
		}
	}
}

// modularity computes Q of a partition from its definition:
// Q = 1/2m Σ_ij [A_ij - k_i k_j / 2m] δ(c_i, c_j), A weighted by exchanges.
func modularity(g *c2c.Subgraph, of map[string]int) float64 {
	a := map[[2]string]float64{}
	k := map[string]float64{}
	var m float64
	for _, x := range g.Edges {
		a[[2]string{x.SourceID, x.TargetID}]++
		a[[2]string{x.TargetID, x.SourceID}]++
		k[x.SourceID]++
		k[x.TargetID]++
		m++
	}
	var q float64
	for _, i := range g.Nodes {
		for _, j := range g.Nodes {
			if of[i.ID] == of[j.ID] {
				q += a[[2]string{i.ID, j.ID}] - k[i.ID]*k[j.ID]/(2*m)
			}
		}
	}
	return q / (2 * m)
}

func TestCommunitiesDeterministicAndConsistent(t *testing.T) {
	for _, sz := range sizes {
		g := randomGraph(sz.seed, sz.n, sz.m)
		c := DetectCommunities(g)
		for i := range 3 {
			if diff := cmp.Diff(c, DetectCommunities(shuffled(g, uint64(i)))); diff != "" {
				t.Fatalf("seed %d: communities change with input order (-first +again):\n%s", sz.seed, diff)
			}
		}
		seen := map[string]bool{}
		for i, grp := range c.Groups {
			for _, id := range grp {
				if seen[id] || c.Of[id] != i {
					t.Fatalf("seed %d: %s misplaced", sz.seed, id)
				}
				seen[id] = true
			}
		}
		if got, want := len(seen), len(g.Nodes); got != want {
			t.Errorf("seed %d: %d actors in communities, want %d", sz.seed, got, want)
		}
		if q := modularity(g, c.Of); !near(c.Modularity, q, 1e-9) {
			t.Errorf("seed %d: modularity %v, want %v", sz.seed, c.Modularity, q)
		}
		if c.Modularity < 0 {
			t.Errorf("seed %d: modularity %v below that of the trivial partition", sz.seed, c.Modularity)
		}
	}
}

func TestHandGraphCommunitiesSplitComponents(t *testing.T) {
	g := handGraph()
	g.Edges = slices.DeleteFunc(slices.Clone(g.Edges), func(x *c2c.Exchange) bool { return x.ID == "e9" || x.ID == "e10" || x.ID == "e7" })
	c := DetectCommunities(g)
	comps := Components(g)
	if got, want := len(comps), 3; got != want {
		t.Fatalf("%d components, want %d: %v", got, want, comps)
	}
	// Louvain never puts actors of two components in one community.
	compOf := map[string]int{}
	for i, comp := range comps {
		for _, id := range comp {
			compOf[id] = i
		}
	}
	for _, grp := range c.Groups {
		for _, id := range grp {
			if compOf[id] != compOf[grp[0]] {
				t.Errorf("community %v spans components", grp)
			}
		}
	}
}

func TestTopKTiesByID(t *testing.T) {
	s := Scores{"b": 2, "a": 2, "c": 3, "d": 1}
	if diff := cmp.Diff([]Score{{"c", 3}, {"a", 2}, {"b", 2}}, TopK(s, 3)); diff != "" {
		t.Errorf("TopK (-want +got):\n%s", diff)
	}
	if got, want := len(TopK(s, 0)), 4; got != want {
		t.Errorf("TopK(0) gave %d, want %d", got, want)
	}
	// Equal betweenness in a symmetric graph must come out by id every run.
	g := randomGraph(2, 8, 12)
	first := TopK(Betweenness(g), 5)
	for i := range 5 {
		if diff := cmp.Diff(first, TopK(Betweenness(shuffled(g, uint64(i))), 5)); diff != "" {
			t.Fatalf("TopK changes with input order:\n%s", diff)
		}
	}
}

func TestCentralitiesGathersMeasures(t *testing.T) {
	g := handGraph()
	cs := Centralities(g)
	deg, pr := Degree(g), PageRank(g)
	if got, want := len(cs), len(g.Nodes); got != want {
		t.Fatalf("%d rows, want %d", got, want)
	}
	for i, c := range cs {
		if i > 0 && cs[i-1].ActorID >= c.ActorID {
			t.Errorf("rows out of id order at %s", c.ActorID)
		}
		if c.Degree != int(deg[c.ActorID]) || c.PageRank != pr[c.ActorID] {
			t.Errorf("%s: row %+v disagrees with Degree/PageRank", c.ActorID, c)
		}
	}
	for _, m := range Measures {
		if _, err := Compute(g, m); err != nil {
			t.Errorf("%s: %v", m, err)
		}
	}
	if _, err := Compute(g, "FAME"); c2c.KindOf(err) != c2c.KindInvalid {
		t.Errorf("unknown measure: %v, want KindInvalid", err)
	}
}
