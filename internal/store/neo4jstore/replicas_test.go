package neo4jstore

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strconv"
	"testing"
	"time"

	"github.com/c2c-project/c2c/internal/c2c"
	"github.com/c2c-project/c2c/internal/graphmem"
	"github.com/c2c-project/c2c/internal/server"
)

// replica is one c2c server with its own connection to the shared Neo4j
// database and its own in-process graph, polled every interval.
type replica struct {
	url   string
	graph *graphmem.Graph
}

func startReplica(t *testing.T, interval time.Duration) replica {
	t.Helper()
	st := mustOpen(t)
	if _, ok := any(st).(c2c.ChangeLog); !ok {
		t.Skip("the Neo4j store keeps no change log yet: replicas cannot follow each other")
	}
	g, err := graphmem.New(t.Context(), st, nil)
	if err != nil {
		t.Fatalf("build the in-process graph: %v", err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { defer close(done); g.Run(ctx, interval) }()
	srv := httptest.NewServer(server.New(st, server.Config{APIKeys: []string{"replica-key"}, Graph: g, MaxStale: time.Minute}, slog.New(slog.DiscardHandler)).Handler())
	t.Cleanup(func() { srv.Close(); cancel(); <-done })
	return replica{url: srv.URL, graph: g}
}

// ask posts a GraphQL document and returns the data, the errors' codes
// and the C2C-Version header.
func (r replica) ask(t *testing.T, doc string, minVersion uint64) (json.RawMessage, []string, uint64) {
	t.Helper()
	body, _ := json.Marshal(map[string]any{"query": doc})
	req, _ := http.NewRequestWithContext(t.Context(), http.MethodPost, r.url+"/graphql", bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer replica-key")
	if minVersion > 0 {
		req.Header.Set(server.MinVersionHeader, strconv.FormatUint(minVersion, 10))
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("post: %v", err)
	}
	defer resp.Body.Close()
	var out struct {
		Data   json.RawMessage `json:"data"`
		Errors []struct {
			Message    string         `json:"message"`
			Extensions map[string]any `json:"extensions"`
		} `json:"errors"`
		Extensions map[string]any `json:"extensions"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&out); err != nil {
		t.Fatalf("decode: %v", err)
	}
	var codes []string
	for _, e := range out.Errors {
		codes = append(codes, fmt.Sprintf("%v: %s", e.Extensions["code"], e.Message))
	}
	v, err := strconv.ParseUint(resp.Header.Get(server.VersionHeader), 10, 64)
	if err != nil {
		t.Fatalf("response without a %s header: %q", server.VersionHeader, resp.Header.Get(server.VersionHeader))
	}
	if ev, ok := out.Extensions["version"].(float64); !ok || uint64(ev) != v {
		t.Errorf("extensions.version %v differs from the %s header %d", out.Extensions["version"], server.VersionHeader, v)
	}
	return out.Data, codes, v
}

// TestReplicasFollowEachOther runs two servers on one Neo4j database: a
// write through one is in its own graph when it answers, reaches the other
// by polling, and reaches it at once when the reader sends the writer's
// version as C2C-Min-Version.
func TestReplicasFollowEachOther(t *testing.T) {
	mustFresh(t)
	const poll = 200 * time.Millisecond
	a, b := startReplica(t, poll), startReplica(t, poll)
	// The question only the in-process graph answers: is there a path?
	pathQ := func(from, to string) string {
		return fmt.Sprintf(`{ paths(from: %q, to: %q) { paths { hops exchanges { id title } } } }`, from, to)
	}
	write := func(n int) (string, string, uint64) {
		x, y := fmt.Sprintf("rep-a%d", n), fmt.Sprintf("rep-b%d", n)
		doc := fmt.Sprintf(`mutation {
			a: createActor(input: {id: %q, kind: CITY, name: "Replica A %d", country: "ZA"}) { id }
			b: createActor(input: {id: %q, kind: CITY, name: "Replica B %d", country: "BR"}) { id }
			x: createExchange(input: {id: "rep-x%d", source: %q, target: %q, title: "Replica exchange %d", kind: TWINNING}) { id }
		}`, x, n, y, n, n, x, y, n)
		_, errs, v := a.ask(t, doc, 0)
		if len(errs) > 0 {
			t.Fatalf("write through A: %v", errs)
		}
		return x, y, v
	}
	hasPath := func(data json.RawMessage) bool {
		var d struct {
			Paths struct {
				Paths []struct{ Hops int } `json:"paths"`
			} `json:"paths"`
		}
		_ = json.Unmarshal(data, &d)
		return len(d.Paths.Paths) == 1 && d.Paths.Paths[0].Hops == 1
	}

	// Read your own write: A's answer to the mutation came after its graph
	// caught up.
	x, y, v := write(1)
	if data, errs, got := a.ask(t, pathQ(x, y), 0); !hasPath(data) || len(errs) > 0 || got < v {
		t.Fatalf("A right after its own write (version %d): version %d, %s %v, want the new path", v, got, data, errs)
	}

	// B sees it by polling.
	start := time.Now()
	for {
		data, errs, got := b.ask(t, pathQ(x, y), 0)
		if len(errs) > 0 {
			t.Fatalf("B: %v", errs)
		}
		if hasPath(data) {
			if got < v {
				t.Errorf("B answered with the write at version %d, before the version %d that made it", got, v)
			}
			t.Logf("B saw A's write %s after it was acknowledged (poll interval %s)", time.Since(start).Round(time.Millisecond), poll)
			break
		}
		if time.Since(start) > 20*poll {
			t.Fatalf("B has not seen A's write (version %d) after %s; B is at version %d", v, time.Since(start), got)
		}
		time.Sleep(poll / 10)
	}

	// With the token, B answers with the write at once.
	x, y, v = write(2)
	data, errs, got := b.ask(t, pathQ(x, y), v)
	if !hasPath(data) || len(errs) > 0 || got < v {
		t.Fatalf("B asked with %s %d: version %d, %s %v, want the new path", server.MinVersionHeader, v, got, data, errs)
	}

	// A version nobody has written makes B wait, bounded, and say so.
	_, errs, _ = b.ask(t, pathQ(x, y), v+1000)
	if len(errs) != 1 || errs[0][:len("UNAVAILABLE")] != "UNAVAILABLE" {
		t.Errorf("B asked for a version never written: %v, want one UNAVAILABLE error", errs)
	}
}
