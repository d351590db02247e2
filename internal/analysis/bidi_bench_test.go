package analysis_test

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strconv"
	"testing"
	"time"

	"github.com/c2c-project/c2c/internal/analysis"
	"github.com/c2c-project/c2c/internal/bench"
	"github.com/c2c-project/c2c/internal/c2c"
	"github.com/c2c-project/c2c/internal/graphmem"
	"github.com/c2c-project/c2c/internal/store/sqlitestore"
)

// benchTheme selects a sparse subgraph of the size-M benchmark graph
// (about 10,000 of its 200,000 exchanges) whose large component is more
// than 20 hops across: the whole graph, with its hubs, is 5 hops across,
// so a 12-hop shortest path exists only under a filter like this one.
const benchTheme = "migration"

// BenchmarkShortest12Hops times one SHORTEST question between two actors
// 12 hops apart in the size-M benchmark graph (seed 1, as bench/run.sh
// generates it) under themesAny [migration]: "memory" searches an
// Expander of the filtered subgraph built once, as the in-process graph
// hands it over; "sqlite/store" searches through Store.Adjacent of an
// embedded store holding the graph (a round trip per layer) and
// "sqlite/graphmem" through the in-process graph built from that store,
// when C2C_BENCH_M_SQLITE names its data folder (c2cbench gen -size M
// -data-dir DIR). Each reports the median and the 90th percentile of its
// iterations beside the mean.
//
//	go test -run '^$' -bench Shortest12Hops -benchtime 200x ./internal/analysis/
func BenchmarkShortest12Hops(b *testing.B) {
	sz, err := bench.SizeByName("M")
	if err != nil {
		b.Fatal(err)
	}
	gen := bench.NewGenerator(1, sz)
	g := &c2c.Subgraph{}
	ends := map[string]bool{}
	for i := range sz.Exchanges {
		x := gen.Exchange(i)
		if slices.Contains(x.Themes, benchTheme) {
			g.Edges = append(g.Edges, &x)
			ends[x.SourceID], ends[x.TargetID] = true, true
		}
	}
	for id := range ends {
		a := gen.Actor(actorIndex(b, id))
		g.Nodes = append(g.Nodes, &a)
	}
	from, to := pairAt(g, 12)
	if from == "" {
		b.Fatalf("no pair 12 hops apart under themesAny [%s]", benchTheme)
	}
	run := func(b *testing.B, expand analysis.Expander) {
		res, err := analysis.SearchShortest(b.Context(), expand, from, to, analysis.PathOptions{Limit: 1}, 0)
		if err != nil || res.Hops != 12 {
			b.Fatalf("%s→%s: %+v, %v; want 12 hops", from, to, res, err)
		}
		b.Logf("%d exchanges under the filter; %s→%s: %d hops, %v shortest paths", len(g.Edges), from, to, res.Hops, res.Count)
		var took []time.Duration
		b.ResetTimer()
		for b.Loop() {
			start := time.Now()
			if _, err := analysis.SearchShortest(b.Context(), expand, from, to, analysis.PathOptions{Limit: 1}, 0); err != nil {
				b.Fatal(err)
			}
			took = append(took, time.Since(start))
		}
		sort.Slice(took, func(i, j int) bool { return took[i] < took[j] })
		b.ReportMetric(float64(took[len(took)/2].Microseconds())/1000, "ms-median")
		b.ReportMetric(float64(took[len(took)*9/10].Microseconds())/1000, "ms-p90")
	}
	b.Run("memory", func(b *testing.B) { run(b, analysis.SubgraphExpander(g)) })
	b.Run("sqlite", func(b *testing.B) {
		dir := os.Getenv("C2C_BENCH_M_SQLITE")
		if dir == "" {
			b.Skip("C2C_BENCH_M_SQLITE is not set: no size-M embedded store to search")
		}
		s, err := sqlitestore.Open(b.Context(), filepath.Join(dir, "c2c.db"))
		if err != nil {
			b.Fatal(err)
		}
		defer s.Close()
		f := c2c.ExchangeFilter{ThemesAny: []string{benchTheme}}
		b.Run("store", func(b *testing.B) {
			run(b, func(ctx context.Context, ids []string) (map[string][]c2c.Adjacency, error) {
				return s.Adjacent(ctx, ids, f)
			})
		})
		// The in-process graph built from that store: its CSR adjacency
		// with the filter evaluated on its columns, as c2c serve answers.
		g, err := graphmem.New(b.Context(), s, nil)
		if err != nil {
			b.Fatal(err)
		}
		b.Run("graphmem", func(b *testing.B) {
			run(b, func(_ context.Context, ids []string) (map[string][]c2c.Adjacency, error) {
				return g.Snapshot().Adjacent(ids, f)
			})
		})
	})
}

// actorIndex returns the generator's index of a benchmark actor id.
func actorIndex(b *testing.B, id string) int {
	n, err := strconv.Atoi(id[1:])
	if err != nil || bench.ActorID(n) != id {
		b.Fatalf("actor id %q is not the generator's", id)
	}
	return n
}

// pairAt returns two actors hops apart in g (undirected): the farthest
// actor from the lowest id, and the lowest id at that distance from it.
func pairAt(g *c2c.Subgraph, hops int) (string, string) {
	adj := map[string][]string{}
	for _, x := range g.Edges {
		adj[x.SourceID] = append(adj[x.SourceID], x.TargetID)
		adj[x.TargetID] = append(adj[x.TargetID], x.SourceID)
	}
	bfs := func(s string) map[string]int {
		d := map[string]int{s: 0}
		q := []string{s}
		for len(q) > 0 {
			u := q[0]
			q = q[1:]
			for _, v := range adj[u] {
				if _, ok := d[v]; !ok {
					d[v] = d[u] + 1
					q = append(q, v)
				}
			}
		}
		return d
	}
	ids := make([]string, 0, len(adj))
	for id := range adj {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	d := bfs(ids[0])
	far := ids[0]
	for _, id := range ids {
		if d[id] > d[far] {
			far = id
		}
	}
	d = bfs(far)
	for _, id := range ids {
		if dv, ok := d[id]; ok && dv == hops {
			return far, id
		}
	}
	return "", ""
}
