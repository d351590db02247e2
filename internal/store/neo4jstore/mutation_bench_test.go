package neo4jstore

import (
	"fmt"
	"log/slog"
	"testing"

	"github.com/99designs/gqlgen/client"
	"github.com/99designs/gqlgen/graphql/handler/transport"

	"github.com/c2c-project/c2c/graph"
	"github.com/c2c-project/c2c/internal/c2c"
)

// BenchmarkMutationBatch measures the benchmark harness's batch of
// mutations (three creates, three deletes in one request) through the
// GraphQL layer on Neo4j.
func BenchmarkMutationBatch(b *testing.B) {
	s := mustFresh(b)
	ctx := b.Context()
	if _, err := s.Import(ctx, c2c.Batch{Actors: []c2c.Actor{
		{ID: "mb-a", Kind: c2c.ActorCity, Name: "A", Country: "DE"},
		{ID: "mb-b", Kind: c2c.ActorCity, Name: "B", Country: "FR"},
	}}); err != nil {
		b.Fatal(err)
	}
	srv := graph.NewServer(&graph.Resolver{Store: s, Log: slog.New(slog.DiscardHandler)})
	srv.AddTransport(transport.POST{})
	c := client.New(srv)
	i := 0
	for b.Loop() {
		var q string
		for k := range 3 {
			q += fmt.Sprintf(`c%d: createExchange(input: {id: "mb-%d-%d", source: "mb-a", target: "mb-b", title: "Bench", kind: STUDY_VISIT, themes: ["housing"], start: "2014-03-02", directed: true}) { id }
`, k, i, k)
		}
		for k := range 3 {
			q += fmt.Sprintf(`d%d: deleteExchange(id: "mb-%d-%d") { exchange { id } }
`, k, i, k)
		}
		i++
		var out map[string]any
		if err := c.Post("mutation {\n"+q+"}", &out); err != nil {
			b.Fatal(err)
		}
	}
}
