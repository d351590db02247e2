package twintest_test

import (
	"context"
	"encoding/json"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/c2c-project/c2c/internal/analysis"
	"github.com/c2c-project/c2c/internal/c2c"
	"github.com/c2c-project/c2c/internal/importer"
	"github.com/c2c-project/c2c/internal/store/sqlitestore"
)

// mustSample returns the path of the twin-town sample, skipping the test
// when ../shared is not beside the repository root.
func mustSample(t testing.TB) string {
	t.Helper()
	dir, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			break
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			t.Skip("no go.mod above the test directory: cannot locate ../shared")
		}
		dir = parent
	}
	p := filepath.Join(dir, "..", "shared", "samples", "twin-towns-wikipedia.csv")
	if _, err := os.Stat(p); err != nil {
		t.Skipf("the twin-town sample is absent (%s): skipping the real-data checks", p)
	}
	return p
}

// mustTwinGraph imports the sample into a fresh SQLite store and returns
// every exchange with its actors.
func mustTwinGraph(t testing.TB) *c2c.Subgraph {
	t.Helper()
	ctx := context.Background()
	s, err := sqlitestore.Open(ctx, filepath.Join(t.TempDir(), "c2c.db"))
	if err != nil {
		t.Fatalf("open store: %v", err)
	}
	t.Cleanup(func() { _ = s.Close() })
	path, minRows := mustSample(t), 20000
	if raceEnabled {
		path, minRows = mustPrefix(t, path, raceRows), raceRows*9/10
		t.Logf("race detector on: checking the first %d rows of the sample only", raceRows)
	}
	rep, err := importer.ImportFile(ctx, s, path, importer.Options{})
	if err != nil {
		t.Fatalf("import: %v", err)
	}
	if !rep.Written || rep.Accepted < minRows {
		t.Fatalf("import wrote %v, accepted %d of %d rows", rep.Written, rep.Accepted, rep.Rows)
	}
	g, err := s.Edges(ctx, c2c.ExchangeFilter{})
	if err != nil {
		t.Fatalf("edges: %v", err)
	}
	return g
}

// raceRows is how many rows of the sample are checked under the race
// detector.
const raceRows = 8000

// mustPrefix writes the header and the first n rows of the CSV file at
// path to a temporary file and returns its path.
func mustPrefix(t testing.TB, path string, n int) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.SplitAfter(string(b), "\n")
	out := filepath.Join(t.TempDir(), "twin-towns-prefix.csv")
	if err := os.WriteFile(out, []byte(strings.Join(lines[:min(n+1, len(lines))], "")), 0o600); err != nil {
		t.Fatal(err)
	}
	return out
}

// adjacency returns the undirected simple graph of g's exchanges.
func adjacency(g *c2c.Subgraph) map[string]map[string]bool {
	adj := map[string]map[string]bool{}
	add := func(u, v string) {
		if adj[u] == nil {
			adj[u] = map[string]bool{}
		}
		adj[u][v] = true
	}
	for _, x := range g.Edges {
		if x.SourceID != x.TargetID {
			add(x.SourceID, x.TargetID)
			add(x.TargetID, x.SourceID)
		}
	}
	return adj
}

func bfs(adj map[string]map[string]bool, s string) map[string]int {
	dist := map[string]int{s: 0}
	queue := []string{s}
	for len(queue) > 0 {
		u := queue[0]
		queue = queue[1:]
		for v := range adj[u] {
			if _, ok := dist[v]; !ok {
				dist[v] = dist[u] + 1
				queue = append(queue, v)
			}
		}
	}
	return dist
}

// byDegree returns the actor ids, most partners first, then by id.
func byDegree(adj map[string]map[string]bool) []string {
	ids := make([]string, 0, len(adj))
	for id := range adj {
		ids = append(ids, id)
	}
	sort.Slice(ids, func(i, j int) bool {
		if a, b := len(adj[ids[i]]), len(adj[ids[j]]); a != b {
			return a > b
		}
		return ids[i] < ids[j]
	})
	return ids
}

func TestTwinTowns(t *testing.T) {
	g := mustTwinGraph(t)
	adj := adjacency(g)
	t.Logf("twin towns: %d actors, %d exchanges", len(g.Nodes), len(g.Edges))

	t.Run("degree", func(t *testing.T) {
		got := analysis.Degree(g)
		if len(got) != len(g.Nodes) {
			t.Errorf("%d degrees for %d actors", len(got), len(g.Nodes))
		}
		for _, a := range g.Nodes {
			if got[a.ID] != float64(len(adj[a.ID])) {
				t.Errorf("degree of %s: %v, counted %d", a.ID, got[a.ID], len(adj[a.ID]))
			}
		}
	})

	t.Run("components", func(t *testing.T) {
		parent := map[string]string{}
		var find func(string) string
		find = func(x string) string {
			p, ok := parent[x]
			if !ok || p == x {
				parent[x] = x
				return x
			}
			parent[x] = find(p)
			return parent[x]
		}
		for _, x := range g.Edges {
			parent[find(x.SourceID)] = find(x.TargetID)
		}
		members := map[string][]string{}
		for _, a := range g.Nodes {
			r := find(a.ID)
			members[r] = append(members[r], a.ID)
		}
		got := analysis.Components(g)
		if len(got) != len(members) {
			t.Fatalf("%d components, union-find finds %d", len(got), len(members))
		}
		for i, c := range got {
			want := members[find(c[0])]
			sort.Strings(want)
			if !slices.Equal(c, want) {
				t.Fatalf("component %d (%d actors) differs from union-find's (%d actors)", i, len(c), len(want))
			}
			if i > 0 && len(c) > len(got[i-1]) {
				t.Errorf("components not largest first at %d", i)
			}
		}
	})

	t.Run("shortest paths", func(t *testing.T) {
		ids := byDegree(adj)
		checked, unreachable := 0, 0
		for _, hub := range ids[:3] {
			dist := bfs(adj, hub)
			// Targets spread over the id order, so near, far and
			// unreachable actors all occur.
			for i := 1; i < len(ids); i += len(ids) / 16 {
				to := ids[i]
				ps, err := analysis.ShortestPaths(g, hub, to, analysis.PathOptions{Limit: 1})
				if err != nil {
					t.Fatalf("%s→%s: %v", hub, to, err)
				}
				d, ok := dist[to]
				if !ok {
					unreachable++
					if len(ps) != 0 {
						t.Errorf("%s→%s: BFS finds no path, got %d hops", hub, to, ps[0].Hops())
					}
					continue
				}
				checked++
				if len(ps) != 1 || ps[0].Hops() != d {
					t.Errorf("%s→%s: got %v, BFS distance %d", hub, to, ps, d)
				}
			}
		}
		if checked < 10 || unreachable == 0 {
			t.Errorf("checked %d reachable and %d unreachable pairs: pick other targets", checked, unreachable)
		}
	})

	t.Run("betweenness ranks", func(t *testing.T) {
		// Betweenness is all-pairs work; it is compared on the largest
		// component of the 4-core of the graph (about 1000 actors and
		// 4700 exchanges of the full sample), where the most central
		// actors of the whole graph sit, to keep the test short.
		// A smaller graph (the prefix checked under -race) takes the
		// densest core that still has 200 actors.
		k, core := 4, largestComponent(kCore(adj, 4))
		for k > 2 && len(core) < 200 {
			k--
			core = largestComponent(kCore(adj, k))
		}
		sub := induced(g, core)
		t.Logf("%d-core: %d actors, %d exchanges", k, len(sub.Nodes), len(sub.Edges))
		got := analysis.Betweenness(sub)
		want := brandes(adjacency(sub))
		for id, w := range want {
			if math.Abs(got[id]-w) > 1e-6*math.Max(1, w) {
				t.Errorf("betweenness of %s: %v, Brandes %v", id, got[id], w)
			}
		}
		checkTop(t, "Brandes", analysis.TopK(got, 20), want)
		if nx := networkx(t, sub); nx != nil {
			checkTop(t, "NetworkX", analysis.TopK(got, 20), nx)
		}
	})
}

// checkTop fails unless top lists the 20 highest scores of ref in order;
// actors whose reference values tie may come in either order.
func checkTop(t *testing.T, name string, top []analysis.Score, ref map[string]float64) {
	t.Helper()
	refTop := analysis.TopK(analysis.Scores(ref), len(top))
	for i := range top {
		if top[i].ActorID == refTop[i].ActorID {
			continue
		}
		if math.Abs(ref[top[i].ActorID]-refTop[i].Value) > 1e-6*math.Max(1, refTop[i].Value) {
			t.Errorf("rank %d: %s (%v), %s ranks %s (%v)", i+1, top[i].ActorID, top[i].Value, name, refTop[i].ActorID, refTop[i].Value)
		}
	}
}

// kCore returns the actors left after repeatedly removing those with
// fewer than k partners.
func kCore(adj map[string]map[string]bool, k int) map[string]map[string]bool {
	deg := map[string]int{}
	for u, nb := range adj {
		deg[u] = len(nb)
	}
	removed := map[string]bool{}
	var queue []string
	for u, d := range deg {
		if d < k {
			queue = append(queue, u)
			removed[u] = true
		}
	}
	for len(queue) > 0 {
		u := queue[0]
		queue = queue[1:]
		for v := range adj[u] {
			if removed[v] {
				continue
			}
			if deg[v]--; deg[v] < k {
				removed[v] = true
				queue = append(queue, v)
			}
		}
	}
	out := map[string]map[string]bool{}
	for u, nb := range adj {
		if removed[u] {
			continue
		}
		out[u] = map[string]bool{}
		for v := range nb {
			if !removed[v] {
				out[u][v] = true
			}
		}
	}
	return out
}

func largestComponent(adj map[string]map[string]bool) map[string]bool {
	var best map[string]int
	seen := map[string]bool{}
	for _, u := range byDegree(adj) {
		if seen[u] {
			continue
		}
		d := bfs(adj, u)
		for v := range d {
			seen[v] = true
		}
		if len(d) > len(best) {
			best = d
		}
	}
	out := map[string]bool{}
	for v := range best {
		out[v] = true
	}
	return out
}

// induced returns the exchanges of g between actors of keep.
func induced(g *c2c.Subgraph, keep map[string]bool) *c2c.Subgraph {
	out := &c2c.Subgraph{}
	for _, a := range g.Nodes {
		if keep[a.ID] {
			out.Nodes = append(out.Nodes, a)
		}
	}
	for _, x := range g.Edges {
		if keep[x.SourceID] && keep[x.TargetID] {
			out.Edges = append(out.Edges, x)
		}
	}
	return out
}

// brandes computes unnormalised betweenness on an undirected graph, each
// unordered pair counted once.
func brandes(adj map[string]map[string]bool) map[string]float64 {
	ids := make([]string, 0, len(adj))
	for id := range adj {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	idx := map[string]int{}
	for i, id := range ids {
		idx[id] = i
	}
	nb := make([][]int, len(ids))
	for i, id := range ids {
		for v := range adj[id] {
			nb[i] = append(nb[i], idx[v])
		}
	}
	n := len(ids)
	cb := make([]float64, n)
	sigma, dist, delta := make([]float64, n), make([]int, n), make([]float64, n)
	for s := range n {
		for i := range n {
			sigma[i], dist[i], delta[i] = 0, -1, 0
		}
		sigma[s], dist[s] = 1, 0
		order := []int{s}
		for q := 0; q < len(order); q++ {
			u := order[q]
			for _, v := range nb[u] {
				if dist[v] < 0 {
					dist[v] = dist[u] + 1
					order = append(order, v)
				}
				if dist[v] == dist[u]+1 {
					sigma[v] += sigma[u]
				}
			}
		}
		for i := len(order) - 1; i > 0; i-- {
			w := order[i]
			for _, v := range nb[w] {
				if dist[v] == dist[w]-1 {
					delta[v] += sigma[v] / sigma[w] * (1 + delta[w])
				}
			}
			cb[w] += delta[w]
		}
	}
	out := make(map[string]float64, n)
	for i, id := range ids {
		out[id] = cb[i] / 2
	}
	return out
}

// networkx returns NetworkX's betweenness (normalized=False) of g, or nil
// (with a log line) when python3 with networkx is not available.
func networkx(t *testing.T, g *c2c.Subgraph) map[string]float64 {
	t.Helper()
	if err := exec.Command("python3", "-c", "import networkx").Run(); err != nil {
		t.Log("python3 with networkx is not available: the NetworkX comparison is skipped")
		return nil
	}
	var edges strings.Builder
	for _, x := range g.Edges {
		edges.WriteString(x.SourceID + "\t" + x.TargetID + "\n")
	}
	const script = `import sys, json, networkx as nx
G = nx.Graph()
for line in sys.stdin:
    a, b = line.rstrip("\n").split("\t")
    G.add_edge(a, b)
json.dump(nx.betweenness_centrality(G, normalized=False), sys.stdout)`
	cmd := exec.Command("python3", "-c", script)
	cmd.Stdin = strings.NewReader(edges.String())
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("networkx: %v", err)
	}
	var bc map[string]float64
	if err := json.Unmarshal(out, &bc); err != nil {
		t.Fatalf("networkx output: %v", err)
	}
	return bc
}
