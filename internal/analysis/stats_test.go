package analysis

import (
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"sync"
	"testing"

	"github.com/c2c-project/c2c/internal/c2c"
	"github.com/google/go-cmp/cmp"
)

func mustBuckets(t *testing.T) func([]Bucket, error) []Bucket {
	t.Helper()
	return func(b []Bucket, err error) []Bucket {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
}

func TestBreakdownHandGraph(t *testing.T) {
	g := handGraph()
	// Region pairs by hand: ZA/BR e1 e2 → 002|019; durban-uclg e3, uclg-salga
	// e4, chefchaouen-uclg e9 → "|002"; salga-durban e5, maputo-nampula e6,
	// maputo-durban e10 → 002|002; nampula-sao-paulo e7 → 002|019;
	// barcelona-chefchaouen e8 → 002|150.
	want := []Bucket{{[]string{"002|002"}, 3}, {[]string{"002|019"}, 3}, {[]string{"|002"}, 3}, {[]string{"002|150"}, 1}}
	if diff := cmp.Diff(want, mustBuckets(t)(Breakdown(g, DimRegionPair))); diff != "" {
		t.Errorf("region pairs (-want +got):\n%s", diff)
	}
	// Country pairs, unordered, "" for an end with no country: e1 e2
	// ZA–BR; e3 e4 UCLG with ZA; e9 UCLG–MA; e7 MZ–BR; e8 ES–MA; e6
	// MZ–MZ; e10 MZ–ZA; e5 ZA–ZA.
	want = []Bucket{{[]string{"BR|ZA"}, 2}, {[]string{"|ZA"}, 2}, {[]string{"BR|MZ"}, 1},
		{[]string{"ES|MA"}, 1}, {[]string{"MZ|MZ"}, 1}, {[]string{"MZ|ZA"}, 1}, {[]string{"ZA|ZA"}, 1}, {[]string{"|MA"}, 1}}
	if diff := cmp.Diff(want, mustBuckets(t)(Breakdown(g, DimCountryPair))); diff != "" {
		t.Errorf("country pairs (-want +got):\n%s", diff)
	}
	// Sub-region pairs: ZA, MZ are 202 (Sub-Saharan Africa), BR 419
	// (Latin America), MA 015 (Northern Africa), ES 039 (Southern Europe).
	want = []Bucket{{[]string{"202|202"}, 3}, {[]string{"202|419"}, 3}, {[]string{"|202"}, 2}, {[]string{"015|039"}, 1}, {[]string{"|015"}, 1}}
	if diff := cmp.Diff(want, mustBuckets(t)(Breakdown(g, DimSubRegionPair))); diff != "" {
		t.Errorf("sub-region pairs (-want +got):\n%s", diff)
	}
	// Countries: an exchange counts once per distinct country of its ends.
	want = []Bucket{{[]string{"ZA"}, 6}, {[]string{""}, 3}, {[]string{"BR"}, 3}, {[]string{"MZ"}, 3}, {[]string{"MA"}, 2}, {[]string{"ES"}, 1}}
	if diff := cmp.Diff(want, mustBuckets(t)(Breakdown(g, DimCountry))); diff != "" {
		t.Errorf("countries (-want +got):\n%s", diff)
	}
	got := mustBuckets(t)(Breakdown(g, DimYear, DimClass(c2c.DefG77)))
	// e4 (2012, UCLG has no country) and e10 (2012, MZ-ZA).
	if !slices.ContainsFunc(got, func(b Bucket) bool {
		return slices.Equal(b.Keys, []string{"2012", "UNKNOWN"}) && b.Count == 1
	}) || !slices.ContainsFunc(got, func(b Bucket) bool {
		return slices.Equal(b.Keys, []string{"2012", "SOUTH_SOUTH"}) && b.Count == 1
	}) {
		t.Errorf("year×class: %v", got)
	}
	total := 0
	for _, b := range got {
		total += b.Count
	}
	if total != len(g.Edges) {
		t.Errorf("year×class buckets add to %d, want %d", total, len(g.Edges))
	}
	if diff := cmp.Diff([]Bucket{{[]string{}, len(g.Edges)}}, mustBuckets(t)(Breakdown(g))); diff != "" {
		t.Errorf("no dims (-want +got):\n%s", diff)
	}
	if _, err := Breakdown(g, Dimension{Field: "MOOD"}); c2c.KindOf(err) != c2c.KindInvalid {
		t.Errorf("bad field: %v", err)
	}
	if _, err := Breakdown(g, DimClass("NONE")); c2c.KindOf(err) != c2c.KindInvalid {
		t.Errorf("bad definition: %v", err)
	}
}

func TestBreakdownCountsByDefinition(t *testing.T) {
	for _, sz := range sizes {
		g := randomGraph(sz.seed, sz.n, sz.m)
		theme, kind := map[string]int{}, map[string]int{}
		for _, x := range g.Edges {
			kind[string(x.Kind)]++
			if len(x.Themes) == 0 {
				theme[""]++
			}
			for _, th := range x.Themes {
				theme[th]++
			}
		}
		for _, c := range []struct {
			dim  Dimension
			want map[string]int
		}{{DimTheme, theme}, {DimKind, kind}} {
			got := map[string]int{}
			buckets := mustBuckets(t)(Breakdown(g, c.dim))
			for i, b := range buckets {
				got[b.Keys[0]] = b.Count
				if i > 0 && (buckets[i-1].Count < b.Count || buckets[i-1].Count == b.Count && buckets[i-1].Keys[0] > b.Keys[0]) {
					t.Errorf("%s buckets out of order at %v", c.dim.Field, b)
				}
			}
			if diff := cmp.Diff(c.want, got); diff != "" {
				t.Errorf("seed %d %s (-want +got):\n%s", sz.seed, c.dim.Field, diff)
			}
		}
	}
}

func TestTimelineAndShare(t *testing.T) {
	for _, sz := range sizes {
		g := randomGraph(sz.seed, sz.n, sz.m)
		perYear := map[int]int{}
		southSouth := map[int]int{}
		country := map[string]string{}
		for _, a := range g.Nodes {
			country[a.ID] = a.Country
		}
		for _, x := range g.Edges {
			y := 0
			if x.Start != nil {
				y = x.Start.Year
			}
			perYear[y]++
			if y != 0 && c2c.Classify(c2c.DefG77, country[x.SourceID], country[x.TargetID]) == c2c.ClassSouthSouth {
				southSouth[y]++
			}
		}
		s, err := Timeline(g, DimTheme)
		if err != nil {
			t.Fatal(err)
		}
		got := map[int]int{}
		if s.Undated.Count > 0 {
			got[0] = s.Undated.Count
		}
		for i, b := range s.Years {
			if i > 0 && b.Year != s.Years[i-1].Year+1 {
				t.Errorf("gap after %d", s.Years[i-1].Year)
			}
			if b.Count > 0 {
				got[b.Year] = b.Count
			}
			themed := 0
			for _, gr := range b.Groups {
				themed += gr.Count
			}
			if themed < b.Count {
				t.Errorf("year %d: theme groups add to %d, fewer than %d", b.Year, themed, b.Count)
			}
		}
		if diff := cmp.Diff(perYear, got); diff != "" {
			t.Errorf("seed %d per year (-want +got):\n%s", sz.seed, diff)
		}
		shares, err := SouthSouthShare(g, c2c.DefG77)
		if err != nil {
			t.Fatal(err)
		}
		for _, sh := range shares {
			if sh.Total != perYear[sh.Year] || sh.SouthSouth != southSouth[sh.Year] || sh.SouthSouth+sh.NorthSouth+sh.NorthNorth+sh.Unknown != sh.Total {
				t.Errorf("seed %d year %d: %+v, want total %d, south-south %d", sz.seed, sh.Year, sh, perYear[sh.Year], southSouth[sh.Year])
			}
		}
	}
	if _, err := Timeline(handGraph(), DimYear); c2c.KindOf(err) != c2c.KindInvalid {
		t.Errorf("timeline by year: %v", err)
	}
	if _, err := SouthSouthShare(handGraph(), "NONE"); c2c.KindOf(err) != c2c.KindInvalid {
		t.Errorf("share under unknown definition: %v", err)
	}
}

func TestClassifyHandGraph(t *testing.T) {
	got := Classify(handGraph(), c2c.DefG77)
	want := map[string]c2c.EdgeClass{
		"e1": c2c.ClassSouthSouth, "e2": c2c.ClassSouthSouth, "e3": c2c.ClassUnknown, "e4": c2c.ClassUnknown,
		"e5": c2c.ClassSouthSouth, "e6": c2c.ClassSouthSouth, "e7": c2c.ClassSouthSouth, "e8": c2c.ClassNorthSouth,
		"e9": c2c.ClassUnknown, "e10": c2c.ClassSouthSouth,
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("classes (-want +got):\n%s", diff)
	}
}

func TestPairSpansAndWindow(t *testing.T) {
	g := handGraph()
	var ds *PairSpan
	for _, p := range PairSpans(g) {
		if p.A == "durban" && p.B == "sao-paulo" {
			ds = &p
		}
	}
	if ds == nil {
		t.Fatal("no durban/sao-paulo pair")
	}
	want := PairSpan{A: "durban", B: "sao-paulo", Exchanges: 2, First: c2c.MustDate("2013-07-28"), Last: c2c.MustDate("2014"),
		Themes: []string{"housing", "informal-settlements-upgrading"}}
	if diff := cmp.Diff(want, *ds); diff != "" {
		t.Errorf("durban/sao-paulo (-want +got):\n%s", diff)
	}
	for _, sz := range sizes {
		g := randomGraph(sz.seed, sz.n, sz.m)
		from, to := c2c.MustDate("2011-06"), c2c.MustDate("2012")
		w := Window(g, from, to)
		var want []string
		for _, x := range g.Edges {
			if x.Start == nil {
				continue
			}
			hi := x.Start.LastKey()
			if x.End != nil {
				hi = x.End.LastKey()
			}
			if hi >= 20110601 && x.Start.FirstKey() <= 20121231 {
				want = append(want, x.ID)
			}
		}
		var got []string
		ends := map[string]bool{}
		for _, x := range w.Edges {
			got = append(got, x.ID)
			ends[x.SourceID], ends[x.TargetID] = true, true
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("seed %d window (-want +got):\n%s", sz.seed, diff)
		}
		if got, want := len(w.Nodes), len(ends); got != want {
			t.Errorf("seed %d: %d nodes in window, want %d", sz.seed, got, want)
		}
	}
}

func TestCacheVersions(t *testing.T) {
	c := NewCache(2)
	f := c2c.ExchangeFilter{ThemesAny: []string{"housing"}}
	k := Key("pagerank", f)
	if k != Key("pagerank", c2c.ExchangeFilter{ThemesAny: []string{"housing"}}) || k == Key("pagerank", c2c.ExchangeFilter{}) || k == Key("betweenness", f) {
		t.Fatal("keys do not follow the filter and computation")
	}
	v := c.Version()
	if !c.Put(k, v, 1) {
		t.Fatal("put refused")
	}
	if got, ok := c.Get(k); !ok || got != 1 {
		t.Fatalf("get %v %v", got, ok)
	}
	c.Bump()
	if _, ok := c.Get(k); ok {
		t.Error("entry survived a bump")
	}
	if c.Put(k, v, 2) {
		t.Error("stale put accepted")
	}
	var wg sync.WaitGroup
	for i := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := range 200 {
				key := strconv.Itoa(j % 5)
				c.Put(key, c.Version(), i)
				c.Get(key)
				if j%50 == 0 {
					c.Bump()
				}
			}
		}()
	}
	wg.Wait()
}

// TestAgreesWithNetworkX compares centrality with NetworkX's on a generated
// graph when python3 with networkx is available.
func TestAgreesWithNetworkX(t *testing.T) {
	if err := exec.Command("python3", "-c", "import networkx").Run(); err != nil {
		t.Skip("python3 with networkx is not available: skipping the NetworkX cross-check")
	}
	g := randomGraph(21, 40, 70)
	type edge struct{ U, V string }
	var in struct {
		Nodes []string
		Edges []edge
	}
	for _, a := range g.Nodes {
		in.Nodes = append(in.Nodes, a.ID)
	}
	for _, x := range g.Edges {
		in.Edges = append(in.Edges, edge{x.SourceID, x.TargetID})
	}
	dir := t.TempDir()
	b, _ := json.Marshal(in)
	if err := os.WriteFile(filepath.Join(dir, "g.json"), b, 0o600); err != nil {
		t.Fatal(err)
	}
	const script = `
import json, sys, networkx as nx
d = json.load(open(sys.argv[1]))
g = nx.Graph()
g.add_nodes_from(d["Nodes"])
for e in d["Edges"]:
    u, v = e["U"], e["V"]
    if g.has_edge(u, v):
        g[u][v]["weight"] += 1
    else:
        g.add_edge(u, v, weight=1)
try:
    import scipy  # nx.pagerank needs it
    pagerank = nx.pagerank
except ImportError:
    from networkx.algorithms.link_analysis.pagerank_alg import _pagerank_python as pagerank
json.dump({
    "betweenness": nx.betweenness_centrality(g, normalized=False),
    "closeness": nx.closeness_centrality(g),
    "harmonic": nx.harmonic_centrality(g),
    "pagerank": pagerank(g, alpha=0.85, tol=1e-12, weight="weight"),
}, sys.stdout)
`
	out, err := exec.Command("python3", "-c", script, filepath.Join(dir, "g.json")).Output()
	if err != nil {
		t.Fatalf("networkx: %v", err)
	}
	var want map[string]map[string]float64
	if err := json.Unmarshal(out, &want); err != nil {
		t.Fatal(err)
	}
	for name, got := range map[string]Scores{"betweenness": Betweenness(g), "closeness": Closeness(g), "harmonic": Harmonic(g), "pagerank": PageRank(g)} {
		checkScores(t, fmt.Sprint("networkx ", name), want[name], got, 1e-6)
	}
}
