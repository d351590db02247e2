package neo4jstore

import (
	"context"
	"errors"
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

// TestDataMigrationResetsChangeLog applies a data migration after the
// change log's: it bumps the version once and moves the floor of the log
// past every earlier version, so readers reload in full.
func TestDataMigrationResetsChangeLog(t *testing.T) {
	s := mustFresh(t)
	ctx := t.Context()
	if _, err := s.CreateActor(ctx, c2c.Actor{ID: "m-a", Kind: c2c.ActorCity, Name: "Before", Country: "ZA"}); err != nil {
		t.Fatal(err)
	}
	before, err := s.DataVersion(ctx)
	if err != nil {
		t.Fatal(err)
	}
	saved := migrations
	next := LatestMigration() + 1
	migrations = append(append([]migration(nil), saved...), migration{
		version: next, name: "rewrite summaries",
		data: []string{`MATCH (a:Actor) SET a.summary = 'rewritten'`},
	})
	t.Cleanup(func() {
		migrations = saved
		if err := s.exec(context.Background(), "forget test migration", `MATCH (m:C2CMigration {version: $v}) DELETE m`, map[string]any{"v": next}); err != nil {
			t.Errorf("forget the test migration: %v", err)
		}
	})
	if err := s.Migrate(ctx); err != nil {
		t.Fatalf("migrate: %v", err)
	}
	after, err := s.DataVersion(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if after != before+1 {
		t.Errorf("data version %d after a data migration from %d, want %d", after, before, before+1)
	}
	for v := uint64(0); v < after; v++ {
		if _, _, err := s.ChangesSince(ctx, v, 0); !errors.Is(err, c2c.ErrChangesPruned) {
			t.Errorf("ChangesSince(%d) after a data migration: %v, want ErrChangesPruned", v, err)
		}
	}
	if chs, cur, err := s.ChangesSince(ctx, after, 0); err != nil || len(chs) != 0 || cur != after {
		t.Errorf("ChangesSince(%d) = %v, %d, %v; want none at %d", after, chs, cur, err, after)
	}
	if err := s.Migrate(ctx); err != nil {
		t.Fatalf("migrate again: %v", err)
	}
	if v, _ := s.DataVersion(ctx); v != after {
		t.Errorf("data version %d after migrating again, want %d", v, after)
	}
}
