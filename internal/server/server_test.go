package server_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/c2c-project/c2c/internal/c2c"
	"github.com/c2c-project/c2c/internal/demo"
	"github.com/c2c-project/c2c/internal/server"
	"github.com/c2c-project/c2c/internal/store/sqlitestore"
	"github.com/c2c-project/c2c/internal/store/storetest"
)

func mustStore(t *testing.T, b c2c.Batch) c2c.Store {
	t.Helper()
	ctx := context.Background()
	s, err := sqlitestore.Open(ctx, filepath.Join(t.TempDir(), "c2c.db"))
	if err != nil {
		t.Fatalf("open store: %v", err)
	}
	t.Cleanup(func() { _ = s.Close() })
	if _, err := s.Import(ctx, b); err != nil {
		t.Fatalf("import: %v", err)
	}
	return s
}

// mustServer starts the server over s with cfg on a test listener.
func mustServer(t *testing.T, s c2c.Store, cfg server.Config) *httptest.Server {
	t.Helper()
	ts := httptest.NewServer(server.New(s, cfg, slog.New(slog.NewTextHandler(io.Discard, nil))).Handler())
	t.Cleanup(ts.Close)
	return ts
}

type response struct {
	Status int
	Data   map[string]any
	Errors []struct {
		Message    string
		Extensions map[string]any
	}
	Extensions map[string]any
}

// mustPost sends a GraphQL request and decodes the response.
func mustPost(t *testing.T, ts *httptest.Server, query string, vars map[string]any, header http.Header) response {
	t.Helper()
	body, _ := json.Marshal(map[string]any{"query": query, "variables": vars})
	req, _ := http.NewRequest(http.MethodPost, ts.URL+"/graphql", bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	for k, v := range header {
		req.Header[k] = v
	}
	return mustDo(t, req)
}

func mustDo(t *testing.T, req *http.Request) response {
	t.Helper()
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", req.Method, req.URL, err)
	}
	defer resp.Body.Close()
	r := response{Status: resp.StatusCode}
	b, _ := io.ReadAll(resp.Body)
	if err := json.Unmarshal(b, &r); err != nil {
		t.Fatalf("decode %q: %v", b, err)
	}
	return r
}

func errCode(r response) string {
	if len(r.Errors) == 0 {
		return ""
	}
	c, _ := r.Errors[0].Extensions["code"].(string)
	return c
}

func bearer(key string) http.Header { return http.Header{"Authorization": {"Bearer " + key}} }

const createTheme = `mutation { upsertTheme(input: {id: "food-security", label: "Food security"}) { id } }`

func TestAuth(t *testing.T) {
	s := mustStore(t, demo.Batch())

	readOnly := mustServer(t, s, server.Config{})
	r := mustPost(t, readOnly, createTheme, nil, bearer("anything"))
	if errCode(r) != "FORBIDDEN" || r.Errors[0].Message != server.ReadOnlyMessage {
		t.Errorf("read-only mutation: %+v", r)
	}
	if r := mustPost(t, readOnly, `{ actor(id: "ethekwini") { name } }`, nil, nil); len(r.Errors) != 0 {
		t.Errorf("read-only query: %+v", r.Errors)
	}

	ts := mustServer(t, s, server.Config{APIKeys: []string{"k1", "secret-2"}})
	for _, tc := range []struct {
		name   string
		header http.Header
		code   string
	}{
		{"no key", nil, "UNAUTHENTICATED"},
		{"wrong key", bearer("secret-3"), "UNAUTHENTICATED"},
		{"not bearer", http.Header{"Authorization": {"Basic c2VjcmV0LTI="}}, "UNAUTHENTICATED"},
		{"good key", bearer("secret-2"), ""},
	} {
		r := mustPost(t, ts, createTheme, nil, tc.header)
		if got := errCode(r); got != tc.code {
			t.Errorf("%s: code %q, want %q (%+v)", tc.name, got, tc.code, r.Errors)
		}
	}
	themes, err := s.Themes(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	found := false
	for _, th := range themes {
		found = found || th.ID == "food-security"
	}
	if !found {
		t.Error("the authorised mutation did not write")
	}

	// A mutation cannot hide in a GET request.
	req, _ := http.NewRequest(http.MethodGet, ts.URL+"/graphql?query="+strings.ReplaceAll(createTheme, " ", "+"), nil)
	req.Header = bearer("secret-2")
	if r := mustDo(t, req); len(r.Errors) == 0 {
		t.Errorf("GET mutation accepted: %+v", r)
	}
}

func TestLimits(t *testing.T) {
	s := mustStore(t, demo.Batch())
	ts := mustServer(t, s, server.Config{MaxDepth: 5, MaxComplexity: 300, MaxBodyBytes: 2048})

	deep := `{ actor(id: "ethekwini") { partners { partner { partners { partner { name } } } } } }`
	if r := mustPost(t, ts, deep, nil, nil); errCode(r) != server.CodeDepthLimit {
		t.Errorf("deep query: %+v", r)
	}
	shallow := `{ actor(id: "ethekwini") { partners { partner { name } } } }`
	if r := mustPost(t, ts, shallow, nil, nil); len(r.Errors) != 0 {
		t.Errorf("shallow query: %+v", r.Errors)
	}
	// Fragments count at the depth of their fields.
	frag := `query { actor(id: "ethekwini") { ...P } } fragment P on Actor { partners { partner { partners { partner { name } } } } }`
	if r := mustPost(t, ts, frag, nil, nil); errCode(r) != server.CodeDepthLimit {
		t.Errorf("deep fragment: %+v", r)
	}

	complex := `{ actors(first: 100) { edges { node { name exchanges(first: 100) { id } } } } }`
	if r := mustPost(t, ts, complex, nil, nil); errCode(r) != "COMPLEXITY_LIMIT_EXCEEDED" {
		t.Errorf("complex query: %+v", r)
	}

	big := `{ actor(id: "ethekwini") { name } }` + strings.Repeat(" ", 4096)
	if r := mustPost(t, ts, big, nil, nil); r.Status != http.StatusRequestEntityTooLarge || errCode(r) != "BAD_REQUEST" {
		t.Errorf("big body: %+v", r)
	}

	if r := mustPost(t, ts, `{ actor(id: "ethekwini") { noSuchField } }`, nil, nil); errCode(r) != "GRAPHQL_VALIDATION_FAILED" {
		t.Errorf("invalid query: %+v", r)
	}

	// The introspection query of GraphiQL nests deeper than the limit but is
	// not counted.
	intro := `{ __schema { types { name fields { name type { name ofType { name ofType { name ofType { name } } } } } } } }`
	if r := mustPost(t, ts, intro, nil, nil); len(r.Errors) != 0 {
		t.Errorf("introspection: %+v", r.Errors)
	}
}

// The depth-3 query of the dashboard costs the same few round trips for 20
// and for 50 actors, and debug mode reports them.
func TestRoundTripsAreBoundedByDepth(t *testing.T) {
	s := mustStore(t, storetest.GenerateBatch(42, 150, 500))
	// A wider batching window than the default: see
	// TestGraphQLRoundTripsBoundedByDepth in neo4jstore.
	ts := mustServer(t, s, server.Config{Debug: true, MaxComplexity: 1_000_000, BatchWait: 25 * time.Millisecond})
	const q = `query($n: Int) { actors(first: $n) { edges { node { partners { partner { exchanges { source { name } target { name } } } } } } } }`
	trips := map[int]float64{}
	for _, n := range []int{20, 50} {
		r := mustPost(t, ts, q, map[string]any{"n": n}, nil)
		if len(r.Errors) != 0 {
			t.Fatalf("query: %+v", r.Errors)
		}
		got, ok := r.Extensions["roundTrips"].(float64)
		if !ok {
			t.Fatalf("no extensions.roundTrips in %+v", r.Extensions)
		}
		trips[n] = got
	}
	if trips[20] != trips[50] || trips[50] > 8 || trips[50] < 3 {
		t.Errorf("round trips: %v, want the same small number for 20 and 50 actors", trips)
	}

	quiet := mustServer(t, s, server.Config{})
	if r := mustPost(t, quiet, `{ actors(first: 1) { edges { cursor } } }`, nil, nil); r.Extensions["roundTrips"] != nil {
		t.Errorf("roundTrips shown without debug: %+v", r.Extensions)
	}
}

// downStore fails its ping.
type downStore struct{ c2c.Store }

func (downStore) Ping(context.Context) error {
	return c2c.Unavailable("ping", io.ErrUnexpectedEOF)
}

func TestHealthReadinessMetrics(t *testing.T) {
	s := mustStore(t, demo.Batch())
	ts := mustServer(t, s, server.Config{Version: "v1.2.3"})
	down := mustServer(t, downStore{s}, server.Config{})

	for _, tc := range []struct {
		srv    *httptest.Server
		path   string
		status int
	}{
		{ts, "/healthz", 200},
		{down, "/healthz", 200},
		{ts, "/readyz", 200},
		{down, "/readyz", 503},
		{ts, "/graphiql", 200},
	} {
		resp, err := http.Get(tc.srv.URL + tc.path)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != tc.status {
			t.Errorf("%s: status %d, want %d", tc.path, resp.StatusCode, tc.status)
		}
	}

	mustPost(t, ts, `query Lookup { actor(id: "ethekwini") { name } }`, nil, nil)
	mustPost(t, ts, `query Broken { actor(id: "Bad Id") { name } }`, nil, nil)
	resp, err := http.Get(ts.URL + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	text := string(b)
	for _, want := range []string{
		`c2c_graphql_operations_total{code="OK",operation="Lookup",type="query"} 1`,
		`c2c_graphql_operations_total{code="BAD_USER_INPUT",operation="Broken",type="query"} 1`,
		`c2c_graphql_operation_duration_seconds_count{operation="Lookup",type="query"} 1`,
		`c2c_http_requests_total{route="/graphql",status="200"}`,
		`c2c_store_round_trips_total{store="sqlite"}`,
		`c2c_build_info{version="v1.2.3"} 1`,
	} {
		if !strings.Contains(text, want) {
			t.Errorf("metrics lack %s", want)
		}
	}
}

func TestGetQuery(t *testing.T) {
	s := mustStore(t, demo.Batch())
	ts := mustServer(t, s, server.Config{})
	req, _ := http.NewRequest(http.MethodGet, ts.URL+`/graphql?query={actor(id:"ethekwini"){name}}`, nil)
	r := mustDo(t, req)
	a, _ := r.Data["actor"].(map[string]any)
	if a["name"] != "eThekwini" {
		t.Errorf("GET query: %+v", r)
	}
}

// slowStore blocks reads until the request's context ends.
type slowStore struct{ c2c.Store }

func (slowStore) ActorsByIDs(ctx context.Context, _ []string) ([]*c2c.Actor, error) {
	<-ctx.Done()
	return nil, ctx.Err()
}

func TestRequestTimeout(t *testing.T) {
	ts := mustServer(t, slowStore{mustStore(t, demo.Batch())}, server.Config{RequestTimeout: 50 * time.Millisecond})
	start := time.Now()
	r := mustPost(t, ts, `{ actor(id: "ethekwini") { name } }`, nil, nil)
	if errCode(r) != "UNAVAILABLE" {
		t.Errorf("slow query: %+v", r)
	}
	if elapsed := time.Since(start); elapsed > 5*time.Second {
		t.Errorf("slow query took %v", elapsed)
	}
}

func TestAccessLog(t *testing.T) {
	var buf syncBuffer
	s := mustStore(t, demo.Batch())
	ts := httptest.NewServer(server.New(s, server.Config{}, slog.New(slog.NewJSONHandler(&buf, nil))).Handler())
	defer ts.Close()
	mustPost(t, ts, `query Lookup { actor(id: "ethekwini") { name } }`, nil, nil)
	var line map[string]any
	for _, l := range strings.Split(strings.TrimSpace(buf.String()), "\n") {
		var m map[string]any
		if json.Unmarshal([]byte(l), &m) == nil && m["msg"] == "http request" {
			line = m
		}
	}
	if line == nil || line["operation"] != "Lookup" || line["code"] != "OK" || line["status"] != float64(200) || line["path"] != "/graphql" {
		t.Errorf("access log line = %v (log %s)", line, buf.String())
	}
}

type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}
