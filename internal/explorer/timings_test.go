package explorer_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/c2c-project/c2c/internal/bench"
	"github.com/c2c-project/c2c/internal/server"
	"github.com/c2c-project/c2c/internal/store/sqlitestore"
)

// TestTimingsAtSizeM measures, on a data folder the benchmark harness
// generated at size M (20,000 actors, 200,000 exchanges; `c2cbench gen
// --size M --store sqlite --data-dir DIR`, seed 1), the time from
// navigation until the depth-2 ego network of each of the generator's
// first five hubs is drawn, and the time a change of depth takes to be
// drawn again. It only reports (speed is never asserted) and runs when
// C2C_EXPLORER_M_DIR names that folder:
//
//	C2C_EXPLORER_M_DIR=/tmp/c2c-M go test ./internal/explorer -run TestTimingsAtSizeM -v
func TestTimingsAtSizeM(t *testing.T) {
	dir := os.Getenv("C2C_EXPLORER_M_DIR")
	if dir == "" {
		t.Skip("set C2C_EXPLORER_M_DIR to a size-M data folder to measure (a measurement, not a check)")
	}
	ctx := context.Background()
	st, err := sqlitestore.Open(ctx, filepath.Join(dir, "c2c.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	ts := httptest.NewServer(server.New(st, server.Config{MaxComplexity: 100_000}, slog.New(slog.NewTextHandler(io.Discard, nil))).Handler())
	defer ts.Close()
	size, _ := bench.SizeByName("M")
	g := bench.NewGenerator(1, size)
	var paint, redraw, overview []float64
	for _, i := range g.Hubs(5) {
		hub := g.Actor(i).ID
		p := openPage(t, ts.URL, fmt.Sprintf("/?focus=%s&depth=2", hub))
		p.waitFor("the ego network", `window.__c2c && window.__c2c.ready && window.__c2c.timings.drawn > 0`)
		var tm map[string]float64
		var order, size int
		p.hook("timings", &tm)
		p.hook("order", &order)
		p.hook("size", &size)
		paint = append(paint, tm["drawn"])
		t.Logf("hub %s: script %.0f, asked %.0f, answered %.0f, built %.0f, drawn %.0f ms after navigation", hub, tm["start"], tm["requested"], tm["fetched"], tm["loaded"], tm["drawn"])
		p.setSelect("#depth", "1")
		p.waitFor("depth 1", `window.__c2c.state.depth === 1 && window.__c2c.ready && window.__c2c.timings.drawn > 0`)
		p.hook("timings", &tm)
		redraw = append(redraw, tm["drawn"]-tm["requested"])
		t.Logf("hub %s: depth 2 (%d actors, %d links) drawn %.0f ms after navigation; depth 1 redrawn %.0f ms after the change",
			hub, order, size, paint[len(paint)-1], redraw[len(redraw)-1])
	}
	p := openPage(t, ts.URL, "/")
	p.waitFor("the overview", `window.__c2c && window.__c2c.ready && window.__c2c.timings.drawn > 0`)
	var tm map[string]float64
	p.hook("timings", &tm)
	overview = append(overview, tm["drawn"])
	t.Logf("size M, median of %d hubs: depth-2 ego network drawn %.0f ms after navigation; depth change redrawn in %.0f ms; aggregated whole network drawn %.0f ms after navigation",
		len(paint), median(paint), median(redraw), overview[0])
}

func median(xs []float64) float64 {
	s := slices.Clone(xs)
	slices.Sort(s)
	return s[len(s)/2]
}
