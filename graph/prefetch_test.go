package graph_test

import (
	"context"
	"io"
	"log/slog"
	"sync/atomic"
	"testing"
	"time"

	"github.com/99designs/gqlgen/client"

	"github.com/c2c-project/c2c/graph"
	"github.com/c2c-project/c2c/internal/c2c"
	"github.com/c2c-project/c2c/internal/demo"
	"github.com/c2c-project/c2c/internal/graphmem"
	"github.com/c2c-project/c2c/internal/store/storetest"
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

// Over the in-process graph an actor's partners are ranked in memory, so
// the actors at their far ends are read in the same batch as the actor
// itself: the common "actor with its partners" read is one round trip,
// with the same answer as the store's.
func TestActorWithPartnersInOneRoundTrip(t *testing.T) {
	b := storetest.GenerateBatch(3, 80, 400)
	s := mustStore(t, b)
	g, err := graphmem.New(t.Context(), s, nil)
	if err != nil {
		t.Fatal(err)
	}
	quiet := slog.New(slog.NewTextHandler(io.Discard, nil))
	viaStore := newResolverClient(t, &graph.Resolver{Store: s, BatchWait: testBatchWait, Log: quiet})
	viaGraph := newResolverClient(t, &graph.Resolver{Store: graphmem.NewStore(s, g, 0), Graph: g, BatchWait: testBatchWait, Log: quiet})
	q := `query($id: ID!) { actor(id: $id) { id name partners(first: 6) { partner { id name kind } exchanges first last } } }`
	checked := 0
	for _, a := range b.Actors[:12] {
		vars := map[string]any{"id": a.ID}
		var out struct {
			Actor struct {
				Partners []struct{ Partner struct{ Name string } }
			}
		}
		res := mustQuery(t, viaGraph, q, &out, client.Var("id", a.ID))
		if len(out.Actor.Partners) == 0 {
			continue
		}
		checked++
		if res.RoundTrips != 1 {
			t.Errorf("%s with %d partners: %d round trips, want 1", a.ID, len(out.Actor.Partners), res.RoundTrips)
		}
		for _, p := range out.Actor.Partners {
			if p.Partner.Name == "" {
				t.Errorf("%s: a partner without its name", a.ID)
			}
		}
		if got, want := post(t, viaGraph, q, vars), post(t, viaStore, q, vars); got != want {
			t.Errorf("%s: over the graph\n%s\nfrom the store\n%s", a.ID, got, want)
		}
	}
	if checked == 0 {
		t.Fatal("no actor among the first twelve has partners: the test checked nothing")
	}
}

// Over the in-process graph an actor's exchanges are selected in memory,
// so their records are read beside the actor and their ends in the
// actor's own batch: an actor with its exchanges and their ends is two
// round trips (actors, exchanges), not three one after the other, with
// the same answer as the store's.
func TestActorWithExchangesAndEndsInTwoRoundTrips(t *testing.T) {
	b := storetest.GenerateBatch(4, 80, 400)
	s := mustStore(t, b)
	g, err := graphmem.New(t.Context(), s, nil)
	if err != nil {
		t.Fatal(err)
	}
	quiet := slog.New(slog.NewTextHandler(io.Discard, nil))
	viaStore := newResolverClient(t, &graph.Resolver{Store: s, BatchWait: testBatchWait, Log: quiet})
	viaGraph := newResolverClient(t, &graph.Resolver{Store: graphmem.NewStore(s, g, 0), Graph: g, BatchWait: testBatchWait, Log: quiet})
	q := `query($id: ID!) { actor(id: $id) { id name exchanges(first: 5) { id title start source { id name } target { id name kind } } } }`
	checked := 0
	for _, a := range b.Actors[:12] {
		vars := map[string]any{"id": a.ID}
		var out struct {
			Actor struct {
				Exchanges []struct{ Source, Target struct{ Name string } }
			}
		}
		res := mustQuery(t, viaGraph, q, &out, client.Var("id", a.ID))
		if len(out.Actor.Exchanges) == 0 {
			continue
		}
		checked++
		if res.RoundTrips != 2 {
			t.Errorf("%s with %d exchanges: %d round trips, want 2", a.ID, len(out.Actor.Exchanges), res.RoundTrips)
		}
		for _, x := range out.Actor.Exchanges {
			if x.Source.Name == "" || x.Target.Name == "" {
				t.Errorf("%s: an exchange end without its name", a.ID)
			}
		}
		if got, want := post(t, viaGraph, q, vars), post(t, viaStore, q, vars); got != want {
			t.Errorf("%s: over the graph\n%s\nfrom the store\n%s", a.ID, got, want)
		}
	}
	if checked == 0 {
		t.Fatal("no actor among the first twelve has exchanges: the test checked nothing")
	}
	// With the facilitators selected too, and the ends not at all: the
	// same answers as the store's.
	for _, q := range []string{
		`query($id: ID!) { actor(id: $id) { id exchanges(first: 8) { id source { id name } facilitators { id name } } } }`,
		`query($id: ID!) { actor(id: $id) { id exchanges(first: 8) { id title } } }`,
	} {
		for _, a := range b.Actors[:12] {
			vars := map[string]any{"id": a.ID}
			if got, want := post(t, viaGraph, q, vars), post(t, viaStore, q, vars); got != want {
				t.Errorf("%s: over the graph\n%s\nfrom the store\n%s", a.ID, got, want)
			}
		}
	}
}

// Over the in-process graph a page of exchanges names its ends before its
// records are read, so the actors at the ends are read beside the
// records: a page with its sources and targets is two round trips at one
// level, with the same answer as the store's.
func TestExchangePageReadsEndsBesideRecords(t *testing.T) {
	b := storetest.GenerateBatch(6, 80, 400)
	s := mustStore(t, b)
	g, err := graphmem.New(t.Context(), s, nil)
	if err != nil {
		t.Fatal(err)
	}
	quiet := slog.New(slog.NewTextHandler(io.Discard, nil))
	viaStore := newResolverClient(t, &graph.Resolver{Store: s, BatchWait: testBatchWait, Log: quiet})
	slow := &slowExchanges{Store: s}
	viaGraph := newResolverClient(t, &graph.Resolver{Store: graphmem.NewStore(slow, g, 0), Graph: g, BatchWait: testBatchWait, Log: quiet})
	page := `query($f: ExchangeFilter) { exchanges(filter: $f, first: 15, orderBy: START_DESC) { edges { node { id title source { id name } target { id name } } } } }`
	for _, f := range []map[string]any{nil, {"from": "2010"}, {"kinds": []string{"WORKSHOP"}}} {
		vars := map[string]any{"f": f}
		before := slow.beside.Load()
		res := mustQuery(t, viaGraph, page, nil, client.Var("f", f))
		if res.RoundTrips != 2 {
			t.Errorf("filter %v: %d round trips, want 2", f, res.RoundTrips)
		}
		if slow.beside.Load() == before {
			t.Errorf("filter %v: the ends were not read while the records were", f)
		}
		if got, want := post(t, viaGraph, page, vars), post(t, viaStore, page, vars); got != want {
			t.Errorf("filter %v: over the graph\n%s\nfrom the store\n%s", f, got, want)
		}
	}
	fac := `{ exchanges(first: 40) { edges { node { id facilitators { id name } classification(definition: G77) } } } }`
	if got, want := post(t, viaGraph, fac, nil), post(t, viaStore, fac, nil); got != want {
		t.Errorf("with facilitators: over the graph\n%s\nfrom the store\n%s", got, want)
	}
}

// slowExchanges makes reading exchange records take longer than a batch
// window and counts the actor reads that ran while records were being
// read: ends read beside the records, not after them.
type slowExchanges struct {
	c2c.Store
	reading, beside atomic.Int32
}

func (s *slowExchanges) ExchangesByIDs(ctx context.Context, ids []string) ([]*c2c.Exchange, error) {
	s.reading.Add(1)
	defer s.reading.Add(-1)
	time.Sleep(3 * testBatchWait)
	return s.Store.ExchangesByIDs(ctx, ids)
}

func (s *slowExchanges) ActorsByIDs(ctx context.Context, ids []string) ([]*c2c.Actor, error) {
	if s.reading.Load() > 0 {
		s.beside.Add(1)
	}
	return s.Store.ActorsByIDs(ctx, ids)
}
