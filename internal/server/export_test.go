package server_test

import (
	"archive/zip"
	"bytes"
	"encoding/csv"
	"encoding/json"
	"encoding/xml"
	"io"
	"net/http"
	"net/url"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/c2c-project/c2c/internal/c2c"
	"github.com/c2c-project/c2c/internal/demo"
	"github.com/c2c-project/c2c/internal/server"
)

// graphML is the part of a GraphML document the tests read back.
type graphML struct {
	XMLName xml.Name `xml:"graphml"`
	Graph   struct {
		Nodes []struct {
			ID string `xml:"id,attr"`
		} `xml:"node"`
		Edges []struct {
			ID     string `xml:"id,attr"`
			Source string `xml:"source,attr"`
			Target string `xml:"target,attr"`
		} `xml:"edge"`
	} `xml:"graph"`
}

// gexf is the part of a GEXF document the tests read back.
type gexf struct {
	XMLName xml.Name `xml:"gexf"`
	Graph   struct {
		Nodes []struct {
			ID string `xml:"id,attr"`
		} `xml:"nodes>node"`
		Edges []struct {
			ID string `xml:"id,attr"`
		} `xml:"edges>edge"`
	} `xml:"graph"`
}

// mustGet fetches path and returns the response with its body read.
// fetched is what a test needs of a response whose body was read and closed.
type fetched struct {
	StatusCode int
	Header     http.Header
}

func mustGet(t *testing.T, ts interface{ Client() *http.Client }, base, path string) (*fetched, []byte) {
	t.Helper()
	resp, err := ts.Client().Get(base + path)
	if err != nil {
		t.Fatalf("GET %s: %v", path, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatalf("read %s: %v", path, err)
	}
	return &fetched{StatusCode: resp.StatusCode, Header: resp.Header}, b
}

// wantExport returns the ids of the demo exchanges keep selects and of
// the actors at their ends, sorted: computed from the batch, not the store.
func wantExport(keep func(c2c.Exchange) bool) (edges, nodes []string) {
	seen := map[string]bool{}
	for _, x := range demo.Batch().Exchanges {
		if !keep(x) {
			continue
		}
		edges = append(edges, x.ID)
		for _, id := range []string{x.SourceID, x.TargetID} {
			if !seen[id] {
				seen[id] = true
				nodes = append(nodes, id)
			}
		}
	}
	sort.Strings(edges)
	sort.Strings(nodes)
	return edges, nodes
}

func TestExport(t *testing.T) {
	s := mustStore(t, demo.Batch())
	ts := mustServer(t, s, server.Config{}) // read-only: export needs no key

	theme := demo.Batch().Exchanges[0].Themes[0]
	wantEdges, wantNodes := wantExport(func(x c2c.Exchange) bool { return slices.Contains(x.Themes, theme) })
	if len(wantEdges) == 0 {
		t.Fatal("the theme selects nothing")
	}

	resp, body := mustGet(t, ts, ts.URL, "/export?format=graphml&themes="+url.QueryEscape(theme))
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("graphml: %d %s", resp.StatusCode, body)
	}
	if got := resp.Header.Get("Content-Type"); !strings.Contains(got, "xml") {
		t.Errorf("Content-Type %q", got)
	}
	if got := resp.Header.Get("Content-Disposition"); !strings.Contains(got, "attachment") || !strings.Contains(got, ".graphml") {
		t.Errorf("Content-Disposition %q", got)
	}
	var gm graphML
	if err := xml.Unmarshal(body, &gm); err != nil {
		t.Fatalf("read back GraphML: %v", err)
	}
	var gotEdges, gotNodes []string
	for _, e := range gm.Graph.Edges {
		gotEdges = append(gotEdges, e.ID)
	}
	for _, n := range gm.Graph.Nodes {
		gotNodes = append(gotNodes, n.ID)
	}
	sort.Strings(gotEdges)
	sort.Strings(gotNodes)
	if !slices.Equal(gotEdges, wantEdges) || !slices.Equal(gotNodes, wantNodes) {
		t.Errorf("GraphML edges %v nodes %v, want %v %v", gotEdges, gotNodes, wantEdges, wantNodes)
	}

	// GEXF, with a class filter and the kinds given twice.
	def := c2c.DefG77
	all := demo.Batch()
	country := map[string]string{}
	for _, a := range all.Actors {
		country[a.ID] = a.Country
	}
	wantEdges, wantNodes = wantExport(func(x c2c.Exchange) bool {
		return c2c.Classify(def, country[x.SourceID], country[x.TargetID]) == c2c.ClassSouthSouth
	})
	resp, body = mustGet(t, ts, ts.URL, "/export?format=gexf&class=south_south&definition=G77")
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("gexf: %d %s", resp.StatusCode, body)
	}
	var gx gexf
	if err := xml.Unmarshal(body, &gx); err != nil {
		t.Fatalf("read back GEXF: %v", err)
	}
	if len(gx.Graph.Edges) != len(wantEdges) || len(gx.Graph.Nodes) != len(wantNodes) {
		t.Errorf("GEXF has %d edges, %d nodes; want %d, %d", len(gx.Graph.Edges), len(gx.Graph.Nodes), len(wantEdges), len(wantNodes))
	}

	// CSV is a zip of two tables.
	resp, body = mustGet(t, ts, ts.URL, "/export?format=csv&kinds=study_visit&kinds=TECHNICAL_VISIT,WORKSHOP")
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("csv: %d %s", resp.StatusCode, body)
	}
	zr, err := zip.NewReader(bytes.NewReader(body), int64(len(body)))
	if err != nil {
		t.Fatalf("read back zip: %v", err)
	}
	wantEdges, _ = wantExport(func(x c2c.Exchange) bool {
		return x.Kind == c2c.KindStudyVisit || x.Kind == c2c.KindTechnicalVisit || x.Kind == c2c.KindWorkshop
	})
	if len(wantEdges) == 0 {
		t.Fatal("the kinds select nothing: pick others")
	}
	csvRead := false
	for _, f := range zr.File {
		if f.Name != "edges.csv" {
			continue
		}
		rc, _ := f.Open()
		rows, err := csv.NewReader(rc).ReadAll()
		rc.Close()
		if err != nil {
			t.Fatalf("edges.csv: %v", err)
		}
		if got := len(rows) - 1; got != len(wantEdges) {
			t.Errorf("edges.csv has %d rows, want %d", got, len(wantEdges))
		}
		csvRead = true
	}
	if !csvRead {
		t.Error("the archive has no edges.csv")
	}
}

func TestExportBadParameters(t *testing.T) {
	s := mustStore(t, demo.Batch())
	ts := mustServer(t, s, server.Config{MaxGraphEdges: 3})
	for _, tc := range []struct{ query, field string }{
		{"format=pdf", "format"},
		{"themes=Not+A+Theme", "themes"},
		{"themes=no-such-theme", "themes"},
		{"from=2013-13", "from"},
		{"from=2014&to=2013", "to"},
		{"countries=ZZ", "countries"},
		{"kinds=PICNIC", "kinds"},
		{"class=SOUTH_SOUTH", "definition"},
		{"definition=G77", "definition"},
		{"class=EAST_WEST&definition=G77", "class"},
		{"actor=Not%20An%20Id", "actor"},
		{"colour=blue", "colour"},
		{"", "filter"}, // every exchange: more than the limit of 3
	} {
		resp, body := mustGet(t, ts, ts.URL, "/export?"+tc.query)
		var r struct {
			Errors []struct {
				Message    string
				Extensions map[string]any
			}
		}
		if err := json.Unmarshal(body, &r); err != nil {
			t.Fatalf("%s: decode %q: %v", tc.query, body, err)
		}
		if resp.StatusCode != http.StatusBadRequest || len(r.Errors) != 1 ||
			r.Errors[0].Extensions["code"] != "BAD_USER_INPUT" || r.Errors[0].Extensions["field"] != tc.field {
			t.Errorf("%s: %d %s, want 400 BAD_USER_INPUT naming %s", tc.query, resp.StatusCode, body, tc.field)
		}
	}
}

// The graph analyses cost enough that a batch of them in one request
// passes the default complexity limit, while one passes.
func TestAnalysisComplexity(t *testing.T) {
	s := mustStore(t, demo.Batch())
	ts := mustServer(t, s, server.Config{})
	one := `{ centrality(measure: PAGERANK) { actor { id name } value rank } }`
	if r := mustPost(t, ts, one, nil, nil); len(r.Errors) != 0 {
		t.Fatalf("one centrality: %+v", r.Errors)
	}
	var b strings.Builder
	b.WriteString("{")
	for i, m := range []string{"DEGREE", "PAGERANK", "BETWEENNESS", "CLOSENESS", "HARMONIC"} {
		b.WriteString(" c" + string(rune('a'+i)) + ": centrality(measure: " + m + ", first: 1000) { actor { id } value }")
	}
	b.WriteString(" communities(first: 1000) { groups { actors(first: 1000) { id } } } }")
	if r := mustPost(t, ts, b.String(), nil, nil); errCode(r) != "COMPLEXITY_LIMIT_EXCEEDED" {
		t.Errorf("five centralities and communities: %+v", r)
	}
}
