package main

import (
	"bytes"
	"context"
	"encoding/xml"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func runArgs(t *testing.T, args ...string) (string, error) {
	t.Helper()
	var out bytes.Buffer
	err := run(context.Background(), &env{args: args, getenv: func(string) string { return "" }, stdout: &out, stderr: io.Discard})
	return out.String(), err
}

func mustWrite(t *testing.T, path, body string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(body), 0o644); err != nil {
		t.Fatal(err)
	}
}

func TestImportThenExport(t *testing.T) {
	dir := t.TempDir()
	data := filepath.Join(dir, "data")
	actors := filepath.Join(dir, "actors.csv")
	mustWrite(t, actors, "id,kind,name,alt_names,country\n"+
		"maputo,CITY,Maputo,,MZ\n"+
		"belo-horizonte,CITY,Belo Horizonte,BH,BR\n")
	exchanges := filepath.Join(dir, "exchanges.csv")
	mustWrite(t, exchanges, "id,source,target,title,kind,themes,start,end,directed\n"+
		"x1,maputo,belo-horizonte,Waste management visit,STUDY_VISIT,environment,2015-03,,true\n")

	out, err := runArgs(t, "import", "-data-dir", data, actors, exchanges)
	if err != nil {
		t.Fatalf("import: %v\n%s", err, out)
	}
	if !strings.Contains(out, "2 created") || !strings.Contains(out, "1 created") {
		t.Fatalf("import report:\n%s", out)
	}
	// Idempotent: a second run changes nothing.
	out, err = runArgs(t, "import", "-data-dir", data, actors, exchanges)
	if err != nil || !strings.Contains(out, "0 created, 0 updated, 2 unchanged") {
		t.Fatalf("second import: %v\n%s", err, out)
	}

	// A bad file: every bad row reported, nothing written, non-zero exit.
	bad := filepath.Join(dir, "bad.csv")
	mustWrite(t, bad, "id,source,target,title,kind,themes,start\n"+
		"x2,maputo,nowhere,Visit,STUDY_VISIT,,2015\n"+
		"x3,maputo,belo-horizonte,Visit,STUDY_VISIT,no-such-theme,2015-13\n")
	out, err = runArgs(t, "import", "-data-dir", data, "-type", "exchanges", bad)
	if err == nil {
		t.Fatalf("bad import succeeded:\n%s", out)
	}
	for _, want := range []string{"line 2", "line 3", "start", "nothing written"} {
		if !strings.Contains(out, want) {
			t.Errorf("bad import report lacks %q:\n%s", want, out)
		}
	}

	graphml := filepath.Join(dir, "g.graphml")
	if _, err := runArgs(t, "export", "-data-dir", data, "-format", "graphml", "-o", graphml, "-countries", "MZ"); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(graphml)
	if err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Graph struct {
			Nodes []struct {
				ID string `xml:"id,attr"`
			} `xml:"node"`
			Edges []struct {
				ID string `xml:"id,attr"`
			} `xml:"edge"`
		} `xml:"graph"`
	}
	if err := xml.Unmarshal(b, &doc); err != nil {
		t.Fatalf("export is not XML: %v", err)
	}
	if got, want := len(doc.Graph.Nodes), 2; got != want {
		t.Errorf("exported nodes = %d, want %d", got, want)
	}
	if got, want := len(doc.Graph.Edges), 1; got != want {
		t.Errorf("exported edges = %d, want %d", got, want)
	}

	csvDir := filepath.Join(dir, "csv")
	if _, err := runArgs(t, "export", "-data-dir", data, "-format", "csv", "-o", csvDir); err != nil {
		t.Fatal(err)
	}
	for _, f := range []string{"nodes.csv", "edges.csv"} {
		if _, err := os.Stat(filepath.Join(csvDir, f)); err != nil {
			t.Errorf("csv export: %v", err)
		}
	}
	if _, err := runArgs(t, "export", "-data-dir", data, "-from", "2015-14"); err == nil {
		t.Error("export with a bad date succeeded")
	}
}
