package server_test

import (
	"io"
	"net/http"
	"runtime"
	"runtime/debug"
	"testing"

	"github.com/c2c-project/c2c/internal/c2c"
	"github.com/c2c-project/c2c/internal/export"
	"github.com/c2c-project/c2c/internal/memprobe"
	"github.com/c2c-project/c2c/internal/server"
	"github.com/c2c-project/c2c/internal/store/storetest"
)

// TestExportMemory compares the heap an export takes streamed through
// /export with the heap of the whole-graph path it replaced (the store's
// Edges, then export.Write), on 8,000 exchanges, with the collector kept
// close to the live heap. The streamed export must take less than two thirds; the gap grows with the graph.
func TestExportMemory(t *testing.T) {
	if testing.Short() || raceEnabled {
		t.Skip("a memory measurement over 8,000 exchanges: make test-measured runs it without the race detector")
	}
	st := mustStore(t, storetest.GenerateBatch(11, 2000, 8000))
	ts := mustServer(t, st, server.Config{})
	defer debug.SetGCPercent(debug.SetGCPercent(5))
	var bytesOut int64
	streamed := memprobe.Growth(func() {
		resp, err := http.Get(ts.URL + "/export?format=graphml")
		if err != nil {
			t.Fatal(err)
		}
		bytesOut, _ = io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
	})
	whole := memprobe.Growth(func() {
		g, err := st.Edges(t.Context(), c2c.ExchangeFilter{})
		if err != nil {
			t.Fatal(err)
		}
		if err := export.Write(io.Discard, g, export.GraphML); err != nil {
			t.Fatal(err)
		}
		runtime.KeepAlive(g)
	})
	t.Logf("GraphML export of 8,000 exchanges (%d bytes): peak heap %.1f MB streamed through /export, %.1f MB loading the whole graph first", bytesOut, float64(streamed)/(1<<20), float64(whole)/(1<<20))
	if bytesOut < 1<<20 {
		t.Fatalf("the export has only %d bytes", bytesOut)
	}
	if streamed*3 > whole*2 {
		t.Errorf("the streamed export peaked at %d bytes, not under two thirds of the whole graph's %d", streamed, whole)
	}
}
