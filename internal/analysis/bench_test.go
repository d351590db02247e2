package analysis

import (
	"fmt"
	"testing"

	"gonum.org/v1/gonum/graph"
	"gonum.org/v1/gonum/graph/network"
	"gonum.org/v1/gonum/graph/traverse"
)

// benchSizes are sparse generated graphs: about two and a half exchanges
// per actor, as in the twin-town sample (17k actors, 25k exchanges; its
// own benchmark is in twintest).
var benchSizes = []struct {
	seed uint64
	n, m int
}{{31, 2_000, 5_000}, {32, 10_000, 25_000}, {33, 17_000, 25_000}}

func benchMeasure(b *testing.B, m Measure) {
	for _, sz := range benchSizes {
		b.Run(fmt.Sprintf("actors=%d/exchanges=%d", sz.n, sz.m), func(b *testing.B) {
			g := randomGraph(sz.seed, sz.n, sz.m)
			for b.Loop() {
				if _, err := Compute(g, m); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

func BenchmarkBetweenness(b *testing.B) { benchMeasure(b, MeasureBetweenness) }
func BenchmarkCloseness(b *testing.B)   { benchMeasure(b, MeasureCloseness) }
func BenchmarkHarmonic(b *testing.B)    { benchMeasure(b, MeasureHarmonic) }

// BenchmarkGonum times what the package computed before: gonum's Brandes
// and one gonum breadth-first walk per actor over the index's gonum view,
// on the smallest size (the larger take minutes).
func BenchmarkGonum(b *testing.B) {
	sz := benchSizes[0]
	g := randomGraph(sz.seed, sz.n, sz.m)
	name := fmt.Sprintf("actors=%d/exchanges=%d", sz.n, sz.m)
	b.Run("betweenness/"+name, func(b *testing.B) {
		for b.Loop() {
			network.Betweenness(hopGraph{newIndex(g)})
		}
	})
	b.Run("distances/"+name, func(b *testing.B) {
		for b.Loop() {
			hg := hopGraph{newIndex(g)}
			for i := range len(hg.ix.ids) {
				var bf traverse.BreadthFirst
				var sum int
				bf.Walk(hg, hg.Node(int64(i)), func(_ graph.Node, d int) bool {
					sum += d
					return false
				})
			}
		}
	})
}
