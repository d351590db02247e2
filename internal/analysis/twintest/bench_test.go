package twintest_test

import (
	"testing"

	"github.com/c2c-project/c2c/internal/analysis"
)

// BenchmarkTwinTowns times the all-pairs measures on the whole twin-town
// graph (about 17,100 actors and 25,000 exchanges; a largest component of
// 13,600 actors): the size graph.DefaultMaxPairWork is set to admit.
func BenchmarkTwinTowns(b *testing.B) {
	g := mustTwinGraph(b)
	b.Logf("twin towns: %d actors, %d exchanges", len(g.Nodes), len(g.Edges))
	for _, m := range []analysis.Measure{analysis.MeasureBetweenness, analysis.MeasureCloseness, analysis.MeasureHarmonic} {
		b.Run(string(m), func(b *testing.B) {
			for b.Loop() {
				if _, err := analysis.Compute(g, m); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
	b.Run("centralities", func(b *testing.B) {
		for b.Loop() {
			analysis.Centralities(g)
		}
	})
}
