package server_test

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/c2c-project/c2c/internal/c2c"
	"github.com/c2c-project/c2c/internal/graphmem"
	"github.com/c2c-project/c2c/internal/server"
	"github.com/c2c-project/c2c/internal/store/storetest"
)

// versioned is a response with its C2C-Version header.
type versioned struct {
	response
	header string
}

func postVersioned(t *testing.T, ts *httptest.Server, query string, header http.Header) versioned {
	t.Helper()
	body, _ := json.Marshal(map[string]any{"query": query})
	req, _ := http.NewRequest(http.MethodPost, ts.URL+"/graphql", bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	for k, v := range header {
		req.Header[k] = v
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	out := versioned{response: response{Status: resp.StatusCode}, header: resp.Header.Get(server.VersionHeader)}
	if err := json.Unmarshal(b, &out.response); err != nil {
		t.Fatalf("decode %q: %v", b, err)
	}
	return out
}

// version returns the response's version, failing unless the header and
// extensions.version agree.
func (v versioned) version(t *testing.T) uint64 {
	t.Helper()
	n, err := strconv.ParseUint(v.header, 10, 64)
	if err != nil {
		t.Fatalf("%s header %q: %v", server.VersionHeader, v.header, err)
	}
	if ev, ok := v.Extensions["version"].(float64); !ok || uint64(ev) != n {
		t.Fatalf("extensions.version %v, %s header %d", v.Extensions["version"], server.VersionHeader, n)
	}
	return n
}

func exchangeCount(t *testing.T, v versioned) int {
	t.Helper()
	if len(v.Errors) > 0 {
		t.Fatalf("errors: %+v", v.Errors)
	}
	st, _ := v.Data["stats"].(map[string]any)
	n, ok := st["exchanges"].(float64)
	if !ok {
		t.Fatalf("no stats in %+v", v.Data)
	}
	return int(n)
}

const countQuery = `{ stats(by: [KIND]) { exchanges } }`

func minVersion(v uint64) http.Header {
	return http.Header{server.MinVersionHeader: {strconv.FormatUint(v, 10)}}
}

// TestDataVersions checks the versions responses carry over the in-process
// graph: a mutation answers once the graph has it, C2C-Min-Version catches
// the graph up with a write made elsewhere, a version never written is
// refused after the wait, and a store that stops answering leaves the last
// snapshot serving until the maximum staleness.
func TestDataVersions(t *testing.T) {
	st := mustStore(t, storetest.GenerateBatch(3, 30, 80))
	clog, ok := st.(c2c.ChangeLog)
	if !ok {
		t.Skip("the store keeps no change log")
	}
	g, err := graphmem.New(t.Context(), st, nil)
	if err != nil {
		t.Fatal(err)
	}
	ts := mustServer(t, st, server.Config{APIKeys: []string{"k"}, Graph: g, MaxStale: time.Minute, MinVersionWait: 300 * time.Millisecond})
	ctx := t.Context()

	first := postVersioned(t, ts, countQuery, nil)
	v0, n0 := first.version(t), exchangeCount(t, first)
	if want, _ := clog.DataVersion(ctx); v0 != want {
		t.Errorf("a query shows version %d, the store is at %d", v0, want)
	}

	// A mutation answers with the version it made, and the next query sees
	// it without waiting for a poll (no poller runs here).
	m := postVersioned(t, ts, `mutation { createExchange(input: {id: "v-x1", source: "g-a0001", target: "g-a0002", title: "Versioned", kind: WORKSHOP}) { id } }`, bearer("k"))
	if len(m.Errors) > 0 {
		t.Fatalf("mutation: %+v", m.Errors)
	}
	v1 := m.version(t)
	if v1 <= v0 {
		t.Errorf("mutation answered at version %d, not after %d", v1, v0)
	}
	after := postVersioned(t, ts, countQuery, nil)
	if got := after.version(t); got != v1 || exchangeCount(t, after) != n0+1 {
		t.Errorf("after the mutation: version %d with %d exchanges, want %d with %d", got, exchangeCount(t, after), v1, n0+1)
	}

	// A write the server did not make: invisible until asked for by version.
	if _, err := st.CreateExchange(ctx, c2c.Exchange{ID: "v-x2", SourceID: "g-a0003", TargetID: "g-a0004", Title: "Elsewhere", Kind: c2c.KindForum}); err != nil {
		t.Fatal(err)
	}
	v2, _ := clog.DataVersion(ctx)
	if stale := postVersioned(t, ts, countQuery, nil); stale.version(t) != v1 || exchangeCount(t, stale) != n0+1 {
		t.Errorf("without a poll the server moved on: version %d", stale.version(t))
	}
	caught := postVersioned(t, ts, countQuery, minVersion(v2))
	if got := caught.version(t); got < v2 || exchangeCount(t, caught) != n0+2 {
		t.Errorf("with %s %d: version %d with %d exchanges, want the other write", server.MinVersionHeader, v2, got, exchangeCount(t, caught))
	}

	// A version nobody wrote, and one that is no number.
	never := postVersioned(t, ts, countQuery, minVersion(v2+100))
	if errCode(never.response) != "UNAVAILABLE" || !strings.Contains(never.Errors[0].Message, server.MinVersionHeader) {
		t.Errorf("a version never written: %d %+v, want UNAVAILABLE naming %s", never.Status, never.Errors, server.MinVersionHeader)
	}
	bad := postVersioned(t, ts, countQuery, http.Header{server.MinVersionHeader: {"soon"}})
	if bad.Status != http.StatusBadRequest || errCode(bad.response) != server.CodeBadRequest {
		t.Errorf("a version that is no number: %d %+v, want 400 BAD_REQUEST", bad.Status, bad.Errors)
	}

	// The store goes away: the last snapshot answers until it is older
	// than the maximum staleness.
	gone := downStore{st}
	g2, err := graphmem.New(ctx, st, nil)
	if err != nil {
		t.Fatal(err)
	}
	lenient := mustServer(t, gone, server.Config{Graph: g2, MaxStale: time.Hour})
	if r := postVersioned(t, lenient, countQuery, nil); exchangeCount(t, r) != n0+2 {
		t.Errorf("stats from the last snapshot: %+v", r.Data)
	}
	strict := mustServer(t, gone, server.Config{Graph: g2, MaxStale: 20 * time.Millisecond})
	time.Sleep(50 * time.Millisecond)
	if r := postVersioned(t, strict, countQuery, nil); errCode(r.response) != "UNAVAILABLE" {
		t.Errorf("past the maximum staleness: %+v, want UNAVAILABLE", r.Errors)
	}
	for _, tc := range []struct {
		srv    *httptest.Server
		status int
		want   string
	}{{lenient, 200, "degraded"}, {strict, 503, "unavailable"}} {
		resp, err := http.Get(tc.srv.URL + "/readyz")
		if err != nil {
			t.Fatal(err)
		}
		var body map[string]any
		_ = json.NewDecoder(resp.Body).Decode(&body)
		resp.Body.Close()
		if resp.StatusCode != tc.status || body["status"] != tc.want || body["graphVersion"] == nil || body["graphAgeSeconds"] == nil {
			t.Errorf("/readyz with the store gone: %d %v, want %d %s with the graph's version and age", resp.StatusCode, body, tc.status, tc.want)
		}
	}
}
