package export

// The whole-document writers the streaming ones replaced: an independent
// reference that WriteFrom must match byte for byte.

import (
	"archive/zip"
	"bytes"
	"encoding/csv"
	"encoding/xml"
	"errors"
	"io"
	"testing"
	"time"

	"github.com/c2c-project/c2c/internal/c2c"
)

// writeGraphML writes GraphML with a <key> per attribute. Key ids are
// "n_" or "e_" and the attribute name, since a node and an edge attribute
// may share a name (kind). The graph is undirected by default; whether an
// exchange is directed is the edge attribute "directed", because NetworkX
// rejects graphs that mix edge directions. Parallel exchanges are parallel
// edges (NetworkX reads a MultiGraph).
func writeGraphML(w io.Writer, g *c2c.Subgraph) error {
	p := prepare(g)
	doc := graphmlDoc{XMLNS: "http://graphml.graphdrawing.org/xmlns", Graph: graphmlGraph{ID: "c2c", EdgeDefault: "undirected"}}
	for _, c := range nodeColumns {
		doc.Keys = append(doc.Keys, graphmlKey{ID: "n_" + c.name, For: "node", Name: c.name, Type: c.typ})
	}
	for _, c := range edgeColumns {
		doc.Keys = append(doc.Keys, graphmlKey{ID: "e_" + c.name, For: "edge", Name: c.name, Type: c.typ})
	}
	for _, a := range p.nodes {
		n := graphmlNode{ID: a.ID}
		for i, v := range nodeValues(a) {
			if v != "" {
				n.Data = append(n.Data, graphmlData{"n_" + nodeColumns[i].name, v})
			}
		}
		doc.Graph.Nodes = append(doc.Graph.Nodes, n)
	}
	for _, x := range p.edges {
		e := graphmlEdge{ID: x.ID, Source: x.SourceID, Target: x.TargetID}
		for i, v := range edgeValues(x, p.countryOf) {
			if v != "" {
				e.Data = append(e.Data, graphmlData{"e_" + edgeColumns[i].name, v})
			}
		}
		doc.Graph.Edges = append(doc.Graph.Edges, e)
	}
	return encodeXML(w, doc, "export graphml")
}

func encodeXML(w io.Writer, doc any, step string) error {
	if _, err := io.WriteString(w, xml.Header); err != nil {
		return c2c.Internal(step, err)
	}
	enc := xml.NewEncoder(w)
	enc.Indent("", "  ")
	if err := enc.Encode(doc); err != nil {
		return c2c.Internal(step, err)
	}
	if _, err := io.WriteString(w, "\n"); err != nil {
		return c2c.Internal(step, err)
	}
	return nil
}

// writeGEXF writes a dynamic GEXF 1.3 graph. An exchange of known date
// has start and end attributes in whole days (timeformat "date"): a partial
// date becomes the interval it covers, so "2013-07" starts on 2013-07-01
// and, with no end date, ends on 2013-07-31. The dates as written are kept
// in the attributes startText and endText (an attribute named start or
// end would clash with the interval in NetworkX and Gephi). An exchange of unknown date has no
// interval and is present throughout. Nodes carry no interval; Gephi shows
// a node while any of its edges is. modified, when not zero, is written as
// the meta lastmodifieddate.
func writeGEXF(w io.Writer, g *c2c.Subgraph, modified time.Time) error {
	p := prepare(g)
	doc := gexfDoc{
		VizNS: "http://gexf.net/1.3/viz", Version: "1.3",
		Meta:  gexfMeta{Creator: "c2c", Description: "City-to-city cooperation: actors and exchanges"},
		Graph: gexfGraph{DefaultEdgeType: "undirected", Mode: "dynamic", TimeFormat: "date"},
	}
	if !modified.IsZero() {
		doc.Meta.LastModified = modified.UTC().Format(time.DateOnly)
	}
	na := gexfAttributes{Class: "node"}
	for _, c := range nodeColumns {
		na.Attrs = append(na.Attrs, gexfAttribute{ID: c.name, Title: c.name, Type: c.typ})
	}
	ea := gexfAttributes{Class: "edge"}
	for _, c := range edgeColumns {
		ea.Attrs = append(ea.Attrs, gexfAttribute{ID: gexfEdgeAttr(c.name), Title: gexfEdgeAttr(c.name), Type: c.typ})
	}
	doc.Graph.Attributes = []gexfAttributes{na, ea}
	for _, a := range p.nodes {
		n := gexfNode{ID: a.ID, Label: a.Name}
		for i, v := range nodeValues(a) {
			if v != "" {
				n.Values = append(n.Values, gexfValue{nodeColumns[i].name, v})
			}
		}
		if a.Coords != nil {
			n.Position = &gexfPos{X: a.Coords.Lon, Y: a.Coords.Lat}
		}
		doc.Graph.Nodes = append(doc.Graph.Nodes, n)
	}
	for _, x := range p.edges {
		e := gexfEdge{ID: x.ID, Source: x.SourceID, Target: x.TargetID, Label: x.Title}
		if lo, hi, ok := x.Span(); ok {
			e.Start, e.End = dayText(lo), dayText(hi)
		}
		for i, v := range edgeValues(x, p.countryOf) {
			if v != "" {
				e.Values = append(e.Values, gexfValue{gexfEdgeAttr(edgeColumns[i].name), v})
			}
		}
		doc.Graph.Edges = append(doc.Graph.Edges, e)
	}
	return encodeXML(w, doc, "export gexf")
}

func writeZip(w io.Writer, g *c2c.Subgraph) error {
	z := zip.NewWriter(w)
	// A fixed modification time keeps the archive byte-for-byte the same
	// for the same graph.
	stamp := time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC)
	nodes, err := z.CreateHeader(&zip.FileHeader{Name: NodesFile, Method: zip.Deflate, Modified: stamp})
	if err != nil {
		return c2c.Internal("export csv", err)
	}
	if err := writeNodesCSV(nodes, g); err != nil {
		return err
	}
	edges, err := z.CreateHeader(&zip.FileHeader{Name: EdgesFile, Method: zip.Deflate, Modified: stamp})
	if err != nil {
		return c2c.Internal("export csv", err)
	}
	if err := writeEdgesCSV(edges, g); err != nil {
		return err
	}
	if err := z.Close(); err != nil {
		return c2c.Internal("export csv", err)
	}
	return nil
}

func writeNodesCSV(w io.Writer, g *c2c.Subgraph) error {
	cw := csv.NewWriter(w)
	_ = cw.Write(NodeHeader())
	for _, a := range prepare(g).nodes {
		_ = cw.Write(append([]string{a.ID}, nodeValues(a)...))
	}
	cw.Flush()
	if err := cw.Error(); err != nil {
		return c2c.Internal("export nodes csv", err)
	}
	return nil
}

func writeEdgesCSV(w io.Writer, g *c2c.Subgraph) error {
	p := prepare(g)
	cw := csv.NewWriter(w)
	_ = cw.Write(EdgeHeader())
	for _, x := range p.edges {
		_ = cw.Write(append([]string{x.ID, x.SourceID, x.TargetID}, edgeValues(x, p.countryOf)...))
	}
	cw.Flush()
	if err := cw.Error(); err != nil {
		return c2c.Internal("export edges csv", err)
	}
	return nil
}

// referenceWrite is Write as it was before WriteFrom: whole documents.
func referenceWrite(w io.Writer, g *c2c.Subgraph, f Format) error {
	switch f {
	case GraphML:
		return writeGraphML(w, g)
	case GEXF:
		return writeGEXF(w, g, time.Time{})
	}
	return writeZip(w, g)
}

// TestStreamMatchesWholeDocument checks that the streaming writers give
// the bytes encoding/xml and encoding/csv give for the whole graph at
// once, for the fixture, a graph of nodes only and the empty graph.
func TestStreamMatchesWholeDocument(t *testing.T) {
	full := fixture()
	nodesOnly := &c2c.Subgraph{Nodes: full.Nodes}
	for name, g := range map[string]*c2c.Subgraph{"fixture": full, "nodes only": nodesOnly, "empty": {}} {
		for _, f := range Formats {
			var want, got bytes.Buffer
			if err := referenceWrite(&want, g, f); err != nil {
				t.Fatal(err)
			}
			if err := WriteFrom(&got, sliceSource(prepare(g)), f); err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(got.Bytes(), want.Bytes()) {
				t.Errorf("%s %s: streamed output differs from the whole document:\n%s\nwant\n%s", name, f, got.Bytes(), want.Bytes())
			}
		}
	}
}

// failingSource fails after n pieces, as a store failing mid-export does.
type failingSource struct {
	sliceSource
	n int
}

var errSource = errors.New("the store went away")

func (s *failingSource) Nodes(fn func(*c2c.Actor) error) error {
	return s.sliceSource.Nodes(func(a *c2c.Actor) error {
		if s.n--; s.n < 0 {
			return errSource
		}
		return fn(a)
	})
}

// TestStreamReturnsSourceErrors checks that a source's error ends the
// export with that error, in every format.
func TestStreamReturnsSourceErrors(t *testing.T) {
	for _, f := range Formats {
		err := WriteFrom(io.Discard, &failingSource{sliceSource: sliceSource(prepare(fixture())), n: 1}, f)
		if !errors.Is(err, errSource) {
			t.Errorf("%s: err = %v, want the source's error", f, err)
		}
	}
}
