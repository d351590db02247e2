package twinpaths

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"testing"
)

var update = flag.Bool("update", false, "rewrite the committed fixture from the twin-town sample")

// TestFixture rebuilds the fixture from the twin-town sample and fails
// unless it is the committed one (with -update, writes it instead).
func TestFixture(t *testing.T) {
	if raceEnabled && !*update {
		t.Skip("race detector on: importing the whole sample takes minutes; the fixture check runs without it")
	}
	sample, err := filepath.Abs(filepath.Join("..", "..", "..", "..", "..", "shared", "samples", "twin-towns-wikipedia.csv"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(sample); err != nil {
		t.Skipf("the twin-town sample is absent (%s): cannot check the committed fixture against it", sample)
	}
	files, err := Build(t.Context(), sample, t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	for name, got := range files {
		path := filepath.Join("..", "testdata", name)
		if *update {
			if err := os.WriteFile(path, got, 0o644); err != nil {
				t.Fatal(err)
			}
			t.Logf("wrote %s (%d bytes)", path, len(got))
			continue
		}
		want, err := os.ReadFile(path)
		if err != nil {
			t.Fatalf("%v: run go test -run TestFixture -update in this folder", err)
		}
		if !bytes.Equal(want, got) {
			t.Errorf("%s differs from what the sample gives (%d bytes committed, %d built): run go test -run TestFixture -update in this folder", path, len(want), len(got))
		}
	}
}
