package neo4jstore

import (
	"bytes"
	"context"
	"fmt"
	"log/slog"
	"maps"
	"math/rand/v2"
	"net"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"
	"unsafe"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"
	"github.com/neo4j/neo4j-go-driver/v5/neo4j/db"

	"github.com/c2c-project/c2c/internal/c2c"
	"github.com/c2c-project/c2c/internal/store/storetest"
)

func TestConfig(t *testing.T) {
	env := map[string]string{"NEO4J_URI": " neo4j+s://db.example.org ", "NEO4J_USERNAME": "u", "NEO4J_PASSWORD": "p"}
	cfg := ConfigFromEnv(func(k string) string { return env[k] })
	if got, want := cfg.URI, "neo4j+s://db.example.org"; got != want {
		t.Errorf("URI = %q, want %q", got, want)
	}
	if got, want := cfg.Username+"/"+cfg.Password, "u/p"; got != want {
		t.Errorf("credentials = %q, want %q", got, want)
	}
	full, err := cfg.withDefaults()
	if err != nil {
		t.Fatalf("withDefaults: %v", err)
	}
	if got, want := full.Database, DefaultDatabase; got != want {
		t.Errorf("Database = %q, want %q", got, want)
	}
	if got, want := full.AcquireTimeout, DefaultAcquireTimeout; got != want {
		t.Errorf("AcquireTimeout = %v, want %v", got, want)
	}
	for _, tc := range []struct {
		uri string
		ok  bool
	}{
		{"bolt://127.0.0.1:7687", true},
		{"bolt+s://db.example.org:7687", true},
		{"neo4j://db.example.org", true},
		{"neo4j+s://db.example.org", true},
		{"http://127.0.0.1:7474", false},
		{"bolt+ssc://127.0.0.1:7687", false},
		{"127.0.0.1:7687", false},
		{"", false},
	} {
		_, err := Config{URI: tc.uri}.withDefaults()
		if tc.ok && err != nil {
			t.Errorf("URI %q: unexpected error %v", tc.uri, err)
		}
		if !tc.ok {
			if got, want := c2c.KindOf(err), c2c.KindInvalid; got != want {
				t.Errorf("URI %q: error kind %v (%v), want %v", tc.uri, got, err, want)
			}
		}
	}
}

// syncBuffer is a log sink safe for the driver's goroutines.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// mustFreePort returns a loopback port nothing listens on.
func mustFreePort(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatalf("listen: %v", err)
	}
	addr := l.Addr().String()
	if err := l.Close(); err != nil {
		t.Fatalf("close listener: %v", err)
	}
	return addr
}

func TestOpenRetriesUntilDeadline(t *testing.T) {
	var logs syncBuffer
	logger := slog.New(slog.NewTextHandler(&logs, nil))
	const wait = 2 * time.Second
	ctx, cancel := context.WithTimeout(context.Background(), wait)
	defer cancel()
	start := time.Now()
	s, err := Open(ctx, Config{URI: "bolt://" + mustFreePort(t), AcquireTimeout: time.Second, ConnectTimeout: time.Second}, logger)
	elapsed := time.Since(start)
	if err == nil {
		_ = s.Close()
		t.Fatal("Open succeeded with nothing listening")
	}
	if got, want := c2c.KindOf(err), c2c.KindUnavailable; got != want {
		t.Fatalf("Open error kind = %v (%v), want %v", got, err, want)
	}
	if elapsed < wait-200*time.Millisecond || elapsed > wait+3*time.Second {
		t.Errorf("Open gave up after %v, want about the context's %v", elapsed, wait)
	}
	if got := strings.Count(logs.String(), "retrying"); got < 3 {
		t.Errorf("Open logged %d retries in %v, want at least 3 (backoff from 100ms):\n%s", got, wait, logs.String())
	}
	if !strings.Contains(logs.String(), "giving up") {
		t.Errorf("Open did not log that it gave up:\n%s", logs.String())
	}
}

func TestMigrateIdempotent(t *testing.T) {
	s := mustOpen(t)
	ctx := t.Context()
	schema := func() (constraints, indexes []string) {
		t.Helper()
		recs, err := s.read(ctx, "constraints", `SHOW CONSTRAINTS YIELD name RETURN name ORDER BY name`, nil)
		if err != nil {
			t.Fatalf("show constraints: %v", err)
		}
		for _, r := range recs {
			constraints = append(constraints, r.Values[0].(string))
		}
		recs, err = s.read(ctx, "indexes", `SHOW INDEXES YIELD name, state RETURN name, state ORDER BY name`, nil)
		if err != nil {
			t.Fatalf("show indexes: %v", err)
		}
		for _, r := range recs {
			indexes = append(indexes, r.Values[0].(string)+":"+r.Values[1].(string))
		}
		return constraints, indexes
	}
	versions := func() []int64 {
		t.Helper()
		recs, err := s.read(ctx, "versions", appliedMigrations, nil)
		if err != nil {
			t.Fatalf("read versions: %v", err)
		}
		var out []int64
		for _, r := range recs {
			out = append(out, r.Values[0].(int64))
		}
		return out
	}
	c1, i1 := schema()
	v1 := versions()
	if got, want := len(v1), len(migrations); got != want {
		t.Fatalf("recorded versions %v, want %d of them", v1, want)
	}
	if got, want := v1[len(v1)-1], int64(LatestMigration()); got != want {
		t.Errorf("latest recorded version %d, want %d", got, want)
	}
	for _, name := range []string{"actor_id", "theme_id", "exchange_id", "member_of_id"} {
		if !contains(c1, name) {
			t.Errorf("constraint %s missing from %v", name, c1)
		}
	}
	for _, ix := range i1 {
		if !strings.HasSuffix(ix, ":ONLINE") {
			t.Errorf("index %s is not online", ix)
		}
	}

	// Applying again, and applying every migration again as if none had
	// been recorded, changes nothing.
	if err := s.Migrate(ctx); err != nil {
		t.Fatalf("second Migrate: %v", err)
	}
	if _, err := s.read(ctx, "forget", `MATCH (m:C2CMigration) WHERE m.version > 1 RETURN count(m)`, nil); err != nil {
		t.Fatalf("count: %v", err)
	}
	if err := s.exec(ctx, "forget", `MATCH (m:C2CMigration) DELETE m`, nil); err != nil {
		t.Fatalf("forget migrations: %v", err)
	}
	if err := s.Migrate(ctx); err != nil {
		t.Fatalf("Migrate after forgetting: %v", err)
	}
	c2, i2 := schema()
	if strings.Join(c1, ",") != strings.Join(c2, ",") || strings.Join(i1, ",") != strings.Join(i2, ",") {
		t.Errorf("schema changed on re-applying migrations:\nbefore %v %v\nafter  %v %v", c1, i1, c2, i2)
	}
	if got, want := len(versions()), len(migrations); got != want {
		t.Errorf("recorded %d versions after re-applying, want %d", got, want)
	}
	themes, err := s.Themes(ctx)
	if err != nil {
		t.Fatalf("themes: %v", err)
	}
	have := map[string]bool{}
	for _, th := range themes {
		have[th.ID] = true
	}
	for _, th := range c2c.DefaultThemes {
		if !have[th.ID] {
			t.Errorf("default theme %s missing", th.ID)
		}
	}
}

func contains(xs []string, x string) bool {
	for _, y := range xs {
		if y == x {
			return true
		}
	}
	return false
}

// planOperators returns the operator names of the plan EXPLAIN gives for
// query.
func planOperators(t *testing.T, s *Store, query string, params map[string]any) []string {
	t.Helper()
	ctx := t.Context()
	res, err := neo4j.ExecuteQuery(ctx, s.driver, "EXPLAIN "+query, params, neo4j.EagerResultTransformer,
		neo4j.ExecuteQueryWithDatabase(s.cfg.Database), neo4j.ExecuteQueryWithReadersRouting())
	if err != nil {
		t.Fatalf("explain: %v\n%s", err, query)
	}
	var ops []string
	var walk func(p *db.Plan)
	walk = func(p *db.Plan) {
		op, _, _ := strings.Cut(p.Operator, "@")
		op, _, _ = strings.Cut(op, "(") // NodeUniqueIndexSeek(Locking)
		ops = append(ops, op)
		for i := range p.Children {
			walk(&p.Children[i])
		}
	}
	walk(rawPlan(res.Summary.Plan()))
	return ops
}

// rawPlan returns the driver's own tree behind p. Plan.Children in driver
// v5.28 takes the address of its loop variable (the module targets Go
// 1.18), so every child it returns is the last one; the tree underneath is
// right.
func rawPlan(p neo4j.Plan) *db.Plan {
	v := reflect.ValueOf(p).Elem().Field(0)
	return (*db.Plan)(unsafe.Pointer(v.Pointer()))
}

func TestQueryPlansUseIndexes(t *testing.T) {
	s := mustFresh(t)
	// Enough data that the planner has statistics to weigh.
	if _, err := s.Import(t.Context(), storetest.GenerateBatch(7, 300, 900)); err != nil {
		t.Fatalf("import: %v", err)
	}
	// Plan with fresh index statistics: right after a wipe the samples
	// still describe the old data.
	if err := s.exec(t.Context(), "replan", `CALL db.prepareForReplanning(60000)`, nil); err != nil {
		t.Fatalf("prepare for replanning: %v", err)
	}
	exchangeParams := func(f c2c.ExchangeFilter) (string, map[string]any) {
		anchor, p := exchangeFilterParams(f)
		p["aid"], p["ak"], p["limit"] = nil, nil, int64(21)
		return anchor, p
	}
	actorParams := func(f c2c.ActorFilter) (string, map[string]any) {
		anchor, p := actorFilterParams(f)
		p["aid"], p["ak"], p["limit"] = nil, nil, int64(21)
		return anchor, p
	}
	type plan struct {
		name   string
		query  string
		params map[string]any
		want   []string // one of these operators must appear
	}
	var plans []plan
	add := func(name, query string, params map[string]any, want ...string) {
		plans = append(plans, plan{name, query, params, want})
	}
	ids := map[string]any{"ids": []any{"a", "b"}}
	add("ActorsByIDs", actorsByIDs, ids, "NodeUniqueIndexSeek")
	add("ExchangesByIDs", exchangesByIDs, ids, "DirectedRelationshipUniqueIndexSeek", "UndirectedRelationshipUniqueIndexSeek")
	add("MembershipsByIDs", membershipsByIDs, ids, "DirectedRelationshipUniqueIndexSeek", "UndirectedRelationshipUniqueIndexSeek")
	add("CitiesByRegions", citiesByRegions, ids, "NodeUniqueIndexSeek")
	add("MembershipsByActors", membershipsByActors, ids, "NodeUniqueIndexSeek")
	add("MembersByOrganisations", membersByOrganisations, ids, "NodeUniqueIndexSeek")
	add("Import: read exchanges", importReadExchanges, ids, "DirectedRelationshipUniqueIndexSeek", "UndirectedRelationshipUniqueIndexSeek")
	add("Import: read memberships", importReadMemberships, ids, "DirectedRelationshipUniqueIndexSeek", "UndirectedRelationshipUniqueIndexSeek")
	add("Import: read actors", importReadActors, ids, "NodeUniqueIndexSeek")
	rows := map[string]any{"rows": []any{}}
	add("Import: exchanges", upsertExchanges, rows, "DirectedRelationshipUniqueIndexSeek", "UndirectedRelationshipUniqueIndexSeek")
	add("Import: memberships", upsertMemberships, rows, "DirectedRelationshipUniqueIndexSeek", "UndirectedRelationshipUniqueIndexSeek")
	add("Import: new exchanges", createExchanges, rows, "NodeUniqueIndexSeek")
	add("Import: new memberships", createMemberships, rows, "NodeUniqueIndexSeek")
	add("Import: actor nodes", importActorNodes, rows, "NodeUniqueIndexSeek")
	add("Import: actor regions", importActorRegions, rows, "NodeUniqueIndexSeek")
	add("Search", searchActors, map[string]any{"q": "sao", "limit": int64(10)}, "NodeIndexContainsScan")
	// The change log: the poll of the version is one seek of the meta
	// node; the changes after a version and the pruning are range seeks.
	add("DataVersion", dataVersionQuery, nil, "NodeUniqueIndexSeek")
	add("ChangesSince", changesSinceQuery, map[string]any{"since": int64(3), "limit": int64(10)}, "NodeUniqueIndexSeekByRange", "NodeIndexSeekByRange")
	changeLog := map[string]any{"clReset": false, "clKeep": int64(10000), "clActors": []any{"a"},
		"clExchanges": []any{}, "clMemberships": []any{}, "clThemes": false}
	add("Append a change", appendChangeQuery, changeLog, "NodeUniqueIndexSeekByRange", "NodeIndexSeekByRange")
	add("Amend a change", amendChangeQuery, changeLog, "NodeUniqueIndexSeekByRange", "NodeIndexSeekByRange")
	// Writes that check their references in the statement that writes
	// (and may carry the change log) seek every id they check.
	withLog := func(q string, p map[string]any) (string, map[string]any) {
		out := maps.Clone(p)
		maps.Copy(out, changeLog)
		return changeLogLast(q), out
	}
	xw := map[string]any{"id": "x", "source": "a", "target": "b", "facilitators": []any{"c"}, "themes": []any{"housing"}, "props": map[string]any{"id": "x"}}
	add("Create an exchange: ends", createExchange, xw, "NodeUniqueIndexSeek")
	add("Create an exchange: id taken", createExchange, xw, "DirectedRelationshipUniqueIndexSeek", "UndirectedRelationshipUniqueIndexSeek")
	add("Update an exchange: ends", updateExchange, xw, "NodeUniqueIndexSeek")
	add("Update an exchange: the old one", updateExchange, xw, "DirectedRelationshipUniqueIndexSeek", "UndirectedRelationshipUniqueIndexSeek")
	q, p := withLog(deleteExchange, map[string]any{"id": "x"})
	add("Delete an exchange", q, p, "DirectedRelationshipUniqueIndexSeek", "UndirectedRelationshipUniqueIndexSeek")
	add("Delete an exchange: the change log", q, p, "NodeIndexSeekByRange", "NodeUniqueIndexSeekByRange")
	mw := map[string]any{"id": "m", "actor": "a", "org": "o", "props": map[string]any{"id": "m"}}
	add("Create a membership: ends", createMembership, mw, "NodeUniqueIndexSeek")
	add("Create a membership: id taken", createMembership, mw, "DirectedRelationshipUniqueIndexSeek", "UndirectedRelationshipUniqueIndexSeek")
	add("Delete a membership", deleteMembership, map[string]any{"id": "m"}, "DirectedRelationshipUniqueIndexSeek", "UndirectedRelationshipUniqueIndexSeek")
	add("Create an actor", createActor, map[string]any{"id": "a", "regionId": "r", "rows": []any{}}, "NodeUniqueIndexSeek")

	a, p := actorParams(c2c.ActorFilter{Countries: []string{"BR", "ZA"}})
	add("Actors by country", a+actorWhere+actorsNameAsc, p, "NodeIndexSeek")
	a, p = actorParams(c2c.ActorFilter{South: &c2c.SouthFilter{Definition: c2c.DefG77, Status: c2c.StatusSouth}})
	add("Actors in the South", a+actorWhere+actorsIDAsc, p, "NodeIndexSeek")
	a, p = actorParams(c2c.ActorFilter{Kinds: []c2c.ActorKind{c2c.ActorRegion}})
	add("Actors by kind", a+actorWhere+actorsNameDesc, p, "NodeIndexSeek")
	a, p = actorParams(c2c.ActorFilter{Text: "durban"})
	add("Actors by text", a+actorWhere+actorsNameAsc, p, "NodeIndexContainsScan")

	x, p := exchangeParams(c2c.ExchangeFilter{ActorID: "a"})
	add("Exchanges of an actor", x+exchangeWhere+exchangesStartAsc, p, "NodeUniqueIndexSeek")
	x, p = exchangeParams(c2c.ExchangeFilter{Programme: "AL-LAS"})
	add("Exchanges by programme", x+exchangeWhere+exchangesStartDesc, p, "DirectedRelationshipIndexSeek", "UndirectedRelationshipIndexSeek")
	x, p = exchangeParams(c2c.ExchangeFilter{From: c2c.MustDate("2015"), To: c2c.MustDate("2016-06")})
	add("Exchanges in a window", x+exchangeWhere+exchangesStartAsc, p, "DirectedRelationshipIndexSeekByRange", "UndirectedRelationshipIndexSeekByRange")
	// Start-ordered pages in a window follow the start index and stop
	// early (PartialTop) instead of sorting the whole window.
	_, p = exchangeParams(c2c.ExchangeFilter{ThemesAny: []string{"housing"}, From: c2c.MustDate("1995"), To: c2c.MustDate("2005")})
	add("Exchanges in a window, oldest first", exchangeAnchorWindowByStart+exchangeWhere+exchangesWindowStartAsc, p, "DirectedRelationshipIndexSeekByRange", "UndirectedRelationshipIndexSeekByRange")
	add("Exchanges in a window, oldest first (early stop)", exchangeAnchorWindowByStart+exchangeWhere+exchangesWindowStartAsc, p, "PartialTop")
	add("Exchanges in a window, newest first", exchangeAnchorWindowByStart+exchangeWhere+exchangesWindowStartDesc, p, "DirectedRelationshipIndexSeekByRange", "UndirectedRelationshipIndexSeekByRange")
	add("Exchanges in a window, newest first (early stop)", exchangeAnchorWindowByStart+exchangeWhere+exchangesWindowStartDesc, p, "PartialTop")
	x, p = exchangeParams(c2c.ExchangeFilter{Kinds: []c2c.ExchangeKind{c2c.KindStudyVisit, c2c.KindTwinning}})
	add("Exchanges by kind", x+exchangeWhere+exchangesTitleAsc, p, "DirectedRelationshipIndexSeek", "UndirectedRelationshipIndexSeek")
	x, p = exchangeParams(c2c.ExchangeFilter{Text: "housing"})
	add("Exchanges by title", x+exchangeWhere+exchangesIDAsc, p, "DirectedRelationshipIndexContainsScan", "UndirectedRelationshipIndexContainsScan")
	x, p = exchangeParams(c2c.ExchangeFilter{Programme: "AL-LAS"})
	add("Count exchanges by programme", x+exchangeWhere+exchangesCount, p, "DirectedRelationshipIndexSeek", "UndirectedRelationshipIndexSeek")
	// Facets over everything scan every exchange: there is nothing to
	// anchor on. A window, a kind or an actor is an index seek.
	x, p = exchangeFacetsQuery(c2c.ExchangeFilter{From: c2c.MustDate("2015"), To: c2c.MustDate("2016-06")}, c2c.FacetKeys{Theme: true, Kind: true})
	add("Exchange facets in a window", x, p, "DirectedRelationshipIndexSeekByRange", "UndirectedRelationshipIndexSeekByRange")
	x, p = exchangeFacetsQuery(c2c.ExchangeFilter{Kinds: []c2c.ExchangeKind{c2c.KindTwinning}}, c2c.FacetKeys{SourceCountry: true, TargetCountry: true})
	add("Exchange facets by kind", x, p, "DirectedRelationshipIndexSeek", "UndirectedRelationshipIndexSeek")
	x, p = exchangeFacetsQuery(c2c.ExchangeFilter{ActorID: "a"}, c2c.FacetKeys{Year: true})
	add("Exchange facets of an actor", x, p, "NodeUniqueIndexSeek")

	_, p = exchangeFilterParams(c2c.ExchangeFilter{})
	p["ids"] = []any{"a"}
	p["limit"] = int64(10)
	add("ExchangesByActors", exchangesByActors, p, "NodeUniqueIndexSeek")
	add("ExchangesByActors, first 10", exchangesByActorsFirst, p, "NodeUniqueIndexSeek")
	add("PartnersByActors", partnersByActors, p, "NodeUniqueIndexSeek")
	add("PartnersByActors, first 10", partnersByActorsFirst, p, "NodeUniqueIndexSeek")
	add("Adjacent", adjacentRows, p, "NodeUniqueIndexSeek")
	_, p = exchangeFilterParams(c2c.ExchangeFilter{ThemesAny: []string{"housing"}, From: c2c.MustDate("2015"), To: c2c.MustDate("2020")})
	p["ids"] = []any{"a", "b"}
	add("Adjacent with a filter", adjacentRows, p, "NodeUniqueIndexSeek")
	p["limit"] = int64(3)
	add("ExchangesByActors with a filter, first 3", exchangesByActorsFirst, p, "NodeUniqueIndexSeek")
	add("PartnersByActors with a filter, first 3", partnersByActorsFirst, p, "NodeUniqueIndexSeek")
	_, p = exchangeFilterParams(c2c.ExchangeFilter{})
	p["frontier"], p["seen"], p["ids"] = []any{"a"}, []any{"a"}, []any{"a", "b"}
	add("Neighbourhood level", neighbourLevel, p, "NodeUniqueIndexSeek")
	add("Neighbourhood edges", edgesAmong, p, "NodeUniqueIndexSeek")

	scans := []string{"AllNodesScan", "NodeByLabelScan", "DirectedAllRelationshipsScan", "UndirectedAllRelationshipsScan",
		"DirectedRelationshipTypeScan", "UndirectedRelationshipTypeScan"}
	for _, pl := range plans {
		ops := planOperators(t, s, pl.query, pl.params)
		found := false
		for _, w := range pl.want {
			found = found || contains(ops, w)
		}
		if !found {
			t.Errorf("%s: plan %v uses none of %v", pl.name, ops, pl.want)
		}
		for _, sc := range scans {
			if contains(ops, sc) {
				t.Errorf("%s: plan %v scans (%s) though an index applies", pl.name, ops, sc)
			}
		}
	}
}

func TestImportLargeBatch(t *testing.T) {
	if testing.Short() {
		t.Skip("large import skipped in -short mode")
	}
	s := mustFresh(t)
	b := largeBatch(6000, 24000)
	n := len(b.Actors) + len(b.Exchanges) + len(b.Memberships) + len(b.Themes)
	start := time.Now()
	res, err := s.Import(t.Context(), b)
	if err != nil {
		t.Fatalf("import: %v", err)
	}
	t.Logf("imported %d items in %v", n, time.Since(start).Round(time.Millisecond))
	if got, want := res.Created+res.Updated+res.Unchanged, n; got != want {
		t.Errorf("import counted %d items, want %d", got, want)
	}
	page, err := s.Exchanges(t.Context(), c2c.ExchangeQuery{First: 1, WantTotal: true})
	if err != nil {
		t.Fatalf("exchanges: %v", err)
	}
	if got, want := page.TotalCount, len(b.Exchanges); got != want {
		t.Errorf("TotalCount after import = %d, want %d", got, want)
	}
	// The same batch again changes nothing.
	res, err = s.Import(t.Context(), b)
	if err != nil {
		t.Fatalf("second import: %v", err)
	}
	if got, want := res.Unchanged, n; got != want {
		t.Errorf("second import: %d unchanged, want %d (%+v)", got, want, *res)
	}
}

// largeBatch returns a batch of cities in known countries and exchanges
// between them, drawn from a fixed seed (the conformance suite's generator
// aims at realism, not size).
func largeBatch(actors, exchanges int) c2c.Batch {
	r := rand.New(rand.NewPCG(11, 13))
	countries := []string{"BR", "ZA", "MZ", "FR", "ES", "MA", "IN", "DE", "AR", "KE"}
	var b c2c.Batch
	for i := range actors {
		b.Actors = append(b.Actors, c2c.Actor{
			ID: fmt.Sprintf("city-%05d", i), Kind: c2c.ActorCity,
			Name: fmt.Sprintf("Cidade %d", i), Country: countries[r.IntN(len(countries))],
			AltNames: []string{fmt.Sprintf("City %d", i)},
		})
	}
	themes := c2c.DefaultThemes
	for i := range exchanges {
		src, dst := r.IntN(actors), r.IntN(actors-1)
		if dst >= src {
			dst++
		}
		start := c2c.MustDate(fmt.Sprintf("%04d-%02d", 1990+r.IntN(35), 1+r.IntN(12)))
		b.Exchanges = append(b.Exchanges, c2c.Exchange{
			ID: fmt.Sprintf("x-%06d", i), SourceID: b.Actors[src].ID, TargetID: b.Actors[dst].ID,
			Title: fmt.Sprintf("Exchange %d", i), Kind: c2c.ExchangeKinds[r.IntN(len(c2c.ExchangeKinds))],
			Themes: []string{themes[r.IntN(len(themes))].ID}, Start: start, Directed: r.IntN(2) == 0,
		})
	}
	return b
}

// TestScanPlansFollowIDIndex checks that the full scans read the range
// indexes behind the id constraints in their order: no Sort of the whole
// table before the first row goes out.
func TestScanPlansFollowIDIndex(t *testing.T) {
	s := mustFresh(t)
	if _, err := s.Import(t.Context(), storetest.GenerateBatch(7, 300, 900)); err != nil {
		t.Fatalf("import: %v", err)
	}
	if err := s.exec(t.Context(), "replan", `CALL db.prepareForReplanning(60000)`, nil); err != nil {
		t.Fatalf("prepare for replanning: %v", err)
	}
	for _, pl := range []struct {
		name, query string
		want        []string // one of these must appear
	}{
		{"ScanActors", scanActorsQuery, []string{"NodeIndexScan"}},
		{"ScanExchanges", scanExchangesQuery, []string{"DirectedRelationshipIndexScan", "UndirectedRelationshipIndexScan"}},
		{"ScanMemberships", scanMembershipsQuery, []string{"DirectedRelationshipIndexScan", "UndirectedRelationshipIndexScan"}},
	} {
		ops := planOperators(t, s, pl.query, nil)
		t.Logf("%s: %v", pl.name, ops)
		found := false
		for _, w := range pl.want {
			found = found || contains(ops, w)
		}
		if !found {
			t.Errorf("%s: plan %v uses none of %v", pl.name, ops, pl.want)
		}
		for _, op := range []string{"Sort", "PartialSort", "Top", "PartialTop"} {
			if contains(ops, op) {
				t.Errorf("%s: plan %v sorts (%s) instead of following the id index", pl.name, ops, op)
			}
		}
	}
}
