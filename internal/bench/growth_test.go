package bench

import (
	"bytes"
	"strings"
	"testing"
)

func TestGrowth(t *testing.T) {
	mk := func(size string, neo, peer, sqlite, floorP50, neoP50 float64) *Report {
		cells := []*Cell{
			{Target: "c2c-neo4j", Query: MixName, Concurrency: 16, Requests: 10, Throughput: neo, P99Ms: 100},
			{Target: "peer", Query: MixName, Concurrency: 16, Requests: 10, Throughput: peer, P99Ms: 400},
			{Target: "c2c-sqlite", Query: "point", Concurrency: 16, Requests: 10, Throughput: sqlite},
			{Target: "c2c-neo4j", Query: "point", Concurrency: 16, Requests: 10, Throughput: neo, P50Ms: neoP50},
			{Target: "floor", Query: "point", Concurrency: 16, Requests: 10, P50Ms: floorP50},
			{Target: "c2c-neo4j", Query: "point", Concurrency: 1, Requests: 0},
			{Target: "floor", Query: "point", Concurrency: 1, Requests: 5, P50Ms: 1},
		}
		return &Report{
			Size: Size{Name: size, Actors: 1, Exchanges: 2}, Concurrency: []int{1, 16},
			Queries: map[string]string{"point": "point lookup"},
			Results: &Results{Cells: cells, Mix: []string{"point"}},
		}
	}
	var buf bytes.Buffer
	Growth(&buf, []*Report{mk("S", 30, 10, 90, 2, 5), mk("M", 20, 10, 20, 4, 4)})
	out := buf.String()
	for _, want := range []string{
		"| figure | S (1 / 2) | M (1 / 2) |",
		"| mix, top concurrency: c2c-neo4j throughput / peer's (target ≥ 3×) | 3.00× | 2.00× |",
		"| mix, top concurrency: c2c-neo4j p99 / peer's (target ≤ 0.33×) | 0.25× | 0.25× |",
		"| embedded / Neo4j store, read throughput at top concurrency (target ≥ 2×) | 3.00× | 1.00× |",
		"| point: c2c-neo4j median / floor's, top concurrency | 2.50× | 1.00× |",
		// No successful c2c-neo4j request at one client: no ratio.
		"| point: c2c-neo4j median / floor's, lowest concurrency (target ≤ 1.25×) | – | – |",
		// No c2c-sqlite mix cell: no ratio.
		"| mix, top concurrency: c2c-sqlite throughput / peer's (target ≥ 3×) | – | – |",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("growth table lacks %q:\n%s", want, out)
		}
	}
}
