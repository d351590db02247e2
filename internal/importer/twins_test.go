package importer_test

import (
	"context"
	"encoding/csv"
	"errors"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/c2c-project/c2c/internal/c2c"
	"github.com/c2c-project/c2c/internal/importer"
)

// mustSeedTwinActors stores the two cities the fixture's first rows must
// resolve to: São Paulo (with an alias) and eThekwini, known as Durban.
func mustSeedTwinActors(t *testing.T, st c2c.Store) {
	t.Helper()
	_, err := st.Import(context.Background(), c2c.Batch{Actors: []c2c.Actor{
		{ID: "sao-paulo", Kind: c2c.ActorCity, Name: "São Paulo", AltNames: []string{"Sampa"}, Country: "BR",
			Coords: &c2c.Coordinates{Lat: -23.5505, Lon: -46.6333}},
		{ID: "ethekwini", Kind: c2c.ActorCity, Name: "eThekwini", AltNames: []string{"Durban"}, Country: "ZA",
			Coords: &c2c.Coordinates{Lat: -29.8579, Lon: 31.0292}},
	}})
	if err != nil {
		t.Fatalf("seed: %v", err)
	}
}

func TestTwinTownsFixture(t *testing.T) {
	st := mustStore(t)
	mustSeedTwinActors(t, st)
	ctx := context.Background()
	path := filepath.Join("testdata", "twins.csv")
	rep, err := importer.ImportFile(ctx, st, path, importer.Options{})
	if err != nil {
		t.Fatalf("lenient twin import: %v", err)
	}
	if got, want := rep.Type, importer.TypeTwinTowns; got != want {
		t.Errorf("type = %q, want %q", got, want)
	}
	type lc struct {
		Line  int
		Field string
		Code  string
	}
	var got []lc
	for _, r := range rep.Rejected {
		got = append(got, lc{r.Line, r.Field, r.Code})
	}
	want := []lc{
		{8, "country2", importer.CodeUnknownCountry},
		{9, "city1", importer.CodeEmptyName},
		{10, "city2", importer.CodeBadName},
		{11, "country2", importer.CodeEmptyCountry},
		{13, "city2", importer.CodeSameCity},
		{14, "lat2", importer.CodeBadCoordinates},
	}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("rejections (-want +got):\n%s", d)
	}
	wantTwins := importer.TwinReport{Pairs: 5, ListedBothWays: 1, DuplicateRows: 1, CitiesMatched: 2, CitiesCreated: 6}
	if d := cmp.Diff(wantTwins, *rep.Twins); d != "" {
		t.Errorf("twin counts (-want +got):\n%s", d)
	}
	if got, want := rep.Rows, dataRows(t, "twins.csv"); got != want {
		t.Errorf("rows = %d, want %d", got, want)
	}
	if got, want := rep.Accepted, rep.Rows-len(want); got != want {
		t.Errorf("accepted = %d, want %d", got, want)
	}

	// The pair listed three times (both ways, once repeated) is one mutual
	// exchange between the existing actors, found through accent and alias.
	xs, err := st.ExchangesByIDs(ctx, []string{
		"twin-ethekwini--sao-paulo", "twin-de-munster--pl-lublin", "twin-de-munster--il-rishon-lezion",
		"twin-de-munster-2--pl-lublin", "twin-bg-varna--de-rostock",
	})
	if err != nil {
		t.Fatal(err)
	}
	for i, x := range xs {
		if x == nil {
			t.Errorf("exchange %d of the expected pairs is missing", i)
			continue
		}
		if x.Directed || x.Kind != c2c.KindTwinning || !cmp.Equal(x.Themes, []string{"friendship"}) || x.Start != nil {
			t.Errorf("exchange %s = %+v, want a mutual undated friendship twinning", x.ID, x)
		}
	}
	if xs[0] != nil && xs[0].Summary != "Twin towns (sister cities), listed from both sides." {
		t.Errorf("merged pair summary = %q", xs[0].Summary)
	}

	// Two Münsters 230 km apart are two cities; Rostock's country came from
	// its name.
	as, err := st.ActorsByIDs(ctx, []string{"de-munster", "de-munster-2", "de-rostock", "pl-krakow"})
	if err != nil {
		t.Fatal(err)
	}
	if as[0] == nil || as[1] == nil || as[0].Name != "Münster" {
		t.Errorf("Münster cities = %v, %v", as[0], as[1])
	}
	if as[2] == nil || as[2].Name != "Rostock" || as[2].Country != "DE" {
		t.Errorf("Rostock = %+v, want a German city named Rostock", as[2])
	}
	if as[3] != nil {
		t.Errorf("Kraków appears only in rejected rows but was created: %+v", as[3])
	}

	again, err := importer.ImportFile(ctx, st, path, importer.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if d := cmp.Diff(c2c.ImportResult{Unchanged: wantTwins.Pairs}, *again.Result); d != "" {
		t.Errorf("second import (-want +got):\n%s", d)
	}
	if got, want := again.Twins.CitiesMatched, wantTwins.CitiesMatched+wantTwins.CitiesCreated; got != want {
		t.Errorf("second import matched %d cities, want %d", got, want)
	}
}

func TestTwinTownsStrict(t *testing.T) {
	st := mustStore(t)
	mustSeedTwinActors(t, st)
	rep, err := importer.ImportFile(context.Background(), st, filepath.Join("testdata", "twins.csv"), importer.Options{Strict: true})
	if !errors.Is(err, importer.ErrRejected) {
		t.Fatalf("strict import err = %v, want ErrRejected", err)
	}
	if rep.Written || len(rep.Rejected) != 6 {
		t.Errorf("written %v with %d rejections; want nothing written, 6 rejections", rep.Written, len(rep.Rejected))
	}
	as, _ := st.ActorsByIDs(context.Background(), []string{"pl-lublin"})
	if as[0] != nil {
		t.Error("a strict import with rejections created a city")
	}
}

// TestTwinTownsFullSample imports the real, messy twin-town list into a
// fresh store and checks its counts against the store and the file.
func TestTwinTownsFullSample(t *testing.T) {
	if testing.Short() {
		t.Skip("imports 26k rows; skipped in -short mode")
	}
	if raceEnabled {
		t.Skip("imports 26k rows, which takes minutes under the race detector; run without -race")
	}
	path := filepath.Join(mustSharedDir(t), "samples", "twin-towns-wikipedia.csv")
	st := mustStore(t)
	ctx := context.Background()
	newThemes := 1
	ts, err := st.Themes(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, th := range ts {
		if th.ID == "friendship" {
			newThemes = 0
		}
	}
	rep, err := importer.ImportFile(ctx, st, path, importer.Options{})
	if err != nil {
		t.Fatalf("import: %v", err)
	}
	tw := rep.Twins
	byCode := rep.RejectedByCode()
	codes := make([]string, 0, len(byCode))
	for c := range byCode {
		codes = append(codes, c)
	}
	sort.Strings(codes)
	t.Logf("rows %d, accepted %d, rejected rows %d", rep.Rows, rep.Accepted, rep.RejectedRows())
	for _, c := range codes {
		t.Logf("  rejected %-16s %d", c, byCode[c])
	}
	t.Logf("pairs %d (listed both ways %d, duplicate rows %d), cities created %d, matched %d",
		tw.Pairs, tw.ListedBothWays, tw.DuplicateRows, tw.CitiesCreated, tw.CitiesMatched)
	for _, r := range rep.Rejected {
		t.Logf("  %s", r)
	}

	if got, want := rep.Rows, csvRows(t, path); got != want {
		t.Errorf("rows = %d, want %d", got, want)
	}
	if got, want := rep.Accepted+rep.RejectedRows(), rep.Rows; got != want {
		t.Errorf("accepted %d + rejected %d != rows %d", rep.Accepted, rep.RejectedRows(), want)
	}
	if got, want := tw.Pairs+tw.ListedBothWays+tw.DuplicateRows, rep.Accepted; got != want {
		t.Errorf("pairs + both-ways + duplicates = %d, want accepted %d", got, want)
	}
	if got, want := rep.Result.Created, tw.Pairs+tw.CitiesCreated+newThemes; got != want {
		t.Errorf("created = %d, want pairs + cities + the friendship theme if new = %d", got, want)
	}
	// The store holds exactly the pairs and cities reported.
	sub, err := st.Edges(ctx, c2c.ExchangeFilter{Kinds: []c2c.ExchangeKind{c2c.KindTwinning}})
	if err != nil {
		t.Fatal(err)
	}
	if got, want := len(sub.Edges), tw.Pairs; got != want {
		t.Errorf("stored twinnings = %d, want %d", got, want)
	}
	if got, want := len(sub.Nodes), tw.CitiesCreated; got != want {
		t.Errorf("cities at their ends = %d, want %d", got, want)
	}

	again, err := importer.ImportFile(ctx, st, path, importer.Options{})
	if err != nil {
		t.Fatalf("re-import: %v", err)
	}
	if d := cmp.Diff(c2c.ImportResult{Unchanged: tw.Pairs}, *again.Result); d != "" {
		t.Errorf("re-import changed the store (-want +got):\n%s", d)
	}
	if got, want := again.Twins.CitiesCreated, 0; got != want {
		t.Errorf("re-import created %d cities", got)
	}
}

// csvRows counts the records of a CSV file after its header.
func csvRows(t *testing.T, path string) int {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	recs, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	return len(recs) - 1
}

// mustSharedDir returns the shared reference folder beside the repository
// root, skipping the test when it is absent.
func mustSharedDir(t *testing.T) string {
	t.Helper()
	dir, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			break
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			t.Skip("go.mod not found above the test directory; cannot locate ../shared")
		}
		dir = parent
	}
	shared := filepath.Join(filepath.Dir(dir), "shared")
	if _, err := os.Stat(shared); err != nil {
		t.Skipf("shared reference folder %s is absent; skipping", shared)
	}
	return shared
}

func TestTwinTownsNewCityAvoidsTakenID(t *testing.T) {
	st := mustStore(t)
	ctx := context.Background()
	// An organisation holds the id a new Berlin would get.
	if _, err := st.Import(ctx, c2c.Batch{Actors: []c2c.Actor{
		{ID: "de-berlin", Kind: c2c.ActorOrganisation, Name: "Berlin Partner Network", OrgType: c2c.OrgNetwork},
	}}); err != nil {
		t.Fatal(err)
	}
	src := "city1,country1,city2,country2\nBerlin,Germany,Paris,France\n"
	rep, err := importer.Import(ctx, st, strings.NewReader(src), "pairs.csv", importer.Options{Type: importer.TypeTwinTowns})
	if err != nil {
		t.Fatalf("import: %v (%v)", err, rep.Rejected)
	}
	xs, err := st.ExchangesByIDs(ctx, []string{"twin-de-berlin-2--fr-paris"})
	if err != nil {
		t.Fatal(err)
	}
	if xs[0] == nil {
		t.Fatalf("no twinning between de-berlin-2 and fr-paris; report %+v", rep.Twins)
	}
	as, err := st.ActorsByIDs(ctx, []string{"de-berlin"})
	if err != nil {
		t.Fatal(err)
	}
	if got, want := as[0].Kind, c2c.ActorOrganisation; got != want {
		t.Errorf("the organisation holding de-berlin became a %s", got)
	}
}
