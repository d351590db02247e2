package graph_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/99designs/gqlgen/client"
	"github.com/99designs/gqlgen/graphql/handler/transport"

	"github.com/c2c-project/c2c/graph"
	"github.com/c2c-project/c2c/internal/analysis"
	"github.com/c2c-project/c2c/internal/c2c"
	"github.com/c2c-project/c2c/internal/store/storetest"
)

// countingStore counts the whole-subgraph loads and the expansions of a
// store; Edges waits for release when it is set.
type countingStore struct {
	c2c.Store
	edges, adjacent, actors atomic.Int64
	release                 chan struct{}
}

func (s *countingStore) Edges(ctx context.Context, f c2c.ExchangeFilter) (*c2c.Subgraph, error) {
	s.edges.Add(1)
	if s.release != nil {
		select {
		case <-s.release:
		case <-ctx.Done():
			return nil, ctx.Err()
		}
	}
	return s.Store.Edges(ctx, f)
}

func (s *countingStore) Adjacent(ctx context.Context, ids []string, f c2c.ExchangeFilter) (map[string][]c2c.Adjacency, error) {
	s.adjacent.Add(1)
	return s.Store.Adjacent(ctx, ids, f)
}

func (s *countingStore) ActorsByIDs(ctx context.Context, ids []string) ([]*c2c.Actor, error) {
	s.actors.Add(1)
	return s.Store.ActorsByIDs(ctx, ids)
}

// clientOf serves r in process.
func clientOf(r *graph.Resolver) *client.Client {
	r.Log = slog.New(slog.NewTextHandler(io.Discard, nil))
	srv := graph.NewServer(r)
	srv.AddTransport(transport.POST{})
	return client.New(srv)
}

// TestPathsWithoutTheSubgraph asks the same SHORTEST and ALL_SHORTEST
// questions of a resolver whose cache holds the subgraph (answered by
// analysis.ShortestPaths over it) and of one whose cache never does
// (answered by the expanding search): the answers must be the same, the
// first must not expand and the second must not load the subgraph.
func TestPathsWithoutTheSubgraph(t *testing.T) {
	b := storetest.GenerateBatch(5, 150, 420)
	base := mustStore(t, b)
	now := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
	clock := func() time.Time { return now }
	uncachedStore := &countingStore{Store: base}
	cachedStore := &countingStore{Store: base}
	uncached := clientOf(&graph.Resolver{Store: uncachedStore, Cache: analysis.NewCache(64), Now: clock})
	cached := clientOf(&graph.Resolver{Store: cachedStore, Cache: analysis.NewCache(64), Now: clock})

	theme := ""
	for _, x := range b.Exchanges {
		if len(x.Themes) > 0 {
			theme = x.Themes[0]
			break
		}
	}
	filters := []string{"", fmt.Sprintf(`filter: {themesAny: [%q]}`, theme), `filter: {directed: true}`}
	ref := newRef(b, nil)
	ids := hubs(ref, len(ref.adj))
	slices.Sort(ids)
	// Load the subgraph of each filter into the second resolver's cache:
	// K_SHORTEST reads it through the cache.
	for _, f := range filters {
		mustQuery(t, cached, fmt.Sprintf(`{ paths(from: %q, to: %q, mode: K_SHORTEST, k: 1 %s) { mode } }`, ids[0], ids[1], f), nil)
	}
	loads := cachedStore.edges.Load()
	if loads != int64(len(filters)) {
		t.Fatalf("warming the cache loaded %d subgraphs, want %d", loads, len(filters))
	}
	cachedStore.adjacent.Store(0)

	fields := `mode truncated count connected paths { hops parallel nodes { id name } exchanges { id title start source { id } target { id } } }`
	asked, withPaths, several, truncated := 0, 0, 0, 0
	for i := 0; i < len(ids); i += 15 {
		for j := 4; j < len(ids); j += 19 {
			for n, f := range filters {
				directed := (i+j+n)%2 == 0
				hops := 1 + (i+j)%8
				q := fmt.Sprintf(`{
  one: paths(from: %q, to: %q, directed: %v, maxHops: %d %s) { %s }
  all: paths(from: %q, to: %q, directed: %v, maxHops: 8 %s, mode: ALL_SHORTEST) { %s }
  two: paths(from: %q, to: %q, directed: %v, maxHops: %d %s, mode: ALL_SHORTEST, k: 2) { %s }
}`, ids[i], ids[j], directed, hops, f, fields, ids[i], ids[j], directed, f, fields, ids[i], ids[j], directed, hops, f, fields)
				want := do(t, cached, q)
				got := do(t, uncached, q)
				if len(want.Errors) > 0 || len(got.Errors) > 0 {
					t.Fatalf("%s: errors %+v (cached) and %+v (uncached)", q, want.Errors, got.Errors)
				}
				if string(want.Data) != string(got.Data) {
					t.Fatalf("%s:\ncached   %s\nuncached %s", q, want.Data, got.Data)
				}
				var out struct {
					All struct {
						Truncated bool
						Paths     []gqlPath
					}
				}
				if err := json.Unmarshal(got.Data, &out); err != nil {
					t.Fatal(err)
				}
				asked++
				if len(out.All.Paths) > 0 {
					withPaths++
				}
				if len(out.All.Paths) > 1 {
					several++
				}
				if out.All.Truncated {
					truncated++
				}
			}
		}
	}
	t.Logf("%d questions: %d with paths, %d with several, %d cut", asked, withPaths, several, truncated)
	if withPaths < 20 || several < 5 || asked-withPaths < 5 {
		t.Errorf("%d questions: %d with paths, %d with several: too few of a kind to prove the answers alike", asked, withPaths, several)
	}
	if n := uncachedStore.edges.Load(); n != 0 {
		t.Errorf("the uncached resolver loaded the subgraph %d times", n)
	}
	if uncachedStore.adjacent.Load() == 0 {
		t.Errorf("the uncached resolver never expanded")
	}
	if n := cachedStore.adjacent.Load(); n != 0 {
		t.Errorf("the resolver with the subgraph cached expanded %d times", n)
	}
	if n := cachedStore.edges.Load(); n != loads {
		t.Errorf("the resolver with the subgraph cached loaded it %d more times", n-loads)
	}
}

// TestConcurrentMissesShareOneLoad sends several K_SHORTEST questions
// (which read the whole subgraph) at once to a resolver whose cache is
// empty: they must share one load.
func TestConcurrentMissesShareOneLoad(t *testing.T) {
	b := storetest.GenerateBatch(9, 60, 150)
	s := &countingStore{Store: mustStore(t, b), release: make(chan struct{})}
	c := clientOf(&graph.Resolver{Store: s, Cache: analysis.NewCache(16)})
	ref := newRef(b, nil)
	h := hubs(ref, 6)
	const n = 6
	answers := make([]string, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			q := fmt.Sprintf(`{ paths(from: %q, to: %q, mode: K_SHORTEST, k: 3) { paths { nodes { id } } } }`, h[0], h[1+i%5])
			r := do(t, c, q)
			if len(r.Errors) > 0 {
				t.Errorf("%s: %+v", q, r.Errors)
			}
			answers[i] = string(r.Data)
		}()
	}
	// Each request checks that its ends exist before it asks for the
	// subgraph; give the last of them time to reach the load, which waits.
	deadline := time.Now().Add(10 * time.Second)
	for (s.actors.Load() < n || s.edges.Load() < 1) && time.Now().Before(deadline) {
		time.Sleep(5 * time.Millisecond)
	}
	time.Sleep(300 * time.Millisecond)
	close(s.release)
	wg.Wait()
	if got := s.edges.Load(); got != 1 {
		t.Errorf("%d concurrent misses loaded the subgraph %d times, want once", n, got)
	}
	// Every request got its own answer from the shared subgraph.
	for i, a := range answers {
		if len(a) < 20 {
			t.Errorf("request %d: answer %s", i, a)
		}
	}
}

// TestLongPathsThroughTheAPI asks for paths 9 to 18 hops long on the
// long-path fixture (twinnings of the twin-town sample): SHORTEST and
// ALL_SHORTEST find them with no hop limit given, count every shortest
// path as a breadth-first count does, K_SHORTEST reaches them within its
// default 16 hops, and a pair in different components is not connected.
func TestLongPathsThroughTheAPI(t *testing.T) {
	b := storetest.TwinPathsBatch()
	c := newClient(t, mustStore(t, b))
	ref := newRef(b, nil)
	ids := hubs(ref, len(ref.adj))
	slices.Sort(ids)
	long, apart := 0, 0
	var outside string
	for i := 0; i < len(ids) && long < 12; i += 211 {
		from := ids[i]
		dist, count := ref.bfs(from, false)
		for j := 7; j < len(ids) && long < 12; j += 89 {
			to := ids[j]
			d, ok := dist[to]
			if !ok {
				outside = to
				continue
			}
			if d < 9 {
				continue
			}
			long++
			var out struct {
				One, All, K struct {
					Count     float64
					Connected *bool
					Paths     []gqlPath
				}
			}
			mustQuery(t, c, fmt.Sprintf(`{
  one: paths(from: %q, to: %q) { count connected paths { %s } }
  all: paths(from: %q, to: %q, mode: ALL_SHORTEST) { count connected paths { %s } }
  k: paths(from: %q, to: %q, mode: K_SHORTEST, k: 2) { count connected paths { %s } }
}`, from, to, pathFields, from, to, pathFields, from, to, pathFields), &out)
			if len(out.One.Paths) != 1 || out.One.Paths[0].Hops != d || out.One.Count != float64(count[to]) || out.One.Connected == nil || !*out.One.Connected {
				t.Errorf("%s→%s (%d hops, %d shortest paths): SHORTEST %+v", from, to, d, count[to], out.One)
				continue
			}
			ref.checkWalk(t, out.One.Paths[0], from, to, false)
			if got, want := len(out.All.Paths), min(count[to], analysis.MaxK); got != want || out.All.Count != float64(count[to]) {
				t.Errorf("%s→%s: ALL_SHORTEST %d paths, count %v; want %d, %d", from, to, got, out.All.Count, want, count[to])
			}
			for _, p := range out.All.Paths {
				ref.checkWalk(t, p, from, to, false)
			}
			if d <= analysis.MaxKShortestHops && (len(out.K.Paths) == 0 || out.K.Paths[0].Hops != d || out.K.Count != float64(count[to])) {
				t.Errorf("%s→%s: K_SHORTEST %+v, want a first path of %d hops", from, to, out.K, d)
			}
		}
		if outside != "" {
			var out struct {
				Paths struct {
					Count     float64
					Connected *bool
					Paths     []gqlPath
				}
			}
			mustQuery(t, c, fmt.Sprintf(`{ paths(from: %q, to: %q) { count connected paths { hops } } }`, from, outside), &out)
			if len(out.Paths.Paths) != 0 || out.Paths.Count != 0 || out.Paths.Connected == nil || *out.Paths.Connected {
				t.Errorf("%s→%s in different components: %+v, want not connected", from, outside, out.Paths)
			}
			outside, apart = "", apart+1
		}
	}
	if long < 8 || apart == 0 {
		t.Errorf("only %d pairs 9 or more hops apart and %d in different components asked", long, apart)
	}
}
