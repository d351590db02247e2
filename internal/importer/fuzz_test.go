package importer_test

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/c2c-project/c2c/internal/c2c"
	"github.com/c2c-project/c2c/internal/importer"
)

// fuzzNames are the file names a fuzzed body is parsed under: each format
// and record type, and one left to be inferred from the content.
var fuzzNames = []string{"actors.csv", "exchanges.csv", "memberships.csv", "actors.jsonl", "exchanges.jsonl", "memberships.jsonl", "twins.csv", "upload"}

// FuzzParse feeds arbitrary files to the parsers of every format and
// record type. It never panics; a file it cannot read at all is a
// KindInvalid *FileError; otherwise every item it accepts passes the
// domain's own validation (so no NUL or other control character gets
// through), the accepted and rejected rows add up to the rows read, and
// every rejection names a line within the file.
func FuzzParse(f *testing.F) {
	for _, name := range []string{"actors.csv", "actors.jsonl", "exchanges.csv", "exchanges.jsonl", "memberships.csv", "memberships.jsonl", "twins.csv", "bad_quote.csv", "invalid_utf8.csv", "wrong_columns.csv", "bad_json.jsonl"} {
		b, err := os.ReadFile(filepath.Join("testdata", name))
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b, uint8(0))
	}
	f.Add([]byte("id,kind,name,country\nx,CITY,Du\x00rban,ZA\n"), uint8(0))
	f.Add([]byte(`{"id":"x","kind":"CITY","name":"A\u001b","country":"ZA"}`), uint8(3))
	f.Fuzz(func(t *testing.T, data []byte, which uint8) {
		name := fuzzNames[int(which)%len(fuzzNames)]
		b, rep, err := importer.Parse(bytes.NewReader(data), name, importer.Options{MaxRows: 1000})
		if err != nil {
			var fe *importer.FileError
			if !errors.As(err, &fe) || c2c.KindOf(err) != c2c.KindInvalid {
				t.Fatalf("%s %q: error %v is not a KindInvalid FileError", name, data, err)
			}
			return
		}
		lines := bytes.Count(data, []byte("\n")) + 1
		for _, r := range rep.Rejected {
			if r.Line < 1 || r.Line > lines || r.Reason == "" {
				t.Fatalf("%s %q: rejection %+v outside the file's %d lines or without a reason", name, data, r, lines)
			}
		}
		if rep.Accepted+rep.RejectedRows() != rep.Rows && rep.Type != importer.TypeTwinTowns {
			t.Fatalf("%s %q: %d accepted + %d rejected != %d rows", name, data, rep.Accepted, rep.RejectedRows(), rep.Rows)
		}
		for i := range b.Actors {
			a := b.Actors[i]
			if err := a.Validate(""); err != nil {
				t.Fatalf("%s %q: accepted actor %+v is not valid: %v", name, data, a, err)
			}
		}
		for i := range b.Exchanges {
			if err := b.Exchanges[i].Validate(""); err != nil {
				t.Fatalf("%s %q: accepted exchange %+v is not valid: %v", name, data, b.Exchanges[i], err)
			}
		}
		for i := range b.Memberships {
			if err := b.Memberships[i].Validate(""); err != nil {
				t.Fatalf("%s %q: accepted membership %+v is not valid: %v", name, data, b.Memberships[i], err)
			}
		}
	})
}
