package neo4jstore

import (
	"fmt"
	"testing"

	"github.com/c2c-project/c2c/internal/c2c"
)

// BenchmarkUpdateActor measures one write transaction through the API (its
// change log entry included).
func BenchmarkUpdateActor(b *testing.B) {
	s := mustFresh(b)
	ctx := b.Context()
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
