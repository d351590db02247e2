package server

import (
	"bytes"
	"encoding/json"
	"reflect"
	"testing"

	"github.com/vektah/gqlparser/v2/gqlerror"
)

// TestMarshalWireMatchesEncodingJSON checks the hand-written response
// encoder against encoding/json on the shapes it writes: data only,
// errors without data, all three, and a batch; the data is copied as the
// executor wrote it.
func TestMarshalWireMatchesEncodingJSON(t *testing.T) {
	data := json.RawMessage(`{"a":[1,2,{"b":"<x> & \"y\""}],"c":null}`)
	cases := []any{
		&wireResponse{Data: data},
		&wireResponse{Errors: gqlerror.List{{Message: "bad <id>", Extensions: map[string]any{"code": "BAD_USER_INPUT"}}}},
		&wireResponse{Errors: gqlerror.List{{Message: "partial"}}, Data: data, Extensions: map[string]any{"version": 7, "roundTrips": 1}},
		&wireResponse{},
		[]*wireResponse{{Data: data}, {Errors: gqlerror.List{{Message: "second"}}}},
	}
	for i, v := range cases {
		got, err := marshalWire(v)
		if err != nil {
			t.Fatalf("case %d: %v", i, err)
		}
		want, err := json.Marshal(v)
		if err != nil {
			t.Fatal(err)
		}
		var g, w any
		if err := json.Unmarshal(got, &g); err != nil {
			t.Fatalf("case %d: %s is not JSON: %v", i, got, err)
		}
		if err := json.Unmarshal(want, &w); err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(g, w) {
			t.Errorf("case %d: got %s, encoding/json gives %s", i, got, want)
		}
	}
	got, _ := marshalWire(&wireResponse{Data: data})
	if !bytes.Contains(got, data) {
		t.Errorf("data not copied verbatim: %s", got)
	}
}
