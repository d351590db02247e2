package graph_test

import (
	"context"
	"io"
	"log/slog"
	"testing"
	"time"

	"github.com/c2c-project/c2c/graph"
	"github.com/c2c-project/c2c/internal/analysis"
	"github.com/c2c-project/c2c/internal/c2c"
)

// The theme vocabulary is cached between requests: a theme written through
// the API is seen at once, one written by another process (directly to the
// store) at once when a filter names it and otherwise after the TTL.
func TestVocabularyCache(t *testing.T) {
	s := mustDemoStore(t)
	ctx := context.Background()
	now := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
	r := &graph.Resolver{Store: s, Cache: analysis.NewCache(16), CacheTTL: time.Minute,
		Now: func() time.Time { return now }, Log: slog.New(slog.NewTextHandler(io.Discard, nil))}
	c := newResolverClient(t, r)

	label := func() string {
		var out struct {
			Exchanges struct {
				Edges []struct {
					Node struct {
						Themes []struct{ ID, Label string }
					}
				}
			}
		}
		mustQuery(t, c, `{ exchanges(filter: {themesAny: ["housing"]}, first: 1) { edges { node { themes { id label } } } } }`, &out)
		for _, e := range out.Exchanges.Edges {
			for _, th := range e.Node.Themes {
				if th.ID == "housing" {
					return th.Label
				}
			}
		}
		t.Fatalf("no exchange with the housing theme: %+v", out)
		return ""
	}
	first := label()

	// Another process relabels the theme: the cache answers until the TTL.
	if _, err := s.UpsertTheme(ctx, c2c.Theme{ID: "housing", Label: "Housing (relabelled)"}); err != nil {
		t.Fatal(err)
	}
	if got := label(); got != first {
		t.Errorf("label within the TTL = %q, want the cached %q", got, first)
	}
	now = now.Add(2 * time.Minute)
	if got := label(); got != "Housing (relabelled)" {
		t.Errorf("label after the TTL = %q, want the store's", got)
	}

	// Through the API the change is seen at once.
	mustQuery(t, c, `mutation { upsertTheme(input: {id: "housing", label: "Housing (API)"}) { id } }`, nil)
	if got := label(); got != "Housing (API)" {
		t.Errorf("label after upsertTheme = %q, want %q", got, "Housing (API)")
	}

	// A theme unknown to the store is refused, naming the filter field.
	const q = `{ exchanges(filter: {themesAny: ["housing", "urban-farming"]}) { edges { node { id } } } }`
	e := mustFail(t, c, q)
	if code(e) != "BAD_USER_INPUT" || field(e) != "filter.themesAny[1]" {
		t.Errorf("unknown theme: %s %q %q", code(e), field(e), e.Message)
	}
	// Another process adds it: a filter naming it is accepted at once,
	// although the cached vocabulary predates it.
	if _, err := s.UpsertTheme(ctx, c2c.Theme{ID: "urban-farming", Label: "Urban farming"}); err != nil {
		t.Fatal(err)
	}
	mustQuery(t, c, q, nil)

	// A cached vocabulary costs no round trip.
	if res := mustQuery(t, c, `{ exchanges(filter: {themesAny: ["housing"]}, first: 1) { edges { node { id } } } }`, nil); res.RoundTrips != 1 {
		t.Errorf("filtered page with a cached vocabulary: %d round trips, want 1", res.RoundTrips)
	}
}
