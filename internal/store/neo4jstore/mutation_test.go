package neo4jstore

import (
	"encoding/json"
	"log/slog"
	"testing"

	"github.com/99designs/gqlgen/client"
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
