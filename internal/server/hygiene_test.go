package server_test

import (
	"fmt"
	"testing"

	"github.com/c2c-project/c2c/internal/demo"
	"github.com/c2c-project/c2c/internal/server"
)

// TestInputHygiene sends the inputs of issue 11's "smaller" list through
// the whole server: each must be BAD_USER_INPUT naming the field or
// argument, and none may write anything.
func TestInputHygiene(t *testing.T) {
	st := mustStore(t, demo.Batch())
	ts := mustServer(t, st, server.Config{APIKeys: []string{"k"}})
	key := bearer("k")
	cases := []struct {
		name, query string
		vars        map[string]any
		field       string
	}{
		{"actor text %", `{ actors(filter: {text: "%"}) { totalCount } }`, nil, "filter.text"},
		{"actor text *", `{ actors(filter: {text: "*"}) { totalCount } }`, nil, "filter.text"},
		{"actor text CRLF", `query($t: String) { actors(filter: {text: $t}) { totalCount } }`, map[string]any{"t": "\r\n"}, "filter.text"},
		{"exchange text %", `{ exchanges(filter: {text: "%"}) { totalCount } }`, nil, "filter.text"},
		{"exchange text empty", `{ exchanges(filter: {text: ""}) { totalCount } }`, nil, "filter.text"},
		{"first 2^31 literal", `{ actors(first: 2147483648) { totalCount } }`, nil, "first"},
		{"first 2^31 variable", `query($n: Int) { actors(first: $n) { totalCount } }`, map[string]any{"n": 2147483648}, "first"},
		{"first -2^31-1 variable", `query($n: Int) { exchanges(first: $n) { totalCount } }`, map[string]any{"n": -2147483649}, "first"},
		{"first negative", `{ actors(first: -1) { totalCount } }`, nil, "first"},
		{"search first negative", `{ search(text: "dur", first: -5) { rank } }`, nil, "first"},
		{"neighbourhood limit negative", `{ neighbourhood(actor: "ethekwini", limit: -1) { truncated } }`, nil, "limit"},
		{"neighbourhood depth 2^31", `{ neighbourhood(actor: "ethekwini", depth: 2147483648) { truncated } }`, nil, "depth"},
		{"subgraph limit negative", `{ subgraph(limit: -10) { truncated } }`, nil, "limit"},
		{"nested Int in input", `mutation { createActor(input: {id: "x-city", kind: CITY, name: "X", country: "ZA", geonamesId: 4294967296}) { id } }`, nil, "input.geonamesId"},
		{"nested Int in variable", `mutation($in: CreateActorInput!) { createActor(input: $in) { id } }`,
			map[string]any{"in": map[string]any{"id": "x-city", "kind": "CITY", "name": "X", "country": "ZA", "geonamesId": 4294967296}}, "input.geonamesId"},
		{"NUL in name", `mutation($in: CreateActorInput!) { createActor(input: $in) { id } }`,
			map[string]any{"in": map[string]any{"id": "x-city", "kind": "CITY", "name": "X\x00Y", "country": "ZA"}}, "input.name"},
		{"escape in title", `mutation($in: CreateExchangeInput!) { createExchange(input: $in) { id } }`,
			map[string]any{"in": map[string]any{"id": "x-ex", "source": "ethekwini", "target": "sao-paulo", "kind": "MEETING", "title": "\x1b[2J"}}, "input.title"},
		{"NUL in update", `mutation { updateActor(id: "ethekwini", input: {name: "Dur\u0000ban"}) { id } }`, nil, "input.name"},
	}
	for _, c := range cases {
		r := mustPost(t, ts, c.query, c.vars, key)
		if errCode(r) != "BAD_USER_INPUT" {
			t.Errorf("%s: code %q (%+v), want BAD_USER_INPUT", c.name, errCode(r), r.Errors)
			continue
		}
		if got := r.Errors[0].Extensions["field"]; got != c.field {
			t.Errorf("%s: field %v (%s), want %q", c.name, got, r.Errors[0].Message, c.field)
		}
	}
	// Nothing above was written.
	r := mustPost(t, ts, `{ a: actor(id: "x-city") { id } x: exchange(id: "x-ex") { id } d: actor(id: "ethekwini") { name } }`, nil, nil)
	if len(r.Errors) > 0 || r.Data["a"] != nil || r.Data["x"] != nil || fmt.Sprint(r.Data["d"]) != "map[name:eThekwini]" {
		t.Errorf("after refused writes: %+v %+v", r.Data, r.Errors)
	}
	// Beyond 64 bits the document's own validation answers, also coded.
	r = mustPost(t, ts, `{ actors(first: 9223372036854775808) { totalCount } }`, nil, nil)
	if errCode(r) != "GRAPHQL_VALIDATION_FAILED" {
		t.Errorf("first: 2^63: %+v", r.Errors)
	}
	// In range still works, at both ends of what each argument allows.
	r = mustPost(t, ts, `query($n: Int) { actors(first: $n) { totalCount } }`, map[string]any{"n": 3}, nil)
	if len(r.Errors) > 0 {
		t.Errorf("first: 3: %+v", r.Errors)
	}
}
