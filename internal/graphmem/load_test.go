package graphmem

import (
	"context"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/c2c-project/c2c/internal/bench"
	"github.com/c2c-project/c2c/internal/c2c"
	"github.com/c2c-project/c2c/internal/memprobe"
	"github.com/c2c-project/c2c/internal/store/neo4jstore"
	"github.com/c2c-project/c2c/internal/store/sqlitestore"
)

// TestFullLoadMeasured times the full load of the in-process graph (Load)
// over each store, on the benchmark graph (internal/bench, seed 1) at the
// size LOAD_SIZE names, and reports the figures; it asserts only that the
// snapshot holds the whole graph. It is opt-in, and meaningless under the
// race detector:
//
//	LOAD_SIZE=M NEO4J_URI=bolt://127.0.0.1:7687 go test -count=1 -timeout 60m -v \
//	    -run '^TestFullLoadMeasured$' ./internal/graphmem/
//
// or make load-measured SIZE=M, which starts a Neo4j of its own.
//
// SQLite gets a temporary database; Neo4j (when NEO4J_URI is set) must be
// empty, or hold exactly this graph from an earlier run, which is then
// kept (the import of size M takes minutes). LOAD_RUNS (default 3) is the
// number of timed loads per store; LOAD_PAGED=1 also times the load it
// replaced (keyset pages of c2c.MaxStorePageSize, memberships by chunks
// of actors) and checks that both build the same snapshot.
func TestFullLoadMeasured(t *testing.T) {
	name := os.Getenv("LOAD_SIZE")
	if name == "" {
		t.Skip("LOAD_SIZE not set: a measurement, run on demand (see the doc comment)")
	}
	size, err := bench.SizeByName(name)
	if err != nil {
		t.Fatal(err)
	}
	gen := bench.NewGenerator(1, size)
	memberships := len(gen.Memberships())
	t.Run("sqlite", func(t *testing.T) {
		st, err := sqlitestore.Open(t.Context(), filepath.Join(t.TempDir(), "c2c.db"))
		if err != nil {
			t.Fatal(err)
		}
		defer st.Close()
		mustImportGenerated(t, st, gen)
		measureLoads(t, st, size, memberships)
	})
	t.Run("neo4j", func(t *testing.T) {
		cfg := neo4jstore.ConfigFromEnv(os.Getenv)
		if cfg.URI == "" {
			t.Skip("NEO4J_URI not set")
		}
		ctx, cancel := context.WithTimeout(t.Context(), time.Minute)
		defer cancel()
		st, err := neo4jstore.Open(ctx, cfg, nil)
		if err != nil {
			t.Fatal(err)
		}
		defer st.Close()
		as, err := st.Actors(t.Context(), c2c.ActorQuery{First: 1, WantTotal: true})
		if err != nil {
			t.Fatal(err)
		}
		xs, err := st.Exchanges(t.Context(), c2c.ExchangeQuery{First: 1, WantTotal: true})
		if err != nil {
			t.Fatal(err)
		}
		switch {
		case as.TotalCount == 0 && xs.TotalCount == 0:
			mustImportGenerated(t, st, gen)
		case as.TotalCount == size.Actors && xs.TotalCount == size.Exchanges:
			t.Logf("Neo4j holds %d actors and %d exchanges already: loading those", as.TotalCount, xs.TotalCount)
		default:
			t.Fatalf("Neo4j holds %d actors and %d exchanges, not size %s: point NEO4J_URI at an empty database", as.TotalCount, xs.TotalCount, size.Name)
		}
		measureLoads(t, st, size, memberships)
	})
}

// mustImportGenerated imports the generator's graph into st through
// Store.Import, as c2cbench gen does.
func mustImportGenerated(t *testing.T, st c2c.Store, gen *bench.Generator) {
	t.Helper()
	start := time.Now()
	if err := gen.Batches(5000, func(b c2c.Batch) error {
		_, err := st.Import(t.Context(), b)
		return err
	}); err != nil {
		t.Fatalf("import: %v", err)
	}
	t.Logf("imported %d actors, %d exchanges in %v", gen.Size.Actors, gen.Size.Exchanges, time.Since(start).Round(time.Millisecond))
}

// measureLoads times LOAD_RUNS full loads of st and checks the snapshot.
func measureLoads(t *testing.T, st c2c.Store, size bench.Size, memberships int) {
	runs := 3
	if v, err := strconv.Atoi(os.Getenv("LOAD_RUNS")); err == nil && v > 0 {
		runs = v
	}
	loads := []struct {
		name string
		load func(context.Context, c2c.Store, uint64) (*Snapshot, []string, []string, error)
	}{{"scans", Load}}
	if os.Getenv("LOAD_PAGED") == "1" {
		loads = append(loads, struct {
			name string
			load func(context.Context, c2c.Store, uint64) (*Snapshot, []string, []string, error)
		}{"pages", pagedLoad})
	}
	var snaps []*Snapshot
	for _, l := range loads {
		var walls, cpus []time.Duration
		var peak, snapHeap uint64
		var s *Snapshot
		for range runs {
			s = nil
			base := heap()
			cpu0, t0 := cpuTime(), time.Now()
			var lostX, lostM []string
			p := memprobe.Peak(func() {
				var err error
				s, lostX, lostM, err = l.load(t.Context(), st, 1)
				if err != nil {
					t.Fatalf("%s load: %v", l.name, err)
				}
			})
			walls, cpus = append(walls, time.Since(t0)), append(cpus, cpuTime()-cpu0)
			peak = max(peak, p-min(p, base))
			snapHeap = heap() - base
			if len(lostX)+len(lostM) > 0 {
				t.Errorf("%s load left out %d exchanges and %d memberships", l.name, len(lostX), len(lostM))
			}
			if got, want := [3]int{len(s.actorIDs), len(s.exIDs), len(s.mIDs)}, [3]int{size.Actors, size.Exchanges, memberships}; got != want {
				t.Errorf("%s load: snapshot holds %v actors, exchanges, memberships; want %v", l.name, got, want)
			}
		}
		t.Logf("%s size %s, %s load: wall %s (median %v); cpu %s; peak heap growth %.0f MiB, snapshot %.0f MiB",
			storeKind(st), size.Name, l.name, durations(walls), median(walls), durations(cpus),
			float64(peak)/(1<<20), float64(snapHeap)/(1<<20))
		snaps = append(snaps, s)
	}
	if len(snaps) == 2 {
		a, b := *snaps[0], *snaps[1]
		a.built, b.built = time.Time{}, time.Time{}
		if !reflect.DeepEqual(a, b) {
			t.Errorf("the scan load and the paged load built different snapshots")
		}
	}
}

func storeKind(st c2c.Store) string {
	switch st.(type) {
	case *sqlitestore.Store:
		return "sqlite"
	case *neo4jstore.Store:
		return "neo4j"
	}
	return "store"
}

func median(ds []time.Duration) time.Duration {
	s := slices.Clone(ds)
	slices.Sort(s)
	return s[len(s)/2].Round(time.Millisecond)
}

func durations(ds []time.Duration) string {
	out := make([]string, len(ds))
	for i, d := range ds {
		out[i] = d.Round(time.Millisecond).String()
	}
	return strings.Join(out, " ")
}

// pagedLoad is the full load Load replaced, kept to measure against:
// keyset pages of actors and exchanges in id order, then the memberships
// of chunks of 500 actors, sorted by id.
func pagedLoad(ctx context.Context, st c2c.Store, version uint64) (*Snapshot, []string, []string, error) {
	b := newBuilder(nil)
	q := c2c.ActorQuery{Order: c2c.OrderIDAsc, First: c2c.MaxStorePageSize}
	for {
		p, err := st.Actors(ctx, q)
		if err != nil {
			return nil, nil, nil, err
		}
		for _, a := range p.Actors {
			b.addActor(a)
		}
		if !p.HasNext || len(p.Actors) == 0 {
			break
		}
		c := c2c.ActorCursor(q.Order, p.Actors[len(p.Actors)-1])
		q.After = &c
	}
	var lostX, lostM []string
	xq := c2c.ExchangeQuery{Order: c2c.OrderExIDAsc, First: c2c.MaxStorePageSize}
	for {
		p, err := st.Exchanges(ctx, xq)
		if err != nil {
			return nil, nil, nil, err
		}
		for _, x := range p.Exchanges {
			if !b.addExchange(x) {
				lostX = append(lostX, x.ID)
			}
		}
		if !p.HasNext || len(p.Exchanges) == 0 {
			break
		}
		c := c2c.ExchangeCursor(xq.Order, p.Exchanges[len(p.Exchanges)-1])
		xq.After = &c
	}
	var ms []*c2c.Membership
	ids := b.s.actorIDs
	for lo := 0; lo < len(ids); lo += 500 {
		byActor, err := st.MembershipsByActors(ctx, ids[lo:min(lo+500, len(ids))])
		if err != nil {
			return nil, nil, nil, err
		}
		for _, l := range byActor {
			ms = append(ms, l...)
		}
	}
	slices.SortFunc(ms, func(a, b *c2c.Membership) int { return strings.Compare(a.ID, b.ID) })
	for _, m := range ms {
		if !b.addMembership(m) {
			lostM = append(lostM, m.ID)
		}
	}
	return b.done(version), lostX, lostM, nil
}
