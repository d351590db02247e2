package importer_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/c2c-project/c2c/internal/c2c"
	"github.com/c2c-project/c2c/internal/importer"
)

// TestImportRefusesControlCharacters checks that NUL, escape and line
// breaks inside names and titles are rejected at their line, in both
// formats, and that nothing of the file is written.
func TestImportRefusesControlCharacters(t *testing.T) {
	st := mustStore(t)
	mustImport(t, st, "actors.csv")
	cases := []struct {
		name, src string
		want      []importer.Rejection
	}{
		{"actors.csv", "id,kind,name,country\nfine-a,CITY,Fine,ZA\nnul-a,CITY,Du\x00rban,ZA\nesc-a,CITY,\x1b[2JDurban,ZA\n",
			[]importer.Rejection{{Line: 3, Field: "name"}, {Line: 4, Field: "name"}}},
		{"actors.csv", "id,kind,name,country\nfine-b,CITY,Fine,ZA\n\"nl-b\",CITY,\"Dur\nban\",ZA\n",
			[]importer.Rejection{{Line: 3, Field: "name"}}},
		{"actors.jsonl", `{"id":"fine-c","kind":"CITY","name":"Fine","country":"ZA"}` + "\n" + `{"id":"nul-c","kind":"CITY","name":"Du\u0000rban","country":"ZA"}` + "\n",
			[]importer.Rejection{{Line: 2, Field: "name"}}},
		{"exchanges.jsonl", `{"id":"nul-x","source":"jhb","target":"porto-alegre","title":"Visit\u0007","kind":"MEETING"}` + "\n",
			[]importer.Rejection{{Line: 1, Field: "title"}}},
	}
	for _, c := range cases {
		rep, err := importer.Import(context.Background(), st, strings.NewReader(c.src), c.name, importer.Options{})
		if !errors.Is(err, importer.ErrRejected) || c2c.KindOf(err) != c2c.KindInvalid {
			t.Errorf("%s %q: err = %v, want a KindInvalid ErrRejected", c.name, c.src, err)
			continue
		}
		var got []importer.Rejection
		for _, r := range rep.Rejected {
			if !strings.Contains(r.Reason, "control character") {
				t.Errorf("%s: line %d reason %q does not say why", c.name, r.Line, r.Reason)
			}
			got = append(got, importer.Rejection{Line: r.Line, Field: r.Field})
		}
		if d := cmp.Diff(c.want, got); d != "" {
			t.Errorf("%s %q: rejections (-want +got):\n%s", c.name, c.src, d)
		}
		if rep.Written {
			t.Errorf("%s: written despite rejections", c.name)
		}
	}
	as, err := st.ActorsByIDs(context.Background(), []string{"fine-a", "fine-b", "fine-c"})
	if err != nil {
		t.Fatal(err)
	}
	for _, a := range as {
		if a != nil {
			t.Errorf("actor %s of a rejected file was written", a.ID)
		}
	}
}

// TestTwinTownsRefuseControlCharacters checks that a twin-town row naming a
// city with a control character is rejected at its line while the good
// rows load, as twin-town files do.
func TestTwinTownsRefuseControlCharacters(t *testing.T) {
	st := mustStore(t)
	for _, bad := range []string{"Dur\x00ban", "\x1b[2JDurban", "Dur\x7fban"} {
		src := "city1,country1,city2,country2\nMaputo,Mozambique,Lisbon,Portugal\n" + bad + ",South Africa,Recife,Brazil\n"
		rep, err := importer.Import(context.Background(), st, strings.NewReader(src), "twins.csv", importer.Options{Type: importer.TypeTwinTowns})
		if err != nil {
			t.Fatalf("%q: %v (%v)", bad, err, rep.Rejected)
		}
		if len(rep.Rejected) != 1 || rep.Rejected[0].Line != 3 || rep.Rejected[0].Code != importer.CodeBadName {
			t.Errorf("%q: rejections %+v, want one bad-name at line 3", bad, rep.Rejected)
		}
		if !rep.Written {
			t.Errorf("%q: the good row was not written", bad)
		}
	}
}
