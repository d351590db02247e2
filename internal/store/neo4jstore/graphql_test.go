package neo4jstore

import (
	"bufio"
	"bytes"
	"cmp"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/c2c-project/c2c/internal/c2c"
	"github.com/c2c-project/c2c/internal/server"
	"github.com/c2c-project/c2c/internal/store/storetest"
)

// depth3 walks actors, their partners and the partners' exchanges with the
// exchanges' two ends: the nested query of the dashboard. Page sizes are
// the schema's defaults (20 partners, 20 exchanges).
const depth3 = `query Depth3($n: Int) { actors(first: $n) { edges { node {
  id name
  partners { exchanges partner { id name exchanges { id source { id name } target { id name } } } }
} } } }`

// depth3Response is the part of the response the test reads.
type depth3Response struct {
	Data struct {
		Actors struct {
			Edges []struct {
				Node struct {
					ID, Name string
					Partners []struct {
						Exchanges int
						Partner   struct {
							ID, Name  string
							Exchanges []struct {
								ID             string
								Source, Target struct{ ID, Name string }
							}
						}
					}
				}
			}
		}
	}
	Errors     []json.RawMessage
	Extensions struct {
		RoundTrips *int
	}
}

// TestGraphQLRoundTripsBoundedByDepth runs the depth-3 query over HTTP
// against the Neo4j store and checks that it costs the same few Cypher
// queries for 10, 50 and 100 actors (the dataloaders batch each level), that
// debug mode and /metrics report them, and that the answers are right.
func TestGraphQLRoundTripsBoundedByDepth(t *testing.T) {
	s := mustFresh(t)
	b := storetest.GenerateBatch(20240719, 200, 1000)
	if _, err := s.Import(t.Context(), b); err != nil {
		t.Fatalf("import: %v", err)
	}
	// The look-ahead keeps the count bounded by depth; a wider batching
	// window than the default keeps a loaded CI machine (the race detector
	// slows goroutine start-up) from splitting a level's batch in two.
	srv := server.New(s, server.Config{Debug: true, MaxComplexity: 100_000_000, RequestTimeout: 5 * time.Minute, BatchWait: 25 * time.Millisecond}, slog.New(slog.DiscardHandler))
	ts := httptest.NewServer(srv.Handler())
	t.Cleanup(ts.Close)
	ref := newBatchRef(b)

	before := mustStoreRoundTrips(t, ts)
	trips := map[int]int{}
	total := 0
	for _, n := range []int{10, 50, 100} {
		r := mustDepth3(t, ts, n)
		if r.Extensions.RoundTrips == nil {
			t.Fatalf("first %d: no extensions.roundTrips in debug mode", n)
		}
		trips[n] = *r.Extensions.RoundTrips
		total += trips[n]
		ref.check(t, n, r)
	}
	t.Logf("Cypher round trips of the depth-3 query: first 10: %d, first 50: %d, first 100: %d", trips[10], trips[50], trips[100])
	const bound = 10
	for n, got := range trips {
		if got < 1 || got > bound {
			t.Errorf("first %d: %d round trips, want 1..%d", n, got, bound)
		}
	}
	if trips[10] != trips[50] || trips[50] != trips[100] {
		t.Errorf("round trips for 10, 50 and 100 actors = %d, %d, %d: want the same, bounded by depth rather than items", trips[10], trips[50], trips[100])
	}
	after := mustStoreRoundTrips(t, ts)
	t.Logf(`c2c_store_round_trips_total{store="neo4j"}: %v before, %v after (the queries reported %d)`, before, after, total)
	if after-before < float64(total) {
		t.Errorf(`c2c_store_round_trips_total{store="neo4j"} went from %v to %v, want an increase of at least %d`, before, after, total)
	}
}

// mustDepth3 posts the depth-3 query for the first n actors.
func mustDepth3(t *testing.T, ts *httptest.Server, n int) depth3Response {
	t.Helper()
	body, err := json.Marshal(map[string]any{"query": depth3, "variables": map[string]any{"n": n}})
	if err != nil {
		t.Fatal(err)
	}
	resp, err := http.Post(ts.URL+"/graphql", "application/json", bytes.NewReader(body))
	if err != nil {
		t.Fatalf("post: %v", err)
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatalf("read: %v", err)
	}
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("status %d: %.500s", resp.StatusCode, raw)
	}
	var r depth3Response
	if err := json.Unmarshal(raw, &r); err != nil {
		t.Fatalf("decode %.500s: %v", raw, err)
	}
	if len(r.Errors) != 0 {
		t.Fatalf("first %d: errors %s", n, r.Errors)
	}
	return r
}

// mustStoreRoundTrips reads c2c_store_round_trips_total{store="neo4j"}
// from /metrics; 0 before the first round trip is counted.
func mustStoreRoundTrips(t *testing.T, ts *httptest.Server) float64 {
	t.Helper()
	resp, err := http.Get(ts.URL + "/metrics")
	if err != nil {
		t.Fatalf("metrics: %v", err)
	}
	defer resp.Body.Close()
	const prefix = `c2c_store_round_trips_total{store="neo4j"} `
	sc := bufio.NewScanner(resp.Body)
	for sc.Scan() {
		if v, ok := strings.CutPrefix(sc.Text(), prefix); ok {
			f, err := strconv.ParseFloat(v, 64)
			if err != nil {
				t.Fatalf("metric value %q: %v", v, err)
			}
			return f
		}
	}
	if err := sc.Err(); err != nil {
		t.Fatalf("read metrics: %v", err)
	}
	return 0
}

// batchRef answers the depth-3 query by brute force over the batch.
type batchRef struct {
	actors    map[string]c2c.Actor
	exchanges map[string][]c2c.Exchange // by actor, either end
}

func newBatchRef(b c2c.Batch) *batchRef {
	r := &batchRef{actors: map[string]c2c.Actor{}, exchanges: map[string][]c2c.Exchange{}}
	for _, a := range b.Actors {
		r.actors[a.ID] = a
	}
	for _, x := range b.Exchanges {
		r.exchanges[x.SourceID] = append(r.exchanges[x.SourceID], x)
		r.exchanges[x.TargetID] = append(r.exchanges[x.TargetID], x)
	}
	return r
}

// byName orders actor ids by folded name, then id: NAME_ASC.
func (r *batchRef) byName(a, b string) int {
	return cmp.Or(strings.Compare(c2c.Fold(r.actors[a].Name), c2c.Fold(r.actors[b].Name)), strings.Compare(a, b))
}

// firstActors returns the ids of the first n actors by name.
func (r *batchRef) firstActors(n int) []string {
	ids := make([]string, 0, len(r.actors))
	for id := range r.actors {
		ids = append(ids, id)
	}
	slices.SortFunc(ids, r.byName)
	return ids[:min(n, len(ids))]
}

type partnerCount struct {
	ID        string
	Exchanges int
}

// partners returns the first n partners of id: most exchanges first, then
// by name.
func (r *batchRef) partners(id string, n int) []partnerCount {
	counts := map[string]int{}
	for _, x := range r.exchanges[id] {
		other := x.SourceID
		if other == id {
			other = x.TargetID
		}
		counts[other]++
	}
	out := make([]partnerCount, 0, len(counts))
	for p, c := range counts {
		out = append(out, partnerCount{p, c})
	}
	slices.SortFunc(out, func(a, b partnerCount) int {
		return cmp.Or(cmp.Compare(b.Exchanges, a.Exchanges), r.byName(a.ID, b.ID))
	})
	return out[:min(n, len(out))]
}

// exchangeIDs returns the ids of the first n exchanges of id: by the first
// day of their start (unknown last), then id.
func (r *batchRef) exchangeIDs(id string, n int) []string {
	xs := slices.Clone(r.exchanges[id])
	day := func(x c2c.Exchange) (int, bool) {
		if x.Start == nil {
			return 0, false
		}
		d := x.Start.First()
		return d.Year()*10000 + int(d.Month())*100 + d.Day(), true
	}
	slices.SortFunc(xs, func(a, b c2c.Exchange) int {
		da, oka := day(a)
		db, okb := day(b)
		if oka != okb {
			if oka {
				return -1
			}
			return 1
		}
		return cmp.Or(cmp.Compare(da, db), strings.Compare(a.ID, b.ID))
	})
	out := []string{}
	for _, x := range xs[:min(n, len(xs))] {
		out = append(out, x.ID)
	}
	return out
}

// The schema's default page sizes of Actor.partners and Actor.exchanges.
const defaultPartners, defaultExchanges = 20, 20

// check compares the response for the first n actors with the brute-force
// answer: the actors, each one's partners with their exchange counts, and
// each partner's exchanges with their ends.
func (r *batchRef) check(t *testing.T, n int, resp depth3Response) {
	t.Helper()
	var gotIDs []string
	partners := 0
	for _, e := range resp.Data.Actors.Edges {
		node := e.Node
		gotIDs = append(gotIDs, node.ID)
		if got, want := node.Name, r.actors[node.ID].Name; got != want {
			t.Errorf("first %d: actor %s name %q, want %q", n, node.ID, got, want)
		}
		var got []partnerCount
		for _, p := range node.Partners {
			got = append(got, partnerCount{p.Partner.ID, p.Exchanges})
			partners++
			if g, w := p.Partner.Name, r.actors[p.Partner.ID].Name; g != w {
				t.Errorf("partner %s name %q, want %q", p.Partner.ID, g, w)
			}
			var xids []string
			for _, x := range p.Partner.Exchanges {
				xids = append(xids, x.ID)
				if x.Source.ID != p.Partner.ID && x.Target.ID != p.Partner.ID {
					t.Errorf("exchange %s of %s joins %s and %s", x.ID, p.Partner.ID, x.Source.ID, x.Target.ID)
				}
				if x.Source.Name != r.actors[x.Source.ID].Name || x.Target.Name != r.actors[x.Target.ID].Name {
					t.Errorf("exchange %s ends named %q and %q", x.ID, x.Source.Name, x.Target.Name)
				}
			}
			if want := r.exchangeIDs(p.Partner.ID, defaultExchanges); !slices.Equal(xids, want) && (len(xids) != 0 || len(want) != 0) {
				t.Errorf("exchanges of %s = %v, want %v", p.Partner.ID, xids, want)
			}
		}
		if want := r.partners(node.ID, defaultPartners); !slices.Equal(got, want) && (len(got) != 0 || len(want) != 0) {
			t.Errorf("partners of %s = %v, want %v", node.ID, got, want)
		}
	}
	if want := r.firstActors(n); !slices.Equal(gotIDs, want) {
		t.Errorf("first %d actors = %v, want %v", n, gotIDs, want)
	}
	if partners == 0 {
		t.Errorf("first %d: no partners at all: the nested levels went unchecked", n)
	}
}
