package storetest

import (
	"bytes"
	"context"
	_ "embed"
	"encoding/csv"
	"fmt"
	"slices"
	"strconv"
	"testing"

	"github.com/google/go-cmp/cmp"
	"gonum.org/v1/gonum/graph"
	"gonum.org/v1/gonum/graph/path"
	"gonum.org/v1/gonum/graph/simple"
	"gonum.org/v1/gonum/graph/topo"

	"github.com/c2c-project/c2c/internal/analysis"
	"github.com/c2c-project/c2c/internal/c2c"
)

// The long-path fixture: the twinnings of the Wikipedia twin-town sample
// within the Americas, Asia and Oceania (package twinpaths builds it from
// the sample and checks that it is current). About 3,200 cities and 3,900
// twinnings; the large component has 2,276 cities and is 18 hops across,
// and about a fifth of its pairs are 9 or more hops apart.
var (
	//go:embed testdata/twinpaths-actors.csv
	twinActorsCSV []byte
	//go:embed testdata/twinpaths-exchanges.csv
	twinExchangesCSV []byte
)

// TwinPathsBatch returns the long-path fixture as a batch: each city with
// its name, country and coordinates, each twinning a mutual TWINNING
// exchange with the friendship theme.
func TwinPathsBatch() c2c.Batch {
	b := c2c.Batch{Themes: []c2c.Theme{{ID: "friendship", Label: "Friendship and twinning"}}}
	names := map[string]string{}
	for _, r := range mustCSV(twinActorsCSV) {
		a := c2c.Actor{ID: r[0], Kind: c2c.ActorCity, Name: r[1], Country: r[2]}
		if r[3] != "" {
			lat, err1 := strconv.ParseFloat(r[3], 64)
			lon, err2 := strconv.ParseFloat(r[4], 64)
			if err1 != nil || err2 != nil {
				panic(fmt.Sprintf("twinpaths fixture: bad coordinates %v", r))
			}
			a.Coords = &c2c.Coordinates{Lat: lat, Lon: lon}
		}
		a.Normalize()
		names[a.ID] = a.Name
		b.Actors = append(b.Actors, a)
	}
	for _, r := range mustCSV(twinExchangesCSV) {
		x := c2c.Exchange{ID: r[0], SourceID: r[1], TargetID: r[2], Kind: c2c.KindTwinning,
			Title: "Twinning of " + names[r[1]] + " and " + names[r[2]], Themes: []string{"friendship"}}
		x.Normalize()
		b.Exchanges = append(b.Exchanges, x)
	}
	return b
}

// mustCSV returns the records of a committed CSV file after its header.
func mustCSV(b []byte) [][]string {
	rs, err := csv.NewReader(bytes.NewReader(b)).ReadAll()
	if err != nil || len(rs) < 2 {
		panic(fmt.Sprintf("twinpaths fixture: %v (%d records)", err, len(rs)))
	}
	return rs[1:]
}

// twinRef is the independent reference of the long-path checks: the
// fixture's twinnings as a gonum graph, built from the committed files
// rather than from a store.
type twinRef struct {
	g   *simple.UndirectedGraph
	ids []string // by node id
	pos map[string]int64
}

func newTwinRef() *twinRef {
	r := &twinRef{g: simple.NewUndirectedGraph(), pos: map[string]int64{}}
	for _, a := range mustCSV(twinActorsCSV) {
		r.pos[a[0]] = int64(len(r.ids))
		r.ids = append(r.ids, a[0])
		r.g.AddNode(simple.Node(r.pos[a[0]]))
	}
	for _, x := range mustCSV(twinExchangesCSV) {
		u, v := r.pos[x[1]], r.pos[x[2]]
		if !r.g.HasEdgeBetween(u, v) {
			r.g.SetEdge(simple.Edge{F: simple.Node(u), T: simple.Node(v)})
		}
	}
	return r
}

// seqs returns gonum's paths as actor id sequences in id order.
func (r *twinRef) seqs(ps [][]graph.Node) [][]string {
	out := make([][]string, len(ps))
	for i, p := range ps {
		for _, n := range p {
			out[i] = append(out[i], r.ids[n.ID()])
		}
	}
	slices.SortFunc(out, slices.Compare)
	return out
}

// farthest returns the actor farthest from from (the first by node order
// among the farthest) and its distance, by a breadth-first search over
// adjacency lists (gonum's walk over its maps, from every actor, takes
// most of a minute under the race detector).
func (r *twinRef) farthest(adj [][]int64, from int64) (int64, int) {
	dist := make([]int, len(adj))
	for i := range dist {
		dist[i] = -1
	}
	dist[from] = 0
	far, queue := from, []int64{from}
	for len(queue) > 0 {
		u := queue[0]
		queue = queue[1:]
		if dist[u] > dist[far] || (dist[u] == dist[far] && u < far) {
			far = u
		}
		for _, v := range adj[u] {
			if dist[v] < 0 {
				dist[v] = dist[u] + 1
				queue = append(queue, v)
			}
		}
	}
	return far, dist[far]
}

// adjacency returns the neighbours of each node of the reference.
func (r *twinRef) adjacency() [][]int64 {
	adj := make([][]int64, len(r.ids))
	for u := range adj {
		for _, n := range graph.NodesOf(r.g.From(int64(u))) {
			adj[u] = append(adj[u], n.ID())
		}
	}
	return adj
}

// testLongPaths checks the shortest-path search over the store's Adjacent
// on the long-path fixture against gonum: lengths, the number of shortest
// paths and the first of them in id order, for pairs up to the diameter
// apart (its endpoints included), pairs in different components (not
// connected), hop limits just short of and at the distance, and
// K_SHORTEST's lengths against gonum's Yen.
func testLongPaths(t *testing.T, s c2c.Store) {
	ctx := t.Context()
	b := TwinPathsBatch()
	if _, err := s.Import(ctx, b); err != nil {
		t.Fatalf("import the long-path fixture: %v", err)
	}
	ref := newTwinRef()
	comps := topo.ConnectedComponents(ref.g)
	slices.SortFunc(comps, func(a, b []graph.Node) int { return len(b) - len(a) })
	large := comps[0]
	slices.SortFunc(large, func(a, b graph.Node) int { return int(a.ID() - b.ID()) })

	// The diameter: the largest eccentricity in the large component, its
	// endpoints the first such pair by node order.
	diameter, ends := 0, [2]graph.Node{}
	adj := ref.adjacency()
	for _, n := range large {
		if far, d := ref.farthest(adj, n.ID()); d > diameter {
			diameter, ends = d, [2]graph.Node{n, simple.Node(far)}
		}
	}
	if diameter < 12 {
		t.Fatalf("the large component is %d hops across: the fixture does not test long paths", diameter)
	}

	expand := func(ctx context.Context, ids []string) (map[string][]c2c.Adjacency, error) {
		return s.Adjacent(ctx, ids, c2c.ExchangeFilter{})
	}
	opts := analysis.PathOptions{Limit: analysis.MaxK + 1}
	// Sources: the diameter's ends and actors spread over the large
	// component; targets: every actor 9 or more hops away at a stride,
	// and a few near ones.
	sources := []graph.Node{ends[0], ends[1]}
	for i := 0; i < len(large); i += len(large) / 6 {
		sources = append(sources, large[i])
	}
	far, checked := 0, 0
	for si, src := range sources {
		all := path.DijkstraAllFrom(src, ref.g)
		var targets []graph.Node
		if si == 0 {
			targets = append(targets, ends[1])
		}
		nFar, nNear := 0, 0
		for i, n := range large {
			switch d := int(all.WeightTo(n.ID())); {
			case d >= 9 && nFar < 5 && (i+si)%7 == 0:
				targets, nFar = append(targets, n), nFar+1
			case d >= 1 && d < 9 && nNear < 2 && (i+si)%97 == 0:
				targets, nNear = append(targets, n), nNear+1
			}
		}
		for _, dst := range targets {
			from, to := ref.ids[src.ID()], ref.ids[dst.ID()]
			ps, w := all.AllTo(dst.ID())
			want := ref.seqs(ps)
			dist := int(w)
			what := fmt.Sprintf("%s→%s (%d hops)", from, to, dist)
			got, err := analysis.SearchShortest(ctx, expand, from, to, opts, 0)
			if err != nil {
				t.Errorf("%s: %v", what, err)
				continue
			}
			checked++
			if dist >= 9 {
				far++
			}
			if got.Hops != dist || got.Count != float64(len(want)) || !got.Connected || got.Cut {
				t.Errorf("%s: %d hops, %v paths, connected %v, cut %v; gonum: %d hops, %d paths", what, got.Hops, got.Count, got.Connected, got.Cut, dist, len(want))
				continue
			}
			var seqs [][]string
			for _, p := range got.Paths {
				seqs = append(seqs, p.ActorIDs)
			}
			if diff := cmp.Diff(want[:min(len(want), opts.Limit)], seqs); diff != "" {
				t.Errorf("%s: paths (-gonum +search):\n%s", what, diff)
			}
			if src == ends[0] && dst == ends[1] && dist != diameter {
				t.Errorf("diameter endpoints %s: %d hops, want the diameter %d", what, dist, diameter)
			}
			// A hop limit one short cuts the search; at the distance it
			// finds the same count (for a quarter of the pairs: each
			// search is a round trip per layer).
			if checked%4 != 0 {
				continue
			}
			cut, err := analysis.SearchShortest(ctx, expand, from, to, analysis.PathOptions{MaxHops: dist - 1}, 0)
			if err != nil || !cut.Cut || cut.Count != 0 || len(cut.Paths) != 0 {
				t.Errorf("%s within %d hops: %+v, %v; want cut", what, dist-1, cut, err)
			}
			at, err := analysis.SearchShortest(ctx, expand, from, to, analysis.PathOptions{MaxHops: dist, Limit: 1}, 0)
			if err != nil || at.Count != float64(len(want)) || len(at.Paths) != 1 {
				t.Errorf("%s within %d hops: %+v, %v; want %d paths", what, dist, at, err, len(want))
			}
		}
	}
	t.Logf("long paths: %d pairs checked against gonum, %d of them 9 or more hops apart; diameter %d (%s–%s)",
		checked, far, diameter, ref.ids[ends[0].ID()], ref.ids[ends[1].ID()])
	if far < 25 || checked < 30 {
		t.Errorf("checked %d pairs, %d of them 9 or more hops apart: want more", checked, far)
	}

	// Pairs in different components: not connected, whatever the length.
	for i, c := range comps[1:min(len(comps), 6)] {
		from, to := ref.ids[large[i*97%len(large)].ID()], ref.ids[c[0].ID()]
		got, err := analysis.SearchShortest(ctx, expand, from, to, opts, 0)
		if err != nil || got.Connected || got.Cut || got.Count != 0 || len(got.Paths) != 0 || got.Hops != -1 {
			t.Errorf("%s→%s in different components: %+v, %v; want not connected", from, to, got, err)
		}
	}

	// K_SHORTEST over the store's subgraph: the lengths of the k shortest
	// loopless paths are gonum's (Yen's algorithm over the reference).
	sub, err := s.Edges(ctx, c2c.ExchangeFilter{})
	mustNoError(t, "edges of the long-path fixture", err)
	yenChecked := 0
	for _, pair := range [][2]graph.Node{{sources[2], sources[3]}, {sources[4], sources[5]}, {ends[0], sources[6]}} {
		from, to := ref.ids[pair[0].ID()], ref.ids[pair[1].ID()]
		want := path.YenKShortestPaths(ref.g, 3, analysis.MaxKShortestHops, pair[0], pair[1])
		var wantLens []int
		for _, p := range want {
			if len(p)-1 <= analysis.MaxKShortestHops {
				wantLens = append(wantLens, len(p)-1)
			}
		}
		got, err := analysis.KShortest(sub, from, to, 3, analysis.PathOptions{})
		if err != nil {
			t.Errorf("k-shortest %s→%s: %v", from, to, err)
			continue
		}
		var gotLens []int
		for _, p := range got {
			gotLens = append(gotLens, p.Hops())
		}
		if diff := cmp.Diff(wantLens, gotLens); diff != "" {
			t.Errorf("k-shortest %s→%s lengths (-gonum +KShortest):\n%s", from, to, diff)
		}
		if len(gotLens) > 0 {
			yenChecked++
		}
	}
	if yenChecked == 0 {
		t.Error("no k-shortest pair had a path")
	}
}
