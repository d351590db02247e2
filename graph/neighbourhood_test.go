package graph_test

import (
	"io"
	"log/slog"
	"slices"
	"testing"

	"github.com/99designs/gqlgen/client"

	"github.com/c2c-project/c2c/graph"
	"github.com/c2c-project/c2c/internal/graphmem"
	"github.com/c2c-project/c2c/internal/store/storetest"
)

// TestNeighbourhoodOverAStaleSnapshot deletes an actor of an ego network
// behind the in-process graph's back: the snapshot still finds it, and
// the answer leaves it out of the nodes and the depths alike, whether the
// edges are written from the snapshot (the nodes read meanwhile) or read
// from the store first.
func TestNeighbourhoodOverAStaleSnapshot(t *testing.T) {
	b := storetest.GenerateBatch(8, 60, 300)
	s := mustStore(t, b)
	g, err := graphmem.New(t.Context(), s, nil)
	if err != nil {
		t.Fatal(err)
	}
	quiet := slog.New(slog.NewTextHandler(io.Discard, nil))
	c := newResolverClient(t, &graph.Resolver{Store: graphmem.NewStore(s, g, 0), Graph: g, BatchWait: testBatchWait, Log: quiet})
	centre := b.Actors[0].ID
	type ego struct {
		Neighbourhood struct {
			Nodes  []struct{ ID, Name string }
			Edges  []struct{ ID string }
			Depths []struct {
				Actor string
				Depth int
			}
		}
	}
	queries := map[string]string{
		"snapshot edges": `query($a: ID!) { neighbourhood(actor: $a, depth: 2, limit: 30) { nodes { id name } edges { id sourceId targetId kind } depths { actor depth } } }`,
		"record edges":   `query($a: ID!) { neighbourhood(actor: $a, depth: 2, limit: 30) { nodes { id name } edges { id title } depths { actor depth } } }`,
	}
	var before ego
	mustQuery(t, c, queries["snapshot edges"], &before, client.Var("a", centre))
	if len(before.Neighbourhood.Nodes) < 3 {
		t.Fatalf("the ego network has %d nodes: the test needs a few", len(before.Neighbourhood.Nodes))
	}
	gone := before.Neighbourhood.Nodes[len(before.Neighbourhood.Nodes)-1].ID
	if _, err := s.DeleteActor(t.Context(), gone, true); err != nil {
		t.Fatal(err)
	}
	for name, q := range queries {
		var out ego
		mustQuery(t, c, q, &out, client.Var("a", centre))
		n := out.Neighbourhood
		if len(n.Nodes) != len(before.Neighbourhood.Nodes)-1 || len(n.Depths) != len(n.Nodes) {
			t.Errorf("%s: %d nodes and %d depths, want %d of each", name, len(n.Nodes), len(n.Depths), len(before.Neighbourhood.Nodes)-1)
		}
		for i, a := range n.Nodes {
			if a.ID == gone {
				t.Errorf("%s: the deleted actor %s is among the nodes", name, gone)
			}
			if a.Name == "" {
				t.Errorf("%s: node %s without its name", name, a.ID)
			}
			if i < len(n.Depths) && n.Depths[i].Actor != a.ID {
				t.Errorf("%s: depth %d is of %s, node %d is %s", name, i, n.Depths[i].Actor, i, a.ID)
			}
		}
		if len(n.Edges) == 0 {
			t.Errorf("%s: no edges", name)
		}
		if !slices.ContainsFunc(n.Nodes, func(a struct{ ID, Name string }) bool { return a.ID == centre }) {
			t.Errorf("%s: the centre is not among the nodes", name)
		}
	}
}
