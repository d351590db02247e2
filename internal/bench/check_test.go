package bench

import (
	"encoding/json"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// mustData decodes a c2c response's data as the driver receives it.
func mustData(t *testing.T, s string) map[string]any {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal([]byte(s), &m); err != nil {
		t.Fatal(err)
	}
	return m
}

// The same point answer, as c2c's JSON and as the floor's Bolt values
// (int64 numbers, theme ids as strings, in another order), must come to
// one form; a changed count must not.
func TestAnswerFormsOfPointAgree(t *testing.T) {
	c2c := mustData(t, `{"actor": {"id": "a000001", "name": "Lyon", "kind": "CITY", "country": {"code": "FR"},
	  "partners": [{"partner": {"id": "a000002", "name": "Porto"}, "exchanges": 3, "first": "2001", "last": "2010-05-02",
	                "themes": [{"id": "water"}, {"id": "culture"}]}]}}`)
	floor := []map[string]any{{"id": "a000001", "name": "Lyon", "kind": "CITY", "country": "FR",
		"partners": []any{map[string]any{"id": "a000002", "name": "Porto", "exchanges": int64(3), "first": "2001", "last": "2010-05-02",
			"themes": []any{"culture", "water"}}}}}
	form := answerForms["point"]
	if d := cmp.Diff(form.floor(floor), form.c2c(c2c)); d != "" {
		t.Fatalf("same answer, different forms (-floor +c2c):\n%s", d)
	}
	floor[0]["partners"].([]any)[0].(map[string]any)["exchanges"] = int64(4)
	if cmp.Equal(form.floor(floor), form.c2c(c2c)) {
		t.Fatal("a different partner count compares equal")
	}
}

func TestAnswerFormsOfSearchStatsAndPath(t *testing.T) {
	for _, tc := range []struct {
		query string
		c2c   string
		floor []map[string]any
	}{
		{"search", `{"search": [{"rank": 3, "actor": {"id": "a1", "name": "Lyon", "kind": "CITY", "country": null}}]}`,
			[]map[string]any{{"id": "a1", "name": "Lyon", "kind": "CITY", "country": nil, "rank": int64(3)}}},
		{"stats", `{"stats": {"exchanges": 9, "bucketCount": 2, "buckets": [{"keys": ["water"], "count": 5}, {"keys": ["culture"], "count": 4}]}}`,
			[]map[string]any{{"key": "water", "count": int64(5)}, {"key": "culture", "count": int64(4)}}},
		{"exchanges", `{"exchanges": {"edges": [{"node": {"id": "x1", "title": "T", "kind": "STUDY_VISIT", "start": "2001", "end": null,
		   "themes": [{"id": "b"}, {"id": "a"}], "source": {"id": "a1", "name": "A"}, "target": {"id": "a2", "name": "B"}}}]}}`,
			[]map[string]any{{"id": "x1", "title": "T", "kind": "STUDY_VISIT", "start": "2001", "end": nil, "themes": []any{"a", "b"},
				"sourceId": "a1", "sourceName": "A", "targetId": "a2", "targetName": "B"}}},
		{"path", `{"paths": {"paths": [{"hops": 2, "nodes": [{"id": "a1"}, {"id": "a7"}, {"id": "a2"}], "exchanges": [{"id": "x1"}, {"id": "x9"}]}]}}`,
			[]map[string]any{{"nodes": []any{map[string]any{"id": "a1"}, map[string]any{"id": "a3"}, map[string]any{"id": "a2"}}, "edges": []any{"x4", "x5"}}}},
		{"path", `{"paths": {"paths": []}}`, nil},
	} {
		form := answerForms[tc.query]
		if d := cmp.Diff(form.floor(tc.floor), form.c2c(mustData(t, tc.c2c))); d != "" {
			t.Errorf("%s: same answer, different forms (-floor +c2c):\n%s", tc.query, d)
		}
	}
}

// Every checked query is a benchmark query with a floor statement.
func TestCheckedQueriesHaveFloorStatements(t *testing.T) {
	got := CheckedQueries()
	if len(got) != len(answerForms) {
		t.Fatalf("checked %v, want every one of the %d answer forms", got, len(answerForms))
	}
	for _, q := range got {
		if _, ok := floorReads[q]; !ok {
			t.Errorf("%s has no floor statement", q)
		}
	}
}
