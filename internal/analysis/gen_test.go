package analysis

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"github.com/c2c-project/c2c/internal/c2c"
)

// randomGraph builds a subgraph of n actors and m exchanges from seed:
// parallel exchanges, directed and mutual ones, dates of every precision
// and unknown ones, actors with and without a country.
func randomGraph(seed uint64, n, m int) *c2c.Subgraph {
	r := rand.New(rand.NewPCG(seed, seed*7+1))
	countries := []string{"ZA", "BR", "MZ", "FR", "ES", "MA", "CN", "US", "AR", ""}
	g := &c2c.Subgraph{}
	for i := range n {
		a := &c2c.Actor{ID: fmt.Sprintf("a%02d", i), Kind: c2c.ActorCity, Name: fmt.Sprintf("Actor %d", i)}
		a.Country = countries[r.IntN(len(countries))]
		if a.Country == "" {
			a.Kind = c2c.ActorOrganisation
		}
		g.Nodes = append(g.Nodes, a)
	}
	themes := []string{"housing", "migration", "culture", "decent-work"}
	kinds := []c2c.ExchangeKind{c2c.KindStudyVisit, c2c.KindWorkshop, c2c.KindTwinning}
	for i := range m {
		u := r.IntN(n)
		v := r.IntN(n - 1)
		if v >= u {
			v++
		}
		x := &c2c.Exchange{
			ID:       fmt.Sprintf("x%03d", i),
			SourceID: g.Nodes[u].ID, TargetID: g.Nodes[v].ID,
			Title:    fmt.Sprintf("Exchange %d", i),
			Kind:     kinds[r.IntN(len(kinds))],
			Directed: r.IntN(2) == 0,
		}
		for _, t := range themes {
			if r.IntN(3) == 0 {
				x.Themes = append(x.Themes, t)
			}
		}
		switch r.IntN(5) {
		case 0: // unknown date
		case 1:
			x.Start = &c2c.PartialDate{Year: 2010 + r.IntN(4)}
		case 2:
			x.Start = &c2c.PartialDate{Year: 2010 + r.IntN(4), Month: 1 + r.IntN(12)}
		default:
			x.Start = &c2c.PartialDate{Year: 2010 + r.IntN(4), Month: 1 + r.IntN(12), Day: 1 + r.IntN(28)}
			if r.IntN(2) == 0 {
				e := *x.Start
				e.Day = min(28, e.Day+2)
				x.End = &e
			}
		}
		x.Normalize()
		g.Edges = append(g.Edges, x)
	}
	return g
}

// shuffled returns g with nodes and edges in another order: results must
// not depend on it.
func shuffled(g *c2c.Subgraph, seed uint64) *c2c.Subgraph {
	r := rand.New(rand.NewPCG(seed, 99))
	out := &c2c.Subgraph{Nodes: slices.Clone(g.Nodes), Edges: slices.Clone(g.Edges)}
	r.Shuffle(len(out.Nodes), func(i, j int) { out.Nodes[i], out.Nodes[j] = out.Nodes[j], out.Nodes[i] })
	r.Shuffle(len(out.Edges), func(i, j int) { out.Edges[i], out.Edges[j] = out.Edges[j], out.Edges[i] })
	return out
}

// handGraph is a small graph written out by hand, after the seed material.
func handGraph() *c2c.Subgraph {
	actors := []*c2c.Actor{
		{ID: "durban", Kind: c2c.ActorCity, Name: "eThekwini", AltNames: []string{"Durban"}, Country: "ZA", Coords: &c2c.Coordinates{Lat: -29.86, Lon: 31.03}},
		{ID: "sao-paulo", Kind: c2c.ActorRegion, Name: "São Paulo", Country: "BR"},
		{ID: "uclg", Kind: c2c.ActorOrganisation, Name: "UCLG", OrgType: c2c.OrgNetwork},
		{ID: "salga", Kind: c2c.ActorOrganisation, Name: "SALGA", Country: "ZA", OrgType: c2c.OrgAssociation},
		{ID: "maputo", Kind: c2c.ActorCity, Name: "Maputo", Country: "MZ"},
		{ID: "nampula", Kind: c2c.ActorCity, Name: "Nampula", Country: "MZ"},
		{ID: "barcelona", Kind: c2c.ActorCity, Name: "Barcelona", Country: "ES"},
		{ID: "chefchaouen", Kind: c2c.ActorCity, Name: "Chefchaouen", Country: "MA"},
	}
	x := func(id, s, t string, directed bool, start string, themes ...string) *c2c.Exchange {
		e := &c2c.Exchange{ID: id, SourceID: s, TargetID: t, Title: "Exchange " + id, Kind: c2c.KindStudyVisit, Directed: directed, Themes: themes}
		if start != "" {
			e.Start = c2c.MustDate(start)
		}
		e.Normalize()
		return e
	}
	return &c2c.Subgraph{Nodes: actors, Edges: []*c2c.Exchange{
		x("e1", "durban", "sao-paulo", true, "2013-07-28", "informal-settlements-upgrading", "housing"),
		x("e2", "sao-paulo", "durban", true, "2014", "housing"),
		x("e3", "durban", "uclg", false, "2013-07"),
		x("e4", "uclg", "salga", false, "2012-06-03"),
		x("e5", "salga", "durban", false, "", "governance"),
		x("e6", "maputo", "nampula", true, "2015-03", "cadastre"),
		x("e7", "nampula", "sao-paulo", true, "2015-05-10", "cadastre", "municipal-finance"),
		x("e8", "barcelona", "chefchaouen", true, "2016", "migration"),
		x("e9", "chefchaouen", "uclg", false, "2016-11-02", "migration", "culture"),
		x("e10", "maputo", "durban", false, "2012", "housing"),
	}}
}

func ids(ps []Path) []string {
	out := make([]string, len(ps))
	for i, p := range ps {
		out[i] = strings.Join(p.ActorIDs, ">")
	}
	return out
}

// ref is an adjacency view written independently of the package: for each
// ordered pair the exchanges a hop may use.
type ref struct {
	g     *c2c.Subgraph
	nodes []string
	hops  map[[2]string][]*c2c.Exchange
}

func newRef(g *c2c.Subgraph, directed bool) *ref {
	r := &ref{g: g, hops: map[[2]string][]*c2c.Exchange{}}
	for _, a := range g.Nodes {
		r.nodes = append(r.nodes, a.ID)
	}
	slices.Sort(r.nodes)
	for _, x := range g.Edges {
		r.hops[[2]string{x.SourceID, x.TargetID}] = append(r.hops[[2]string{x.SourceID, x.TargetID}], x)
		if !directed || !x.Directed {
			r.hops[[2]string{x.TargetID, x.SourceID}] = append(r.hops[[2]string{x.TargetID, x.SourceID}], x)
		}
	}
	return r
}

func (r *ref) next(u string) []string {
	var out []string
	for _, v := range r.nodes {
		if len(r.hops[[2]string{u, v}]) > 0 {
			out = append(out, v)
		}
	}
	return out
}

// simplePaths enumerates every loopless path from s to t of at most max
// hops, as actor sequences.
func (r *ref) simplePaths(s, t string, max int) [][]string {
	var out [][]string
	var walk func(p []string)
	walk = func(p []string) {
		u := p[len(p)-1]
		if u == t {
			out = append(out, slices.Clone(p))
			return
		}
		if len(p)-1 == max {
			return
		}
		for _, v := range r.next(u) {
			if !slices.Contains(p, v) {
				walk(append(p, v))
			}
		}
	}
	walk([]string{s})
	return out
}

// bfs returns hop distances from s (absent when unreachable).
func (r *ref) bfs(s string) map[string]int {
	d := map[string]int{s: 0}
	q := []string{s}
	for len(q) > 0 {
		u := q[0]
		q = q[1:]
		for _, v := range r.next(u) {
			if _, ok := d[v]; !ok {
				d[v] = d[u] + 1
				q = append(q, v)
			}
		}
	}
	return d
}

// preferred is the exchange a shortest path names for a hop: earliest
// start (unknown last), then lowest id.
func (r *ref) preferred(u, v string) (string, int) {
	xs := r.hops[[2]string{u, v}]
	best := xs[0]
	key := func(x *c2c.Exchange) int {
		if x.Start == nil {
			return 1 << 30
		}
		return x.Start.Year*10000 + max(x.Start.Month, 1)*100 + max(x.Start.Day, 1)
	}
	for _, x := range xs[1:] {
		if key(x) < key(best) || (key(x) == key(best) && x.ID < best.ID) {
			best = x
		}
	}
	return best.ID, len(xs)
}

func seqLess(a, b []string) int {
	if len(a) != len(b) {
		return len(a) - len(b)
	}
	return slices.Compare(a, b)
}

// mustPaths returns a function that fails t on an error and returns the
// paths: mustPaths(t)(ShortestPaths(…)).
func mustPaths(t *testing.T) func([]Path, error) []Path {
	t.Helper()
	return func(ps []Path, err error) []Path {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		return ps
	}
}
