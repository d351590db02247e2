package graph_test

import (
	"context"
	"testing"
	"time"

	"github.com/99designs/gqlgen/client"

	"github.com/c2c-project/c2c/internal/c2c"
	"github.com/c2c-project/c2c/internal/demo"
)

// waitingStore holds the first actor lookup until the partners of the
// actor are asked for, or a second passes.
type waitingStore struct {
	c2c.Store
	partnersAsked chan struct{}
	waited        chan bool // whether the lookup saw the partners asked for
}

func (s *waitingStore) ActorsByIDs(ctx context.Context, ids []string) ([]*c2c.Actor, error) {
	select {
	case <-s.partnersAsked:
		s.report(true)
	case <-time.After(time.Second):
		s.report(false)
	}
	return s.Store.ActorsByIDs(ctx, ids)
}

func (s *waitingStore) report(v bool) {
	select {
	case s.waited <- v:
	default:
	}
}

func (s *waitingStore) PartnersByActors(ctx context.Context, ids []string, f c2c.ExchangeFilter, limit int) (map[string][]*c2c.Partner, error) {
	select {
	case <-s.partnersAsked:
	default:
		close(s.partnersAsked)
	}
	return s.Store.PartnersByActors(ctx, ids, f, limit)
}

// An actor looked up by id has its partners read beside it, not after it.
func TestActorPrefetchesPartners(t *testing.T) {
	ws := &waitingStore{Store: mustDemoStore(t), partnersAsked: make(chan struct{}), waited: make(chan bool, 1)}
	c := newClient(t, ws)
	id := demo.Batch().Exchanges[0].SourceID
	var out struct {
		Actor struct {
			ID       string
			Partners []struct{ Partner struct{ ID string } }
		}
	}
	mustQuery(t, c, `query($id: ID!) { actor(id: $id) { id partners(first: 5) { partner { id } } } }`, &out, client.Var("id", id))
	if out.Actor.ID != id || len(out.Actor.Partners) == 0 {
		t.Fatalf("actor %q with %d partners, want %q with some", out.Actor.ID, len(out.Actor.Partners), id)
	}
	if !<-ws.waited {
		t.Errorf("the actor lookup ran before the partners were asked for: no prefetch")
	}
}
