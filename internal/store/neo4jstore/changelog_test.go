package neo4jstore

import (
	"fmt"
	"testing"

	"github.com/c2c-project/c2c/internal/c2c"
)

// BenchmarkDataVersion measures the poll every c2c process makes of the
// data version (one seek of the meta node).
func BenchmarkDataVersion(b *testing.B) {
	s := mustFresh(b)
	ctx := b.Context()
	if _, err := s.UpsertTheme(ctx, c2c.Theme{ID: "bench", Label: "Bench"}); err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		if _, err := s.DataVersion(ctx); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkChangesSince measures reading the last 10 changes of the log.
func BenchmarkChangesSince(b *testing.B) {
	s := mustFresh(b)
	ctx := b.Context()
	for i := range 20 {
		if _, err := s.UpsertTheme(ctx, c2c.Theme{ID: fmt.Sprintf("bench-%d", i), Label: "Bench"}); err != nil {
			b.Fatal(err)
		}
	}
	v, err := s.DataVersion(ctx)
	if err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		if _, _, err := s.ChangesSince(ctx, v-10, 0); err != nil {
			b.Fatal(err)
		}
	}
}
