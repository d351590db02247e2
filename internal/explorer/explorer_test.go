package explorer_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
)

// TestFirstPaintDemo opens the explorer on the demo data: the whole
// network is drawn (every actor at the end of an exchange, one edge per
// linked pair), the canvas is not blank, and time to first paint is logged.
func TestFirstPaintDemo(t *testing.T) {
	f := mustFixture(t, "demo")
	p := openPage(t, f.url, "/")
	p.ready()
	want := actorsOf(f.batch.Exchanges)
	var order, size, exchanges int
	var mode string
	p.hook("order", &order)
	p.hook("size", &size)
	p.hook("exchanges", &exchanges)
	p.hook("mode", &mode)
	if mode != "graph" || order != len(want) || size != pairs(f.batch.Exchanges) || exchanges != len(f.batch.Exchanges) {
		t.Errorf("drawn: mode %s, %d actors, %d links, %d exchanges; want graph, %d, %d, %d",
			mode, order, size, exchanges, len(want), pairs(f.batch.Exchanges), len(f.batch.Exchanges))
	}
	var timings map[string]float64
	p.waitFor("the first frame", `window.__c2c.timings.firstPaint > 0`)
	p.hook("timings", &timings)
	t.Logf("demo data: first paint %.0f ms after navigation start (script started at %.0f ms, data requested at %.0f ms, loaded at %.0f ms)", timings["firstPaint"], timings["start"], timings["requested"], timings["firstLoad"])
	p.mustDrawn("demo-overview", "#graph")
	// The actors list in the panel names every actor in view.
	var listed int
	p.eval(`document.querySelectorAll('#panel .actor-list li').length`, &listed)
	if listed != min(len(want), 40) {
		t.Errorf("panel lists %d actors, want %d", listed, min(len(want), 40))
	}
}

// TestSearchTypeahead types into the search box: accent-free and alias
// spellings find the actor, arrows and Enter pick a hit, and the pick
// becomes the centre of an ego network of the chosen depth.
func TestSearchTypeahead(t *testing.T) {
	f := mustFixture(t, "demo")
	r := newRef(f.batch)
	p := openPage(t, f.url, "/")
	p.ready()
	for _, tc := range []struct{ typed, wantID string }{
		{"Durban", "ethekwini"},             // an alternative name
		{"Sao Paulo", "state-of-sao-paulo"}, // no accent
		{"ETHEKWINI", "ethekwini"},
	} {
		p.clear("#search")
		p.do(chromedp.Focus(chromedp.CSS("#search")), chromedp.SendKeys(chromedp.CSS("#search"), tc.typed))
		p.waitFor("hits for "+tc.typed, fmt.Sprintf(`[...document.querySelectorAll('.search [role=option]')].some(li => li.dataset.id === %q)`, tc.wantID))
	}
	// Pick eThekwini with the keyboard.
	p.clear("#search")
	p.do(chromedp.SendKeys(chromedp.CSS("#search"), "Durban"))
	p.waitFor("a hit", `document.querySelector('.search [role=option]')`)
	var first string
	p.eval(`document.querySelector('.search [role=option][aria-selected=true]').dataset.id`, &first)
	p.do(chromedp.SendKeys(chromedp.CSS("#search"), kb.Enter))
	p.waitFor("the ego network", fmt.Sprintf(`window.__c2c.state.focus === %q && window.__c2c.ready`, first))
	ego := r.ego(first, 2, 300)
	var order, size int
	p.hook("order", &order)
	p.hook("size", &size)
	if order != len(ego) || size != pairs(r.among(ego)) {
		t.Errorf("ego network of %s at depth 2: %d actors, %d links; want %d, %d", first, order, size, len(ego), pairs(r.among(ego)))
	}
	p.mustDrawn("search-ego", "#graph")
	// The panel shows the picked actor.
	p.waitFor("the panel", `document.querySelector('#panel-title')`)
	var title string
	p.eval(`document.querySelector('#panel-title').textContent`, &title)
	if title != r.actors[first].Name {
		t.Errorf("panel shows %q, want %q", title, r.actors[first].Name)
	}
}

// TestGraphiQLOffline loads GraphiQL from the binary with every other host
// unreachable, runs its default query and reads the answer.
func TestGraphiQLOffline(t *testing.T) {
	f := mustFixture(t, "demo")
	p := openPage(t, f.url, "/graphiql")
	p.waitFor("GraphiQL", `document.querySelector('.graphiql-container .graphiql-execute-button')`)
	p.click(".graphiql-execute-button")
	p.waitFor("the answer", `document.querySelector('.graphiql-response') && document.querySelector('.graphiql-response').textContent.includes('eThekwini')`)
	var text string
	p.eval(`document.querySelector('.graphiql-response').textContent`, &text)
	if !strings.Contains(text, `"partners"`) || strings.Contains(text, `"errors"`) {
		t.Errorf("GraphiQL's answer: %.300s", text)
	}
	p.mustDrawn("graphiql", "")
}
