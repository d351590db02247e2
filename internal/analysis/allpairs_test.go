package analysis

import (
	"context"
	"errors"
	"fmt"
	"math"
	"runtime"
	"slices"
	"testing"
	"time"

	"github.com/c2c-project/c2c/internal/c2c"
	"gonum.org/v1/gonum/graph/network"
	"gonum.org/v1/gonum/graph/path"
	"gonum.org/v1/gonum/graph/simple"
)

// pairsGraph builds a subgraph of n actors joined by the given pairs, one
// exchange each.
func pairsGraph(n int, pairs [][2]int) *c2c.Subgraph {
	g := &c2c.Subgraph{}
	for i := range n {
		g.Nodes = append(g.Nodes, &c2c.Actor{ID: fmt.Sprintf("t%04d", i), Kind: c2c.ActorCity, Name: fmt.Sprint(i)})
	}
	for i, p := range pairs {
		g.Edges = append(g.Edges, &c2c.Exchange{ID: fmt.Sprintf("y%04d", i), SourceID: g.Nodes[p[0]].ID, TargetID: g.Nodes[p[1]].ID})
	}
	return g
}

// shapes are graphs whose trees, chains, pairs and isolated actors
// exercise the peeling, besides random ones of several densities.
func shapes() map[string]*c2c.Subgraph {
	out := map[string]*c2c.Subgraph{}
	var path, star, forest [][2]int
	for i := 1; i < 40; i++ {
		path = append(path, [2]int{i - 1, i})
		star = append(star, [2]int{0, i})
	}
	// A cycle with trees of several depths hung off it, a separate tree,
	// two lone pairs and isolated actors (60..63).
	for i := range 10 {
		forest = append(forest, [2]int{i, (i + 1) % 10})
	}
	forest = append(forest, [2]int{0, 10}, [2]int{10, 11}, [2]int{11, 12}, [2]int{10, 13}, [2]int{3, 14}, [2]int{3, 15}, [2]int{15, 16})
	for i := 21; i < 40; i++ {
		forest = append(forest, [2]int{20 + (i-20)/3, i})
	}
	forest = append(forest, [2]int{50, 51}, [2]int{52, 53})
	out["path"] = pairsGraph(40, path)
	out["star"] = pairsGraph(40, star)
	out["forest"] = pairsGraph(64, forest)
	for _, sz := range []struct {
		seed uint64
		n, m int
	}{{41, 60, 70}, {42, 200, 260}, {43, 300, 900}, {44, 400, 300}, {45, 500, 700}} {
		out[fmt.Sprintf("random %d/%d", sz.n, sz.m)] = randomGraph(sz.seed, sz.n, sz.m)
	}
	return out
}

// gonumGraph is g as gonum's undirected simple graph, numbered in id order,
// built without the package's index.
func gonumGraph(g *c2c.Subgraph) (*simple.UndirectedGraph, []string) {
	var ids []string
	for _, a := range g.Nodes {
		ids = append(ids, a.ID)
	}
	slices.Sort(ids)
	ug := simple.NewUndirectedGraph()
	for i := range ids {
		ug.AddNode(simple.Node(i))
	}
	for _, x := range g.Edges {
		u, _ := slices.BinarySearch(ids, x.SourceID)
		v, _ := slices.BinarySearch(ids, x.TargetID)
		if u != v {
			ug.SetEdge(simple.Edge{F: simple.Node(u), T: simple.Node(v)})
		}
	}
	return ug, ids
}

func TestCentralityAgreesWithGonum(t *testing.T) {
	for name, g := range shapes() {
		ug, ids := gonumGraph(g)
		bet := network.Betweenness(ug)
		sp := path.DijkstraAllPaths(ug)
		clo, har := network.Closeness(ug, sp), network.Harmonic(ug, sp)
		n := float64(len(ids))
		wantB, wantC, wantH := map[string]float64{}, map[string]float64{}, map[string]float64{}
		for i, id := range ids {
			// gonum sums betweenness over ordered pairs, and its closeness
			// is 1/Σd over the actors reached; scale to NetworkX's.
			wantB[id] = bet[int64(i)] / 2
			var r float64
			for j := range ids {
				if !math.IsInf(sp.Weight(int64(j), int64(i)), 1) {
					r++
				}
			}
			wantC[id], wantH[id] = 0, har[int64(i)]
			if r > 1 {
				wantC[id] = (r - 1) * (r - 1) / (n - 1) * clo[int64(i)]
			}
		}
		checkScores(t, name+" betweenness", wantB, Betweenness(g), 1e-9)
		checkScores(t, name+" closeness", wantC, Closeness(g), 1e-9)
		checkScores(t, name+" harmonic", wantH, Harmonic(g), 1e-9)
		for _, c := range Centralities(g) {
			if !near(c.Betweenness, wantB[c.ActorID], 1e-9) || !near(c.Closeness, wantC[c.ActorID], 1e-9) || !near(c.Harmonic, wantH[c.ActorID], 1e-9) {
				t.Errorf("%s: centralities row %+v, gonum %v %v %v", name, c, wantB[c.ActorID], wantC[c.ActorID], wantH[c.ActorID])
			}
		}
	}
}

// TestAllPairsBitIdentical runs the passes on one core and on several:
// the sums must agree to the last bit, not merely after rounding.
func TestAllPairsBitIdentical(t *testing.T) {
	g := randomGraph(46, 1200, 2400)
	adj := newCSR(newIndex(g))
	run := func(procs int) ([]float64, distanceSums) {
		defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(procs))
		b, err := betweenness(context.Background(), adj)
		if err != nil {
			t.Fatal(err)
		}
		ds, err := distances(context.Background(), adj)
		if err != nil {
			t.Fatal(err)
		}
		return b, ds
	}
	b1, d1 := run(1)
	for _, procs := range []int{2, 3, 8} {
		b, d := run(procs)
		for i := range b1 {
			if math.Float64bits(b[i]) != math.Float64bits(b1[i]) || math.Float64bits(d.harmonic[i]) != math.Float64bits(d1.harmonic[i]) ||
				d.distSum[i] != d1.distSum[i] || d.reached[i] != d1.reached[i] {
				t.Fatalf("GOMAXPROCS=%d: actor %d gives %v/%v/%d, on one core %v/%v/%d", procs, i,
					b[i], d.harmonic[i], d.distSum[i], b1[i], d1.harmonic[i], d1.distSum[i])
			}
		}
	}
}

func TestAllPairsStopWithContext(t *testing.T) {
	g := randomGraph(47, 3000, 7500)
	cancelled, cancel := context.WithCancel(context.Background())
	cancel()
	for _, m := range []Measure{MeasureBetweenness, MeasureCloseness, MeasureHarmonic} {
		s, err := ComputeContext(cancelled, g, m)
		if !errors.Is(err, context.Canceled) || s != nil {
			t.Errorf("%s on a cancelled context: %d scores, error %v; want none and context.Canceled", m, len(s), err)
		}
	}
	if _, err := CentralitiesContext(cancelled, g); !errors.Is(err, context.Canceled) {
		t.Errorf("centralities on a cancelled context: %v, want context.Canceled", err)
	}
	// A deadline that passes mid-run stops the work well before its end.
	start := time.Now()
	if _, err := BetweennessContext(context.Background(), g); err != nil {
		t.Fatal(err)
	}
	full := time.Since(start)
	ctx, stop := context.WithTimeout(context.Background(), full/20)
	defer stop()
	start = time.Now()
	_, err := BetweennessContext(ctx, g)
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("betweenness past its deadline: %v, want context.DeadlineExceeded", err)
	}
	if took := time.Since(start); took > full/2 {
		t.Errorf("betweenness ran %v past a deadline of %v (a full run takes %v)", took, full/20, full)
	}
	// Measures that take no time to speak of ignore the context.
	if _, err := ComputeContext(cancelled, g, MeasureDegree); err != nil {
		t.Errorf("degree on a cancelled context: %v", err)
	}
}
