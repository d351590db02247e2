package importer_test

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/c2c-project/c2c/internal/c2c"
	"github.com/c2c-project/c2c/internal/importer"
	"github.com/c2c-project/c2c/internal/server"
	"github.com/c2c-project/c2c/internal/store/sqlitestore"
)

// importBesideRows is the size of the file imported beside the serving
// server: C2C_IMPORT_BESIDE_ROWS when set (the figure is
// 200,000), else 50,000; 1,000 in -short runs.
func importBesideRows(t *testing.T) int {
	if v := os.Getenv("C2C_IMPORT_BESIDE_ROWS"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 {
			t.Fatalf("C2C_IMPORT_BESIDE_ROWS=%q is not a positive number", v)
		}
		return n
	}
	if testing.Short() {
		return 1_000
	}
	return 50_000
}

// writeActorsCSV writes n actor rows to path.
func writeActorsCSV(t *testing.T, path string, n int) {
	t.Helper()
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	w := bufio.NewWriter(f)
	fmt.Fprintln(w, "id,kind,name,country")
	for i := range n {
		fmt.Fprintf(w, "bulk-%07d,CITY,Bulk City %d,ZA\n", i, i)
	}
	if err := w.Flush(); err != nil {
		t.Fatal(err)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
}

// TestImportBesideServingServer runs `c2c import`'s code on its own store
// handle (as the separate process does) while API clients write through a
// server on another handle of the same file, and prints the write
// latencies. Every API write must succeed.
func TestImportBesideServingServer(t *testing.T) {
	if raceEnabled {
		t.Skip("a timing measurement: the race detector slows the embedded store some fiftyfold; make test-measured runs it without")
	}
	dir := t.TempDir()
	path := filepath.Join(dir, "c2c.db")
	ctx := context.Background()
	served, err := sqlitestore.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer served.Close()
	ts := httptest.NewServer(server.New(served, server.Config{APIKeys: []string{"k"}}, slog.New(slog.NewTextHandler(io.Discard, nil))).Handler())
	defer ts.Close()
	importing, err := sqlitestore.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer importing.Close()
	rows := importBesideRows(t)
	file := filepath.Join(dir, "actors.csv")
	writeActorsCSV(t, file, rows)

	const writers = 4
	var (
		mu        sync.Mutex
		latencies []time.Duration
		failures  []string
	)
	stop := make(chan struct{})
	var wg sync.WaitGroup
	for w := range writers {
		wg.Go(func() {
			for i := 0; ; i++ {
				select {
				case <-stop:
					return
				default:
				}
				q := fmt.Sprintf(`mutation { createActor(input: {id: "api-%d-%d", kind: CITY, name: "API City %d %d", country: "BR"}) { id } }`, w, i, w, i)
				body, _ := json.Marshal(map[string]string{"query": q})
				req, _ := http.NewRequest(http.MethodPost, ts.URL+"/graphql", bytes.NewReader(body))
				req.Header.Set("Content-Type", "application/json")
				req.Header.Set("Authorization", "Bearer k")
				start := time.Now()
				resp, err := http.DefaultClient.Do(req)
				took := time.Since(start)
				var out struct {
					Errors []json.RawMessage `json:"errors"`
				}
				if err == nil {
					err = json.NewDecoder(resp.Body).Decode(&out)
					resp.Body.Close()
				}
				mu.Lock()
				latencies = append(latencies, took)
				if err != nil || len(out.Errors) > 0 {
					failures = append(failures, fmt.Sprintf("%v %s", err, out.Errors))
				}
				mu.Unlock()
			}
		})
	}
	time.Sleep(200 * time.Millisecond) // writes before the import, for a baseline
	start := time.Now()
	timed := &timedStore{Store: importing}
	rep, err := importer.ImportFile(ctx, timed, file, importer.Options{})
	importTook := time.Since(start)
	time.Sleep(200 * time.Millisecond)
	close(stop)
	wg.Wait()
	if err != nil {
		t.Fatalf("import: %v (%v)", err, rep)
	}
	if rep.Result == nil || rep.Result.Created != rows {
		t.Errorf("import created %+v, want %d actors", rep.Result, rows)
	}
	slices.Sort(latencies)
	slices.Sort(timed.took)
	if n := len(timed.took); n > 0 {
		t.Logf("the import wrote in %d transactions: median %s, max %s", n, timed.took[n/2], timed.took[n-1])
	}
	q := func(p float64) time.Duration { return latencies[min(len(latencies)-1, int(p*float64(len(latencies))))] }
	t.Logf("import of %d actor rows beside a serving server: %s; %d API writes from %d clients, %d failed; latency p50 %s, p99 %s, max %s",
		rows, importTook.Round(time.Millisecond), len(latencies), writers, len(failures), q(0.5), q(0.99), latencies[len(latencies)-1])
	if len(failures) > 0 {
		t.Errorf("%d API writes failed beside the import, the first: %s", len(failures), failures[0])
	}
	if len(latencies) < writers {
		t.Errorf("only %d API writes ran", len(latencies))
	}
	// Every acknowledged API write is there.
	page, err := served.Actors(ctx, c2c.ActorQuery{First: 1, WantTotal: true, Filter: c2c.ActorFilter{Countries: []string{"BR"}}})
	if err != nil {
		t.Fatal(err)
	}
	if page.TotalCount != len(latencies)-len(failures) {
		t.Errorf("%d API actors stored, %d acknowledged", page.TotalCount, len(latencies)-len(failures))
	}
}

// timedStore times each Import call (one transaction) of the import.
type timedStore struct {
	c2c.Store
	took []time.Duration
}

func (s *timedStore) Import(ctx context.Context, b c2c.Batch) (*c2c.ImportResult, error) {
	start := time.Now()
	res, err := s.Store.Import(ctx, b)
	s.took = append(s.took, time.Since(start))
	return res, err
}
