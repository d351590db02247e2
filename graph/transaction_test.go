package graph_test

import (
	"context"
	"testing"

	"github.com/c2c-project/c2c/internal/c2c"
	"github.com/c2c-project/c2c/internal/demo"
)

func dataVersion(t *testing.T, s c2c.Store) uint64 {
	t.Helper()
	v, err := s.DataVersion(context.Background())
	if err != nil {
		t.Fatalf("DataVersion: %v", err)
	}
	return v
}

// TestMutationTransaction checks that the root fields of a mutation request
// run in one transaction: one data version for all of them, later fields
// and payloads seeing earlier fields' writes, and nothing written when a
// field fails.
func TestMutationTransaction(t *testing.T) {
	s := mustDemoStore(t)
	c := newClient(t, s)

	// Two fields, the second naming what the first created; its payload
	// reads the new actor through the loaders, inside the transaction.
	v := dataVersion(t, s)
	var ok struct {
		A struct{ ID string }
		X struct {
			ID     string
			Source struct{ Name string }
		}
	}
	mustQuery(t, c, `mutation {
		a: createActor(input: {id: "tx-city", kind: CITY, name: "Transaction City", country: "mz"}) { id }
		x: createExchange(input: {id: "tx-visit", source: "tx-city", target: "`+demo.EThekwini+`",
			title: "Transaction City visits Durban", kind: STUDY_VISIT}) { id source { name } }
	}`, &ok)
	if ok.X.Source.Name != "Transaction City" {
		t.Errorf("the second field's payload = %+v, want the actor the first created", ok.X)
	}
	if got := dataVersion(t, s); got != v+1 {
		t.Errorf("data version %d after a two-field mutation from %d, want %d", got, v, v+1)
	}
	chs, _, err := s.ChangesSince(context.Background(), v, 0)
	if err != nil {
		t.Fatal(err)
	}
	if len(chs) != 1 || len(chs[0].Actors) != 1 || chs[0].Actors[0] != "tx-city" ||
		len(chs[0].Exchanges) != 1 || chs[0].Exchanges[0] != "tx-visit" {
		t.Errorf("changes of the request = %+v, want one with tx-city and tx-visit", chs)
	}

	// The second field fails: the first is rolled back, the third does not
	// run, data is null and the error names the failing field.
	v = dataVersion(t, s)
	r := do(t, c, `mutation {
		first: createActor(input: {id: "tx-rolled-back", kind: CITY, name: "Rolled Back", country: "mz"}) { id }
		second: createActor(input: {id: "tx-city", kind: CITY, name: "Taken", country: "mz"}) { id }
		third: upsertTheme(input: {id: "tx-theme", label: "Never"}) { id }
	}`)
	if len(r.Errors) != 1 {
		t.Fatalf("errors = %+v, want one", r.Errors)
	}
	e := r.Errors[0]
	if code(e) != c2c.KindConflict.String() || len(e.Path) != 1 || e.Path[0] != "second" {
		t.Errorf("error = %+v, want CONFLICT at path [second]", e)
	}
	if string(r.Data) != "null" {
		t.Errorf("data = %s, want null: nothing was written", r.Data)
	}
	if got := dataVersion(t, s); got != v {
		t.Errorf("data version moved from %d to %d on a rolled-back request", v, got)
	}
	if a := mustActorOrNil(t, s, "tx-rolled-back"); a != nil {
		t.Errorf("the first field's actor was kept: %+v", a)
	}
	themes, err := s.Vocabulary(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	for _, th := range themes {
		if th.ID == "tx-theme" {
			t.Error("the third field ran after the second failed")
		}
	}

	// An invalid argument of a later field (caught before the store) also
	// rolls back the earlier ones.
	e = mustFail(t, c, `mutation {
		createActor(input: {id: "tx-rolled-back", kind: CITY, name: "Rolled Back", country: "mz"}) { id }
		upsertTheme(input: {id: "tx-theme", label: ""}) { id }
	}`)
	if code(e) != c2c.KindInvalid.String() || len(e.Path) != 1 || e.Path[0] != "upsertTheme" {
		t.Errorf("error = %+v, want BAD_USER_INPUT at path [upsertTheme]", e)
	}
	if a := mustActorOrNil(t, s, "tx-rolled-back"); a != nil {
		t.Errorf("the first field's actor was kept: %+v", a)
	}
	if got := dataVersion(t, s); got != v {
		t.Errorf("data version moved from %d to %d on a rolled-back request", v, got)
	}

	// A single field works as before: one write, one version.
	mustQuery(t, c, `mutation { upsertTheme(input: {id: "tx-theme", label: "Single"}) { id } }`, nil)
	if got := dataVersion(t, s); got != v+1 {
		t.Errorf("data version %d after a single-field mutation from %d, want %d", got, v, v+1)
	}
}

func mustActorOrNil(t *testing.T, s c2c.Store, id string) *c2c.Actor {
	t.Helper()
	as, err := s.ActorsByIDs(context.Background(), []string{id})
	if err != nil {
		t.Fatalf("ActorsByIDs: %v", err)
	}
	return as[0]
}
