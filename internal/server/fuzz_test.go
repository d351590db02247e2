package server_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"testing"

	"github.com/c2c-project/c2c/internal/server"
)

// FuzzDecodeBody checks DecodeBody against encoding/json's own reading of
// the body: it never panics; a body it accepts is valid JSON (after an
// optional BOM) whose object or array of objects carries exactly the
// query, operation name and variables it returns, each with a query or a
// persisted-query hash; anything else is a *RequestError with a message.
func FuzzDecodeBody(f *testing.F) {
	for _, s := range []string{
		`{"query":"{ __typename }"}`,
		`{"query":"query Q($n: Int) { actors(first: $n) { totalCount } }","operationName":"Q","variables":{"n":5}}`,
		`[{"query":"{a:__typename}"},{"query":"{b:__typename}","variables":null}]`,
		`{"extensions":{"persistedQuery":{"version":1,"sha256Hash":"abc"}}}`,
		"\xef\xbb\xbf{\"query\":\"{ __typename }\"}",
		`{"query":`, ``, `[]`, `[1]`, `{"query":1}`, `{"query":"x"} trailing`, "{\"query\":\"\x00\"}", `null`, `"query"`,
		`{"query":"x","variables":[]}`, `[{"query":"a"},{"query":"b"},{"query":"c"},{"query":"d"}]`,
	} {
		f.Add([]byte(s))
	}
	const maxBatch = 3
	f.Fuzz(func(t *testing.T, body []byte) {
		ops, batch, err := server.DecodeBody(body, maxBatch)
		if err != nil {
			var re *server.RequestError
			if !errors.As(err, &re) || re.Message == "" {
				t.Fatalf("%q: error %v is not a RequestError with a message", body, err)
			}
			return
		}
		text := bytes.TrimPrefix(body, []byte{0xEF, 0xBB, 0xBF})
		if !json.Valid(text) {
			t.Fatalf("%q: accepted but not valid JSON", body)
		}
		dec := json.NewDecoder(bytes.NewReader(text))
		dec.UseNumber()
		var v any
		if err := dec.Decode(&v); err != nil {
			t.Fatalf("%q: accepted but encoding/json says %v", body, err)
		}
		var objs []any
		if list, ok := v.([]any); ok {
			if !batch || len(list) == 0 || len(list) > maxBatch {
				t.Fatalf("%q: an array of %d accepted with batch %v", body, len(list), batch)
			}
			objs = list
		} else {
			if batch {
				t.Fatalf("%q: an object taken as a batch", body)
			}
			objs = []any{v}
		}
		if len(ops) != len(objs) {
			t.Fatalf("%q: %d operations for %d objects", body, len(ops), len(objs))
		}
		for i, o := range objs {
			obj, ok := o.(map[string]any)
			if !ok {
				t.Fatalf("%q: operation %d is not an object but was accepted", body, i)
			}
			q, _ := obj["query"].(string)
			name, _ := obj["operationName"].(string)
			vars, _ := obj["variables"].(map[string]any)
			if ops[i].Query != q || ops[i].OperationName != name || len(ops[i].Variables) != len(vars) {
				t.Fatalf("%q: operation %d is %+v, encoding/json reads %v", body, i, ops[i], obj)
			}
			if _, apq := ops[i].Extensions["persistedQuery"]; ops[i].Query == "" && !apq {
				t.Fatalf("%q: operation %d has neither query nor persisted-query hash", body, i)
			}
		}
	})
}
