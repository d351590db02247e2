package export

import (
	"archive/zip"
	"bytes"
	"encoding/csv"
	"encoding/xml"
	"flag"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/c2c-project/c2c/internal/c2c"
	"github.com/google/go-cmp/cmp"
)

var update = flag.Bool("update", false, "rewrite testdata/*.golden")

// fixture is a small subgraph with the awkward cases: partial dates, no
// date, no coordinates, an organisation without a country, parallel
// exchanges and text that needs escaping.
func fixture() *c2c.Subgraph {
	return &c2c.Subgraph{
		Nodes: []*c2c.Actor{
			{ID: "sao-paulo", Kind: c2c.ActorRegion, Name: "São Paulo", Country: "BR", Coords: &c2c.Coordinates{Lat: -23.55, Lon: -46.633}},
			{ID: "durban", Kind: c2c.ActorCity, Name: "eThekwini", AltNames: []string{"Durban", "eThekwini Metro"}, Country: "ZA",
				Coords: &c2c.Coordinates{Lat: -29.8587, Lon: 31.0218}, WikidataID: "Q5468", GeoNamesID: 1007311},
			{ID: "uclg", Kind: c2c.ActorOrganisation, Name: "UCLG <United Cities & Local Governments>", OrgType: c2c.OrgNetwork},
		},
		Edges: []*c2c.Exchange{
			{ID: "durban-sp-2013", SourceID: "durban", TargetID: "sao-paulo", Title: `Study visit on "informal settlements" & housing`,
				Kind: c2c.KindStudyVisit, Themes: []string{"housing", "informal-settlements-upgrading"},
				Start: c2c.MustDate("2013-07-28"), End: c2c.MustDate("2013-07-30"), Programme: "AL-LAS", Event: "jhb-2013",
				Facilitators: []string{"uclg"}, SourceURL: "https://www.uclg.org/en/media/news?a=1&b=2", Directed: true},
			{ID: "durban-sp-2014", SourceID: "durban", TargetID: "sao-paulo", Title: "Return visit", Kind: c2c.KindTechnicalVisit,
				Start: c2c.MustDate("2014-06"), DateNote: "the third, fourth and fifth of June"},
			{ID: "durban-uclg", SourceID: "durban", TargetID: "uclg", Title: "Membership forum", Kind: c2c.KindForum, Start: c2c.MustDate("2012")},
			{ID: "sp-uclg", SourceID: "sao-paulo", TargetID: "uclg", Title: "Undated meeting", Kind: c2c.KindMeeting},
		},
	}
}

func mustWrite(t *testing.T, g *c2c.Subgraph, f Format) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := Write(&b, g, f); err != nil {
		t.Fatalf("write %s: %v", f, err)
	}
	return b.Bytes()
}

// expected returns, independently of the writer, the attributes the
// fixture's nodes and edges must carry (missing values left out).
func expectedNodes(g *c2c.Subgraph) map[string]map[string]string {
	out := map[string]map[string]string{}
	for _, a := range g.Nodes {
		m := map[string]string{"name": a.Name, "kind": string(a.Kind)}
		set := func(k, v string) {
			if v != "" {
				m[k] = v
			}
		}
		set("country", a.Country)
		set("altNames", strings.Join(a.AltNames, "|"))
		set("orgType", string(a.OrgType))
		set("regionId", a.RegionID)
		set("wikidataId", a.WikidataID)
		if a.GeoNamesID != 0 {
			m["geonamesId"] = strconv.FormatInt(a.GeoNamesID, 10)
		}
		if a.Coords != nil {
			m["lat"] = strconv.FormatFloat(a.Coords.Lat, 'g', -1, 64)
			m["lon"] = strconv.FormatFloat(a.Coords.Lon, 'g', -1, 64)
		}
		for _, d := range c2c.Definitions {
			m["south_"+string(d)] = string(c2c.StatusOf(d, a.Country))
		}
		out[a.ID] = m
	}
	return out
}

func expectedEdges(g *c2c.Subgraph) map[string]map[string]string {
	country := map[string]string{}
	for _, a := range g.Nodes {
		country[a.ID] = a.Country
	}
	out := map[string]map[string]string{}
	for _, x := range g.Edges {
		m := map[string]string{"source": x.SourceID, "target": x.TargetID, "title": x.Title, "kind": string(x.Kind),
			"directed": strconv.FormatBool(x.Directed)}
		set := func(k, v string) {
			if v != "" {
				m[k] = v
			}
		}
		set("themes", strings.Join(x.Themes, "|"))
		set("start", c2c.DateString(x.Start))
		set("end", c2c.DateString(x.End))
		set("dateNote", x.DateNote)
		set("programme", x.Programme)
		set("event", x.Event)
		set("facilitators", strings.Join(x.Facilitators, "|"))
		set("sourceUrl", x.SourceURL)
		for _, d := range c2c.Definitions {
			m["class_"+string(d)] = string(c2c.Classify(d, country[x.SourceID], country[x.TargetID]))
		}
		out[x.ID] = m
	}
	return out
}

func TestGraphMLReadsBack(t *testing.T) {
	g := fixture()
	var doc graphmlDoc
	if err := xml.Unmarshal(mustWrite(t, g, GraphML), &doc); err != nil {
		t.Fatal(err)
	}
	keyName := map[string]string{}
	for _, k := range doc.Keys {
		keyName[k.ID] = k.Name
	}
	nodes := map[string]map[string]string{}
	for _, n := range doc.Graph.Nodes {
		m := map[string]string{}
		for _, d := range n.Data {
			m[keyName[d.Key]] = d.Value
		}
		nodes[n.ID] = m
	}
	if diff := cmp.Diff(expectedNodes(g), nodes); diff != "" {
		t.Errorf("nodes (-want +got):\n%s", diff)
	}
	edges := map[string]map[string]string{}
	for _, e := range doc.Graph.Edges {
		m := map[string]string{"source": e.Source, "target": e.Target}
		for _, d := range e.Data {
			m[keyName[d.Key]] = d.Value
		}
		edges[e.ID] = m
	}
	if diff := cmp.Diff(expectedEdges(g), edges); diff != "" {
		t.Errorf("edges (-want +got):\n%s", diff)
	}
}

func TestGEXFReadsBack(t *testing.T) {
	g := fixture()
	var doc gexfDoc
	if err := xml.Unmarshal(mustWrite(t, g, GEXF), &doc); err != nil {
		t.Fatal(err)
	}
	nodes := map[string]map[string]string{}
	for _, n := range doc.Graph.Nodes {
		m := map[string]string{}
		for _, v := range n.Values {
			m[v.For] = v.Value
		}
		nodes[n.ID] = m
		if m["name"] != n.Label {
			t.Errorf("%s: label %q, name %q", n.ID, n.Label, m["name"])
		}
		if (n.Position != nil) != (m["lat"] != "") {
			t.Errorf("%s: position %v with lat %q", n.ID, n.Position, m["lat"])
		} else if n.Position != nil && (strconv.FormatFloat(n.Position.Y, 'g', -1, 64) != m["lat"] || strconv.FormatFloat(n.Position.X, 'g', -1, 64) != m["lon"]) {
			t.Errorf("%s: position %+v, coordinates %s,%s", n.ID, *n.Position, m["lat"], m["lon"])
		}
	}
	if diff := cmp.Diff(expectedNodes(g), nodes); diff != "" {
		t.Errorf("nodes (-want +got):\n%s", diff)
	}
	edges := map[string]map[string]string{}
	spans := map[string][2]string{}
	for _, e := range doc.Graph.Edges {
		m := map[string]string{"source": e.Source, "target": e.Target}
		for _, v := range e.Values {
			m[strings.TrimSuffix(v.For, "Text")] = v.Value
		}
		edges[e.ID] = m
		spans[e.ID] = [2]string{e.Start, e.End}
	}
	if diff := cmp.Diff(expectedEdges(g), edges); diff != "" {
		t.Errorf("edges (-want +got):\n%s", diff)
	}
	// Partial dates become the whole days they cover.
	want := map[string][2]string{
		"durban-sp-2013": {"2013-07-28", "2013-07-30"},
		"durban-sp-2014": {"2014-06-01", "2014-06-30"},
		"durban-uclg":    {"2012-01-01", "2012-12-31"},
		"sp-uclg":        {"", ""},
	}
	if diff := cmp.Diff(want, spans); diff != "" {
		t.Errorf("spans (-want +got):\n%s", diff)
	}
}

func readCSV(t *testing.T, b []byte) []map[string]string {
	t.Helper()
	rows, err := csv.NewReader(bytes.NewReader(b)).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	var out []map[string]string
	for _, r := range rows[1:] {
		m := map[string]string{}
		for i, v := range r {
			if v != "" {
				m[rows[0][i]] = v
			}
		}
		out = append(out, m)
	}
	return out
}

func TestCSVReadsBack(t *testing.T) {
	g := fixture()
	check := func(name string, nodesCSV, edgesCSV []byte) {
		nodes := map[string]map[string]string{}
		for _, m := range readCSV(t, nodesCSV) {
			id := m["id"]
			delete(m, "id")
			nodes[id] = m
		}
		if diff := cmp.Diff(expectedNodes(g), nodes); diff != "" {
			t.Errorf("%s nodes (-want +got):\n%s", name, diff)
		}
		edges := map[string]map[string]string{}
		for _, m := range readCSV(t, edgesCSV) {
			id := m["id"]
			delete(m, "id")
			edges[id] = m
		}
		if diff := cmp.Diff(expectedEdges(g), edges); diff != "" {
			t.Errorf("%s edges (-want +got):\n%s", name, diff)
		}
	}
	var nb, eb bytes.Buffer
	if err := WriteCSV(&nb, &eb, g); err != nil {
		t.Fatal(err)
	}
	check("two streams", nb.Bytes(), eb.Bytes())

	z := mustWrite(t, g, CSV)
	zr, err := zip.NewReader(bytes.NewReader(z), int64(len(z)))
	if err != nil {
		t.Fatal(err)
	}
	files := map[string][]byte{}
	for _, f := range zr.File {
		r, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		var b bytes.Buffer
		_, _ = b.ReadFrom(r)
		r.Close()
		files[f.Name] = b.Bytes()
	}
	check("zip", files[NodesFile], files[EdgesFile])
	if !bytes.Equal(files[NodesFile], nb.Bytes()) || !bytes.Equal(files[EdgesFile], eb.Bytes()) {
		t.Error("zip tables differ from WriteCSV's")
	}
}

func TestGolden(t *testing.T) {
	// The CSV tables are compared as text rather than as a zip, whose
	// compressed bytes may change with the Go release.
	var nodes, edges bytes.Buffer
	if err := WriteCSV(&nodes, &edges, fixture()); err != nil {
		t.Fatal(err)
	}
	outputs := map[string][]byte{"fixture.nodes.csv": nodes.Bytes(), "fixture.edges.csv": edges.Bytes()}
	for _, f := range []Format{GraphML, GEXF} {
		outputs["fixture"+f.Extension()] = mustWrite(t, fixture(), f)
	}
	for name, got := range outputs {
		path := filepath.Join("testdata", name+".golden")
		if *update {
			if err := os.WriteFile(path, got, 0o644); err != nil {
				t.Fatal(err)
			}
			continue
		}
		want, err := os.ReadFile(path)
		if err != nil {
			t.Fatalf("%v (run go test -update to create it)", err)
		}
		if !bytes.Equal(got, want) {
			t.Errorf("output differs from %s (run go test -update if the change is meant)", path)
		}
	}
	// Input order must not matter.
	for _, f := range Formats {
		g := fixture()
		g.Nodes[0], g.Nodes[2] = g.Nodes[2], g.Nodes[0]
		g.Edges[0], g.Edges[3] = g.Edges[3], g.Edges[0]
		if got, want := mustWrite(t, g, f), mustWrite(t, fixture(), f); !bytes.Equal(got, want) {
			t.Errorf("%s depends on input order", f)
		}
	}
}

func TestFormats(t *testing.T) {
	for _, s := range []string{"graphml", "GEXF", " csv "} {
		if _, err := ParseFormat(s); err != nil {
			t.Errorf("%q: %v", s, err)
		}
	}
	if _, err := ParseFormat("dot"); c2c.KindOf(err) != c2c.KindInvalid {
		t.Errorf("dot: %v, want KindInvalid", err)
	}
	if err := Write(&bytes.Buffer{}, fixture(), "dot"); c2c.KindOf(err) != c2c.KindInvalid {
		t.Errorf("write dot: %v, want KindInvalid", err)
	}
	if err := Write(&bytes.Buffer{}, &c2c.Subgraph{}, GEXF); err != nil {
		t.Errorf("empty graph: %v", err)
	}
}

// TestNetworkXReads loads the GraphML and GEXF exports with NetworkX when
// it is installed and checks what it sees against the fixture.
func TestNetworkXReads(t *testing.T) {
	if err := exec.Command("python3", "-c", "import networkx").Run(); err != nil {
		t.Skip("python3 with networkx is not available: skipping the NetworkX read test")
	}
	dir := t.TempDir()
	for _, f := range []Format{GraphML, GEXF} {
		path := filepath.Join(dir, "g"+f.Extension())
		if err := os.WriteFile(path, mustWrite(t, fixture(), f), 0o600); err != nil {
			t.Fatal(err)
		}
		const script = `
import sys, json, networkx as nx
path, fmt = sys.argv[1], sys.argv[2]
g = nx.read_graphml(path) if fmt == "graphml" else nx.read_gexf(path)
nodes = {n: {k: str(v) for k, v in d.items()} for n, d in g.nodes(data=True)}
edges = sorted([str(d.get("id", k)), u, v, d.get("title"), d.get("start"), d.get("startText"), d.get("themes")] for u, v, k, d in g.edges(keys=True, data=True))
print(json.dumps({"multigraph": g.is_multigraph(), "nodes": nodes, "edges": edges}))
`
		out, err := exec.Command("python3", "-c", script, path, string(f)).CombinedOutput()
		if err != nil {
			t.Fatalf("%s: networkx: %v\n%s", f, err, out)
		}
		s := string(out)
		for _, want := range []string{`"multigraph": true`, `"durban-sp-2013"`, `Study visit on \"informal settlements\" & housing`,
			`"UCLG <United Cities & Local Governments>"`, `"S\u00e3o Paulo"`, `"housing|informal-settlements-upgrading"`, `"-29.8587"`, `"2014-06"`} {
			if !strings.Contains(s, want) {
				t.Errorf("%s: networkx output lacks %s:\n%s", f, want, s)
			}
		}
		if got, want := strings.Count(s, `["`), 4; got != want {
			t.Errorf("%s: networkx sees %d edges, want %d:\n%s", f, got, want, s)
		}
	}
}
