package importer_test

import (
	"bufio"
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/c2c-project/c2c/internal/c2c"
	"github.com/c2c-project/c2c/internal/importer"
	"github.com/c2c-project/c2c/internal/store/sqlitestore"
)

func mustStore(t *testing.T) *sqlitestore.Store {
	t.Helper()
	st, err := sqlitestore.Open(context.Background(), filepath.Join(t.TempDir(), "c2c.db"))
	if err != nil {
		t.Fatalf("open store: %v", err)
	}
	t.Cleanup(func() { st.Close() })
	return st
}

// mustImport imports a testdata file and fails unless it imports cleanly.
func mustImport(t *testing.T, st c2c.Store, name string) *importer.Report {
	t.Helper()
	rep, err := importer.ImportFile(context.Background(), st, filepath.Join("testdata", name), importer.Options{})
	if err != nil {
		t.Fatalf("import %s: %v (rejections %v)", name, err, rep.Rejected)
	}
	return rep
}

// dataRows counts the non-blank lines of a testdata file after the header
// (CSV) or all of them (JSON Lines): the rows an import should read.
func dataRows(t *testing.T, name string) int {
	t.Helper()
	f, err := os.Open(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	n := 0
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if strings.TrimSpace(sc.Text()) != "" {
			n++
		}
	}
	if strings.HasSuffix(name, ".csv") {
		n--
	}
	return n
}

var goodFiles = []string{"actors.csv", "actors.jsonl", "exchanges.csv", "exchanges.jsonl", "memberships.csv", "memberships.jsonl"}

func TestImportGoodFiles(t *testing.T) {
	st := mustStore(t)
	wantType := map[string]importer.RecordType{
		"actors": importer.TypeActors, "exchanges": importer.TypeExchanges, "memberships": importer.TypeMemberships,
	}
	for _, name := range goodFiles {
		rep := mustImport(t, st, name)
		rows := dataRows(t, name)
		if got, want := rep.Rows, rows; got != want {
			t.Errorf("%s: rows = %d, want %d", name, got, want)
		}
		if got, want := rep.Accepted, rows; got != want {
			t.Errorf("%s: accepted = %d, want %d", name, got, want)
		}
		if len(rep.Rejected) != 0 || !rep.Written {
			t.Errorf("%s: rejected %v, written %v", name, rep.Rejected, rep.Written)
		}
		if got, want := rep.Result.Created, rows; got != want {
			t.Errorf("%s: created = %d, want %d", name, got, want)
		}
		if got, want := rep.Type, wantType[strings.TrimSuffix(strings.TrimSuffix(name, ".csv"), ".jsonl")]; got != want {
			t.Errorf("%s: type = %q, want %q", name, got, want)
		}
	}

	ctx := context.Background()
	as, err := st.ActorsByIDs(ctx, []string{"jhb", "assoc", "maputo", "porto-alegre"})
	if err != nil {
		t.Fatal(err)
	}
	wantJHB := &c2c.Actor{ID: "jhb", Kind: c2c.ActorCity, Name: "Johannesburg", AltNames: []string{"Joburg", "Jozi"},
		Country: "ZA", Coords: &c2c.Coordinates{Lat: -26.2041, Lon: 28.0473}, RegionID: "gauteng",
		WikidataID: "Q34647", GeoNamesID: 993800}
	if d := cmp.Diff(wantJHB, as[0]); d != "" {
		t.Errorf("jhb (-want +got):\n%s", d)
	}
	if got, want := as[1].Kind, c2c.ActorOrganisation; got != want {
		t.Errorf("ORGANIZATION spelling: kind = %q, want %q", got, want)
	}
	if got, want := as[2].AltNames, []string{"Lourenço Marques"}; !cmp.Equal(got, want) {
		t.Errorf("maputo alt names = %q, want %q", got, want)
	}
	if got, want := as[3].Summary, "Capital of Rio Grande do Sul, Brazil."; got != want {
		t.Errorf("quoted summary = %q, want %q", got, want)
	}

	xs, err := st.ExchangesByIDs(ctx, []string{"x-visit", "x-twin", "x-ministry", "x-maputo"})
	if err != nil {
		t.Fatal(err)
	}
	visit := xs[0]
	if got, want := c2c.DateString(visit.Start)+".."+c2c.DateString(visit.End), "2014-06..2014-06-05"; got != want {
		t.Errorf("x-visit dates = %s, want %s", got, want)
	}
	if !visit.Directed || visit.Kind != c2c.KindStudyVisit || visit.Programme != "AL-LAS" {
		t.Errorf("x-visit = %+v", visit)
	}
	if got, want := visit.Themes, []string{"housing", "participatory-democracy"}; !cmp.Equal(got, want) {
		t.Errorf("x-visit themes = %q, want %q", got, want)
	}
	if got, want := xs[1].SourceID+"->"+xs[1].TargetID, "jhb->porto-alegre"; got != want {
		t.Errorf("mutual exchange ends = %s, want %s (id order)", got, want)
	}
	if got, want := xs[2].Themes, []string{"cadastre", "municipal-finance"}; !cmp.Equal(got, want) {
		t.Errorf("JSON themes given as text = %q, want %q", got, want)
	}
	if got, want := xs[3].Facilitators, []string{"assoc", "net"}; !cmp.Equal(got, want) {
		t.Errorf("facilitators = %q, want %q", got, want)
	}

	ms, err := st.MembershipsByIDs(ctx, []string{"m-poa-net"})
	if err != nil {
		t.Fatal(err)
	}
	if got, want := c2c.DateString(ms[0].Since)+".."+c2c.DateString(ms[0].Until), "2004-05..2019-12-31"; got != want {
		t.Errorf("membership dates = %s, want %s", got, want)
	}
}

func TestImportTwiceChangesNothing(t *testing.T) {
	st := mustStore(t)
	for _, name := range goodFiles {
		mustImport(t, st, name)
	}
	for _, name := range goodFiles {
		rep := mustImport(t, st, name)
		want := c2c.ImportResult{Unchanged: dataRows(t, name)}
		if d := cmp.Diff(want, *rep.Result); d != "" {
			t.Errorf("second import of %s (-want +got):\n%s", name, d)
		}
	}
}

func TestImportRejectsEveryBadRowAndWritesNothing(t *testing.T) {
	st := mustStore(t)
	mustImport(t, st, "actors.csv")
	rep, err := importer.ImportFile(context.Background(), st, filepath.Join("testdata", "exchanges_3bad.csv"), importer.Options{})
	if !errors.Is(err, importer.ErrRejected) || c2c.KindOf(err) != c2c.KindInvalid {
		t.Fatalf("err = %v, want a KindInvalid error wrapping ErrRejected", err)
	}
	type lf struct {
		Line  int
		Field string
		Code  string
	}
	var got []lf
	for _, r := range rep.Rejected {
		got = append(got, lf{r.Line, r.Field, r.Code})
		if r.Reason == "" {
			t.Errorf("rejection %+v has no reason", r)
		}
	}
	want := []lf{{3, "start", importer.CodeInvalid}, {5, "target", importer.CodeMissingRef}, {6, "themes", importer.CodeUnknownTheme}}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("rejections (-want +got):\n%s", d)
	}
	if rep.Written || rep.Rows != 5 || rep.Accepted != 2 {
		t.Errorf("written %v, rows %d, accepted %d; want false, 5, 2", rep.Written, rep.Rows, rep.Accepted)
	}
	xs, err := st.ExchangesByIDs(context.Background(), []string{"ok-1", "ok-2"})
	if err != nil {
		t.Fatal(err)
	}
	if xs[0] != nil || xs[1] != nil {
		t.Errorf("good rows of a rejected file were written: %v, %v", xs[0], xs[1])
	}
}

func TestImportMapsStoreItemErrorsToLines(t *testing.T) {
	st := mustStore(t)
	mustImport(t, st, "actors.csv")
	// "gauteng" is stored as a REGION; a file that makes it a CITY asks for
	// a change of kind, which only the store refuses.
	src := "id,kind,name,country\nfine,CITY,Fine,ZA\ngauteng,CITY,Gauteng,ZA\n"
	rep, err := importer.Import(context.Background(), st, strings.NewReader(src), "actors.csv", importer.Options{})
	if !errors.Is(err, importer.ErrRejected) {
		t.Fatalf("err = %v, want ErrRejected", err)
	}
	want := []importer.Rejection{{Line: 3, Field: "kind", Code: importer.CodeStore}}
	if d := cmp.Diff(want, rep.Rejected, cmpopts.IgnoreFields(importer.Rejection{}, "Reason")); d != "" {
		t.Errorf("rejections (-want +got):\n%s", d)
	}
	as, _ := st.ActorsByIDs(context.Background(), []string{"fine"})
	if as[0] != nil {
		t.Errorf("the good row of a refused file was written")
	}
}

func TestMalformedFiles(t *testing.T) {
	st := mustStore(t)
	mustImport(t, st, "actors.csv")
	big := filepath.Join(t.TempDir(), "exchanges.csv")
	content := "id,source,target,title,kind\nb1,jhb,porto-alegre," + strings.Repeat("x", importer.DefaultMaxLineBytes) + ",MEETING\n"
	if err := os.WriteFile(big, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		path     string
		opts     importer.Options
		line     int
		contains string
	}{
		{"testdata/bad_quote.csv", importer.Options{}, 2, "quote"},
		{"testdata/invalid_utf8.csv", importer.Options{}, 3, "UTF-8"},
		{"testdata/empty.csv", importer.Options{Type: importer.TypeActors}, 0, "empty"},
		{"testdata/empty.jsonl", importer.Options{Type: importer.TypeActors}, 0, "empty"},
		{"testdata/unknown_column.csv", importer.Options{}, 1, "population"},
		{big, importer.Options{}, 2, "longer than"},
		{"testdata/actors.csv", importer.Options{MaxRows: 3}, 5, "more than 3 rows"},
	}
	for _, c := range cases {
		rep, err := importer.ImportFile(context.Background(), st, c.path, c.opts)
		var fe *importer.FileError
		if !errors.As(err, &fe) {
			t.Errorf("%s: err = %v, want a FileError", c.path, err)
			continue
		}
		if got, want := fe.Line, c.line; got != want {
			t.Errorf("%s: line = %d, want %d (%v)", c.path, got, want, err)
		}
		if !strings.Contains(err.Error(), c.contains) {
			t.Errorf("%s: error %q does not mention %q", c.path, err, c.contains)
		}
		if c2c.KindOf(err) != c2c.KindInvalid {
			t.Errorf("%s: kind = %v, want KindInvalid", c.path, c2c.KindOf(err))
		}
		if rep.Written {
			t.Errorf("%s: written despite the error", c.path)
		}
	}
	xs, err := st.ExchangesByIDs(context.Background(), []string{"b1", "q1", "q2"})
	if err != nil {
		t.Fatal(err)
	}
	for _, x := range xs {
		if x != nil {
			t.Errorf("exchange %s of a malformed file was written", x.ID)
		}
	}
}

func TestRowLevelMalformations(t *testing.T) {
	st := mustStore(t)
	mustImport(t, st, "actors.csv")
	cases := []struct {
		name  string
		lines []int
		field string
	}{
		{"wrong_columns.csv", []int{3, 4}, ""},
		{"bad_json.jsonl", []int{2, 3}, ""},
		{"unknown_field.jsonl", []int{1}, "population"},
	}
	for _, c := range cases {
		rep, err := importer.ImportFile(context.Background(), st, filepath.Join("testdata", c.name), importer.Options{})
		if !errors.Is(err, importer.ErrRejected) {
			t.Errorf("%s: err = %v, want ErrRejected", c.name, err)
			continue
		}
		var lines []int
		for _, r := range rep.Rejected {
			lines = append(lines, r.Line)
			if r.Field != c.field {
				t.Errorf("%s: line %d field = %q, want %q", c.name, r.Line, r.Field, c.field)
			}
		}
		if d := cmp.Diff(c.lines, lines); d != "" {
			t.Errorf("%s: rejected lines (-want +got):\n%s", c.name, d)
		}
		if rep.Written {
			t.Errorf("%s: written", c.name)
		}
	}
}

func TestParseWithoutStore(t *testing.T) {
	src := "id,kind,name,country,lat,lon,geonames_id\n" +
		"a,CITY,A,ZA,1,2,3\n" +
		"b,TOWN,B,ZZ,,5,-1\n" +
		"a,CITY,A again,ZA,,,\n"
	b, rep, err := importer.Parse(strings.NewReader(src), "upload", importer.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if got, want := rep.Type, importer.TypeActors; got != want {
		t.Errorf("inferred type = %q, want %q", got, want)
	}
	if got, want := rep.Format, importer.FormatCSV; got != want {
		t.Errorf("inferred format = %q, want %q", got, want)
	}
	if got, want := len(b.Actors), 1; got != want {
		t.Errorf("actors = %d, want %d", got, want)
	}
	fields := map[string]bool{}
	for _, r := range rep.Rejected {
		if r.Line == 3 {
			fields[r.Field] = true
		}
	}
	for _, f := range []string{"kind", "country", "lat", "geonames_id"} {
		if !fields[f] {
			t.Errorf("line 3: no rejection for %s (got %v)", f, rep.Rejected)
		}
	}
	last := rep.Rejected[len(rep.Rejected)-1]
	if last.Line != 4 || last.Code != importer.CodeDuplicateID {
		t.Errorf("last rejection = %+v, want a duplicate id at line 4", last)
	}

	_, rep, err = importer.Parse(strings.NewReader(`{"id":"x","source":"a","target":"b","title":"t","kind":"MEETING"}`), "upload", importer.Options{})
	if err != nil || rep.Format != importer.FormatJSONL || rep.Type != importer.TypeExchanges {
		t.Errorf("JSON sniffing: format %q type %q err %v", rep.Format, rep.Type, err)
	}
}

func TestTwinExchangeID(t *testing.T) {
	if got, want := importer.TwinExchangeID("zz-b", "aa-a"), "twin-aa-a--zz-b"; got != want {
		t.Errorf("TwinExchangeID = %q, want %q", got, want)
	}
	long := strings.Repeat("a", 100)
	id1 := importer.TwinExchangeID("de-"+long, "fr-"+long)
	id2 := importer.TwinExchangeID("de-"+long, "fr-"+long+"b")
	if err := c2c.ValidateID("id", id1); err != nil {
		t.Errorf("long pair id %q: %v", id1, err)
	}
	if id1 == id2 {
		t.Errorf("two long pairs share the id %q", id1)
	}
}
