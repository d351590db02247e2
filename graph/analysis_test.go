package graph_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"math"
	"slices"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/99designs/gqlgen/client"
	"github.com/99designs/gqlgen/graphql/handler/transport"

	"github.com/c2c-project/c2c/graph"
	"github.com/c2c-project/c2c/internal/analysis"
	"github.com/c2c-project/c2c/internal/c2c"
	"github.com/c2c-project/c2c/internal/store/storetest"
)

// Every expected value below is computed in the test from the batch that
// was imported (BFS, counting, union-find), not by the analysis package.

// refGraph is the batch's exchanges as an adjacency structure.
type refGraph struct {
	b     c2c.Batch
	xs    []c2c.Exchange
	adj   map[string]map[string]bool // undirected simple graph
	out   map[string]map[string]bool // directed: directed exchanges one way, mutual both
	byID  map[string]c2c.Exchange
	actor map[string]c2c.Actor
}

func newRef(b c2c.Batch, keep func(c2c.Exchange) bool) *refGraph {
	g := &refGraph{b: b, adj: map[string]map[string]bool{}, out: map[string]map[string]bool{}, byID: map[string]c2c.Exchange{}, actor: map[string]c2c.Actor{}}
	for _, a := range b.Actors {
		g.actor[a.ID] = a
	}
	link := func(m map[string]map[string]bool, u, v string) {
		if m[u] == nil {
			m[u] = map[string]bool{}
		}
		m[u][v] = true
	}
	for _, x := range b.Exchanges {
		if keep != nil && !keep(x) {
			continue
		}
		g.xs = append(g.xs, x)
		g.byID[x.ID] = x
		link(g.adj, x.SourceID, x.TargetID)
		link(g.adj, x.TargetID, x.SourceID)
		link(g.out, x.SourceID, x.TargetID)
		if !x.Directed {
			link(g.out, x.TargetID, x.SourceID)
		}
	}
	return g
}

// bfs returns hop distances from s and the number of shortest paths (as
// actor sequences) to each actor.
func (g *refGraph) bfs(s string, directed bool) (dist map[string]int, count map[string]int) {
	nb := g.adj
	if directed {
		nb = g.out
	}
	dist, count = map[string]int{s: 0}, map[string]int{s: 1}
	queue := []string{s}
	for len(queue) > 0 {
		u := queue[0]
		queue = queue[1:]
		for v := range nb[u] {
			if _, seen := dist[v]; !seen {
				dist[v] = dist[u] + 1
				queue = append(queue, v)
			}
			if dist[v] == dist[u]+1 {
				count[v] += count[u]
			}
		}
	}
	return dist, count
}

// earliest returns the earliest arrival key at each actor from s over
// time-respecting paths of at most maxHops hops, by dynamic programming
// over the number of hops.
func (g *refGraph) earliest(s string, maxHops int) map[string]int {
	const inf = math.MaxInt
	best := map[string]int{s: 0}
	for range maxHops {
		next := map[string]int{}
		for k, v := range best {
			next[k] = v
		}
		for _, x := range g.xs {
			if x.Start == nil {
				continue
			}
			key := x.Start.FirstKey()
			try := func(u, v string) {
				at, ok := best[u]
				if !ok || key < at {
					return
				}
				if cur, ok := next[v]; !ok || key < cur {
					next[v] = key
				}
			}
			try(x.SourceID, x.TargetID)
			try(x.TargetID, x.SourceID)
		}
		best = next
	}
	delete(best, s)
	_ = inf
	return best
}

// gqlPath is a path as the API returns it.
type gqlPath struct {
	Nodes     []struct{ ID string }
	Exchanges []struct {
		ID     string
		Source struct{ ID string }
		Target struct{ ID string }
		Start  *string
	}
	Hops     int
	Parallel []int
	Starts   []string
	Arrival  *string
}

const pathFields = `nodes { id } exchanges { id source { id } target { id } start } hops parallel starts arrival`

// checkWalk fails unless p is a walk of the reference graph: each exchange
// joins the actors either side of it (in order when directed), and the
// parallel counts are the numbers of exchanges joining them.
func (g *refGraph) checkWalk(t *testing.T, p gqlPath, from, to string, directed bool) {
	t.Helper()
	if got, want := len(p.Nodes), p.Hops+1; got != want {
		t.Fatalf("path has %d nodes for %d hops", got, p.Hops)
	}
	if p.Nodes[0].ID != from || p.Nodes[len(p.Nodes)-1].ID != to {
		t.Fatalf("path runs %s..%s, want %s..%s", p.Nodes[0].ID, p.Nodes[len(p.Nodes)-1].ID, from, to)
	}
	for i, x := range p.Exchanges {
		u, v := p.Nodes[i].ID, p.Nodes[i+1].ID
		ref, ok := g.byID[x.ID]
		if !ok {
			t.Fatalf("hop %d takes %s, which the filter does not select", i, x.ID)
		}
		forward := ref.SourceID == u && ref.TargetID == v
		backward := ref.SourceID == v && ref.TargetID == u
		if !forward && (!backward || (directed && ref.Directed)) {
			t.Fatalf("hop %d: exchange %s (%s→%s, directed %v) does not lead %s→%s", i, x.ID, ref.SourceID, ref.TargetID, ref.Directed, u, v)
		}
		n := 0
		for _, y := range g.xs {
			f := y.SourceID == u && y.TargetID == v
			b := y.SourceID == v && y.TargetID == u
			if f || (b && (!directed || !y.Directed)) {
				n++
			}
		}
		if got := p.Parallel[i]; got != n {
			t.Errorf("hop %d %s→%s: parallel %d, want %d", i, u, v, got, n)
		}
	}
}

func mustGenerated(t *testing.T, seed int64, actors, exchanges int) (*client.Client, *refGraph) {
	t.Helper()
	b := storetest.GenerateBatch(seed, actors, exchanges)
	return newClient(t, mustStore(t, b)), newRef(b, nil)
}

func TestPathsAgreeWithBFS(t *testing.T) {
	c, ref := mustGenerated(t, 7, 80, 110)
	ids := make([]string, 0, len(ref.adj))
	for id := range ref.adj {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	checked := 0
	for _, directed := range []bool{false, true} {
		for i := 0; i < len(ids); i += 13 {
			from := ids[i]
			dist, count := ref.bfs(from, directed)
			for j := 3; j < len(ids); j += 17 {
				to := ids[j]
				if to == from {
					continue
				}
				q := fmt.Sprintf(`{
  one: paths(from: %q, to: %q, directed: %v) { mode truncated count connected paths { %s } }
  all: paths(from: %q, to: %q, directed: %v, mode: ALL_SHORTEST) { truncated count connected paths { %s } }
  k: paths(from: %q, to: %q, directed: %v, maxHops: 8, mode: K_SHORTEST, k: 4) { count connected paths { %s } }
}`, from, to, directed, pathFields, from, to, directed, pathFields, from, to, directed, pathFields)
				var out struct {
					One, All, K struct {
						Mode      string
						Truncated bool
						Count     float64
						Connected *bool
						Paths     []gqlPath
					}
				}
				mustQuery(t, c, q, &out)
				d, reachable := dist[to]
				for name, r := range map[string]struct {
					count     float64
					connected *bool
				}{"SHORTEST": {out.One.Count, out.One.Connected}, "ALL_SHORTEST": {out.All.Count, out.All.Connected}, "K_SHORTEST": {out.K.Count, out.K.Connected}} {
					wantCount, wantConnected := float64(count[to]), &reachable
					if name == "K_SHORTEST" && reachable && d > 8 {
						wantCount, wantConnected = 0, nil // cut by maxHops
					}
					if r.count != wantCount || (r.connected == nil) != (wantConnected == nil) || (r.connected != nil && *r.connected != *wantConnected) {
						t.Errorf("%s→%s (directed %v) %s: count %v connected %v, want %v and %v (BFS distance %d)", from, to, directed, name, r.count, r.connected, wantCount, wantConnected, d)
					}
				}
				if !reachable {
					if len(out.One.Paths)+len(out.All.Paths)+len(out.K.Paths) != 0 {
						t.Errorf("%s→%s (directed %v) is out of reach, got paths %+v", from, to, directed, out)
					}
					continue
				}
				checked++
				if len(out.One.Paths) != 1 || out.One.Paths[0].Hops != d {
					t.Fatalf("%s→%s (directed %v): SHORTEST gave %+v, want one path of %d hops", from, to, directed, out.One.Paths, d)
				}
				ref.checkWalk(t, out.One.Paths[0], from, to, directed)
				if got, want := len(out.All.Paths), min(count[to], analysis.MaxK); got != want {
					t.Errorf("%s→%s: ALL_SHORTEST gave %d paths, want %d of %d", from, to, got, want, count[to])
				}
				if got, want := out.All.Truncated, count[to] > analysis.MaxK; got != want {
					t.Errorf("%s→%s: truncated %v, want %v", from, to, got, want)
				}
				seen := map[string]bool{}
				for _, p := range out.All.Paths {
					if p.Hops != d {
						t.Errorf("%s→%s: ALL_SHORTEST path of %d hops, want %d", from, to, p.Hops, d)
					}
					ref.checkWalk(t, p, from, to, directed)
					key := fmt.Sprint(p.Nodes)
					if seen[key] {
						t.Errorf("%s→%s: path %s twice", from, to, key)
					}
					seen[key] = true
				}
				if len(out.K.Paths) == 0 || out.K.Paths[0].Hops != d {
					t.Fatalf("%s→%s: K_SHORTEST first path %+v, want %d hops", from, to, out.K.Paths, d)
				}
				for i, p := range out.K.Paths {
					ref.checkWalk(t, p, from, to, directed)
					if i > 0 && p.Hops < out.K.Paths[i-1].Hops {
						t.Errorf("%s→%s: K_SHORTEST not in order of length", from, to)
					}
				}
			}
		}
	}
	if checked < 10 {
		t.Fatalf("only %d reachable pairs checked", checked)
	}
}

func TestTimeRespectingPathsAndReachable(t *testing.T) {
	c, ref := mustGenerated(t, 11, 60, 150)
	hubs := hubs(ref, 3)
	arrivals := 0
	defer func() {
		if arrivals < 5 {
			t.Errorf("only %d arrivals checked", arrivals)
		}
	}()
	for _, from := range hubs {
		want := ref.earliest(from, analysis.MaxTimedHops)
		var out struct {
			Reachable struct {
				Count    int
				Arrivals []struct {
					Actor   struct{ ID string }
					Arrival string
					Hops    int
					Path    gqlPath
				}
			}
		}
		mustQuery(t, c, fmt.Sprintf(`{ reachable(from: %q, first: 1000) { count arrivals { actor { id } arrival hops path { %s } } } }`, from, pathFields), &out)
		if got := out.Reachable.Count; got != len(want) {
			t.Errorf("reachable from %s: count %d, want %d", from, got, len(want))
		}
		arrivals += len(out.Reachable.Arrivals)
		for _, a := range out.Reachable.Arrivals {
			d, err := c2c.ParsePartialDate("arrival", a.Arrival)
			if err != nil {
				t.Fatal(err)
			}
			if got, w := d.FirstKey(), want[a.Actor.ID]; got != w {
				t.Errorf("reachable %s→%s: arrival %d, want %d", from, a.Actor.ID, got, w)
			}
			ref.checkWalk(t, a.Path, from, a.Actor.ID, false)
			checkTimeOrder(t, a.Path)
		}
		// The time-respecting path to the three earliest-reached actors.
		for _, a := range out.Reachable.Arrivals[:min(3, len(out.Reachable.Arrivals))] {
			var p struct{ Paths struct{ Paths []gqlPath } }
			mustQuery(t, c, fmt.Sprintf(`{ paths: paths(from: %q, to: %q, mode: TIME_RESPECTING) { paths { %s } } }`, from, a.Actor.ID, pathFields), &p)
			if len(p.Paths.Paths) != 1 {
				t.Fatalf("TIME_RESPECTING %s→%s: %d paths", from, a.Actor.ID, len(p.Paths.Paths))
			}
			tp := p.Paths.Paths[0]
			ref.checkWalk(t, tp, from, a.Actor.ID, false)
			checkTimeOrder(t, tp)
			arr, _ := c2c.ParsePartialDate("arrival", *tp.Arrival)
			if got, w := arr.FirstKey(), want[a.Actor.ID]; got != w {
				t.Errorf("TIME_RESPECTING %s→%s arrives %d, want %d", from, a.Actor.ID, got, w)
			}
		}
	}
}

func checkTimeOrder(t *testing.T, p gqlPath) {
	t.Helper()
	if len(p.Starts) != p.Hops {
		t.Fatalf("path of %d hops has %d starts", p.Hops, len(p.Starts))
	}
	prev := 0
	for i, s := range p.Starts {
		d, err := c2c.ParsePartialDate("start", s)
		if err != nil {
			t.Fatal(err)
		}
		if d.FirstKey() < prev {
			t.Errorf("hop %d starts %s, before the previous hop", i, s)
		}
		if x := p.Exchanges[i]; x.Start == nil || *x.Start != s {
			t.Errorf("hop %d: start %s, exchange starts %v", i, s, x.Start)
		}
		prev = d.FirstKey()
	}
	if p.Hops > 0 && (p.Arrival == nil || *p.Arrival != p.Starts[p.Hops-1]) {
		t.Errorf("arrival %v, want the last start %s", p.Arrival, p.Starts[p.Hops-1])
	}
}

// hubs returns the n actors with the most partners (ties by id).
func hubs(ref *refGraph, n int) []string {
	ids := make([]string, 0, len(ref.adj))
	for id := range ref.adj {
		ids = append(ids, id)
	}
	sort.Slice(ids, func(i, j int) bool {
		if a, b := len(ref.adj[ids[i]]), len(ref.adj[ids[j]]); a != b {
			return a > b
		}
		return ids[i] < ids[j]
	})
	return ids[:min(n, len(ids))]
}

func TestPathEdgeCases(t *testing.T) {
	s := mustDemoStore(t)
	c := newClient(t, s)
	ctx := context.Background()
	// An actor with no exchange at all.
	if _, err := s.CreateActor(ctx, c2c.Actor{ID: "lonely-town", Kind: c2c.ActorCity, Name: "Lonely Town", Country: "PT"}); err != nil {
		t.Fatal(err)
	}
	g, err := s.Edges(ctx, c2c.ExchangeFilter{})
	if err != nil {
		t.Fatal(err)
	}
	some := g.Edges[0].SourceID

	var out struct {
		Paths struct {
			Paths     []gqlPath
			Count     float64
			Connected *bool
		}
	}
	for _, mode := range []string{"SHORTEST", "ALL_SHORTEST", "K_SHORTEST", "TIME_RESPECTING"} {
		mustQuery(t, c, fmt.Sprintf(`{ paths(from: %q, to: "lonely-town", mode: %s) { paths { hops } count connected } }`, some, mode), &out)
		if len(out.Paths.Paths) != 0 || out.Paths.Count != 0 || out.Paths.Connected == nil || *out.Paths.Connected {
			t.Errorf("%s to an actor without exchanges: %+v, want no path, count 0, not connected", mode, out.Paths)
		}
	}
	mustQuery(t, c, fmt.Sprintf(`{ paths(from: %q, to: %q) { paths { hops } count connected } }`, some, some), &out)
	if len(out.Paths.Paths) != 1 || out.Paths.Count != 1 || out.Paths.Connected == nil || !*out.Paths.Connected {
		t.Errorf("from an actor to itself: %+v, want one path, count 1, connected", out.Paths)
	}
	mustQuery(t, c, fmt.Sprintf(`{ paths(from: %q, to: %q, mode: TIME_RESPECTING) { paths { %s } } }`, some, some, pathFields), &out)
	if len(out.Paths.Paths) != 1 || out.Paths.Paths[0].Hops != 0 || len(out.Paths.Paths[0].Nodes) != 1 || out.Paths.Paths[0].Arrival != nil {
		t.Errorf("path from an actor to itself: %+v, want one path of no hops", out.Paths.Paths)
	}

	for _, tc := range []struct {
		query, code, field string
	}{
		{`{ paths(from: "nowhere", to: "lonely-town") { mode } }`, "NOT_FOUND", "from"},
		{`{ paths(from: "lonely-town", to: "nowhere") { mode } }`, "NOT_FOUND", "to"},
		{`{ reachable(from: "nowhere") { count } }`, "NOT_FOUND", "from"},
		{`{ paths(from: "lonely-town", to: "ethekwini", mode: K_SHORTEST, k: 11) { mode } }`, "BAD_USER_INPUT", "k"},
		{`{ paths(from: "lonely-town", to: "ethekwini", mode: K_SHORTEST, k: 0) { mode } }`, "BAD_USER_INPUT", "k"},
		{`{ paths(from: "lonely-town", to: "ethekwini", k: 2) { mode } }`, "BAD_USER_INPUT", "k"},
		{`{ paths(from: "lonely-town", to: "ethekwini", maxHops: 0) { mode } }`, "BAD_USER_INPUT", "maxHops"},
		{`{ paths(from: "lonely-town", to: "ethekwini", mode: K_SHORTEST, maxHops: 17) { mode } }`, "BAD_USER_INPUT", "maxHops"},
		{`{ paths(from: "lonely-town", to: "ethekwini", mode: TIME_RESPECTING, maxHops: 65) { mode } }`, "BAD_USER_INPUT", "maxHops"},
		{`{ reachable(from: "lonely-town", maxHops: 65) { count } }`, "BAD_USER_INPUT", "maxHops"},
		{`{ reachable(from: "lonely-town", maxHops: 0) { count } }`, "BAD_USER_INPUT", "maxHops"},
		{`{ paths(from: "lonely-town", to: "ethekwini", filter: {themesAny: ["no-such-theme"]}) { mode } }`, "BAD_USER_INPUT", "filter.themesAny[0]"},
		{`{ stats(by: [CLASS]) { exchanges } }`, "BAD_USER_INPUT", "definition"},
		{`{ stats(by: []) { exchanges } }`, "BAD_USER_INPUT", "by"},
		{`{ stats(by: [THEME, THEME]) { exchanges } }`, "BAD_USER_INPUT", "by[1]"},
		{`{ stats(by: [THEME, KIND, YEAR, COUNTRY]) { exchanges } }`, "BAD_USER_INPUT", "by"},
		{`{ timeline(by: CLASS) { undated { count } } }`, "BAD_USER_INPUT", "definition"},
		{`{ centrality(measure: DEGREE, first: 0) { value } }`, "BAD_USER_INPUT", "first"},
		{`{ subgraph(limit: 3) { truncated } }`, "BAD_USER_INPUT", "limit"},
		{`{ subgraph(limit: 10001) { truncated } }`, "BAD_USER_INPUT", "limit"},
	} {
		e := mustFail(t, c, tc.query)
		if code(e) != tc.code || field(e) != tc.field {
			t.Errorf("%s: got %s %q (%s), want %s %q", tc.query, code(e), field(e), e.Message, tc.code, tc.field)
		}
	}
}

func TestAnalysisEdgeCap(t *testing.T) {
	s := mustDemoStore(t)
	srv := graph.NewServer(&graph.Resolver{Store: s, MaxEdges: 3, Log: slog.New(slog.NewTextHandler(io.Discard, nil))})
	srv.AddTransport(transport.POST{})
	c := client.New(srv)
	for _, q := range []string{
		`{ centrality(measure: DEGREE) { value } }`,
		// A path search reads the exchanges around its ends, not the
		// whole subgraph: these two ends alone have more than three.
		`{ paths(from: "ethekwini", to: "uclg") { mode } }`,
		`{ paths(from: "ethekwini", to: "uclg", mode: ALL_SHORTEST) { mode } }`,
		`{ paths(from: "ethekwini", to: "uclg", mode: K_SHORTEST) { mode } }`,
	} {
		e := mustFail(t, c, q)
		if code(e) != "BAD_USER_INPUT" || field(e) != "filter" || !strings.Contains(e.Message, "narrow the filter") {
			t.Errorf("%s: got %s %q %q, want BAD_USER_INPUT naming filter", q, code(e), field(e), e.Message)
		}
	}
	// Stats are counted by the store: the analysis limit does not apply.
	var st struct{ Stats struct{ Exchanges int } }
	mustQuery(t, c, `{ stats(by: [THEME]) { exchanges } }`, &st)
	if st.Stats.Exchanges <= 3 {
		t.Errorf("stats over the analysis limit counted %d exchanges, want all the demo data's", st.Stats.Exchanges)
	}
	// Betweenness visits every pair: its own bound applies.
	srv = graph.NewServer(&graph.Resolver{Store: s, MaxPairWork: 10, Log: slog.New(slog.NewTextHandler(io.Discard, nil))})
	srv.AddTransport(transport.POST{})
	c = client.New(srv)
	mustQuery(t, c, `{ centrality(measure: PAGERANK) { value } }`, nil)
	e := mustFail(t, c, `{ centrality(measure: BETWEENNESS) { value } }`)
	if code(e) != "BAD_USER_INPUT" || field(e) != "filter" {
		t.Errorf("betweenness over the pair limit: %s %q %q", code(e), field(e), e.Message)
	}
}

func TestCentralityDegreeAndCacheInvalidation(t *testing.T) {
	b := storetest.GenerateBatch(3, 50, 90)
	s := mustStore(t, b)
	now := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
	cache := analysis.NewCache(16)
	r := &graph.Resolver{Store: s, Cache: cache, Now: func() time.Time { return now }, Log: slog.New(slog.NewTextHandler(io.Discard, nil))}
	srv := graph.NewServer(r)
	srv.AddTransport(transport.POST{})
	c := client.New(srv)

	type score struct {
		Actor struct{ ID string }
		Value float64
		Rank  int
	}
	query := func() map[string]score {
		var out struct{ Degree, Weighted []score }
		mustQuery(t, c, `{ degree: centrality(measure: DEGREE, first: 1000) { actor { id } value rank }
  weighted: centrality(measure: WEIGHTED_DEGREE, first: 5) { actor { id } value rank } }`, &out)
		m := map[string]score{}
		for i, s := range out.Degree {
			m[s.Actor.ID] = s
			if i > 0 {
				prev := out.Degree[i-1]
				if s.Value > prev.Value || (s.Value == prev.Value && s.Actor.ID < prev.Actor.ID) {
					t.Errorf("centrality not ordered by value then id at %d", i)
				}
				if wantRank := map[bool]int{true: prev.Rank, false: i + 1}[s.Value == prev.Value]; s.Rank != wantRank {
					t.Errorf("rank %d at %d, want %d", s.Rank, i, wantRank)
				}
			}
		}
		// Weighted degree is the number of exchanges an actor is in.
		ref := newRef(b, nil)
		for _, w := range out.Weighted {
			n := 0
			for _, x := range ref.xs {
				if x.SourceID == w.Actor.ID || x.TargetID == w.Actor.ID {
					n++
				}
			}
			if float64(n) != w.Value {
				t.Errorf("weighted degree of %s: %v, want %d", w.Actor.ID, w.Value, n)
			}
		}
		return m
	}
	check := func(got map[string]score, ref *refGraph) {
		t.Helper()
		if len(got) != len(ref.adj) {
			t.Errorf("centrality scored %d actors, want %d", len(got), len(ref.adj))
		}
		for id, nb := range ref.adj {
			if got[id].Value != float64(len(nb)) {
				t.Errorf("degree of %s: %v, want %d", id, got[id].Value, len(nb))
			}
		}
	}
	check(query(), newRef(b, nil))

	// A mutation drops the cache at once: the new partner counts.
	u, v := b.Actors[0].ID, b.Actors[len(b.Actors)-1].ID
	mustQuery(t, c, fmt.Sprintf(`mutation { createExchange(input: {id: "x-new", source: %q, target: %q, title: "New", kind: WORKSHOP}) { id } }`, u, v), nil)
	b.Exchanges = append(b.Exchanges, c2c.Exchange{ID: "x-new", SourceID: u, TargetID: v, Directed: true})
	check(query(), newRef(b, nil))

	// A write the API does not see (another process) shows once the
	// cached result has expired.
	ctx := context.Background()
	x := c2c.Exchange{ID: "x-direct", SourceID: b.Actors[1].ID, TargetID: b.Actors[2].ID, Title: "Direct", Kind: c2c.KindMeeting, Directed: true}
	if _, err := s.CreateExchange(ctx, x); err != nil {
		t.Fatal(err)
	}
	before := newRef(b, nil)
	b.Exchanges = append(b.Exchanges, x)
	after := newRef(b, nil)
	if len(before.adj[x.SourceID]) == len(after.adj[x.SourceID]) {
		t.Fatalf("the direct write should change a degree")
	}
	check(query(), before)
	now = now.Add(graph.DefaultCacheTTL + time.Second)
	check(query(), after)
}

func TestComponentsCommunitiesAndPairs(t *testing.T) {
	c, ref := mustGenerated(t, 5, 120, 100)
	var out struct {
		Components struct {
			Count  int
			Groups []struct {
				Size   int
				Actors []struct{ ID string }
			}
		}
		Communities struct {
			Count      int
			Modularity float64
			Groups     []struct {
				Size   int
				Actors []struct{ ID string }
			}
		}
		PairSpans []struct {
			A, B        struct{ ID string }
			Exchanges   int
			First, Last *string
		}
	}
	mustQuery(t, c, `{
  components(first: 1000) { count groups { size actors(first: 1000) { id } } }
  communities(first: 1000) { count modularity groups { size actors(first: 1000) { id } } }
  pairSpans(first: 1000) { a { id } b { id } exchanges first last }
}`, &out)

	// Union-find over the exchanges.
	parent := map[string]string{}
	var find func(string) string
	find = func(x string) string {
		if parent[x] == "" || parent[x] == x {
			parent[x] = x
			return x
		}
		parent[x] = find(parent[x])
		return parent[x]
	}
	for _, x := range ref.xs {
		parent[find(x.SourceID)] = find(x.TargetID)
	}
	sizes := map[string]int{}
	for id := range ref.adj {
		sizes[find(id)]++
	}
	var want []int
	for _, n := range sizes {
		want = append(want, n)
	}
	sort.Sort(sort.Reverse(sort.IntSlice(want)))
	var got []int
	for _, g := range out.Components.Groups {
		got = append(got, g.Size)
		root := find(g.Actors[0].ID)
		for _, a := range g.Actors {
			if find(a.ID) != root {
				t.Errorf("component mixes %s and %s", g.Actors[0].ID, a.ID)
			}
		}
		if len(g.Actors) != g.Size {
			t.Errorf("component of size %d lists %d actors", g.Size, len(g.Actors))
		}
	}
	if !slices.Equal(got, want) || out.Components.Count != len(want) {
		t.Errorf("component sizes %v (count %d), want %v", got, out.Components.Count, want)
	}

	// Communities partition the actors; the modularity is recomputed here.
	of := map[string]int{}
	for i, g := range out.Communities.Groups {
		for _, a := range g.Actors {
			if _, dup := of[a.ID]; dup {
				t.Errorf("%s is in two communities", a.ID)
			}
			of[a.ID] = i
		}
	}
	if len(of) != len(ref.adj) || out.Communities.Count != len(out.Communities.Groups) {
		t.Errorf("communities cover %d actors in %d groups (count %d), want %d actors", len(of), len(out.Communities.Groups), out.Communities.Count, len(ref.adj))
	}
	if got, want := out.Communities.Modularity, modularity(ref, of); math.Abs(got-want) > 1e-9 {
		t.Errorf("modularity %v, recomputed %v", got, want)
	}

	// Pairs: one per joined pair, with the count of their exchanges.
	pairs := map[[2]string]int{}
	for _, x := range ref.xs {
		a, b := min(x.SourceID, x.TargetID), max(x.SourceID, x.TargetID)
		pairs[[2]string{a, b}]++
	}
	if len(out.PairSpans) != len(pairs) {
		t.Errorf("%d pairs, want %d", len(out.PairSpans), len(pairs))
	}
	for _, p := range out.PairSpans {
		if n := pairs[[2]string{p.A.ID, p.B.ID}]; n != p.Exchanges {
			t.Errorf("pair %s–%s: %d exchanges, want %d", p.A.ID, p.B.ID, p.Exchanges, n)
		}
	}
}

// modularity computes Q of a partition of the graph weighted by the number
// of exchanges between partners (resolution 1).
func modularity(ref *refGraph, of map[string]int) float64 {
	w := map[[2]string]float64{}
	deg := map[string]float64{}
	m := 0.0
	for _, x := range ref.xs {
		if x.SourceID == x.TargetID {
			continue
		}
		a, b := min(x.SourceID, x.TargetID), max(x.SourceID, x.TargetID)
		w[[2]string{a, b}]++
		deg[a]++
		deg[b]++
		m++
	}
	q := 0.0
	for p, wt := range w {
		if of[p[0]] == of[p[1]] {
			q += 2 * wt
		}
	}
	tot := map[int]float64{}
	for id, d := range deg {
		tot[of[id]] += d
	}
	for _, t := range tot {
		q -= t * t / (2 * m)
	}
	return q / (2 * m)
}

func TestStatsTimelineShareSubgraph(t *testing.T) {
	c, ref := mustGenerated(t, 9, 70, 200)
	var out struct {
		Stats struct {
			Exchanges, BucketCount int
			Buckets                []struct {
				Keys  []string
				Count int
			}
		}
		Cross struct {
			BucketCount int
			Buckets     []struct {
				Keys  []string
				Count int
			}
		}
		Timeline struct {
			Years []struct {
				Year   *int
				Count  int
				Groups []struct {
					Key   string
					Count int
				}
			}
			Undated struct {
				Year  *int
				Count int
			}
		}
		SouthSouthShare []struct {
			Year, Total, SouthSouth, NorthSouth, NorthNorth, Unknown int
			Share                                                    float64
		}
		Subgraph struct {
			Nodes  []struct{ ID string }
			Edges  []struct{ ID string }
			Depths []struct{ Depth int }
		}
	}
	mustQuery(t, c, `{
  stats(by: [THEME], first: 1000) { exchanges bucketCount buckets { keys count } }
  cross: stats(by: [KIND, YEAR], first: 1000) { bucketCount buckets { keys count } }
  timeline(by: KIND) { years { year count groups { key count } } undated { year count } }
  southSouthShare(definition: G77) { year total southSouth northSouth northNorth unknown share }
  subgraph(filter: {themesAny: ["urban-planning"]}) { nodes { id } edges { id } depths { depth } }
}`, &out)

	if out.Stats.Exchanges != len(ref.xs) {
		t.Errorf("stats counted %d exchanges, want %d", out.Stats.Exchanges, len(ref.xs))
	}
	themes := map[string]int{}
	for _, x := range ref.xs {
		if len(x.Themes) == 0 {
			themes[""]++
		}
		for _, th := range dedupe(x.Themes) {
			themes[th]++
		}
	}
	if out.Stats.BucketCount != len(themes) {
		t.Errorf("%d theme buckets, want %d", out.Stats.BucketCount, len(themes))
	}
	for _, b := range out.Stats.Buckets {
		if themes[b.Keys[0]] != b.Count {
			t.Errorf("theme %q: %d, want %d", b.Keys[0], b.Count, themes[b.Keys[0]])
		}
	}
	year := func(x c2c.Exchange) string {
		if x.Start == nil {
			return ""
		}
		return strconv.Itoa(x.Start.Year)
	}
	cross := map[[2]string]int{}
	for _, x := range ref.xs {
		cross[[2]string{string(x.Kind), year(x)}]++
	}
	if out.Cross.BucketCount != len(cross) {
		t.Errorf("%d kind×year buckets, want %d", out.Cross.BucketCount, len(cross))
	}
	for _, b := range out.Cross.Buckets {
		if n := cross[[2]string{b.Keys[0], b.Keys[1]}]; n != b.Count {
			t.Errorf("kind×year %v: %d, want %d", b.Keys, b.Count, n)
		}
	}

	byYear, undated := map[int]int{}, 0
	byYearKind := map[int]map[string]int{}
	for _, x := range ref.xs {
		if x.Start == nil {
			undated++
			continue
		}
		byYear[x.Start.Year]++
		if byYearKind[x.Start.Year] == nil {
			byYearKind[x.Start.Year] = map[string]int{}
		}
		byYearKind[x.Start.Year][string(x.Kind)]++
	}
	if out.Timeline.Undated.Count != undated || out.Timeline.Undated.Year != nil {
		t.Errorf("undated %+v, want %d", out.Timeline.Undated, undated)
	}
	for i, y := range out.Timeline.Years {
		if i > 0 && *y.Year != *out.Timeline.Years[i-1].Year+1 {
			t.Errorf("timeline skips from %d to %d", *out.Timeline.Years[i-1].Year, *y.Year)
		}
		if y.Count != byYear[*y.Year] {
			t.Errorf("year %d: %d, want %d", *y.Year, y.Count, byYear[*y.Year])
		}
		for _, g := range y.Groups {
			if g.Count != byYearKind[*y.Year][g.Key] {
				t.Errorf("year %d kind %s: %d, want %d", *y.Year, g.Key, g.Count, byYearKind[*y.Year][g.Key])
			}
		}
		delete(byYear, *y.Year)
	}
	if len(byYear) != 0 {
		t.Errorf("timeline misses years %v", byYear)
	}

	type classes struct{ total, ss, ns, nn, unknown int }
	share := map[int]*classes{}
	for _, x := range ref.xs {
		if x.Start == nil {
			continue
		}
		c := share[x.Start.Year]
		if c == nil {
			c = &classes{}
			share[x.Start.Year] = c
		}
		c.total++
		switch c2c.Classify(c2c.DefG77, ref.actor[x.SourceID].Country, ref.actor[x.TargetID].Country) {
		case c2c.ClassSouthSouth:
			c.ss++
		case c2c.ClassNorthSouth:
			c.ns++
		case c2c.ClassNorthNorth:
			c.nn++
		default:
			c.unknown++
		}
	}
	for _, y := range out.SouthSouthShare {
		w := share[y.Year]
		if w == nil {
			w = &classes{}
		}
		if y.Total != w.total || y.SouthSouth != w.ss || y.NorthSouth != w.ns || y.NorthNorth != w.nn || y.Unknown != w.unknown {
			t.Errorf("year %d: %+v, want %+v", y.Year, y, *w)
		}
		if known := w.total - w.unknown; known > 0 && math.Abs(y.Share-float64(w.ss)/float64(known)) > 1e-12 {
			t.Errorf("year %d: share %v, want %v", y.Year, y.Share, float64(w.ss)/float64(known))
		}
	}

	sub := newRef(ref.b, func(x c2c.Exchange) bool { return slices.Contains(x.Themes, "urban-planning") })
	if len(out.Subgraph.Edges) != len(sub.xs) || len(out.Subgraph.Nodes) != len(sub.adj) || len(out.Subgraph.Depths) != 0 {
		t.Errorf("subgraph: %d edges, %d nodes, %d depths; want %d, %d, 0", len(out.Subgraph.Edges), len(out.Subgraph.Nodes), len(out.Subgraph.Depths), len(sub.xs), len(sub.adj))
	}
	if len(sub.xs) == 0 {
		t.Fatal("the theme selects nothing: pick another")
	}
}

func dedupe(s []string) []string {
	out := slices.Clone(s)
	slices.Sort(out)
	return slices.Compact(out)
}

// TestAnalysisRoundTrips checks that a path's nodes and a centrality's
// actors cost no round trip per item: the path's actors come primed from
// the subgraph, the centrality's come in one batch.
func TestAnalysisRoundTrips(t *testing.T) {
	c, ref := mustGenerated(t, 2, 200, 400)
	h := hubs(ref, 2)
	// Every query runs once before it is measured, so that both sides of a
	// comparison read the subgraph from the cache alike.
	for _, q := range []string{
		fmt.Sprintf(`{ paths(from: %q, to: %q, mode: K_SHORTEST, k: 5) { mode } }`, h[0], h[1]),
		`{ centrality(measure: PAGERANK, first: 50) { value } }`,
		`{ centrality(measure: PAGERANK, first: 50, filter: {directed: true}) { value } }`,
	} {
		mustQuery(t, c, q, nil)
	}
	bare := mustQuery(t, c, fmt.Sprintf(`{ paths(from: %q, to: %q, mode: K_SHORTEST, k: 5) { mode } }`, h[0], h[1]), nil)
	var out struct{ Paths struct{ Paths []gqlPath } }
	full := mustQuery(t, c, fmt.Sprintf(`{ paths(from: %q, to: %q, mode: K_SHORTEST, k: 5) { paths { nodes { id } } } }`, h[0], h[1]), &out)
	if len(out.Paths.Paths) < 2 {
		t.Fatalf("want several paths between hubs, got %d", len(out.Paths.Paths))
	}
	if full.RoundTrips != bare.RoundTrips {
		t.Errorf("path nodes cost %d round trips more", full.RoundTrips-bare.RoundTrips)
	}
	bare = mustQuery(t, c, `{ centrality(measure: PAGERANK, first: 50) { value } }`, nil)
	full = mustQuery(t, c, `{ centrality(measure: PAGERANK, first: 50, filter: {directed: true}) { actor { id name } } }`, nil)
	if full.RoundTrips > bare.RoundTrips+1 {
		t.Errorf("50 scored actors cost %d round trips more, want at most one batch", full.RoundTrips-bare.RoundTrips)
	}
}
