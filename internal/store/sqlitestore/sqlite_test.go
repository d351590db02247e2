package sqlitestore

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/c2c-project/c2c/internal/c2c"
)

// mustOpenFile opens the store at path and closes it when the test ends.
func mustOpenFile(t *testing.T, path string) *Store {
	t.Helper()
	s, err := Open(t.Context(), path)
	if err != nil {
		t.Fatalf("open %s: %v", path, err)
	}
	t.Cleanup(func() { _ = s.Close() })
	return s
}

func mustCreateActor(t *testing.T, s *Store, a c2c.Actor) *c2c.Actor {
	t.Helper()
	got, err := s.CreateActor(t.Context(), a)
	if err != nil {
		t.Fatalf("create actor %s: %v", a.ID, err)
	}
	return got
}

func city(id, name, country string) c2c.Actor {
	return c2c.Actor{ID: id, Kind: c2c.ActorCity, Name: name, Country: country}
}

func TestMigrationsAreRecordedAndIdempotent(t *testing.T) {
	path := filepath.Join(t.TempDir(), "c2c.db")
	s := mustOpenFile(t, path)
	ms, err := Migrations()
	if err != nil {
		t.Fatal(err)
	}
	if len(ms) == 0 {
		t.Fatal("no embedded migrations")
	}
	applied, err := s.AppliedMigrations(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	if got, want := len(applied), len(ms); got != want {
		t.Fatalf("%d migrations recorded, want %d", got, want)
	}
	for i, m := range ms {
		if got, want := applied[i].Version, m.Version; got != want {
			t.Errorf("migration %d: recorded version %d, want %d", i, got, want)
		}
		if applied[i].AppliedAt == "" {
			t.Errorf("migration %d: no applied_at", m.Version)
		}
	}
	for range 2 {
		if err := s.Migrate(t.Context()); err != nil {
			t.Fatalf("migrate again: %v", err)
		}
	}
	again, err := s.AppliedMigrations(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	if got, want := fmt.Sprint(again), fmt.Sprint(applied); got != want {
		t.Errorf("after migrating again: %s, want %s", got, want)
	}
	themes, err := s.Themes(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	if got, want := len(themes), len(c2c.DefaultThemes); got != want {
		t.Errorf("%d themes after repeated migrations, want %d", got, want)
	}
}

func TestDefaultThemesKeepEditedLabels(t *testing.T) {
	path := filepath.Join(t.TempDir(), "c2c.db")
	s := mustOpenFile(t, path)
	th := c2c.DefaultThemes[0]
	th.Label = "Slum upgrading"
	if _, err := s.UpsertTheme(t.Context(), th); err != nil {
		t.Fatal(err)
	}
	if err := s.Migrate(t.Context()); err != nil {
		t.Fatal(err)
	}
	got, err := s.Themes(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	for _, g := range got {
		if g.ID == th.ID {
			if g.Label != th.Label {
				t.Errorf("label of %s is %q after migrate, want %q", th.ID, g.Label, th.Label)
			}
			return
		}
	}
	t.Errorf("theme %s missing", th.ID)
}

func TestReopenKeepsData(t *testing.T) {
	path := filepath.Join(t.TempDir(), "c2c.db")
	s, err := Open(t.Context(), path)
	if err != nil {
		t.Fatal(err)
	}
	want := mustCreateActor(t, s, c2c.Actor{ID: "durban", Kind: c2c.ActorCity, Name: "eThekwini", AltNames: []string{"Durban"},
		Country: "ZA", Coords: &c2c.Coordinates{Lat: -29.86, Lon: 31.03}})
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	s = mustOpenFile(t, path)
	got, err := s.ActorsByIDs(t.Context(), []string{"durban"})
	if err != nil {
		t.Fatal(err)
	}
	if got[0] == nil {
		t.Fatal("actor lost after reopening")
	}
	if diff := cmp.Diff(want, got[0]); diff != "" {
		t.Errorf("after reopening (-want +got):\n%s", diff)
	}
}

func TestPragmas(t *testing.T) {
	s := mustOpenFile(t, filepath.Join(t.TempDir(), "c2c.db"))
	for _, c := range []struct {
		db     string
		pragma string
		want   string
	}{
		{"writer", "journal_mode", "wal"},
		{"reader", "journal_mode", "wal"},
		{"writer", "foreign_keys", "1"},
		{"reader", "foreign_keys", "1"},
		{"writer", "synchronous", "1"},
		{"writer", "busy_timeout", fmt.Sprint(busyTimeout.Milliseconds())},
		{"reader", "query_only", "1"},
		{"writer", "query_only", "0"},
	} {
		db := s.writer
		if c.db == "reader" {
			db = s.reader
		}
		var got string
		if err := db.QueryRowContext(t.Context(), "PRAGMA "+c.pragma).Scan(&got); err != nil {
			t.Fatalf("%s: pragma %s: %v", c.db, c.pragma, err)
		}
		if got != c.want {
			t.Errorf("%s: pragma %s = %q, want %q", c.db, c.pragma, got, c.want)
		}
	}
}

// TestConcurrentWriters writes from many goroutines through one store and
// through a second store on the same file (as a second process would):
// IMMEDIATE transactions and the busy timeout must make every write succeed.
func TestConcurrentWriters(t *testing.T) {
	path := filepath.Join(t.TempDir(), "c2c.db")
	stores := []*Store{mustOpenFile(t, path), mustOpenFile(t, path)}
	const perWorker, workers = 10, 8
	var wg sync.WaitGroup
	errs := make(chan error, perWorker*workers)
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			s := stores[w%len(stores)]
			for i := range perWorker {
				id := fmt.Sprintf("city-%d-%d", w, i)
				if _, err := s.CreateActor(context.Background(), city(id, "City "+id, "BR")); err != nil {
					errs <- fmt.Errorf("create %s: %w", id, err)
					continue
				}
				name := "Renamed " + id
				if _, err := s.UpdateActor(context.Background(), id, c2c.ActorPatch{Name: &name}); err != nil {
					errs <- fmt.Errorf("update %s: %w", id, err)
				}
				if _, err := s.Actors(context.Background(), c2c.ActorQuery{First: 5, WantTotal: true}); err != nil {
					errs <- fmt.Errorf("read: %w", err)
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	p, err := stores[1].Actors(t.Context(), c2c.ActorQuery{First: 1, WantTotal: true})
	if err != nil {
		t.Fatal(err)
	}
	if got, want := p.TotalCount, perWorker*workers; got != want {
		t.Errorf("%d actors after concurrent writes, want %d", got, want)
	}
}

// TestTextIsLiteral checks that SQL wildcard characters in user text match
// only themselves (after folding), never anything.
func TestTextIsLiteral(t *testing.T) {
	s := mustOpenFile(t, filepath.Join(t.TempDir(), "c2c.db"))
	names := map[string]string{"axb": "Axb", "axxb": "Axxb", "a-b": "A B", "pct": "100% Cities", "hundred": "100 Cities", "other": "1000 Towns"}
	for id, name := range names {
		mustCreateActor(t, s, city(id, name, "ZA"))
	}
	for _, c := range []struct {
		text string
		want []string // ids, by name
	}{
		{"a%b", []string{"a-b"}},
		{"a_b", []string{"a-b"}},
		{"100%", []string{"hundred", "pct", "other"}},
		{"0_c", []string{"hundred", "pct"}}, // '_' folds to a space
		{"x%", []string{"axb", "axxb"}},
		{"0 c", []string{"hundred", "pct"}},
	} {
		p, err := s.Actors(t.Context(), c2c.ActorQuery{Filter: c2c.ActorFilter{Text: c.text}, First: 10})
		if err != nil {
			t.Fatalf("text %q: %v", c.text, err)
		}
		var got []string
		for _, a := range p.Actors {
			got = append(got, a.ID)
		}
		if g, w := fmt.Sprint(got), fmt.Sprint(c.want); g != w {
			t.Errorf("filter text %q matched %v, want %v", c.text, g, w)
		}
		hits, err := s.Search(t.Context(), c.text, 10)
		if err != nil {
			t.Fatalf("search %q: %v", c.text, err)
		}
		if got, want := len(hits), len(c.want); got != want {
			t.Errorf("search %q found %d actors, want %d", c.text, got, want)
		}
	}
	if _, err := s.Search(t.Context(), "%_", 10); c2c.KindOf(err) != c2c.KindInvalid {
		t.Errorf("search of only wildcards: got %v, want an invalid-input error", err)
	}
}

// TestBatchReadsAreOneRoundTrip checks that batch readers send one statement
// whatever the number of ids, and pages without a total one statement.
func TestBatchReadsAreOneRoundTrip(t *testing.T) {
	s := mustOpenFile(t, filepath.Join(t.TempDir(), "c2c.db"))
	var ids []string
	for i := range 120 {
		id := fmt.Sprintf("c%03d", i)
		mustCreateActor(t, s, city(id, "City "+id, "BR"))
		ids = append(ids, id)
	}
	calls := map[string]func(ctx context.Context, ids []string) error{
		"ActorsByIDs":         func(ctx context.Context, ids []string) error { _, err := s.ActorsByIDs(ctx, ids); return err },
		"ExchangesByIDs":      func(ctx context.Context, ids []string) error { _, err := s.ExchangesByIDs(ctx, ids); return err },
		"MembershipsByIDs":    func(ctx context.Context, ids []string) error { _, err := s.MembershipsByIDs(ctx, ids); return err },
		"CitiesByRegions":     func(ctx context.Context, ids []string) error { _, err := s.CitiesByRegions(ctx, ids); return err },
		"MembershipsByActors": func(ctx context.Context, ids []string) error { _, err := s.MembershipsByActors(ctx, ids); return err },
		"MembersByOrganisations": func(ctx context.Context, ids []string) error {
			_, err := s.MembersByOrganisations(ctx, ids)
			return err
		},
		"ExchangesByActors": func(ctx context.Context, ids []string) error {
			_, err := s.ExchangesByActors(ctx, ids, c2c.ExchangeFilter{}, 0)
			return err
		},
		"PartnersByActors": func(ctx context.Context, ids []string) error {
			_, err := s.PartnersByActors(ctx, ids, c2c.ExchangeFilter{ThemesAll: []string{"housing"}}, 3)
			return err
		},
	}
	calls["Actors"] = func(ctx context.Context, ids []string) error {
		_, err := s.Actors(ctx, c2c.ActorQuery{First: len(ids)%c2c.MaxPageSize + 1})
		return err
	}
	calls["Exchanges"] = func(ctx context.Context, ids []string) error {
		_, err := s.Exchanges(ctx, c2c.ExchangeQuery{First: len(ids)%c2c.MaxPageSize + 1})
		return err
	}
	for name, call := range calls {
		for _, n := range []int{1, len(ids)} {
			ctx, rt := c2c.WithRoundTrips(t.Context())
			if err := call(ctx, ids[:n]); err != nil {
				t.Fatalf("%s(%d ids): %v", name, n, err)
			}
			if got, want := rt.Count(), int64(1); got != want {
				t.Errorf("%s(%d ids): %d round trips, want %d", name, n, got, want)
			}
		}
	}
}

// TestImportIsAllOrNothing checks that one bad item leaves the store
// untouched and that the error names it.
func TestImportIsAllOrNothing(t *testing.T) {
	s := mustOpenFile(t, filepath.Join(t.TempDir(), "c2c.db"))
	b := c2c.Batch{
		Actors: []c2c.Actor{city("durban", "eThekwini", "ZA"), city("sao-paulo", "São Paulo", "BR")},
		Exchanges: []c2c.Exchange{
			{ID: "x1", SourceID: "durban", TargetID: "sao-paulo", Title: "Visit", Kind: c2c.KindStudyVisit},
			{ID: "x2", SourceID: "durban", TargetID: "nowhere", Title: "Visit", Kind: c2c.KindStudyVisit},
		},
	}
	_, err := s.Import(t.Context(), b)
	var e *c2c.Error
	if !errors.As(err, &e) || e.Kind != c2c.KindInvalid || e.Field != "exchanges[1].target" {
		t.Fatalf("import: got %v, want an invalid-input error on exchanges[1].target", err)
	}
	p, err := s.Actors(t.Context(), c2c.ActorQuery{First: 10, WantTotal: true})
	if err != nil {
		t.Fatal(err)
	}
	if got := p.TotalCount; got != 0 {
		t.Errorf("%d actors written by a failed import, want 0", got)
	}
	b.Exchanges = b.Exchanges[:1]
	res, err := s.Import(t.Context(), b)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := *res, (c2c.ImportResult{Created: 3}); got != want {
		t.Errorf("first import: %+v, want %+v", got, want)
	}
	b.Actors[1].Summary = "Capital of the state of São Paulo"
	res, err = s.Import(t.Context(), b)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := *res, (c2c.ImportResult{Updated: 1, Unchanged: 2}); got != want {
		t.Errorf("second import: %+v, want %+v", got, want)
	}
}

// TestImportLargeBatch imports a batch of thousands of rows through the
// prepared-statement path and checks every row landed; BenchmarkImport
// measures the 30,000-row case.
func TestImportLargeBatch(t *testing.T) {
	if testing.Short() {
		t.Skip("large import skipped in -short mode")
	}
	s := mustOpenFile(t, filepath.Join(t.TempDir(), "c2c.db"))
	b := largeBatch(2000, 8000)
	res, err := s.Import(t.Context(), b)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := res.Created, len(b.Actors)+len(b.Exchanges); got != want {
		t.Errorf("created %d, want %d", got, want)
	}
	g, err := s.Edges(t.Context(), c2c.ExchangeFilter{})
	if err != nil {
		t.Fatal(err)
	}
	if got, want := len(g.Edges), len(b.Exchanges); got != want {
		t.Errorf("%d exchanges stored, want %d", got, want)
	}
}

func largeBatch(actors, exchanges int) c2c.Batch {
	var b c2c.Batch
	countries := []string{"ZA", "BR", "MZ", "FR", "MA"}
	for i := range actors {
		b.Actors = append(b.Actors, city(fmt.Sprintf("c%05d", i), fmt.Sprintf("City %d", i), countries[i%len(countries)]))
	}
	for i := range exchanges {
		src, dst := i%actors, (i*7919+1)%actors
		if src == dst {
			dst = (dst + 1) % actors
		}
		b.Exchanges = append(b.Exchanges, c2c.Exchange{
			ID: fmt.Sprintf("x%06d", i), SourceID: b.Actors[src].ID, TargetID: b.Actors[dst].ID,
			Title: fmt.Sprintf("Exchange %d", i), Kind: c2c.KindStudyVisit, Directed: true,
			Themes: []string{c2c.DefaultThemes[i%len(c2c.DefaultThemes)].ID},
			Start:  &c2c.PartialDate{Year: 2000 + i%25, Month: 1 + i%12},
		})
	}
	return b
}

func BenchmarkImport(b *testing.B) {
	batch := largeBatch(5000, 25000)
	for b.Loop() {
		s, err := Open(context.Background(), filepath.Join(b.TempDir(), "c2c.db"))
		if err != nil {
			b.Fatal(err)
		}
		if _, err := s.Import(context.Background(), batch); err != nil {
			b.Fatal(err)
		}
		_ = s.Close()
	}
}

// TestConcurrentOpen opens one new file from several goroutines at once, as
// several processes starting together would: each migration must be
// applied exactly once and every Open must succeed.
func TestConcurrentOpen(t *testing.T) {
	path := filepath.Join(t.TempDir(), "c2c.db")
	const n = 6
	stores := make([]*Store, n)
	errs := make([]error, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			stores[i], errs[i] = Open(context.Background(), path)
		}()
	}
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			t.Errorf("open %d: %v", i, err)
			continue
		}
		defer func() { _ = stores[i].Close() }()
	}
	if t.Failed() {
		return
	}
	ms, err := Migrations()
	if err != nil {
		t.Fatal(err)
	}
	applied, err := stores[0].AppliedMigrations(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	if got, want := len(applied), len(ms); got != want {
		t.Errorf("%d migrations recorded, want %d", got, want)
	}
}

// TestPathWithURICharacters opens a file whose path holds characters that
// mean something in a URI.
func TestPathWithURICharacters(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "a b#c?d%20e")
	if err := os.Mkdir(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, "c2c.db")
	s := mustOpenFile(t, path)
	mustCreateActor(t, s, city("durban", "eThekwini", "ZA"))
	if _, err := os.Stat(path); err != nil {
		t.Errorf("database file not at %s: %v", path, err)
	}
}

func TestOpenMissingDirectory(t *testing.T) {
	_, err := Open(t.Context(), filepath.Join(t.TempDir(), "missing", "c2c.db"))
	if got, want := c2c.KindOf(err), c2c.KindUnavailable; got != want {
		t.Errorf("open in a missing directory: kind %v (%v), want %v", got, err, want)
	}
}

func TestPingAfterClose(t *testing.T) {
	s, err := Open(t.Context(), filepath.Join(t.TempDir(), "c2c.db"))
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Ping(t.Context()); err != nil {
		t.Fatalf("ping: %v", err)
	}
	_ = s.Close()
	if got, want := c2c.KindOf(s.Ping(t.Context())), c2c.KindUnavailable; got != want {
		t.Errorf("ping after close: kind %v, want %v", got, want)
	}
}

// TestDataMigrationResetsChangeLog applies a migration after the change
// log's that rewrites rows: it bumps the version once and moves the floor
// of the log past every earlier version, so readers reload in full.
func TestDataMigrationResetsChangeLog(t *testing.T) {
	s := mustOpenFile(t, filepath.Join(t.TempDir(), "c2c.db"))
	ctx := t.Context()
	mustCreateActor(t, s, c2c.Actor{ID: "m-a", Kind: c2c.ActorCity, Name: "Before", Country: "ZA"})
	before, err := s.DataVersion(ctx)
	if err != nil {
		t.Fatal(err)
	}
	ms, err := Migrations()
	if err != nil {
		t.Fatal(err)
	}
	next := ms[len(ms)-1].Version + 1
	ms = append(ms, Migration{Version: next, Name: "rewrite", SQL: `UPDATE actors SET summary = 'rewritten'`})
	done, err := s.applyMigrations(ctx, ms)
	if err != nil || len(done) != 1 || done[0] != next {
		t.Fatalf("applyMigrations = %v, %v; want [%d]", done, err, next)
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
	// The log goes on from there; applying nothing new bumps nothing.
	mustCreateActor(t, s, c2c.Actor{ID: "m-b", Kind: c2c.ActorCity, Name: "After", Country: "ZA"})
	if chs, _, err := s.ChangesSince(ctx, after, 0); err != nil || len(chs) != 1 || chs[0].Actors[0] != "m-b" {
		t.Errorf("ChangesSince(%d) after one more write = %v, %v", after, chs, err)
	}
	if done, err := s.applyMigrations(ctx, ms); err != nil || len(done) != 0 {
		t.Errorf("applyMigrations again = %v, %v; want nothing applied", done, err)
	}
	if v, _ := s.DataVersion(ctx); v != after+1 {
		t.Errorf("data version %d after migrating again, want %d", v, after+1)
	}
}

// TestScanPlansFollowIDIndex checks that the full scans walk each table's
// primary-key index in id order (no temporary b-tree sorting the whole
// table) and read themes and facilitators through their primary keys.
func TestScanPlansFollowIDIndex(t *testing.T) {
	s := mustOpenFile(t, filepath.Join(t.TempDir(), "c2c.db"))
	for _, pl := range []struct{ name, stmt string }{
		{"ScanActors", scanActorsSQL},
		{"ScanExchanges", scanExchangesSQL},
		{"ScanMemberships", scanMembershipsSQL},
	} {
		plan, err := explainQueryPlan(t.Context(), s, pl.stmt)
		if err != nil {
			t.Fatalf("%s: explain: %v", pl.name, err)
		}
		t.Logf("%s: %q", pl.name, plan)
		joined := strings.Join(plan, "\n")
		if strings.Contains(joined, "TEMP B-TREE") {
			t.Errorf("%s: plan sorts in a temporary b-tree:\n%s", pl.name, joined)
		}
		if !strings.Contains(joined, "USING INDEX sqlite_autoindex_") && !strings.Contains(joined, "USING PRIMARY KEY") {
			t.Errorf("%s: plan does not walk the primary-key index:\n%s", pl.name, joined)
		}
	}
}

// explainQueryPlan returns the detail lines of SQLite's plan for stmt.
func explainQueryPlan(ctx context.Context, s *Store, stmt string) ([]string, error) {
	rows, err := s.reader.QueryContext(ctx, "EXPLAIN QUERY PLAN "+stmt)
	if err != nil {
		return nil, err
	}
	defer func() { _ = rows.Close() }()
	var plan []string
	for rows.Next() {
		var id, parent, unused int
		var detail string
		if err := rows.Scan(&id, &parent, &unused, &detail); err != nil {
			return nil, err
		}
		plan = append(plan, detail)
	}
	return plan, rows.Err()
}
