package sqlitestore_test

import (
	"fmt"
	"path/filepath"
	"testing"

	"github.com/c2c-project/c2c/internal/c2c"
	"github.com/c2c-project/c2c/internal/store/sqlitestore"
)

// BenchmarkUpdateActor measures one write transaction through the API (its
// change log entry included).
func BenchmarkUpdateActor(b *testing.B) {
	ctx := b.Context()
	s, err := sqlitestore.Open(ctx, filepath.Join(b.TempDir(), "c2c.db"))
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { _ = s.Close() })
	if _, err := s.CreateActor(ctx, c2c.Actor{ID: "bench", Kind: c2c.ActorCity, Name: "Bench", Country: "ZA"}); err != nil {
		b.Fatal(err)
	}
	i := 0
	for b.Loop() {
		name := fmt.Sprintf("Bench %d", i)
		i++
		if _, err := s.UpdateActor(ctx, "bench", c2c.ActorPatch{Name: &name}); err != nil {
			b.Fatal(err)
		}
	}
}
