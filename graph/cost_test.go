package graph_test

import (
	"context"
	"fmt"
	"os"
	"regexp"
	"strings"
	"testing"

	"github.com/99designs/gqlgen/complexity"
	"github.com/vektah/gqlparser/v2"

	"github.com/c2c-project/c2c/graph"
)

// cost returns the complexity of the only operation of query with vars,
// as the server's limit computes it.
func cost(t *testing.T, query string, vars map[string]any) int {
	t.Helper()
	es := graph.NewExecutableSchema(&graph.Resolver{})
	doc, errs := gqlparser.LoadQueryWithRules(es.Schema(), query, nil) // nil: the default rules
	if errs != nil {
		t.Fatalf("%.80s: %v", query, errs)
	}
	if len(doc.Operations) != 1 {
		t.Fatalf("%.80s: %d operations", query, len(doc.Operations))
	}
	return complexity.Calculate(context.Background(), es, doc.Operations[0], vars)
}

func aliased(n int, field string) string {
	var b strings.Builder
	b.WriteString("{")
	for i := range n {
		fmt.Fprintf(&b, " a%d: %s", i, field)
	}
	b.WriteString(" }")
	return b.String()
}

// The requests of issue 11 that looked cheap: each now costs what its work
// is worth against the default limit, and the many-aliases forms are over it.
func TestCostsReflectWork(t *testing.T) {
	const limit = graph.DefaultMaxComplexity
	ego := func(depth, n int) int {
		return cost(t, fmt.Sprintf(`{ neighbourhood(actor: "x", depth: %d, limit: %d) { nodes { id } edges { id } } }`, depth, n), nil)
	}
	// depth × limit: doubling either doubles the search's share.
	for _, n := range []int{50, 200, 2000} {
		for d := 1; d < 3; d++ {
			if a, b := ego(d, n), ego(d+1, n); b <= a || b-a < n*graph.NeighbourhoodHopCost {
				t.Errorf("neighbourhood(depth %d→%d, limit %d) costs %d→%d: a hop must cost at least limit × %d", d, d+1, n, a, b, graph.NeighbourhoodHopCost)
			}
		}
	}
	if c := ego(2, 2000); c < limit/4 || c > limit {
		t.Errorf("neighbourhood(depth: 2, limit: 2000) costs %d: want between a quarter of the limit and the limit (%d)", c, limit)
	}
	if c := ego(3, 2000); c > limit {
		t.Errorf("the largest ego network the API allows costs %d, over the limit %d", c, limit)
	}

	paths := func(args string) int {
		return cost(t, `{ paths(from: "a", to: "b"`+args+`) { paths { hops } } }`, nil)
	}
	shortest, all := paths(""), paths(", mode: ALL_SHORTEST")
	k3, k10 := paths(", mode: K_SHORTEST"), paths(", mode: K_SHORTEST, k: 10")
	k10long := paths(", mode: K_SHORTEST, k: 10, maxHops: 8")
	timed, timedLong := paths(", mode: TIME_RESPECTING"), paths(", mode: TIME_RESPECTING, maxHops: 8") // the default is the most hops
	// The weights of the path searches are pathcost.go's: here only that
	// more work costs more.
	for _, c := range []struct {
		what       string
		less, more int
	}{
		{"K_SHORTEST k=3 over SHORTEST", shortest, k3},
		{"K_SHORTEST k=10 over k=3", k3, k10},
		{"K_SHORTEST k=10 over k=10 at 8 hops", k10long, k10},
		{"TIME_RESPECTING over SHORTEST", shortest, timed},
		{"TIME_RESPECTING at 64 hops over 8", timedLong, timed},
		{"ALL_SHORTEST over SHORTEST (as many paths)", shortest - 1, all},
	} {
		if c.more <= c.less {
			t.Errorf("%s: %d, not more than %d", c.what, c.more, c.less)
		}
	}

	centrality := func(m string) int { return cost(t, `{ centrality(measure: `+m+`) { value } }`, nil) }
	if deg, pr, bet := centrality("DEGREE"), centrality("PAGERANK"), centrality("BETWEENNESS"); deg >= pr || pr >= bet {
		t.Errorf("centrality costs DEGREE %d, PAGERANK %d, BETWEENNESS %d: want increasing", deg, pr, bet)
	}

	over := []struct {
		name  string
		query string
	}{
		{"100 aliases of K_SHORTEST", aliased(100, `paths(from: "a", to: "b", mode: K_SHORTEST) { paths { hops } }`)},
		{"20 aliases of K_SHORTEST k=10", aliased(20, `paths(from: "a", to: "b", mode: K_SHORTEST, k: 10) { paths { hops } }`)},
		{"3 aliases of neighbourhood(depth: 2, limit: 2000)", aliased(3, `neighbourhood(actor: "x", depth: 2, limit: 2000) { nodes { id } }`)},
		{"4 betweenness", aliased(4, `centrality(measure: BETWEENNESS) { value }`)},
		{"11 communities", aliased(11, `communities { modularity }`)},
		{"100 aliases of reachable", aliased(100, `reachable(from: "a") { count }`)},
	}
	for _, o := range over {
		if c := cost(t, o.query, nil); c <= limit {
			t.Errorf("%s costs %d, within the limit %d", o.name, c, limit)
		}
	}
}

// exportedQueries returns the GraphQL documents api.js exports (Q_…),
// fragments interpolated, by name.
func exportedQueries(t *testing.T, src string) map[string]string {
	t.Helper()
	consts := map[string]string{}
	re := regexp.MustCompile("(?s)export const ([A-Z_]+) = `(.*?)`;")
	for _, m := range re.FindAllStringSubmatch(src, -1) {
		consts[m[1]] = m[2]
	}
	interp := regexp.MustCompile(`\$\{([A-Z_]+)\}`)
	out := map[string]string{}
	for name, body := range consts {
		if !strings.HasPrefix(name, "Q_") {
			continue
		}
		out[name] = interp.ReplaceAllStringFunc(body, func(s string) string {
			v, ok := consts[interp.FindStringSubmatch(s)[1]]
			if !ok {
				t.Fatalf("%s interpolates %s, which api.js does not define", name, s)
			}
			return v
		})
	}
	return out
}

// The explorer's own queries, with the largest arguments its controls can
// send (ego networks of depth 3 and 2,000 actors, subgraphs of up to the
// 5,000 exchanges it draws, ten paths), stay under the default limit.
func TestExplorerQueriesFitTheComplexityLimit(t *testing.T) {
	src, err := os.ReadFile("../internal/explorer/web/src/explorer/api.js")
	if err != nil {
		t.Fatalf("the explorer's queries: %v", err)
	}
	worst := map[string][]map[string]any{
		"Q_NEIGHBOURHOOD": {{"actor": "x", "depth": 3, "limit": 2000}, {"actor": "x", "depth": 1, "limit": 100}},
		"Q_SUBGRAPH":      {{"limit": 5000}},
		"Q_PATHS": {
			{"from": "a", "to": "b", "mode": "K_SHORTEST", "k": 10},
			{"from": "a", "to": "b", "mode": "ALL_SHORTEST"},
			{"from": "a", "to": "b", "mode": "TIME_RESPECTING"},
		},
	}
	qs := exportedQueries(t, string(src))
	if len(qs) < 5 {
		t.Fatalf("found %d queries in api.js: has its form changed?", len(qs))
	}
	for name, q := range qs {
		varsList := worst[name]
		if varsList == nil {
			varsList = []map[string]any{{"text": "x", "id": "x", "node": "COUNTRY", "pair": "COUNTRY_PAIR"}}
		}
		for _, vars := range varsList {
			c := cost(t, q, vars)
			t.Logf("%-16s %v: %d", name, vars, c)
			if c > graph.DefaultMaxComplexity {
				t.Errorf("%s with %v costs %d, over the default limit %d", name, vars, c, graph.DefaultMaxComplexity)
			}
		}
	}
}
