package storetest

import (
	"testing"

	"github.com/c2c-project/c2c/internal/c2c"
	"github.com/c2c-project/c2c/internal/graphmem"
)

// RunInMemory runs the conformance suite with every graph question
// (Edges, Neighbourhood, Adjacent, ExchangeFacets, ExchangesByActors,
// PartnersByActors, exchange pages) answered by the in-process graph over
// the store open returns, and its records read from that store by id. Each
// write goes to the store and then brings the graph up to date (through the
// store's change log when it keeps one), so the graph is checked after
// every write of the suite against the same independent reference as the
// store itself.
func RunInMemory(t *testing.T, open func(t *testing.T) c2c.Store) {
	Run(t, func(t *testing.T) c2c.Store {
		st := open(t)
		g, err := graphmem.New(t.Context(), st, nil)
		if err != nil {
			t.Fatalf("build the in-process graph: %v", err)
		}
		return graphmem.NewStore(st, g, 0)
	})
}
