package neo4jstore

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/99designs/gqlgen/client"
	"github.com/99designs/gqlgen/graphql"
	"github.com/99designs/gqlgen/graphql/handler/transport"

	"github.com/c2c-project/c2c/graph"
	"github.com/c2c-project/c2c/internal/c2c"
)

// TestMutationRequestTransaction runs multi-field mutation requests through
// the GraphQL layer on Neo4j: the fields share one explicit transaction
// (their payloads read inside it, concurrently), commit as one data
// version, and a failing field rolls back the fields before it.
func TestMutationRequestTransaction(t *testing.T) {
	s := mustFresh(t)
	ctx := t.Context()
	if _, err := s.Import(ctx, c2c.Batch{Actors: []c2c.Actor{
		{ID: "mt-berlin", Kind: c2c.ActorCity, Name: "Berlin", Country: "DE"},
		{ID: "mt-lyon", Kind: c2c.ActorCity, Name: "Lyon", Country: "FR"},
	}}); err != nil {
		t.Fatalf("import: %v", err)
	}
	srv := graph.NewServer(&graph.Resolver{Store: s, Log: slog.New(slog.DiscardHandler)})
	srv.AddTransport(transport.POST{})
	c := client.New(srv)
	version := func() uint64 {
		t.Helper()
		v, err := s.DataVersion(ctx)
		if err != nil {
			t.Fatal(err)
		}
		return v
	}

	v := version()
	var ok struct {
		A struct{ ID string }
		X struct {
			Source, Target struct{ Name string }
		}
		U struct{ Name string }
	}
	err := c.Post(`mutation {
		a: createActor(input: {id: "mt-koln", kind: CITY, name: "Köln", country: "de"}) { id }
		x: createExchange(input: {id: "mt-x", source: "mt-koln", target: "mt-lyon", title: "Köln and Lyon",
			kind: MEETING}) { source { name } target { name } }
		u: updateActor(id: "mt-koln", input: {name: "Cologne"}) { name }
	}`, &ok)
	if err != nil {
		t.Fatalf("three-field mutation: %v", err)
	}
	if ok.X.Source.Name != "Köln" || ok.X.Target.Name != "Lyon" || ok.U.Name != "Cologne" {
		t.Errorf("payloads = %+v, want each field to see the writes before it", ok)
	}
	if got := version(); got != v+1 {
		t.Errorf("data version %d after one request from %d, want %d", got, v, v+1)
	}
	chs, _, err := s.ChangesSince(ctx, v, 0)
	if err != nil {
		t.Fatal(err)
	}
	if len(chs) != 1 || len(chs[0].Actors) != 1 || len(chs[0].Exchanges) != 1 {
		t.Errorf("changes = %+v, want one with mt-koln and mt-x", chs)
	}

	v = version()
	resp, err := c.RawPost(`mutation {
		a: createActor(input: {id: "mt-paris", kind: CITY, name: "Paris", country: "fr"}) { id }
		x: createExchange(input: {id: "mt-y", source: "mt-paris", target: "mt-nowhere", title: "To nowhere",
			kind: MEETING}) { id }
	}`)
	if err != nil {
		t.Fatal(err)
	}
	var errs []struct {
		Path       []any
		Extensions map[string]any
	}
	if err := json.Unmarshal(resp.Errors, &errs); err != nil {
		t.Fatalf("errors %s: %v", resp.Errors, err)
	}
	if len(errs) != 1 || len(errs[0].Path) != 1 || errs[0].Path[0] != "x" || errs[0].Extensions["code"] != c2c.KindInvalid.String() {
		t.Errorf("errors = %s, want one BAD_USER_INPUT at path [x]", resp.Errors)
	}
	if resp.Data != nil {
		t.Errorf("data = %v, want null", resp.Data)
	}
	if got := version(); got != v {
		t.Errorf("data version moved from %d to %d on a rolled-back request", v, got)
	}
	as, err := s.ActorsByIDs(ctx, []string{"mt-paris"})
	if err != nil {
		t.Fatal(err)
	}
	if as[0] != nil {
		t.Error("the first field of a rolled-back request was written")
	}
}

// mutationBatch is the benchmark harness's mutation request
// (bench/queries/c2c/mutations.graphql): three creates of exchanges
// between a and b, then three deletes of them, the ids suffixed by tag.
func mutationBatch(tag, a, b string) string {
	var q strings.Builder
	q.WriteString("mutation {\n")
	for k := range 3 {
		fmt.Fprintf(&q, `c%d: createExchange(input: {id: "%s-%d", source: %q, target: %q, title: "Bench", kind: STUDY_VISIT, themes: ["housing"], start: "2014-03-02", directed: true}) { id }
`, k, tag, k, a, b)
	}
	for k := range 3 {
		fmt.Fprintf(&q, `d%d: deleteExchange(id: "%s-%d") { exchange { id } }
`, k, tag, k)
	}
	q.WriteString("}")
	return q.String()
}

// maxMutationBatchRoundTrips bounds the store round trips of
// mutationBatch on Neo4j: BEGIN, one statement per field (each create
// checks its references and themes and writes in one, each delete returns
// what it deleted, the last carries the change log) and COMMIT. It was 18
// when each create read the vocabulary and checked its references apart
// from the write, each delete read the exchange first, and the change log
// was a statement of its own at commit.
const maxMutationBatchRoundTrips = 8

// TestMutationBatchRoundTrips counts the store round trips of the
// benchmark's six-field mutation request on Neo4j, checks the request did
// what it says (one data version, nothing left), and that a failing field
// names the same field and kind as before the checks were folded into the
// writes.
func TestMutationBatchRoundTrips(t *testing.T) {
	s := mustFresh(t)
	ctx := t.Context()
	if _, err := s.Import(ctx, c2c.Batch{
		Actors: []c2c.Actor{
			{ID: "rt-a", Kind: c2c.ActorCity, Name: "A", Country: "DE"},
			{ID: "rt-b", Kind: c2c.ActorCity, Name: "B", Country: "FR"},
		},
		Exchanges: []c2c.Exchange{{ID: "rt-taken", SourceID: "rt-a", TargetID: "rt-b", Title: "Taken", Kind: c2c.KindMeeting}},
	}); err != nil {
		t.Fatal(err)
	}
	srv := graph.NewServer(&graph.Resolver{Store: s, Log: slog.New(slog.DiscardHandler)})
	srv.AddTransport(transport.POST{})
	var trips atomic.Int64
	srv.AroundOperations(func(ctx context.Context, next graphql.OperationHandler) graphql.ResponseHandler {
		ctx, rt := c2c.WithRoundTrips(ctx)
		h := next(ctx)
		return func(ctx context.Context) *graphql.Response {
			resp := h(ctx)
			trips.Store(rt.Count())
			return resp
		}
	})
	c := client.New(srv)
	v, err := s.DataVersion(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var out map[string]any
	if err := c.Post(mutationBatch("rt", "rt-a", "rt-b"), &out); err != nil {
		t.Fatal(err)
	}
	if n := trips.Load(); n > maxMutationBatchRoundTrips {
		t.Errorf("the six-field mutation request cost %d round trips, want at most %d", n, maxMutationBatchRoundTrips)
	} else {
		t.Logf("the six-field mutation request cost %d round trips", n)
	}
	if got, err := s.DataVersion(ctx); err != nil || got != v+1 {
		t.Errorf("data version %d (%v) after one request from %d, want %d", got, err, v, v+1)
	}
	// On its own, each field is one statement (the driver's BEGIN and
	// COMMIT of a single write are not counted): it checks, writes and
	// carries the change log.
	for _, q := range []string{
		`mutation { createExchange(input: {id: "rt-one", source: "rt-a", target: "rt-b", title: "One", kind: MEETING, themes: ["housing"]}) { id } }`,
		`mutation { deleteExchange(id: "rt-one") { exchange { id title } } }`,
	} {
		if err := c.Post(q, &out); err != nil {
			t.Fatal(err)
		}
		if n := trips.Load(); n != 1 {
			t.Errorf("%s cost %d round trips, want 1", q, n)
		}
	}
	xs, err := s.ExchangesByIDs(ctx, []string{"rt-0", "rt-1", "rt-2"})
	if err != nil {
		t.Fatal(err)
	}
	for i, x := range xs {
		if x != nil {
			t.Errorf("exchange rt-%d still there after the request deleted it", i)
		}
	}

	for _, tc := range []struct {
		name, input, code, message string
	}{
		{"unknown theme", `{id: "rt-new", source: "rt-a", target: "rt-b", title: "T", kind: MEETING, themes: ["housing", "zz-nope"]}`,
			"BAD_USER_INPUT", `input.themes[1]: "zz-nope" is not in the theme vocabulary (see the themes query)`},
		{"unknown theme, taken id", `{id: "rt-taken", source: "rt-a", target: "rt-b", title: "T", kind: MEETING, themes: ["zz-nope"]}`,
			"BAD_USER_INPUT", `input.themes[0]: "zz-nope" is not in the theme vocabulary (see the themes query)`},
		{"unknown theme, missing end", `{id: "rt-new", source: "rt-nowhere", target: "rt-b", title: "T", kind: MEETING, themes: ["zz-nope"]}`,
			"BAD_USER_INPUT", `input.themes[0]: "zz-nope" is not in the theme vocabulary (see the themes query)`},
		{"taken id", `{id: "rt-taken", source: "rt-a", target: "rt-b", title: "T", kind: MEETING, themes: ["housing"]}`,
			"CONFLICT", `exchange "rt-taken" already exists`},
		{"missing end", `{id: "rt-new", source: "rt-a", target: "rt-nowhere", title: "T", kind: MEETING}`,
			"BAD_USER_INPUT", `target: no actor has id "rt-nowhere"`},
		{"missing facilitator", `{id: "rt-new", source: "rt-a", target: "rt-b", title: "T", kind: MEETING, facilitators: ["rt-nobody"]}`,
			"BAD_USER_INPUT", `facilitators[0]: no actor has id "rt-nobody"`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			for _, q := range []string{
				// In a mutation transaction, after a field that wrote.
				`mutation { a: createActor(input: {id: "rt-c", kind: CITY, name: "C", country: "de"}) { id }
					x: createExchange(input: ` + tc.input + `) { id } }`,
				// On its own.
				`mutation { x: createExchange(input: ` + tc.input + `) { id } }`,
			} {
				resp, err := c.RawPost(q)
				if err != nil {
					t.Fatal(err)
				}
				var errs []struct {
					Message    string
					Path       []any
					Extensions map[string]any
				}
				if err := json.Unmarshal(resp.Errors, &errs); err != nil {
					t.Fatalf("errors %s: %v", resp.Errors, err)
				}
				if len(errs) != 1 || errs[0].Message != tc.message || errs[0].Extensions["code"] != tc.code ||
					len(errs[0].Path) != 1 || errs[0].Path[0] != "x" {
					t.Errorf("errors = %s, want one %s at [x]: %s", resp.Errors, tc.code, tc.message)
				}
			}
			as, err := s.ActorsByIDs(ctx, []string{"rt-c"})
			if err != nil {
				t.Fatal(err)
			}
			xs, err := s.ExchangesByIDs(ctx, []string{"rt-new"})
			if err != nil {
				t.Fatal(err)
			}
			if as[0] != nil || xs[0] != nil {
				t.Error("a refused request left something written")
			}
		})
	}
}
