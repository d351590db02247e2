package graph_test

import (
	"io"
	"log/slog"
	"testing"

	"github.com/c2c-project/c2c/graph"
	"github.com/c2c-project/c2c/internal/c2c"
	"github.com/c2c-project/c2c/internal/graphmem"
	"github.com/c2c-project/c2c/internal/store/storetest"
)

// TestExchangeEndIDs checks Exchange.sourceId and targetId against the
// batch the store was loaded from and against source { id } and
// target { id }, for an ego network served from the snapshot and from
// the store, and for a page of exchanges.
func TestExchangeEndIDs(t *testing.T) {
	b := storetest.GenerateBatch(5, 60, 300)
	want := map[string]c2c.Exchange{}
	for _, x := range b.Exchanges {
		if !x.Directed && x.TargetID < x.SourceID {
			// A mutual exchange's source is its first end by id.
			x.SourceID, x.TargetID = x.TargetID, x.SourceID
		}
		want[x.ID] = x
	}
	s := mustStore(t, b)
	g, err := graphmem.New(t.Context(), s, nil)
	if err != nil {
		t.Fatal(err)
	}
	quiet := slog.New(slog.NewTextHandler(io.Discard, nil))
	clients := map[string]*graph.Resolver{
		"store":    {Store: s, BatchWait: testBatchWait, Log: quiet},
		"snapshot": {Store: graphmem.NewStore(s, g, 0), Graph: g, BatchWait: testBatchWait, Log: quiet},
	}
	type edge struct {
		ID       string
		SourceID string
		TargetID string
		Source   struct{ ID string }
		Target   struct{ ID string }
	}
	for name, r := range clients {
		c := newResolverClient(t, r)
		var out struct {
			Neighbourhood struct{ Edges []edge }
			Exchanges     struct{ Edges []struct{ Node edge } }
		}
		mustQuery(t, c, `{ neighbourhood(actor: "`+b.Actors[0].ID+`", depth: 2, limit: 60) { edges { id sourceId targetId source { id } target { id } } }
			exchanges(first: 50) { edges { node { id sourceId targetId source { id } target { id } } } } }`, &out)
		edges := out.Neighbourhood.Edges
		if len(edges) == 0 || len(out.Exchanges.Edges) == 0 {
			t.Fatalf("%s: %d ego edges and %d exchanges: the test needs both", name, len(edges), len(out.Exchanges.Edges))
		}
		for _, e := range out.Exchanges.Edges {
			edges = append(edges, e.Node)
		}
		for _, e := range edges {
			x, ok := want[e.ID]
			if !ok {
				t.Fatalf("%s: exchange %q is not in the batch", name, e.ID)
			}
			if e.SourceID != x.SourceID || e.TargetID != x.TargetID {
				t.Errorf("%s: %s has sourceId %q targetId %q, the batch says %q %q", name, e.ID, e.SourceID, e.TargetID, x.SourceID, x.TargetID)
			}
			if e.SourceID != e.Source.ID || e.TargetID != e.Target.ID {
				t.Errorf("%s: %s: sourceId %q targetId %q but source { id } %q target { id } %q", name, e.ID, e.SourceID, e.TargetID, e.Source.ID, e.Target.ID)
			}
		}
	}
}
