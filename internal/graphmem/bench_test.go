package graphmem

import (
	"context"
	"math/rand/v2"
	"os"
	"runtime"
	"slices"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/c2c-project/c2c/internal/analysis"
	"github.com/c2c-project/c2c/internal/bench"
	"github.com/c2c-project/c2c/internal/c2c"
)

// The benchmarks build snapshots of the benchmark graph (internal/bench)
// straight from the generator, without a store, so that they measure the
// in-process graph alone:
//
//	go test -run '^$' -bench . -benchtime 3x ./internal/graphmem/
//
// BENCH_SIZES (default S,M) chooses the sizes; L takes about a minute to
// generate.

// generated is one size's records, made once per process.
type generated struct {
	actors      []c2c.Actor
	exchanges   []c2c.Exchange
	memberships []c2c.Membership
	hubs        []string
}

var (
	genMu sync.Mutex
	gens  = map[string]*generated{}
)

func generate(b *testing.B, name string) *generated {
	b.Helper()
	genMu.Lock()
	defer genMu.Unlock()
	if g, ok := gens[name]; ok {
		return g
	}
	size, err := bench.SizeByName(name)
	if err != nil {
		b.Fatal(err)
	}
	gen := bench.NewGenerator(1, size)
	g := &generated{actors: gen.Actors(), memberships: gen.Memberships()}
	slices.SortFunc(g.actors, func(x, y c2c.Actor) int { return strings.Compare(x.ID, y.ID) })
	g.exchanges = make([]c2c.Exchange, size.Exchanges)
	for i := range g.exchanges {
		g.exchanges[i] = gen.Exchange(i)
		g.exchanges[i].Normalize()
	}
	slices.SortFunc(g.exchanges, func(x, y c2c.Exchange) int { return strings.Compare(x.ID, y.ID) })
	slices.SortFunc(g.memberships, func(x, y c2c.Membership) int { return strings.Compare(x.ID, y.ID) })
	for _, h := range gen.Hubs(10) {
		g.hubs = append(g.hubs, bench.ActorID(h))
	}
	gens[name] = g
	return g
}

// build makes the snapshot of g (actors only when exchanges is false).
func (g *generated) build(exchanges bool) *Snapshot {
	bl := newBuilder(nil)
	for i := range g.actors {
		bl.addActor(&g.actors[i])
	}
	if exchanges {
		for i := range g.exchanges {
			bl.addExchange(&g.exchanges[i])
		}
	}
	for i := range g.memberships {
		bl.addMembership(&g.memberships[i])
	}
	return bl.done(1)
}

func heap() uint64 {
	runtime.GC()
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return m.HeapAlloc
}

// cpuTime returns the CPU time the process has used (user and system):
// on a shared machine it says what an operation costs better than the
// wall clock does.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	_ = syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// reportCPU reports the CPU milliseconds per operation since start.
func reportCPU(b *testing.B, start time.Duration) {
	b.ReportMetric(float64(cpuTime()-start)/float64(time.Millisecond)/float64(b.N), "cpu-ms/op")
}

func benchSizes() []string {
	if v := os.Getenv("BENCH_SIZES"); v != "" {
		return strings.Split(v, ",")
	}
	return []string{"S", "M"}
}

// BenchmarkBuild reports the time to build a snapshot from records in
// memory (a full load adds the store's paging) and the heap it takes per
// actor and per exchange.
func BenchmarkBuild(b *testing.B) {
	for _, name := range benchSizes() {
		b.Run(name, func(b *testing.B) {
			g := generate(b, name)
			h0 := heap()
			onlyActors := g.build(false)
			h1 := heap()
			full := g.build(true)
			h2 := heap()
			runtime.KeepAlive(onlyActors)
			runtime.KeepAlive(full)
			b.ResetTimer()
			cpu := cpuTime()
			for range b.N {
				full = g.build(true)
			}
			b.StopTimer()
			reportCPU(b, cpu)
			b.ReportMetric(float64(h1-h0)/float64(len(g.actors)), "B/actor")
			b.ReportMetric(float64(h2-h1)/float64(len(g.exchanges)), "B/exchange")
			b.ReportMetric(float64(h2-h1)/(1<<20), "MiB")
			runtime.KeepAlive(full)
		})
	}
}

// BenchmarkApplyOne reports the time to apply one change to a snapshot:
// an exchange re-read with new themes and dates, a new exchange, an actor
// re-read with a new name and a new actor (each applied to the same
// snapshot, so every iteration is the same change).
func BenchmarkApplyOne(b *testing.B) {
	for _, name := range benchSizes() {
		g := generate(b, name)
		s := g.build(true)
		mid := g.exchanges[len(g.exchanges)/2]
		upd := mid
		upd.Themes = []string{g.exchanges[0].Themes[0]}
		upd.Start = &c2c.PartialDate{Year: 2001}
		ins := mid
		ins.ID += "-new" // just after mid in id order
		ins.Themes = []string{g.exchanges[0].Themes[0]}
		actor := g.actors[len(g.actors)/2]
		renamed := actor
		renamed.Name += " renamed"
		added := actor
		added.ID += "-new"
		changes := []struct {
			name string
			t    Touched
		}{
			{"exchange-update", Touched{ExchangeIDs: []string{upd.ID}, Exchanges: []*c2c.Exchange{&upd}}},
			{"exchange-insert", Touched{ExchangeIDs: []string{ins.ID}, Exchanges: []*c2c.Exchange{&ins}}},
			{"actor-update", Touched{ActorIDs: []string{renamed.ID}, Actors: []*c2c.Actor{&renamed}}},
			{"actor-insert", Touched{ActorIDs: []string{added.ID}, Actors: []*c2c.Actor{&added}}},
		}
		for _, c := range changes {
			b.Run(name+"/"+c.name, func(b *testing.B) {
				b.ReportAllocs()
				var out *Snapshot
				b.ResetTimer()
				cpu := cpuTime()
				for i := range b.N {
					out, _, _ = s.Apply(c.t, uint64(i+2))
				}
				b.StopTimer()
				reportCPU(b, cpu)
				runtime.KeepAlive(out)
			})
		}
	}
}

// BenchmarkQueries reports the in-memory part of the benchmark's ego, path
// and stats queries (internal/bench/queries.go): a depth-2 ego network of
// a hub with at most 200 nodes, a shortest path of at most 6 hops from a
// hub to a random city, and exchanges overlapping a 1-10 year window
// counted by theme.
func BenchmarkQueries(b *testing.B) {
	for _, name := range benchSizes() {
		g := generate(b, name)
		s := g.build(true)
		rng := rand.New(rand.NewPCG(1, 2))
		b.Run(name+"/ego", func(b *testing.B) {
			defer reportCPU(b, cpuTime())
			for range b.N {
				q := c2c.NeighbourhoodQuery{Centre: g.hubs[rng.IntN(len(g.hubs))], Depth: 2, Limit: 200}
				if _, err := s.Neighbourhood(q); err != nil {
					b.Fatal(err)
				}
			}
		})
		b.Run(name+"/path", func(b *testing.B) {
			expand := func(_ context.Context, ids []string) (map[string][]c2c.Adjacency, error) {
				return s.Adjacent(ids, c2c.ExchangeFilter{})
			}
			defer reportCPU(b, cpuTime())
			for range b.N {
				from := g.hubs[rng.IntN(len(g.hubs))]
				to := g.actors[rng.IntN(len(g.actors))].ID
				_, err := analysis.ShortestPathsExpanding(b.Context(), expand, from, to, analysis.PathOptions{MaxHops: 6, Limit: 2}, 0)
				if err != nil && c2c.KindOf(err) != c2c.KindInvalid {
					b.Fatal(err)
				}
			}
		})
		b.Run(name+"/stats", func(b *testing.B) {
			defer reportCPU(b, cpuTime())
			for range b.N {
				from := 1990 + rng.IntN(33)
				f := c2c.ExchangeFilter{From: &c2c.PartialDate{Year: from}, To: &c2c.PartialDate{Year: min(2025, from+rng.IntN(10))}}
				rows, _, err := s.Facets(f, analysis.FacetKeysFor(analysis.DimTheme))
				if err != nil {
					b.Fatal(err)
				}
				if _, err := analysis.BreakdownFacets(rows, analysis.DimTheme); err != nil {
					b.Fatal(err)
				}
			}
		})
		b.Run(name+"/centrality-pagerank", func(b *testing.B) {
			defer reportCPU(b, cpuTime())
			for range b.N {
				sg, err := s.Edges(c2c.ExchangeFilter{})
				if err != nil {
					b.Fatal(err)
				}
				if _, err := analysis.ComputeContext(b.Context(), sg, analysis.MeasurePageRank); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
