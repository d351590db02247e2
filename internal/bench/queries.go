package bench

import (
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"

	"github.com/c2c-project/c2c/internal/c2c"
)

// Query is one benchmark query: its parameters are drawn once per request
// and handed to every kind of target, each of which asks for the same data
// its own way (a c2c GraphQL document, a peer GraphQL document, hand-written
// Cypher).
type Query struct {
	// Name is the file name of the documents under bench/queries/{c2c,peer}.
	Name string
	// Title is how reports name the query.
	Title string
	// Weight is the query's share of the mix (relative).
	Weight int
	// Mutation is set for queries that write.
	Mutation bool
	// Draw picks the parameters of one request.
	Draw func(g *Generator, rng *rand.Rand, seq int64) Params
}

// Params are the parameters of one request in a target-neutral form; each
// target kind turns them into its own variables.
type Params struct {
	// C2C and Peer are the GraphQL variables for c2c and for the peer.
	C2C, Peer map[string]any
	// Floor holds the Cypher parameters of the floor.
	Floor map[string]any
}

// Queries lists the benchmark queries in report order.
var Queries = []*Query{
	{Name: "point", Title: "point lookup with partners", Weight: 30, Draw: drawPoint},
	{Name: "exchanges", Title: "filtered, paginated exchanges", Weight: 20, Draw: drawExchanges},
	{Name: "nested", Title: "three-level nested read", Weight: 15, Draw: drawNested},
	{Name: "ego", Title: "ego network, depth 2, of a hub", Weight: 5, Draw: drawEgo},
	{Name: "path", Title: "shortest path", Weight: 5, Draw: drawPath},
	{Name: "stats", Title: "stats breakdown (exchanges by theme)", Weight: 5, Draw: drawStats},
	{Name: "search", Title: "typeahead search", Weight: 15, Draw: drawSearch},
	{Name: "mutations", Title: "batch of mutations (3 creates, 3 deletes)", Weight: 5, Mutation: true, Draw: drawMutations},
}

// QueryByName returns the query called name, or nil.
func QueryByName(name string) *Query {
	for _, q := range Queries {
		if q.Name == name {
			return q
		}
	}
	return nil
}

// randomCity draws a city, uniformly: point lookups hit the whole graph.
func randomCity(g *Generator, rng *rand.Rand) string { return ActorID(rng.IntN(g.regions)) }

// activeCity draws a city with the same skew as exchange ends, so nested
// reads start where there is something to read.
func activeCity(g *Generator, rng *rand.Rand) string { return ActorID(skewed(rng, g.regions)) }

func same(m map[string]any) Params { return Params{C2C: m, Peer: m, Floor: m} }

func drawPoint(g *Generator, rng *rand.Rand, _ int64) Params {
	return same(map[string]any{"id": randomCity(g, rng), "first": 20})
}

func drawNested(g *Generator, rng *rand.Rand, _ int64) Params {
	return same(map[string]any{"id": activeCity(g, rng), "first": 10})
}

func drawEgo(g *Generator, rng *rand.Rand, _ int64) Params {
	hubs := g.Hubs(10)
	return same(map[string]any{"id": ActorID(hubs[rng.IntN(len(hubs))]), "depth": 2, "limit": 200})
}

func drawPath(g *Generator, rng *rand.Rand, _ int64) Params {
	a, b := activeCity(g, rng), randomCity(g, rng)
	for a == b {
		b = randomCity(g, rng)
	}
	return same(map[string]any{"from": a, "to": b, "maxHops": 6})
}

// window draws a date window of one to ten years within the last decades.
func window(rng *rand.Rand) (from, to int) {
	from = 1990 + rng.IntN(33)
	return from, min(2025, from+rng.IntN(10))
}

func drawExchanges(g *Generator, rng *rand.Rand, _ int64) Params {
	from, to := window(rng)
	th := []string{g.themes[skewed(rng, 30)].ID}
	c := map[string]any{"themes": th, "from": fmt.Sprint(from), "to": fmt.Sprint(to), "first": 20}
	f := map[string]any{"themes": th, "fromKey": from*10000 + 101, "toKey": to*10000 + 1231, "first": 20}
	return Params{C2C: c, Peer: f, Floor: f}
}

func drawStats(_ *Generator, rng *rand.Rand, _ int64) Params {
	from, to := window(rng)
	c := map[string]any{"from": fmt.Sprint(from), "to": fmt.Sprint(to)}
	f := map[string]any{"fromKey": from*10000 + 101, "toKey": to*10000 + 1231}
	return Params{C2C: c, Peer: f, Floor: f}
}

// skippedPrefixes are name prefixes too common to type ahead on.
var skippedPrefixes = map[string]bool{"sao": true, "san": true, "santa": true, "port": true, "new": true, "el": true, "la": true, "nova": true, "saint": true, "province": true, "of": true}

func drawSearch(g *Generator, rng *rand.Rand, _ int64) Params {
	a := g.actors[rng.IntN(len(g.actors))]
	words := strings.Fields(c2c.Fold(a.Name))
	w := words[0]
	for _, x := range words {
		if !skippedPrefixes[x] {
			w = x
			break
		}
	}
	r := []rune(w)
	text := string(r[:min(len(r), 3+rng.IntN(3))])
	return same(map[string]any{"text": text, "first": 10})
}

// mutationRun makes the ids of created exchanges unique across runs and
// targets that share a database.
var mutationRun = fmt.Sprintf("%x", os.Getpid())

var mutationSeq atomic.Int64

func drawMutations(g *Generator, rng *rand.Rand, _ int64) Params {
	const n = 3
	c := map[string]any{}
	p := map[string]any{}
	var rows []map[string]any
	var ids []string
	for i := range n {
		id := fmt.Sprintf("bench-%s-%d", mutationRun, mutationSeq.Add(1))
		src, dst := randomCity(g, rng), randomCity(g, rng)
		for dst == src {
			dst = randomCity(g, rng)
		}
		th := g.themes[skewed(rng, len(g.themes))].ID
		title := "Benchmark study visit " + id
		start := fmt.Sprintf("%04d-%02d-%02d", 2000+rng.IntN(25), 1+rng.IntN(12), 1+rng.IntN(28))
		k := fmt.Sprint(i + 1)
		c["x"+k] = map[string]any{"id": id, "source": src, "target": dst, "title": title, "kind": "STUDY_VISIT", "themes": []string{th}, "start": start, "directed": true}
		c["id"+k] = id
		d := c2c.MustDate(start)
		props := map[string]any{"id": id, "title": title, "titleKey": c2c.Fold(title), "kind": "STUDY_VISIT", "themes": []string{th}, "start": start, "lo": d.FirstKey(), "hi": d.LastKey(), "directed": true}
		p["s"+k], p["t"+k], p["id"+k] = src, dst, id
		p["e"+k] = props
		rows = append(rows, map[string]any{"source": src, "target": dst, "props": props})
		ids = append(ids, id)
	}
	return Params{C2C: c, Peer: p, Floor: map[string]any{"rows": rows, "ids": ids}}
}

// Documents are the GraphQL documents of the queries for one kind of
// target, by query name. A query without a document is pending for that
// kind: the driver skips it and says so.
type Documents map[string]string

// LoadDocuments reads dir/*.graphql. A document whose first line starts
// with "# pending" is left out: the API does not offer the query yet.
func LoadDocuments(dir string) (Documents, error) {
	docs := Documents{}
	for _, q := range Queries {
		b, err := os.ReadFile(filepath.Join(dir, q.Name+".graphql"))
		if os.IsNotExist(err) {
			continue
		}
		if err != nil {
			return nil, fmt.Errorf("read documents: %w", err)
		}
		if strings.HasPrefix(string(b), "# pending") {
			continue
		}
		docs[q.Name] = string(b)
	}
	return docs, nil
}
