package bench

import (
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"

	"github.com/google/go-cmp/cmp"
	"github.com/neo4j/neo4j-go-driver/v5/neo4j"
)

// The sanity check: before timing, a few drawn parameter sets of some
// queries are sent to the floor and to every c2c target, and the answers,
// brought to one neutral form, must be equal. A benchmark that times
// different answers measures nothing.

// answerForms turns a query's answer into its neutral form, from the data
// of a c2c response or from the floor's records. Only the queries listed
// are checked.
var answerForms = map[string]struct {
	c2c   func(data map[string]any) any
	floor func(recs []map[string]any) any
}{
	"point":     {c2cPoint, floorPointAnswer},
	"search":    {c2cSearch, floorSearchAnswer},
	"exchanges": {c2cExchanges, floorExchangesAnswer},
	"stats":     {c2cStats, floorStatsAnswer},
	"path":      {c2cPathHops, floorPathHops},
}

// CheckedQueries lists, in report order, the queries the sanity check
// compares.
func CheckedQueries() []string {
	var out []string
	for _, q := range Queries {
		if _, ok := answerForms[q.Name]; ok {
			out = append(out, q.Name)
		}
	}
	return out
}

// Check sends n parameter sets (drawn from seed) of each checked query in
// queries to the floor target and to every c2c target, and compares the
// answers. It returns one line per query saying what was compared, and an
// error naming the first query, target and parameters whose answer
// differs from the floor's (with the difference), or that failed. Without
// a floor target or a c2c target there is nothing to compare and the
// lines say so.
func Check(ctx context.Context, targets []Target, queries []*Query, g *Generator, seed int64, n int) ([]string, error) {
	var floor *FloorTarget
	var c2cs []*GraphQLTarget
	for _, t := range targets {
		switch t := t.(type) {
		case *FloorTarget:
			if floor == nil {
				floor = t
			}
		case *GraphQLTarget:
			if !t.Peer {
				c2cs = append(c2cs, t)
			}
		}
	}
	if floor == nil || len(c2cs) == 0 {
		return []string{"answers not checked: a floor and a c2c target are needed"}, nil
	}
	var lines []string
	for _, q := range queries {
		form, ok := answerForms[q.Name]
		if !ok {
			continue
		}
		rng := rand.New(rand.NewPCG(uint64(seed), 0xc4ec))
		var names []string
		for i := range n {
			p := q.Draw(g, rng, int64(i))
			recs, err := floor.Floor.Records(ctx, q, p.Floor)
			if err != nil {
				return lines, fmt.Errorf("check %s: %w", q.Name, err)
			}
			want := form.floor(recs)
			for _, t := range c2cs {
				if !t.Supports(q) {
					continue
				}
				data, _, err := t.do(ctx, q, p)
				if err != nil {
					return lines, fmt.Errorf("check %s on %s: %w", q.Name, t.Name(), err)
				}
				var m map[string]any
				if err := json.Unmarshal(data, &m); err != nil {
					return lines, fmt.Errorf("check %s on %s: decode data: %w", q.Name, t.Name(), err)
				}
				if d := cmp.Diff(want, form.c2c(m)); d != "" {
					vars, _ := json.Marshal(p.C2C)
					return lines, fmt.Errorf("check %s: %s answers %s differently from the floor (-floor +c2c):\n%s", q.Name, t.Name(), vars, d)
				}
				if i == 0 {
					names = append(names, t.Name())
				}
			}
		}
		what := "same answer"
		if q.Name == "path" {
			what = "same path length"
		}
		lines = append(lines, fmt.Sprintf("%s: %s as the floor on %s, %d parameter sets", q.Name, what, strings.Join(names, " and "), n))
	}
	return lines, nil
}

// Records runs the read query q with parameters p once and returns its
// records as maps; for the sanity check.
func (f *Floor) Records(ctx context.Context, q *Query, p map[string]any) ([]map[string]any, error) {
	stmt, ok := floorReads[q.Name]
	if !ok {
		return nil, fmt.Errorf("floor: no statement for %s", q.Name)
	}
	res, err := neo4j.ExecuteQuery(ctx, f.Driver, stmt, p, neo4j.EagerResultTransformer,
		neo4j.ExecuteQueryWithDatabase(f.Database), neo4j.ExecuteQueryWithReadersRouting())
	if err != nil {
		return nil, fmt.Errorf("floor %s: %w", q.Name, err)
	}
	out := make([]map[string]any, len(res.Records))
	for i, r := range res.Records {
		out[i] = r.AsMap()
	}
	return out, nil
}

// Neutral forms. Dates are as written ("" for none); lists of theme ids
// are sorted, since their order carries no meaning.

type partnerAnswer struct {
	ID, Name    string
	Exchanges   int
	First, Last string
	Themes      []string
}

type pointAnswer struct {
	ID, Name, Kind, Country string
	Partners                []partnerAnswer
}

type hitAnswer struct {
	ID, Name, Kind, Country string
	Rank                    int
}

type exchangeAnswer struct {
	ID, Title, Kind, Start, End string
	Themes                      []string
	SourceID, SourceName        string
	TargetID, TargetName        string
}

type bucketAnswer struct {
	Key   string
	Count int
}

// str is v as a string, "" for nil.
func str(v any) string {
	if s, ok := v.(string); ok {
		return s
	}
	return ""
}

// num is a JSON (float64) or Bolt (int64) number as an int.
func num(v any) int {
	switch n := v.(type) {
	case float64:
		return int(n)
	case int64:
		return int(n)
	}
	return 0
}

func obj(v any) map[string]any { m, _ := v.(map[string]any); return m }

func list(v any) []any { l, _ := v.([]any); return l }

// ids is the sorted ids of a list of {id} objects (c2c) or of strings
// (the floor).
func ids(v any) []string {
	out := []string{}
	for _, x := range list(v) {
		if s, ok := x.(string); ok {
			out = append(out, s)
		} else {
			out = append(out, str(obj(x)["id"]))
		}
	}
	slices.Sort(out)
	return out
}

func c2cPoint(data map[string]any) any {
	a := obj(data["actor"])
	if a == nil {
		return nil
	}
	pa := pointAnswer{ID: str(a["id"]), Name: str(a["name"]), Kind: str(a["kind"]), Country: str(obj(a["country"])["code"]), Partners: []partnerAnswer{}}
	for _, x := range list(a["partners"]) {
		m := obj(x)
		pa.Partners = append(pa.Partners, partnerAnswer{ID: str(obj(m["partner"])["id"]), Name: str(obj(m["partner"])["name"]),
			Exchanges: num(m["exchanges"]), First: str(m["first"]), Last: str(m["last"]), Themes: ids(m["themes"])})
	}
	return pa
}

func floorPointAnswer(recs []map[string]any) any {
	if len(recs) == 0 {
		return nil
	}
	r := recs[0]
	pa := pointAnswer{ID: str(r["id"]), Name: str(r["name"]), Kind: str(r["kind"]), Country: str(r["country"]), Partners: []partnerAnswer{}}
	for _, x := range list(r["partners"]) {
		m := obj(x)
		pa.Partners = append(pa.Partners, partnerAnswer{ID: str(m["id"]), Name: str(m["name"]),
			Exchanges: num(m["exchanges"]), First: str(m["first"]), Last: str(m["last"]), Themes: ids(m["themes"])})
	}
	return pa
}

func c2cSearch(data map[string]any) any {
	out := []hitAnswer{}
	for _, x := range list(data["search"]) {
		m := obj(x)
		a := obj(m["actor"])
		out = append(out, hitAnswer{ID: str(a["id"]), Name: str(a["name"]), Kind: str(a["kind"]), Country: str(obj(a["country"])["code"]), Rank: num(m["rank"])})
	}
	return out
}

func floorSearchAnswer(recs []map[string]any) any {
	out := []hitAnswer{}
	for _, r := range recs {
		out = append(out, hitAnswer{ID: str(r["id"]), Name: str(r["name"]), Kind: str(r["kind"]), Country: str(r["country"]), Rank: num(r["rank"])})
	}
	return out
}

func c2cExchanges(data map[string]any) any {
	out := []exchangeAnswer{}
	for _, e := range list(obj(data["exchanges"])["edges"]) {
		x := obj(obj(e)["node"])
		s, t := obj(x["source"]), obj(x["target"])
		out = append(out, exchangeAnswer{ID: str(x["id"]), Title: str(x["title"]), Kind: str(x["kind"]), Start: str(x["start"]), End: str(x["end"]),
			Themes: ids(x["themes"]), SourceID: str(s["id"]), SourceName: str(s["name"]), TargetID: str(t["id"]), TargetName: str(t["name"])})
	}
	return out
}

func floorExchangesAnswer(recs []map[string]any) any {
	out := []exchangeAnswer{}
	for _, r := range recs {
		out = append(out, exchangeAnswer{ID: str(r["id"]), Title: str(r["title"]), Kind: str(r["kind"]), Start: str(r["start"]), End: str(r["end"]),
			Themes: ids(r["themes"]), SourceID: str(r["sourceId"]), SourceName: str(r["sourceName"]), TargetID: str(r["targetId"]), TargetName: str(r["targetName"])})
	}
	return out
}

func c2cStats(data map[string]any) any {
	out := []bucketAnswer{}
	for _, b := range list(obj(data["stats"])["buckets"]) {
		m := obj(b)
		key := ""
		if ks := list(m["keys"]); len(ks) > 0 {
			key = str(ks[0])
		}
		out = append(out, bucketAnswer{Key: key, Count: num(m["count"])})
	}
	return out
}

func floorStatsAnswer(recs []map[string]any) any {
	out := []bucketAnswer{}
	for _, r := range recs {
		out = append(out, bucketAnswer{Key: str(r["key"]), Count: num(r["count"])})
	}
	return out
}

// Shortest paths of equal length may differ (c2c picks the first by actor
// ids, Cypher's shortestPath any one), so the path query compares lengths:
// -1 when there is no path.

func c2cPathHops(data map[string]any) any {
	ps := list(obj(data["paths"])["paths"])
	if len(ps) == 0 {
		return -1
	}
	return num(obj(ps[0])["hops"])
}

func floorPathHops(recs []map[string]any) any {
	if len(recs) == 0 {
		return -1
	}
	return len(list(recs[0]["edges"]))
}
