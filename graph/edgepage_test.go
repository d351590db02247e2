package graph_test

import (
	"context"
	"slices"
	"sync"
	"testing"

	"github.com/99designs/gqlgen/client"

	"github.com/c2c-project/c2c/internal/c2c"
	"github.com/c2c-project/c2c/internal/demo"
)

// limitStore records the per-actor limit of each edge read.
type limitStore struct {
	c2c.Store
	mu        sync.Mutex
	exchanges []int
	partners  []int
}

func (s *limitStore) ExchangesByActors(ctx context.Context, ids []string, f c2c.ExchangeFilter, limit int) (map[string][]*c2c.Exchange, error) {
	s.mu.Lock()
	s.exchanges = append(s.exchanges, limit)
	s.mu.Unlock()
	return s.Store.ExchangesByActors(ctx, ids, f, limit)
}

func (s *limitStore) PartnersByActors(ctx context.Context, ids []string, f c2c.ExchangeFilter, limit int) (map[string][]*c2c.Partner, error) {
	s.mu.Lock()
	s.partners = append(s.partners, limit)
	s.mu.Unlock()
	return s.Store.PartnersByActors(ctx, ids, f, limit)
}

// The page size of an actor's exchanges and partners reaches the store, so
// a hub's page does not read all its edges; the look-ahead that starts
// them beside the actor's lookup reads the same page, once.
func TestEdgePagesAreCutByTheStore(t *testing.T) {
	base := mustDemoStore(t)
	// The actor with the most exchanges.
	deg := map[string]int{}
	for _, x := range demo.Batch().Exchanges {
		deg[x.SourceID]++
		deg[x.TargetID]++
	}
	var hub string
	for id, d := range deg {
		if d > deg[hub] || (d == deg[hub] && id < hub) {
			hub = id
		}
	}
	allX, err := base.ExchangesByActors(t.Context(), []string{hub}, c2c.ExchangeFilter{}, 0)
	if err != nil {
		t.Fatal(err)
	}
	allP, err := base.PartnersByActors(t.Context(), []string{hub}, c2c.ExchangeFilter{}, 0)
	if err != nil {
		t.Fatal(err)
	}
	if len(allX[hub]) < 3 || len(allP[hub]) < 2 {
		t.Fatalf("hub %s has %d exchanges and %d partners: too few to cut", hub, len(allX[hub]), len(allP[hub]))
	}

	s := &limitStore{Store: base}
	c := newClient(t, s)
	var out struct {
		Actor struct {
			Exchanges []struct{ ID string }
			Partners  []struct{ Partner struct{ ID string } }
			Kin       []struct{ ID string }
		}
	}
	mustQuery(t, c, `query($id: ID!) { actor(id: $id) {
		exchanges(first: 2) { id }
		partners(first: 1) { partner { id } }
		kin: exchanges(first: 2, filter: {directed: true}) { id }
	} }`, &out, client.Var("id", hub))

	var gotX, gotP []string
	for _, x := range out.Actor.Exchanges {
		gotX = append(gotX, x.ID)
	}
	for _, p := range out.Actor.Partners {
		gotP = append(gotP, p.Partner.ID)
	}
	var wantX []string
	for _, x := range allX[hub][:2] {
		wantX = append(wantX, x.ID)
	}
	if !slices.Equal(gotX, wantX) {
		t.Errorf("exchanges(first: 2) = %v, want %v", gotX, wantX)
	}
	if want := []string{allP[hub][0].PartnerID}; !slices.Equal(gotP, want) {
		t.Errorf("partners(first: 1) = %v, want %v", gotP, want)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	slices.Sort(s.exchanges)
	if want := []int{2, 2}; !slices.Equal(s.exchanges, want) {
		t.Errorf("ExchangesByActors limits %v, want %v (one read per filter, each for the page)", s.exchanges, want)
	}
	if want := []int{1}; !slices.Equal(s.partners, want) {
		t.Errorf("PartnersByActors limits %v, want %v (one read for the page)", s.partners, want)
	}
}
