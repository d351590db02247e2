package server_test

import (
	"encoding/json"
	"errors"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/c2c-project/c2c/internal/server"
)

func TestDecodeBody(t *testing.T) {
	ops, batch, err := server.DecodeBody([]byte(`{"query":"query Q($n: Int) { __typename }","operationName":"Q","variables":{"n":12345678901234567890,"s":"x"},"extensions":{"e":true}}`), 5)
	if err != nil || batch || len(ops) != 1 {
		t.Fatalf("single: %v %v %v", ops, batch, err)
	}
	p := ops[0]
	if p.OperationName != "Q" || p.Query == "" || p.Extensions["e"] != true {
		t.Errorf("single: %+v", p)
	}
	// Numbers keep their digits for the schema's scalars to judge.
	if got := p.Variables["n"]; got != json.Number("12345678901234567890") {
		t.Errorf("variables.n = %#v", got)
	}

	ops, batch, err = server.DecodeBody([]byte(` [{"query":"{a:__typename}"}, {"query":"{b:__typename}","variables":null}] `), 5)
	if err != nil || !batch {
		t.Fatalf("batch: %v %v", batch, err)
	}
	var got []string
	for _, p := range ops {
		got = append(got, p.Query)
	}
	if diff := cmp.Diff([]string{"{a:__typename}", "{b:__typename}"}, got); diff != "" {
		t.Errorf("batch order (-want +got):\n%s", diff)
	}

	// A hash alone is a request: the persisted-query extension supplies
	// the document.
	if _, _, err := server.DecodeBody([]byte(`{"extensions":{"persistedQuery":{"version":1,"sha256Hash":"ab"}}}`), 1); err != nil {
		t.Errorf("hash only: %v", err)
	}
	for _, body := range []string{`[{"query":"{a}"}]`, `{"query":"{a}","variables":[1]}`} {
		_, _, err := server.DecodeBody([]byte(body), -1)
		var re *server.RequestError
		if !errors.As(err, &re) {
			t.Errorf("%s with batches refused: %v, want a RequestError", body, err)
		}
	}

	p, err = server.DecodeQuery("query=%7B__typename%7D&variables=%7B%22a%22%3A1%7D&operationName=")
	if err != nil || p.Query != "{__typename}" || p.Variables["a"] != json.Number("1") {
		t.Errorf("GET: %+v %v", p, err)
	}
}
