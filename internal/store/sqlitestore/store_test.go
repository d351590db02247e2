package sqlitestore_test

import (
	"path/filepath"
	"testing"

	"github.com/c2c-project/c2c/internal/c2c"
	"github.com/c2c-project/c2c/internal/store/sqlitestore"
	"github.com/c2c-project/c2c/internal/store/storetest"
)

// TestConformance runs the shared store suite against a fresh database file
// per subtest.
func TestConformance(t *testing.T) {
	storetest.Run(t, func(t *testing.T) c2c.Store { return mustOpen(t, filepath.Join(t.TempDir(), "c2c.db")) })
}

// TestConformanceInMemory runs the same suite with the graph questions
// answered by the in-process graph (internal/graphmem) over the store.
func TestConformanceInMemory(t *testing.T) {
	storetest.RunInMemory(t, func(t *testing.T) c2c.Store { return mustOpen(t, filepath.Join(t.TempDir(), "c2c.db")) })
}

// TestChangeLogPruning runs the pruning checks on a store keeping a short
// log.
func TestChangeLogPruning(t *testing.T) {
	storetest.RunPruning(t, func(t *testing.T, size int) c2c.Store {
		return mustOpen(t, filepath.Join(t.TempDir(), "c2c.db"), sqlitestore.WithChangeLogSize(size))
	})
}

// mustOpen opens the store at path and closes it when the test ends.
func mustOpen(t testing.TB, path string, opts ...sqlitestore.Option) *sqlitestore.Store {
	t.Helper()
	s, err := sqlitestore.Open(t.Context(), path, opts...)
	if err != nil {
		t.Fatalf("open %s: %v", path, err)
	}
	t.Cleanup(func() {
		if err := s.Close(); err != nil {
			t.Errorf("close: %v", err)
		}
	})
	return s
}
