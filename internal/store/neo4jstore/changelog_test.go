package neo4jstore

import (
	"context"
	"errors"
	"fmt"
	"strings"
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

// TestChangesSinceStopsAtAGap hides one change node, as a reader can
// miss a committing transaction's node behind its committed meta node:
// ChangesSince returns the changes before the gap with the version of the
// last of them instead of reporting the log pruned (which made every
// replica reload in full under concurrent writes), and once the node is
// visible again the rest follow.
func TestChangesSinceStopsAtAGap(t *testing.T) {
	s := mustFresh(t)
	ctx := t.Context()
	for i := range 4 {
		if _, err := s.CreateActor(ctx, c2c.Actor{ID: fmt.Sprintf("gap-%d", i), Kind: c2c.ActorCity, Name: "Gap", Country: "MZ"}); err != nil {
			t.Fatal(err)
		}
	}
	head, err := s.DataVersion(ctx)
	if err != nil {
		t.Fatal(err)
	}
	since, hidden := head-4, head-1
	if err := s.exec(ctx, "hide a change", `MATCH (c:C2CChange {version: $v}) REMOVE c:C2CChange SET c:C2CHiddenChange`, map[string]any{"v": int64(hidden)}); err != nil {
		t.Fatal(err)
	}
	chs, v, err := s.ChangesSince(ctx, since, 0)
	if err != nil {
		t.Fatalf("ChangesSince(%d) with version %d hidden: %v, want the changes before it", since, hidden, err)
	}
	if v != hidden-1 || len(chs) != 2 || chs[0].Version != since+1 || chs[1].Version != since+2 {
		t.Errorf("ChangesSince(%d) with version %d hidden = %d changes, version %d; want versions %d and %d, version %d",
			since, hidden, len(chs), v, since+1, since+2, hidden-1)
	}
	if err := s.exec(ctx, "show the change", `MATCH (c:C2CHiddenChange {version: $v}) REMOVE c:C2CHiddenChange SET c:C2CChange`, map[string]any{"v": int64(hidden)}); err != nil {
		t.Fatal(err)
	}
	chs, v, err = s.ChangesSince(ctx, hidden-1, 0)
	if err != nil || v != head || len(chs) != 2 || chs[0].Version != hidden || chs[1].Version != head {
		t.Errorf("ChangesSince(%d) once visible = %d changes, version %d, %v; want versions %d and %d, version %d", hidden-1, len(chs), v, err, hidden, head, head)
	}
}

// TestChangeLogWithLastWrite checks the change log a statement carries
// (runLogged): a transaction still bumps the version once and logs one
// change listing everything it touched, whether the statement marked last
// really was (one round trip less), more writes followed it (the change is
// amended at commit), the transaction was refused after it, or a change
// that lists no ids came after it.
func TestChangeLogWithLastWrite(t *testing.T) {
	s := mustFresh(t)
	ctx := t.Context()
	if _, err := s.Import(ctx, c2c.Batch{Actors: []c2c.Actor{
		{ID: "lw-a", Kind: c2c.ActorCity, Name: "A", Country: "DE"},
		{ID: "lw-b", Kind: c2c.ActorCity, Name: "B", Country: "FR"},
	}}); err != nil {
		t.Fatal(err)
	}
	x := func(id string) c2c.Exchange {
		return c2c.Exchange{ID: id, SourceID: "lw-a", TargetID: "lw-b", Title: "T", Kind: c2c.KindMeeting}
	}
	last := c2c.WithLastWrite
	version := func() uint64 {
		t.Helper()
		v, err := s.DataVersion(ctx)
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	// wantChange checks that the data version moved by one from v and that
	// the one change lists want.
	wantChange := func(what string, v uint64, want c2c.Change) {
		t.Helper()
		chs, got, err := s.ChangesSince(ctx, v, 0)
		if err != nil {
			t.Fatalf("%s: changes since %d: %v", what, v, err)
		}
		want.Version = v + 1
		if got != v+1 || len(chs) != 1 || fmt.Sprint(chs[0]) != fmt.Sprint(want) {
			t.Errorf("%s: version %d, changes %+v; want version %d, one change %+v", what, got, chs, v+1, want)
		}
	}

	// The last write carries the log: BEGIN, two statements, COMMIT.
	v := version()
	rctx, rt := c2c.WithRoundTrips(ctx)
	err := s.Write(rctx, func(ctx context.Context) error {
		if _, err := s.CreateExchange(ctx, x("lw-1")); err != nil {
			return err
		}
		_, err := s.DeleteExchange(last(ctx), "lw-1")
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	if n := rt.Count(); n != 4 {
		t.Errorf("a two-write transaction whose last write carries the log cost %d round trips, want 4", n)
	}
	wantChange("last write carries the log", v, c2c.Change{Exchanges: []string{"lw-1"}})

	// Writes after the one marked last: the change is amended at commit.
	v = version()
	err = s.Write(ctx, func(ctx context.Context) error {
		if _, err := s.CreateExchange(last(ctx), x("lw-2")); err != nil {
			return err
		}
		if _, err := s.CreateExchange(last(ctx), x("lw-3")); err != nil {
			return err
		}
		_, err := s.UpdateActor(ctx, "lw-a", c2c.ActorPatch{Name: new("A2")})
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	wantChange("writes after the last", v, c2c.Change{Actors: []string{"lw-a"}, Exchanges: []string{"lw-2", "lw-3"}})

	// A refused write that carried the log rolls it back with the rest.
	v = version()
	err = s.Write(ctx, func(ctx context.Context) error {
		if _, err := s.CreateExchange(ctx, x("lw-4")); err != nil {
			return err
		}
		_, err := s.CreateExchange(last(ctx), x("lw-2"))
		return err
	})
	if c2c.KindOf(err) != c2c.KindConflict {
		t.Errorf("creating a taken id: %v, want a conflict", err)
	}
	if got := version(); got != v {
		t.Errorf("a refused transaction moved the version from %d to %d", v, got)
	}
	if xs, err := s.ExchangesByIDs(ctx, []string{"lw-4"}); err != nil || xs[0] != nil {
		t.Errorf("a refused transaction left lw-4 (%v)", err)
	}

	// A single write carries its own log.
	v = version()
	if _, err := s.DeleteExchange(ctx, "lw-2"); err != nil {
		t.Fatal(err)
	}
	wantChange("single write", v, c2c.Change{Exchanges: []string{"lw-2"}})
	if _, err := s.DeleteExchange(ctx, "lw-2"); c2c.KindOf(err) != c2c.KindNotFound {
		t.Errorf("deleting a deleted exchange: %v, want not found", err)
	}
	if got := version(); got != v+1 {
		t.Errorf("a refused single write moved the version from %d to %d", v+1, got)
	}

	// A change that lists no ids after the log was carried: the floor
	// moves past it, as appendChange would have.
	v = version()
	err = s.Write(ctx, func(ctx context.Context) error {
		if _, err := s.DeleteExchange(last(ctx), "lw-3"); err != nil {
			return err
		}
		s.current(ctx).tx.changes.Reset()
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if got := version(); got != v+1 {
		t.Errorf("reset: version %d, want %d", got, v+1)
	}
	if _, _, err := s.ChangesSince(ctx, v, 0); !errors.Is(err, c2c.ErrChangesPruned) {
		t.Errorf("reset: changes since %d: %v, want pruned", v, err)
	}
	if chs, _, err := s.ChangesSince(ctx, v+1, 0); err != nil || len(chs) != 0 {
		t.Errorf("reset: changes since %d = %v, %v; want none", v+1, chs, err)
	}
}

// TestChangeLogComesLast checks that a statement carrying the change log
// takes the meta node's lock after its own writes (so a transaction
// holding it waits for no other lock), ahead of its RETURN.
func TestChangeLogComesLast(t *testing.T) {
	for name, q := range map[string]string{
		"createExchange": createExchange, "updateExchange": updateExchange, "deleteExchange": deleteExchange,
		"createMembership": createMembership, "deleteMembership": deleteMembership,
		"createActor": createActor, "upsertThemes": upsertThemes,
		"upsertActors": upsertActors, "upsertMemberships": upsertMemberships,
	} {
		clauses := q
		if i := strings.LastIndex(q, "\nRETURN "); i >= 0 {
			clauses = q[:i]
		}
		got := changeLogLast(q)
		meta := strings.Index(got, "MERGE (meta:C2CMeta")
		if !strings.HasPrefix(got, clauses) || meta < len(clauses) || strings.LastIndex(got, "\nRETURN ") < meta {
			t.Errorf("%s: the change log is not after its clauses and before its RETURN:\n%s", name, got)
		}
	}
}
