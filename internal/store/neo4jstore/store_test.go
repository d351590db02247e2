package neo4jstore

import (
	"context"
	"log/slog"
	"os"
	"testing"
	"time"

	"github.com/c2c-project/c2c/internal/c2c"
	"github.com/c2c-project/c2c/internal/store/storetest"
)

// testConfig returns the connection settings of the test server, skipping
// (or, in CI, failing) when there is none.
func testConfig(t testing.TB) Config {
	t.Helper()
	cfg := ConfigFromEnv(os.Getenv)
	if cfg.URI == "" {
		if os.Getenv("CI") == "true" {
			t.Fatal("NEO4J_URI not set: the Neo4j store tests need a server; start Neo4j with make neo4j-up and set NEO4J_URI=bolt://127.0.0.1:7687")
		}
		t.Skip("NEO4J_URI not set: start Neo4j with `make neo4j-up` (or tools/neo4j/neo4j.sh up), then run with NEO4J_URI=bolt://127.0.0.1:7687")
	}
	return cfg
}

func testLogger(t testing.TB) *slog.Logger {
	if testing.Verbose() {
		return slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelInfo}))
	}
	return slog.New(slog.DiscardHandler)
}

// mustOpen opens a store on the test server and closes it when t ends.
func mustOpen(t testing.TB) *Store {
	t.Helper()
	return mustOpenWith(t, testConfig(t))
}

// mustOpenWith opens a store with cfg and closes it when t ends.
func mustOpenWith(t testing.TB, cfg Config) *Store {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	s, err := Open(ctx, cfg, testLogger(t))
	if err != nil {
		t.Fatalf("open: %v", err)
	}
	t.Cleanup(func() { _ = s.Close() })
	return s
}

// wipeGraph deletes every item but the migration records; schema stays.
const wipeGraph = `MATCH (n) WHERE NOT n:C2CMigration
CALL (n) { DETACH DELETE n } IN TRANSACTIONS OF 10000 ROWS`

// mustFresh opens a store on an emptied database with the default themes.
// Community has one database, so tests using it must not run in parallel.
func mustFresh(t testing.TB) *Store {
	t.Helper()
	return mustFreshWith(t, testConfig(t))
}

// mustFreshWith is mustFresh with a configuration of its own.
func mustFreshWith(t testing.TB, cfg Config) *Store {
	t.Helper()
	s := mustOpenWith(t, cfg)
	ctx := t.Context()
	session := s.driver.NewSession(ctx, sessionConfig(s))
	defer session.Close(ctx)
	res, err := session.Run(ctx, wipeGraph, nil)
	if err == nil {
		_, err = res.Consume(ctx)
	}
	if err != nil {
		t.Fatalf("wipe: %v", err)
	}
	if err := s.exec(ctx, "reseed themes", mergeDefaultThemes, defaultThemeParams()); err != nil {
		t.Fatalf("reseed themes: %v", err)
	}
	return s
}

func TestConformance(t *testing.T) {
	storetest.Run(t, func(t *testing.T) c2c.Store { return mustFresh(t) })
}

// TestConformanceInMemory runs the same suite with the graph questions
// answered by the in-process graph (internal/graphmem) over the store.
func TestConformanceInMemory(t *testing.T) {
	storetest.RunInMemory(t, func(t *testing.T) c2c.Store { return mustFresh(t) })
}

// TestChangeLogPruning runs the pruning checks on a store keeping a short
// log.
func TestChangeLogPruning(t *testing.T) {
	storetest.RunPruning(t, func(t *testing.T, size int) c2c.Store {
		cfg := testConfig(t)
		cfg.ChangeLogSize = size
		return mustFreshWith(t, cfg)
	})
}
