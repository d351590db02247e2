package graph_test

import (
	"encoding/json"
	"io"
	"log/slog"
	"testing"

	"github.com/99designs/gqlgen/client"

	"github.com/c2c-project/c2c/graph"
	"github.com/c2c-project/c2c/internal/graphmem"
	"github.com/c2c-project/c2c/internal/store/storetest"
)

const actorFields = `id kind name country { code } coordinates { lat lon } ... on City { region { id } }`
const exchangeFields = `id title kind themes { id label } start end programme event directed summary sourceUrl source { id name } target { id name } facilitators { id }`

// inMemoryQueries are the graph questions asked of both resolvers, each
// with the filters of inMemoryFilters.
var inMemoryQueries = map[string]string{
	"neighbourhood": `query($f: ExchangeFilter, $a: ID!) { neighbourhood(actor: $a, depth: 2, filter: $f, limit: 40) {
		nodes { ` + actorFields + ` } edges { ` + exchangeFields + ` } depths { actor depth } truncated } }`,
	"ego": `query($f: ExchangeFilter, $a: ID!) { neighbourhood(actor: $a, depth: 2, filter: $f, limit: 25) {
		nodes { id name kind } edges { id kind sourceId targetId start end directed themes { id } source { id name } target { id } classification(definition: G77) } depths { actor depth } truncated } }`,
	"subgraph":       `query($f: ExchangeFilter) { subgraph(filter: $f, limit: 10000) { nodes { id name } edges { id title source { id } target { id } } } }`,
	"shortest":       `query($f: ExchangeFilter, $a: ID!, $b: ID!) { paths(from: $a, to: $b, filter: $f) { mode truncated paths { hops parallel nodes { id name } exchanges { id title } } } }`,
	"allShortest":    `query($f: ExchangeFilter, $a: ID!, $b: ID!) { paths(from: $a, to: $b, mode: ALL_SHORTEST, filter: $f) { truncated paths { hops parallel nodes { id } exchanges { id title } } } }`,
	"kShortest":      `query($f: ExchangeFilter, $a: ID!, $b: ID!) { paths(from: $a, to: $b, mode: K_SHORTEST, k: 4, filter: $f) { paths { hops parallel nodes { id name } exchanges { id title start } } } }`,
	"timeRespecting": `query($f: ExchangeFilter, $a: ID!, $b: ID!) { paths(from: $a, to: $b, mode: TIME_RESPECTING, filter: $f) { paths { hops starts arrival nodes { id } exchanges { id title } } } }`,
	"reachable":      `query($f: ExchangeFilter, $a: ID!) { reachable(from: $a, filter: $f, first: 30) { count arrivals { actor { id name } arrival hops path { hops starts arrival exchanges { id title } } } } }`,
	"centrality": `query($f: ExchangeFilter) { d: centrality(measure: DEGREE, filter: $f, first: 15) { actor { id name } value rank }
		b: centrality(measure: BETWEENNESS, filter: $f, first: 15) { actor { id } value rank }
		p: centrality(measure: PAGERANK, filter: $f, first: 15) { actor { id } value rank } }`,
	"components":  `query($f: ExchangeFilter) { components(filter: $f, first: 5) { count groups { size actors(first: 5) { id name } } } }`,
	"communities": `query($f: ExchangeFilter) { communities(filter: $f, first: 5) { count modularity groups { size actors(first: 5) { id } } } }`,
	"stats": `query($f: ExchangeFilter) { a: stats(filter: $f, by: [THEME, KIND]) { exchanges bucketCount buckets { keys count } }
		b: stats(filter: $f, by: [YEAR, COUNTRY], first: 1000) { exchanges bucketCount buckets { keys count } }
		c: stats(filter: $f, by: [CLASS, M49_REGION], definition: G77) { exchanges bucketCount buckets { keys count } } }`,
	"timeline":        `query($f: ExchangeFilter) { timeline(filter: $f, by: THEME) { years { year count groups { key count } } undated { count } } }`,
	"southSouthShare": `query($f: ExchangeFilter) { southSouthShare(filter: $f, definition: G77) { year total southSouth northSouth northNorth unknown share } }`,
	"pairSpans":       `query($f: ExchangeFilter) { pairSpans(filter: $f, first: 30) { a { id name } b { id } exchanges first last themes { id } } }`,
	"partners": `query($f: ExchangeFilter, $a: ID!, $b: ID!) { x: actor(id: $a) { partners(filter: $f, first: 7) { partner { id name } exchanges first last themes { id } } }
		y: actor(id: $b) { exchanges(filter: $f, first: 9) { ` + exchangeFields + ` } } }`,
	"exchangePages": `query($f: ExchangeFilter) { a: exchanges(filter: $f, first: 12) { totalCount pageInfo { hasNextPage endCursor } edges { cursor node { id title } } }
		b: exchanges(filter: $f, first: 12, orderBy: START_DESC) { totalCount edges { cursor node { id } } }
		c: exchanges(filter: $f, first: 12, orderBy: TITLE_ASC) { totalCount edges { node { id } } } }`,
}

// inMemoryFilters are the filters every question is asked with.
func inMemoryFilters(actor string) map[string]map[string]any {
	return map[string]map[string]any{
		"none":      nil,
		"themes":    {"themesAny": []string{"housing", "migration", "climate"}},
		"themesAll": {"themesAll": []string{"housing", "governance"}},
		"kinds":     {"kinds": []string{"TWINNING", "WORKSHOP", "STUDY_VISIT"}},
		"window":    {"from": "2012", "to": "2016-06"},
		"countries": {"countries": []string{"ZA", "BR", "FR", "ma"}},
		"class":     {"classification": map[string]any{"definition": "G77", "class": "SOUTH_SOUTH"}},
		"directed":  {"directed": true},
		"actor":     {"actor": actor},
		"mixed":     {"from": "2010", "kinds": []string{"TWINNING", "LEARNING_EXCHANGE", "WORKSHOP"}, "themesAny": []string{"housing", "culture"}},
		"text":      {"text": "visit"},
	}
}

// TestInMemoryGivesTheStoreAnswers asks every graph question, under every
// filter, of a resolver over the store alone and of one over the
// in-process graph, and wants the same JSON. The store path is itself
// checked against independent references (the conformance suite, gonum).
func TestInMemoryGivesTheStoreAnswers(t *testing.T) {
	b := storetest.GenerateBatch(11, 90, 420)
	s := mustStore(t, b)
	g, err := graphmem.New(t.Context(), s, nil)
	if err != nil {
		t.Fatal(err)
	}
	quiet := slog.New(slog.NewTextHandler(io.Discard, nil))
	viaStore := newResolverClient(t, &graph.Resolver{Store: s, BatchWait: testBatchWait, Log: quiet})
	viaGraph := newResolverClient(t, &graph.Resolver{Store: graphmem.NewStore(s, g, 0), Graph: g, BatchWait: testBatchWait, Log: quiet})
	ends := [][2]string{{b.Actors[0].ID, b.Actors[1].ID}, {b.Actors[2].ID, b.Actors[77].ID}}
	for qname, q := range inMemoryQueries {
		for fname, f := range inMemoryFilters(ends[0][0]) {
			for i, e := range ends {
				if i > 0 && (qname == "stats" || qname == "subgraph" || qname == "components" || qname == "communities" ||
					qname == "centrality" || qname == "timeline" || qname == "southSouthShare" || qname == "pairSpans" || qname == "exchangePages") {
					continue
				}
				vars := map[string]any{"f": f, "a": e[0], "b": e[1]}
				want := post(t, viaStore, q, vars)
				got := post(t, viaGraph, q, vars)
				if testing.Verbose() {
					t.Logf("%s %s %d: %.160s", qname, fname, i, want)
				}
				if want != got {
					t.Errorf("%s with filter %s, ends %v:\nstore:     %s\nin-memory: %s", qname, fname, e, want, got)
				}
			}
		}
	}
}

// post runs q and returns the data and errors as JSON.
func post(t *testing.T, c *client.Client, q string, vars map[string]any) string {
	t.Helper()
	var opts []client.Option
	for k, v := range vars {
		opts = append(opts, client.Var(k, v))
	}
	resp, err := c.RawPost(q, opts...)
	if err != nil {
		t.Fatalf("post: %v", err)
	}
	out, _ := json.Marshal(map[string]any{"data": resp.Data, "errors": resp.Errors})
	return string(out)
}
