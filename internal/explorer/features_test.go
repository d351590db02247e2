package explorer_test

import (
	"bytes"
	"encoding/base64"
	"encoding/csv"
	"encoding/xml"
	"fmt"
	"image/png"
	"math"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/browser"
	"github.com/chromedp/cdproto/input"
	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	"github.com/c2c-project/c2c/internal/c2c"
)

// egoHub returns a hub of the generated graph whose depth-1 ego network
// is small enough (under 60 actors) to draw at depth 1 and 2 without the
// node limit: the test's centre.
func egoHub(t *testing.T, r *ref) string {
	t.Helper()
	for _, id := range r.hubs() {
		if n := len(r.ego(id, 1, 1000)); n >= 12 && n <= 60 && len(r.ego(id, 2, 1000)) <= 300 {
			return id
		}
	}
	t.Fatal("no hub of the generated graph has a small ego network")
	return ""
}

type drawnNode struct {
	ID     string
	X, Y   float64
	Size   float64
	Color  string
	Value  float64
	Faded  bool
	Legend string
}

func (p *page) nodes() []drawnNode {
	p.t.Helper()
	var ns []drawnNode
	p.eval(`window.__c2c.nodes()`, &ns)
	return ns
}

type matching struct{ Nodes, Edges, Exchanges int }

func (p *page) matching() matching {
	p.t.Helper()
	var m matching
	p.hook("matching", &m)
	return m
}

// openEgo opens the explorer on the ego network of centre at depth.
func openEgo(t *testing.T, f *fixture, centre string, depth int, extra string) *page {
	t.Helper()
	p := openPage(t, f.url, fmt.Sprintf("/?focus=%s&depth=%d&limit=300%s", centre, depth, extra))
	p.settle()
	return p
}

// TestEgoDepthAndExpand checks the ego network against a breadth-first
// search in Go at depths 1 and 2 (switched with the depth control), then
// double-clicks a node to expand it: its partners join the view.
func TestEgoDepthAndExpand(t *testing.T) {
	f := mustFixture(t, "generated")
	r := newRef(f.batch)
	hub := egoHub(t, r)
	p := openEgo(t, f, hub, 1, "")
	check := func(what string, ids []string) {
		t.Helper()
		var order, size, exchanges int
		p.hook("order", &order)
		p.hook("size", &size)
		p.hook("exchanges", &exchanges)
		among := r.among(ids)
		if order != len(ids) || size != pairs(among) || exchanges != len(among) {
			t.Errorf("%s: %d actors, %d links, %d exchanges; want %d, %d, %d", what, order, size, exchanges, len(ids), pairs(among), len(among))
		}
	}
	check("depth 1", r.ego(hub, 1, 300))
	p.mustDrawn("ego-depth-1", "#graph")
	p.setSelect("#depth", "2")
	p.waitFor("depth 2", `window.__c2c.state.depth === 2 && window.__c2c.ready`)
	p.settle()
	check("depth 2", r.ego(hub, 2, 300))
	p.setSelect("#depth", "1")
	p.waitFor("depth 1", `window.__c2c.state.depth === 1 && window.__c2c.ready`)
	p.settle()
	// Double-click the depth-1 actor with the most partners outside the view.
	view := r.ego(hub, 1, 300)
	inView := map[string]bool{}
	for _, id := range view {
		inView[id] = true
	}
	best, gain := "", 0
	for _, id := range view[1:] {
		n := 0
		for b := range r.adj[id] {
			if !inView[b] {
				n++
			}
		}
		if n > gain {
			best, gain = id, n
		}
	}
	if gain == 0 {
		t.Fatal("no actor of the view has partners outside it")
	}
	var pos drawnNode
	for _, n := range p.nodes() {
		if n.ID == best {
			pos = n
		}
	}
	x, y := pos.X+graphLeft(p), pos.Y+graphTop(p)
	p.do(chromedp.MouseClickXY(x, y), chromedp.MouseClickXY(x, y, chromedp.ClickCount(2)))
	p.waitFor("the expansion", fmt.Sprintf(`window.__c2c.state.expand.includes(%q) && window.__c2c.ready`, best))
	p.settle()
	union := map[string]bool{}
	for _, id := range view {
		union[id] = true
	}
	for _, id := range r.ego(best, 1, 100) {
		union[id] = true
	}
	// An expansion adds the actor's partners and the exchanges among them
	// (the actor included) to what was drawn.
	got := map[string]bool{}
	for _, x := range r.among(view) {
		got[x.ID] = true
	}
	for _, x := range r.among(r.ego(best, 1, 100)) {
		got[x.ID] = true
	}
	var xs []c2c.Exchange
	for _, x := range r.exchanges {
		if got[x.ID] {
			xs = append(xs, x)
		}
	}
	var order, size, exchanges int
	p.hook("order", &order)
	p.hook("size", &size)
	p.hook("exchanges", &exchanges)
	if order != len(union) || size != pairs(xs) || exchanges != len(xs) {
		t.Errorf("expanded: %d actors, %d links, %d exchanges; want %d, %d, %d", order, size, exchanges, len(union), pairs(xs), len(xs))
	}
	p.mustDrawn("ego-expanded", "#graph")
}

// graphTop is the page y of the graph stage's top (sigma's viewport
// coordinates are relative to it).
func graphTop(p *page) float64 {
	var top float64
	p.eval(`document.querySelector('#graph').getBoundingClientRect().top`, &top)
	return top
}

func graphLeft(p *page) float64 {
	var left float64
	p.eval(`document.querySelector('#graph').getBoundingClientRect().left`, &left)
	return left
}

// viewExchanges returns the exchanges among the actors of the depth-2 ego
// network of hub, and the actors.
func viewExchanges(r *ref, hub string) ([]c2c.Exchange, map[string]bool) {
	ids := r.ego(hub, 2, 300)
	in := map[string]bool{}
	for _, id := range ids {
		in[id] = true
	}
	return r.among(ids), in
}

// wantMatching counts what the page should leave unfaded when keep says
// which exchanges match: the exchanges, their pairs and their ends.
func wantMatching(xs []c2c.Exchange, keep func(c2c.Exchange) bool) matching {
	var kept []c2c.Exchange
	for _, x := range xs {
		if keep(x) {
			kept = append(kept, x)
		}
	}
	nodes := map[string]bool{}
	for _, x := range kept {
		if x.SourceID != x.TargetID {
			nodes[x.SourceID] = true
			nodes[x.TargetID] = true
		}
	}
	return matching{Nodes: len(nodes), Edges: pairs(kept), Exchanges: len(kept)}
}

// TestFiltersFade sets each filter through its control and checks that the
// matching exchanges, links and actors are those a Go filter over the
// batch finds, while the drawn graph keeps every actor (fading, not
// removing); faded nodes are drawn in the faded colour.
func TestFiltersFade(t *testing.T) {
	f := mustFixture(t, "generated")
	r := newRef(f.batch)
	hub := egoHub(t, r)
	xs, _ := viewExchanges(r, hub)
	p := openEgo(t, f, hub, 2, "")
	var order int
	p.hook("order", &order)
	if m := p.matching(); m.Exchanges != len(xs) {
		t.Fatalf("unfiltered: %d matching exchanges, want all %d", m.Exchanges, len(xs))
	}
	country := func(id string) string { return r.actors[id].Country }
	// The most common theme, kind, programme and country of the view.
	count := func(key func(c2c.Exchange) []string) string {
		n := map[string]int{}
		for _, x := range xs {
			for _, k := range key(x) {
				if k != "" {
					n[k]++
				}
			}
		}
		best := ""
		for k, c := range n {
			if best == "" || c > n[best] || c == n[best] && k < best {
				best = k
			}
		}
		return best
	}
	theme := count(func(x c2c.Exchange) []string { return x.Themes })
	kind := count(func(x c2c.Exchange) []string { return []string{string(x.Kind)} })
	programme := count(func(x c2c.Exchange) []string { return []string{x.Programme} })
	cc := count(func(x c2c.Exchange) []string { return []string{country(x.SourceID), country(x.TargetID)} })
	ccInfo, _ := c2c.CountryByCode(cc)
	region := ccInfo.RegionCode
	for _, tc := range []struct {
		name  string
		apply func()
		keep  func(c2c.Exchange) bool
	}{
		{"theme " + theme, func() { p.checkBox("#themes", theme) }, func(x c2c.Exchange) bool { return slices.Contains(x.Themes, theme) }},
		{"kind " + kind, func() { p.checkBox("#kinds", kind) }, func(x c2c.Exchange) bool { return string(x.Kind) == kind }},
		{"country " + cc, func() { p.checkBox("#countries", cc) }, func(x c2c.Exchange) bool { return country(x.SourceID) == cc || country(x.TargetID) == cc }},
		{"region " + region, func() { p.checkBox("#regions", region) }, func(x c2c.Exchange) bool {
			in := func(id string) bool { c, ok := c2c.CountryByCode(country(id)); return ok && c.RegionCode == region }
			return in(x.SourceID) || in(x.TargetID)
		}},
		{"programme " + programme, func() { p.setSelect("#programme", programme) }, func(x c2c.Exchange) bool { return x.Programme == programme }},
		{"South-South under M49", func() { p.setSelect("#def", "M49_DEVELOPING_2020"); p.setSelect("#cls", "SOUTH_SOUTH") }, func(x c2c.Exchange) bool {
			return c2c.Classify(c2c.DefM49Developing2020, country(x.SourceID), country(x.TargetID)) == c2c.ClassSouthSouth
		}},
		{"actor kind CITY", func() { p.checkBox("#akinds", "CITY") }, func(x c2c.Exchange) bool {
			return r.actors[x.SourceID].Kind == c2c.ActorCity && r.actors[x.TargetID].Kind == c2c.ActorCity
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p.t = t
			p.click("#reset-filters")
			p.waitFor("no filter", `window.__c2c.matching.exchanges === window.__c2c.exchanges`)
			tc.apply()
			want := wantMatching(xs, tc.keep)
			if want.Exchanges == 0 || want.Exchanges == len(xs) {
				t.Fatalf("the filter keeps %d of %d exchanges: it proves nothing", want.Exchanges, len(xs))
			}
			p.waitFor("the filter", fmt.Sprintf(`window.__c2c.matching.exchanges === %d`, want.Exchanges))
			if got := p.matching(); got != want {
				t.Errorf("matching %+v, want %+v", got, want)
			}
			var still int
			p.hook("order", &still)
			if still != order {
				t.Errorf("the filter removed actors: %d drawn, was %d", still, order)
			}
			faded := 0
			for _, n := range p.nodes() {
				if n.Faded {
					faded++
				}
			}
			if faded != order-want.Nodes {
				t.Errorf("%d actors faded, want %d", faded, order-want.Nodes)
			}
			p.mustDrawn("filter-"+strings.ReplaceAll(tc.name, " ", "-"), "#graph")
		})
	}
}

// checkBox ticks the checkbox of value in the list box (opening its
// <details>), as a user does.
func (p *page) checkBox(box, value string) {
	p.t.Helper()
	p.eval(fmt.Sprintf(`document.querySelector(%q).closest('details').open = true`, box), nil)
	sel := fmt.Sprintf(`%s input[value=%q]`, box, value)
	p.do(chromedp.ScrollIntoView(chromedp.CSS(sel)), chromedp.Click(chromedp.CSS(sel), chromedp.NodeVisible))
}

// TestTimeWindowAndPlay checks the histogram against the dated exchanges
// in view, a window typed into the year fields and one dragged across the
// bars against the exchanges overlapping it, and that Play moves the window.
func TestTimeWindowAndPlay(t *testing.T) {
	f := mustFixture(t, "generated")
	r := newRef(f.batch)
	hub := egoHub(t, r)
	xs, _ := viewExchanges(r, hub)
	p := openEgo(t, f, hub, 2, "")
	var hist struct {
		Years []struct {
			Year, Count, Matching int
		}
		Undated int
	}
	p.hook("histogram", &hist)
	byYear := map[int]int{}
	undated := 0
	for _, x := range xs {
		if x.Start == nil {
			undated++
			continue
		}
		byYear[x.Start.First().Year()]++
	}
	got := map[int]int{}
	for _, y := range hist.Years {
		if y.Count > 0 {
			got[y.Year] = y.Count
		}
	}
	if fmt.Sprint(got) != fmt.Sprint(byYear) || hist.Undated != undated {
		t.Errorf("histogram %v (%d undated), want %v (%d)", got, hist.Undated, byYear, undated)
	}
	first, last := hist.Years[0].Year, hist.Years[len(hist.Years)-1].Year
	from, to := first+(last-first)/3, first+(last-first)/2
	p.do(chromedp.Focus(chromedp.CSS("#from")))
	p.clear("#from")
	p.do(chromedp.SendKeys(chromedp.CSS("#from"), fmt.Sprint(from)+kb.Tab))
	p.clear("#to")
	p.do(chromedp.SendKeys(chromedp.CSS("#to"), fmt.Sprint(to)+kb.Tab))
	want := wantMatching(xs, func(x c2c.Exchange) bool { return overlaps(x, from, to) })
	p.waitFor("the typed window", fmt.Sprintf(`window.__c2c.matching.exchanges === %d && window.__c2c.state.to == %d`, want.Exchanges, to))
	if got := p.matching(); got != want {
		t.Errorf("window %d-%d: matching %+v, want %+v", from, to, got, want)
	}
	p.mustDrawn("time-window", "#graph")
	// Drag across the bars of the first quarter of the years.
	var box struct{ Left, Top, Width, Height float64 }
	p.eval(`(() => { const r = document.querySelector('#histogram').getBoundingClientRect(); return {left: r.left, top: r.top, width: r.width, height: r.height}; })()`, &box)
	n := float64(len(hist.Years))
	x0 := box.Left + box.Width*(0.5/n)
	x1 := box.Left + box.Width*((float64(len(hist.Years)/4)+0.5)/n)
	y := box.Top + box.Height/2
	p.do(
		chromedp.MouseEvent(input.DispatchMouseEventTypeMouseMoved, x0, y),
		chromedp.MouseEvent(input.DispatchMouseEventTypeMousePressed, x0, y, chromedp.ButtonLeft),
		chromedp.MouseEvent(input.DispatchMouseEventTypeMouseMoved, (x0+x1)/2, y, chromedp.ButtonLeft),
		chromedp.MouseEvent(input.DispatchMouseEventTypeMouseMoved, x1, y, chromedp.ButtonLeft),
		chromedp.MouseEvent(input.DispatchMouseEventTypeMouseReleased, x1, y, chromedp.ButtonLeft),
	)
	dragTo := first + len(hist.Years)/4
	want = wantMatching(xs, func(x c2c.Exchange) bool { return overlaps(x, first, dragTo) })
	p.waitFor("the dragged window", fmt.Sprintf(`window.__c2c.state.from == %d && window.__c2c.state.to == %d && window.__c2c.matching.exchanges === %d`, first, dragTo, want.Exchanges))
	p.click("#play")
	p.waitFor("play to start", `window.__c2c.histogram.playing`)
	p.waitFor("the window to move", fmt.Sprintf(`Number(window.__c2c.state.from) > %d`, first+1))
	var s map[string]any
	p.hook("state", &s)
	p.click("#play")
	p.waitFor("play to stop", `!window.__c2c.histogram.playing`)
	fromNow, toNow := toInt(s["from"]), toInt(s["to"])
	if toNow-fromNow != dragTo-first {
		t.Errorf("playing kept the window %d-%d, want a width of %d years", fromNow, toNow, dragTo-first)
	}
}

func toInt(v any) int {
	switch x := v.(type) {
	case float64:
		return int(x)
	case string:
		n, _ := strconv.Atoi(x)
		return n
	}
	return 0
}

// TestColourAndSize colours by South status (each actor in its status's
// colour under the chosen definition), by community (several communities)
// and sizes by centrality: the page's values on the whole demo network
// must be the API's centrality of the same network.
func TestColourAndSize(t *testing.T) {
	f := mustFixture(t, "generated")
	r := newRef(f.batch)
	hub := egoHub(t, r)
	p := openEgo(t, f, hub, 2, "")
	p.setSelect("#def", "WORLD_BANK_NON_HIGH_INCOME")
	p.setSelect("#colour", "south")
	p.waitFor("the colouring", `window.__c2c.state.colour === 'south'`)
	colours := map[c2c.SouthStatus]string{c2c.StatusSouth: "#D55E00", c2c.StatusNorth: "#0072B2", c2c.StatusUnknown: "#8a949e"}
	for _, n := range p.nodes() {
		st := c2c.StatusOf(c2c.DefWorldBankNonHighIncome, r.actors[n.ID].Country)
		if n.Color != colours[st] {
			t.Errorf("%s (%s, %s): colour %s, want %s", n.ID, r.actors[n.ID].Country, st, n.Color, colours[st])
			break
		}
	}
	p.mustDrawn("colour-south", "#graph")
	p.setSelect("#colour", "community")
	p.waitFor("communities", `new Set(window.__c2c.nodes().map(n => n.color)).size > 1`)
	p.mustDrawn("colour-community", "#graph")
	p.setSelect("#colour", "region")
	for _, n := range p.nodes() {
		c, _ := c2c.CountryByCode(r.actors[n.ID].Country)
		if n.Legend != c.RegionCode {
			t.Errorf("%s: legend %q, want region %q", n.ID, n.Legend, c.RegionCode)
			break
		}
	}

	// Sizes against the API's centrality of the whole demo network.
	d := mustFixture(t, "demo")
	q := openPage(t, d.url, "/")
	q.settle()
	for _, m := range []struct{ ui, api string }{{"degree", "DEGREE"}, {"weighted", "WEIGHTED_DEGREE"}, {"betweenness", "BETWEENNESS"}, {"closeness", "CLOSENESS"}, {"pagerank", "PAGERANK"}} {
		q.setSelect("#size", m.ui)
		q.waitFor("the sizes", fmt.Sprintf(`window.__c2c.state.size === %q`, m.ui))
		var api struct {
			Data struct {
				Centrality []struct {
					Actor struct{ ID string }
					Value float64
				}
			}
		}
		q.eval(fmt.Sprintf(`fetch('/graphql', {method: 'POST', headers: {'Content-Type': 'application/json'}, body: JSON.stringify({query: '{ centrality(measure: %s, first: 1000) { actor { id } value } }'})}).then(r => r.json())`, m.api), &api)
		want := map[string]float64{}
		for _, c := range api.Data.Centrality {
			want[c.Actor.ID] = c.Value
		}
		nodes := q.nodes()
		if len(want) == 0 || len(nodes) != len(want) {
			t.Fatalf("%s: the API scores %d actors, the page draws %d", m.api, len(want), len(nodes))
		}
		var maxV float64
		for _, n := range nodes {
			maxV = math.Max(maxV, n.Value)
		}
		for _, n := range nodes {
			if math.Abs(n.Value-want[n.ID]) > 1e-6*math.Max(1, math.Abs(want[n.ID])) {
				t.Errorf("%s of %s: page %g, API %g", m.api, n.ID, n.Value, want[n.ID])
			}
		}
		// The biggest node is the actor with the highest value.
		sort.Slice(nodes, func(i, j int) bool { return nodes[i].Size > nodes[j].Size })
		if maxV > 0 && nodes[0].Value != maxV {
			t.Errorf("%s: the biggest node has %g, the highest value is %g", m.api, nodes[0].Value, maxV)
		}
	}
	q.mustDrawn("size-pagerank", "#graph")
}

// pickActor types into a typeahead and picks the hit for id.
func (p *page) pickActor(input, text, id string) {
	p.t.Helper()
	p.clear(input)
	p.do(chromedp.Focus(chromedp.CSS(input)), chromedp.SendKeys(chromedp.CSS(input), text))
	opt := fmt.Sprintf(`%s + .typeahead [role=option][data-id=%q]`, input, id)
	p.waitFor("the hit "+id, fmt.Sprintf(`document.querySelector(%q)`, opt))
	p.eval(fmt.Sprintf(`document.querySelector(%q).dispatchEvent(new MouseEvent('mousedown', {bubbles: true}))`, opt), nil)
}

type pathOut struct {
	Hops      int
	Nodes     []string
	Exchanges []string
	Arrival   *string
}

// TestPathFinder finds shortest, k-shortest and time-respecting paths
// between two actors chosen in the path finder's typeaheads and checks
// them against a breadth-first search in Go and the exchanges of the
// batch; the path is highlighted and the rest fades.
func TestPathFinder(t *testing.T) {
	f := mustFixture(t, "generated")
	r := newRef(f.batch)
	hub := egoHub(t, r)
	// An actor three hops from the hub.
	var far string
	for _, id := range r.ego(hub, 3, 100000) {
		if r.distance(hub, id) == 3 {
			far = id
			break
		}
	}
	if far == "" {
		t.Fatal("no actor three hops from the hub")
	}
	p := openEgo(t, f, hub, 1, "")
	p.pickActor("#pfrom", r.actors[hub].Name, hub)
	p.pickActor("#pto", r.actors[far].Name, far)
	p.waitFor("a path", `window.__c2c.paths.length > 0 && window.__c2c.ready`)
	byID := map[string]c2c.Exchange{}
	for _, x := range r.exchanges {
		byID[x.ID] = x
	}
	checkPath := func(what string, pa pathOut) {
		t.Helper()
		if len(pa.Nodes) != pa.Hops+1 || len(pa.Exchanges) != pa.Hops || pa.Nodes[0] != hub || pa.Nodes[pa.Hops] != far {
			t.Errorf("%s: malformed path %+v", what, pa)
			return
		}
		for i, id := range pa.Exchanges {
			x := byID[id]
			a, b := pa.Nodes[i], pa.Nodes[i+1]
			joins := x.SourceID == a && x.TargetID == b || x.SourceID == b && x.TargetID == a
			if !joins {
				t.Errorf("%s: hop %d %s does not join %s and %s", what, i, id, a, b)
			}
		}
	}
	var paths []pathOut
	p.hook("paths", &paths)
	if len(paths) != 1 || paths[0].Hops != r.distance(hub, far) {
		t.Fatalf("shortest: %+v, want one path of %d hops", paths, r.distance(hub, far))
	}
	checkPath("shortest", paths[0])
	var hl struct{ Nodes, Edges []string }
	p.hook("highlighted", &hl)
	if !slices.Equal(sorted(hl.Nodes), sorted(paths[0].Nodes)) || len(hl.Edges) != paths[0].Hops {
		t.Errorf("highlighted %+v, want the path %v", hl, paths[0].Nodes)
	}
	var order int
	p.hook("order", &order)
	if order < len(r.ego(hub, 1, 300))+1 {
		t.Errorf("the path's actors were not added to the view: %d drawn", order)
	}
	p.mustDrawn("path-shortest", "#graph")

	p.setSelect("#pmode", "K_SHORTEST")
	p.setSelect("#pk", "3")
	p.waitFor("k paths", `window.__c2c.state.pmode === 'K_SHORTEST' && window.__c2c.ready && window.__c2c.paths.length === 3`)
	p.hook("paths", &paths)
	for i, pa := range paths {
		checkPath(fmt.Sprintf("k-shortest %d", i), pa)
		if i > 0 && pa.Hops < paths[i-1].Hops {
			t.Errorf("k-shortest: path %d has %d hops after one of %d", i, pa.Hops, paths[i-1].Hops)
		}
	}
	if paths[0].Hops != r.distance(hub, far) {
		t.Errorf("k-shortest: the first path has %d hops, want %d", paths[0].Hops, r.distance(hub, far))
	}
	// Choosing the second path highlights it.
	p.click("#paths li:nth-child(2) button")
	p.waitFor("the second path", `window.__c2c.state.path === 1`)
	p.hook("highlighted", &hl)
	if !slices.Equal(sorted(hl.Nodes), sorted(paths[1].Nodes)) {
		t.Errorf("highlighted %v, want the second path %v", hl.Nodes, paths[1].Nodes)
	}

	p.setSelect("#pmode", "TIME_RESPECTING")
	p.waitFor("a time-respecting answer", `window.__c2c.state.pmode === 'TIME_RESPECTING' && window.__c2c.ready`)
	p.hook("paths", &paths)
	for _, pa := range paths {
		checkPath("time-respecting", pa)
		prev := 0
		for i, id := range pa.Exchanges {
			x := byID[id]
			if x.Start == nil || x.Start.FirstKey() < prev {
				t.Errorf("time-respecting: hop %d (%s) starts before the hop before it", i, id)
			}
			if x.Start != nil {
				prev = x.Start.FirstKey()
			}
		}
	}
	p.mustDrawn("path-time-respecting", "#graph")
}

func sorted(s []string) []string {
	s = slices.Clone(s)
	slices.Sort(s)
	return s
}

// TestSidePanel selects an actor and reads the panel: its partners (with
// the number of exchanges, first and last date), its exchanges with
// their titles and source links, against the batch.
func TestSidePanel(t *testing.T) {
	f := mustFixture(t, "generated")
	r := newRef(f.batch)
	hub := egoHub(t, r)
	p := openEgo(t, f, hub, 1, "")
	// Click the node of the hub's partner with the most exchanges.
	partner := ""
	n := map[string]int{}
	for _, x := range r.exchanges {
		if x.SourceID == hub && x.TargetID != hub {
			n[x.TargetID]++
		} else if x.TargetID == hub && x.SourceID != hub {
			n[x.SourceID]++
		}
	}
	for id, c := range n {
		if partner == "" || c > n[partner] || c == n[partner] && id < partner {
			partner = id
		}
	}
	var pos drawnNode
	for _, d := range p.nodes() {
		if d.ID == partner {
			pos = d
		}
	}
	p.do(chromedp.MouseClickXY(pos.X+graphLeft(p), pos.Y+graphTop(p)))
	p.waitFor("the panel", fmt.Sprintf(`window.__c2c.state.sel === %q && document.querySelector('#panel-title')`, partner))
	var title string
	p.eval(`document.querySelector('#panel-title').textContent`, &title)
	if title != r.actors[partner].Name {
		t.Errorf("panel title %q, want %q", title, r.actors[partner].Name)
	}
	var rows [][]string
	p.eval(`[...document.querySelectorAll('#panel .partners tbody tr')].map(tr => [...tr.cells].map(td => td.textContent))`, &rows)
	want := map[string]int{}
	for _, x := range r.exchanges {
		if x.SourceID == partner && x.TargetID != partner {
			want[r.actors[x.TargetID].Name]++
		} else if x.TargetID == partner && x.SourceID != partner {
			want[r.actors[x.SourceID].Name]++
		}
	}
	if len(rows) != min(len(want), 100) {
		t.Errorf("panel lists %d partners, want %d", len(rows), min(len(want), 100))
	}
	for _, row := range rows {
		if len(row) != 5 || fmt.Sprint(want[row[0]]) != row[1] {
			t.Errorf("partner row %q: want %d exchanges", row, want[row[0]])
		}
	}
	var items []struct{ Title, Href string }
	p.eval(`[...document.querySelectorAll('#panel .exchanges li')].map(li => ({title: li.querySelector('strong').textContent, href: li.querySelector('a.source')?.href || ''}))`, &items)
	// Titles repeat in the generated data: an item must be one of the
	// partner's exchanges with that title and that source link.
	byTitle := map[string]map[string]bool{}
	mine := 0
	for _, x := range r.exchanges {
		if x.SourceID == partner || x.TargetID == partner {
			if byTitle[x.Title] == nil {
				byTitle[x.Title] = map[string]bool{}
			}
			byTitle[x.Title][x.SourceURL] = true
			mine++
		}
	}
	if len(items) != min(mine, 100) {
		t.Errorf("panel lists %d exchanges, want %d", len(items), min(mine, 100))
	}
	for _, it := range items {
		if !byTitle[it.Title][it.Href] {
			t.Errorf("exchange %q links %q: no exchange of %s has that title and link", it.Title, it.Href, partner)
		}
	}
	p.mustDrawn("panel", "#panel")
	// Escape closes it.
	p.do(chromedp.Focus(chromedp.CSS("#graph")), chromedp.KeyEvent(kb.Escape))
	p.waitFor("the panel to close", `window.__c2c.state.sel === ''`)
}

// TestMapView switches to the map: the canvas shows the world and the
// actors at their coordinates, and a click on an actor selects it.
func TestMapView(t *testing.T) {
	f := mustFixture(t, "generated")
	r := newRef(f.batch)
	hub := egoHub(t, r)
	p := openEgo(t, f, hub, 1, "")
	p.click("#view-map")
	p.waitFor("the map", `window.__c2c.state.view === 'map' && window.__c2c.mapItems.nodes > 0`)
	var items struct{ Nodes, Edges int }
	p.hook("mapItems", &items)
	ids := r.ego(hub, 1, 300)
	located := 0
	for _, id := range ids {
		a := r.actors[id]
		if _, ok := c2c.CountryByCode(a.Country); a.Coords != nil || ok {
			located++
		}
	}
	if items.Nodes < located-2 || items.Nodes > len(ids) {
		t.Errorf("the map shows %d of %d actors, %d have coordinates or a country", items.Nodes, len(ids), located)
	}
	p.mustDrawn("map", "#map")
	var xy []float64
	p.eval(fmt.Sprintf(`window.__c2c.mapPosition(%q)`, hub), &xy)
	var box struct{ Left, Top float64 }
	p.eval(`(() => { const r = document.querySelector('#map canvas').getBoundingClientRect(); return {left: r.left, top: r.top}; })()`, &box)
	p.do(chromedp.MouseClickXY(box.Left+xy[0], box.Top+xy[1]))
	p.waitFor("the click to select", `window.__c2c.state.sel !== ''`)
}

// TestExports clicks each export: the PNG is a picture of the view, the
// GEXF and CSV files hold the matching actors and exchanges.
func TestExports(t *testing.T) {
	f := mustFixture(t, "generated")
	r := newRef(f.batch)
	hub := egoHub(t, r)
	xs, _ := viewExchanges(r, hub)
	p := openEgo(t, f, hub, 2, "")
	dir := t.TempDir()
	if _, err := chromedp.CallBrowser(p.ctx, browser.SetDownloadBehavior, browser.SetDownloadBehaviorParams{Behavior: browser.SetDownloadBehaviorBehaviorAllow, DownloadPath: dir}); err != nil {
		t.Fatal(err)
	}
	theme := xs[0].Themes[0]
	p.checkBox("#themes", theme)
	want := wantMatching(xs, func(x c2c.Exchange) bool { return slices.Contains(x.Themes, theme) })
	p.waitFor("the filter", fmt.Sprintf(`window.__c2c.matching.exchanges === %d`, want.Exchanges))

	var dataURL string
	p.eval(`window.__c2c.exportPNG()`, &dataURL)
	img, err := png.Decode(base64.NewDecoder(base64.StdEncoding, strings.NewReader(strings.TrimPrefix(dataURL, "data:image/png;base64,"))))
	if err != nil {
		t.Fatalf("PNG export: %v", err)
	}
	if img.Bounds().Dx() < 300 || inkShare(img) < 0.003 {
		t.Errorf("PNG export: %v, %.4f ink: blank", img.Bounds(), inkShare(img))
	}
	var gexf string
	p.eval(`window.__c2c.exportGEXF()`, &gexf)
	var doc struct {
		Graph struct {
			Nodes []struct {
				ID string `xml:"id,attr"`
			} `xml:"nodes>node"`
			Edges []struct {
				ID     string `xml:"id,attr"`
				Source string `xml:"source,attr"`
			} `xml:"edges>edge"`
		} `xml:"graph"`
	}
	if err := xml.Unmarshal([]byte(gexf), &doc); err != nil {
		t.Fatalf("GEXF: %v", err)
	}
	if len(doc.Graph.Nodes) != want.Nodes || len(doc.Graph.Edges) != want.Exchanges || !strings.Contains(gexf, `version="1.3"`) {
		t.Errorf("GEXF: %d nodes, %d edges; want %d, %d", len(doc.Graph.Nodes), len(doc.Graph.Edges), want.Nodes, want.Exchanges)
	}
	// The buttons save the files.
	p.click("#export-menu summary")
	for _, b := range []string{"#export-png", "#export-gexf", "#export-csv"} {
		p.click(b)
	}
	files := waitFiles(t, dir, 4)
	for name, body := range files {
		switch {
		case strings.HasSuffix(name, "-edges.csv"):
			rows, err := csv.NewReader(bytes.NewReader(body)).ReadAll()
			if err != nil || len(rows)-1 != want.Exchanges {
				t.Errorf("%s: %d rows (%v), want %d", name, len(rows)-1, err, want.Exchanges)
			}
		case strings.HasSuffix(name, "-nodes.csv"):
			rows, err := csv.NewReader(bytes.NewReader(body)).ReadAll()
			if err != nil || len(rows)-1 != want.Nodes {
				t.Errorf("%s: %d rows (%v), want %d", name, len(rows)-1, err, want.Nodes)
			}
		case strings.HasSuffix(name, ".png"):
			if _, err := png.Decode(bytes.NewReader(body)); err != nil {
				t.Errorf("%s: %v", name, err)
			}
		case strings.HasSuffix(name, ".gexf"):
			if !bytes.Equal(body, []byte(gexf)) {
				t.Errorf("%s differs from the export", name)
			}
		}
	}
}

// waitFiles waits until dir holds n finished downloads and reads them.
func waitFiles(t *testing.T, dir string, n int) map[string][]byte {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for {
		entries, _ := os.ReadDir(dir)
		out := map[string][]byte{}
		for _, e := range entries {
			if strings.HasSuffix(e.Name(), ".crdownload") {
				continue
			}
			b, err := os.ReadFile(filepath.Join(dir, e.Name()))
			if err == nil {
				out[e.Name()] = b
			}
		}
		if len(out) >= n {
			return out
		}
		if time.Now().After(deadline) {
			t.Fatalf("downloads: %d of %d files in %s", len(out), n, dir)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// TestURLState builds a view (centre, depth, filters, window, colour,
// size, path, selection, map), then opens its address in a new tab: the
// same state and the same drawing come back.
func TestURLState(t *testing.T) {
	f := mustFixture(t, "generated")
	r := newRef(f.batch)
	hub := egoHub(t, r)
	p := openEgo(t, f, hub, 2, "")
	xs, _ := viewExchanges(r, hub)
	// An exchange that matches every filter set below: its ends are the path's.
	var x c2c.Exchange
	for _, c := range xs {
		if len(c.Themes) > 0 && overlaps(c, 1990, 2015) && c.SourceID != c.TargetID &&
			c2c.Classify(c2c.DefG77, r.actors[c.SourceID].Country, r.actors[c.TargetID].Country) == c2c.ClassSouthSouth {
			x = c
			break
		}
	}
	if x.ID == "" {
		t.Fatal("no South-South exchange of 1990-2015 in view")
	}
	p.checkBox("#themes", x.Themes[0])
	p.setSelect("#colour", "community")
	p.setSelect("#size", "pagerank")
	p.setSelect("#def", "G77")
	p.setSelect("#cls", "SOUTH_SOUTH")
	p.eval(`window.__c2c.update({from: '1990', to: '2015', pfrom: `+fmt.Sprintf("%q", x.SourceID)+`, pto: `+fmt.Sprintf("%q", x.TargetID)+`, sel: `+fmt.Sprintf("%q", hub)+`})`, nil)
	p.waitFor("the view", `window.__c2c.ready && window.__c2c.paths.length > 0`)
	var href string
	p.eval(`location.href`, &href)
	u, _ := url.Parse(href)
	type snapshot struct {
		State       map[string]any
		Order, Size int
		Matching    matching
		Highlighted struct{ Nodes, Edges []string }
	}
	snap := func(q *page) snapshot {
		var s snapshot
		q.hook("state", &s.State)
		q.hook("order", &s.Order)
		q.hook("size", &s.Size)
		s.Matching = q.matching()
		q.hook("highlighted", &s.Highlighted)
		slices.Sort(s.Highlighted.Nodes)
		slices.Sort(s.Highlighted.Edges)
		return s
	}
	before := snap(p)
	q := openPage(t, f.url, u.RequestURI())
	q.waitFor("the shared view", `window.__c2c && window.__c2c.ready && window.__c2c.paths.length > 0`)
	after := snap(q)
	if jsonOf(before) != jsonOf(after) {
		t.Errorf("the address gave another view:\nbefore %s\nafter  %s", jsonOf(before), jsonOf(after))
	}
	for _, k := range []string{"focus=", "themes=", "colour=community", "size=pagerank", "cls=SOUTH_SOUTH", "from=1990", "pfrom=", "sel="} {
		if !strings.Contains(href, k) {
			t.Errorf("the address %s lacks %s", href, k)
		}
	}
	q.mustDrawn("url-state", "#graph")
}

// TestAggregatedOverview opens the whole generated network (6,000
// exchanges, over the 5,000 threshold): it is drawn aggregated by country
// with a note saying so, with one node per country and one link per pair
// of countries as counted in Go; by M49 region likewise; and a filter
// that narrows the selection under the threshold draws its actors.
func TestAggregatedOverview(t *testing.T) {
	f := mustFixture(t, "generated")
	r := newRef(f.batch)
	p := openPage(t, f.url, "/")
	p.settle()
	key := func(id, level string) string {
		c, ok := c2c.CountryByCode(r.actors[id].Country)
		switch {
		case !ok:
			return ""
		case level == "region":
			return c.RegionCode
		}
		return c.Code
	}
	for _, level := range []string{"country", "region"} {
		if level != "country" {
			p.setSelect("#agg", level)
			p.waitFor("the "+level+" level", fmt.Sprintf(`window.__c2c.state.agg === %q && window.__c2c.ready`, level))
		}
		// Areas, and the pair buckets as the API orders them (most
		// exchanges first, then by key), of which it gives 1,000.
		groups := map[string]bool{}
		pairCount := map[string]int{}
		for _, x := range r.exchanges {
			a, b := key(x.SourceID, level), key(x.TargetID, level)
			groups[a], groups[b] = true, true
			if a > b {
				a, b = b, a
			}
			pairCount[a+"|"+b]++
		}
		keys := make([]string, 0, len(pairCount))
		for k := range pairCount {
			keys = append(keys, k)
		}
		sort.Slice(keys, func(i, j int) bool {
			if pairCount[keys[i]] != pairCount[keys[j]] {
				return pairCount[keys[i]] > pairCount[keys[j]]
			}
			return keys[i] < keys[j]
		})
		links := map[string]bool{}
		for _, k := range keys[:min(len(keys), 1000)] {
			if a, b, _ := strings.Cut(k, "|"); a != b {
				links[k] = true
			}
		}
		var mode, note string
		var order, size, total int
		p.hook("mode", &mode)
		p.hook("note", &note)
		p.hook("order", &order)
		p.hook("size", &size)
		p.hook("exchanges", &total)
		if mode != "aggregate" || !strings.Contains(note, "aggregated by") || !strings.Contains(note, "6,000") {
			t.Errorf("%s: mode %q, note %q; want an aggregate with a note", level, mode, note)
		}
		if order != len(groups) || size != len(links) || total != len(r.exchanges) {
			t.Errorf("%s: %d nodes, %d links over %d exchanges; want %d, %d, %d", level, order, size, total, len(groups), len(links), len(r.exchanges))
		}
		p.mustDrawn("aggregate-"+level, "#graph")
	}
	// A theme that a few hundred exchanges carry fits under the threshold.
	counts := map[string]int{}
	for _, x := range r.exchanges {
		for _, th := range x.Themes {
			counts[th]++
		}
	}
	theme := ""
	for th, n := range counts {
		if n > 50 && n < 2000 && (theme == "" || n > counts[theme] || n == counts[theme] && th < theme) {
			theme = th
		}
	}
	p.checkBox("#themes", theme)
	p.waitFor("the filtered network", `window.__c2c.mode === 'graph' && window.__c2c.ready`)
	var xs []c2c.Exchange
	for _, x := range r.exchanges {
		if slices.Contains(x.Themes, theme) {
			xs = append(xs, x)
		}
	}
	var order, size int
	p.hook("order", &order)
	p.hook("size", &size)
	if order != len(actorsOf(xs)) || size != pairs(xs) {
		t.Errorf("theme %s: %d actors, %d links; want %d, %d", theme, order, size, len(actorsOf(xs)), pairs(xs))
	}
	p.mustDrawn("aggregate-filtered", "#graph")
}

// TestKeyboardAndContrast drives the explorer from the keyboard alone ("/"
// to search, arrows and Enter to pick, Tab through the controls, Escape to
// close) and checks the contrast of its text against WCAG AA (4.5:1).
func TestKeyboardAndContrast(t *testing.T) {
	f := mustFixture(t, "demo")
	p := openPage(t, f.url, "/")
	p.settle()
	p.do(chromedp.Focus(chromedp.CSS("#graph")), chromedp.KeyEvent("/"))
	var active string
	p.eval(`document.activeElement.id`, &active)
	if active != "search" {
		t.Fatalf(`"/" focused %q, want the search box`, active)
	}
	p.do(chromedp.KeyEvent("Durb"))
	p.waitFor("hits", `document.querySelector('.search [role=option]')`)
	p.do(chromedp.KeyEvent(kb.ArrowDown), chromedp.KeyEvent(kb.ArrowUp), chromedp.KeyEvent(kb.Enter))
	p.waitFor("the pick", `window.__c2c.state.focus === 'ethekwini' && window.__c2c.ready`)
	// Tab reaches the depth control, the view switch, the filters and the
	// path finder, each with a visible focus ring.
	seen := map[string]bool{}
	for range 60 {
		p.do(chromedp.KeyEvent(kb.Tab))
		var id string
		var outline string
		p.eval(`document.activeElement.id || document.activeElement.tagName`, &id)
		p.eval(`getComputedStyle(document.activeElement).outlineStyle`, &outline)
		seen[id] = true
		if id != "BODY" && outline == "none" {
			t.Errorf("%s has no visible focus", id)
		}
	}
	for _, id := range []string{"depth", "view-map", "theme-find", "programme", "colour", "pfrom", "find-path"} {
		if !seen[id] {
			t.Errorf("Tab never reached #%s (reached %v)", id, seen)
		}
	}
	// Enter on an actor of the panel's list selects it; Escape closes it.
	p.do(chromedp.Focus(chromedp.CSS("#panel .actor-list button, #panel .partners button")), chromedp.KeyEvent(kb.Enter))
	p.waitFor("a selection", `window.__c2c.state.sel !== '' && document.querySelector('#panel-title')`)
	p.do(chromedp.Focus(chromedp.CSS("#graph")), chromedp.KeyEvent(kb.Escape))
	p.waitFor("no selection", `window.__c2c.state.sel === ''`)
	// Contrast of every visible text element against its background.
	var low []string
	p.eval(`(() => {
		const rgb = s => s.match(/[\d.]+/g).slice(0, 4).map(Number);
		const lum = ([r, g, b]) => { const f = c => { c /= 255; return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4; }; return 0.2126 * f(r) + 0.7152 * f(g) + 0.0722 * f(b); };
		const bg = el => { for (; el; el = el.parentElement) { const c = rgb(getComputedStyle(el).backgroundColor); if (c.length < 4 || c[3] > 0) return c; } return [255, 255, 255]; };
		const out = [];
		for (const el of document.querySelectorAll('body *')) {
			if (!el.offsetParent || ![...el.childNodes].some(n => n.nodeType === 3 && n.textContent.trim())) continue;
			const st = getComputedStyle(el);
			const l1 = lum(rgb(st.color)), l2 = lum(bg(el));
			const ratio = (Math.max(l1, l2) + 0.05) / (Math.min(l1, l2) + 0.05);
			if (ratio < 4.5) out.push(el.tagName + '.' + el.className + ' "' + el.textContent.trim().slice(0, 30) + '" ' + ratio.toFixed(2));
		}
		return out;
	})()`, &low)
	for _, l := range low {
		t.Errorf("contrast below 4.5:1: %s", l)
	}
	p.mustDrawn("keyboard", "")
}
