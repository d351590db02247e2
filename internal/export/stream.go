package export

import (
	"archive/zip"
	"encoding/csv"
	"encoding/xml"
	"io"
	"time"

	"github.com/c2c-project/c2c/internal/c2c"
)

// Source hands a graph to WriteFrom a piece at a time, so that an export
// of any size is written in the memory of one piece: Nodes calls fn for
// every actor, then Edges for every exchange, each in id order. An error
// from fn is returned as is; a Source's own errors end the export.
type Source interface {
	Nodes(fn func(*c2c.Actor) error) error
	Edges(fn func(*c2c.Exchange) error) error
}

// WriteFrom writes the graph src yields to w in format f, node by node and
// edge by edge: the same bytes Write writes for the same graph. It keeps
// only each actor's country (for the edges' classes) besides the piece at
// hand. KindInvalid naming "format" for an unknown format; KindInternal
// wrapping the writer's error when writing fails.
func WriteFrom(w io.Writer, src Source, f Format) error {
	switch f {
	case GraphML:
		return streamGraphML(w, src)
	case GEXF:
		return streamGEXF(w, src, time.Time{})
	case CSV:
		return streamZip(w, src)
	}
	return c2c.Invalid("format", "%q is not one of graphml, gexf, csv", f)
}

// sliceSource is a Subgraph already in memory, in id order.
type sliceSource prepared

func (s sliceSource) Nodes(fn func(*c2c.Actor) error) error {
	for _, a := range s.nodes {
		if err := fn(a); err != nil {
			return err
		}
	}
	return nil
}

func (s sliceSource) Edges(fn func(*c2c.Exchange) error) error {
	for _, x := range s.edges {
		if err := fn(x); err != nil {
			return err
		}
	}
	return nil
}

// xmlStream writes one XML document element by element, with the
// indentation encoding/xml gives a whole document.
type xmlStream struct {
	w    io.Writer
	enc  *xml.Encoder
	step string
	err  error // the first writer error, wrapped
}

func newXMLStream(w io.Writer, step string) (*xmlStream, error) {
	if _, err := io.WriteString(w, xml.Header); err != nil {
		return nil, c2c.Internal(step, err)
	}
	enc := xml.NewEncoder(w)
	enc.Indent("", "  ")
	return &xmlStream{w: w, enc: enc, step: step}, nil
}

func (x *xmlStream) fail(err error) error {
	if err != nil && x.err == nil {
		x.err = c2c.Internal(x.step, err)
	}
	return x.err
}

func (x *xmlStream) start(name xml.Name, attrs ...xml.Attr) error {
	return x.fail(x.enc.EncodeToken(xml.StartElement{Name: name, Attr: attrs}))
}

func (x *xmlStream) end(name xml.Name) error {
	return x.fail(x.enc.EncodeToken(xml.EndElement{Name: name}))
}

func (x *xmlStream) element(local string, v any) error {
	return x.fail(x.enc.EncodeElement(v, xml.StartElement{Name: xml.Name{Local: local}}))
}

// finish flushes the encoder and ends the document with a newline.
func (x *xmlStream) finish() error {
	if err := x.fail(x.enc.Flush()); err != nil {
		return err
	}
	if _, err := io.WriteString(x.w, "\n"); err != nil {
		return x.fail(err)
	}
	return nil
}

func local(s string) xml.Name { return xml.Name{Local: s} }

func attr(name, value string) xml.Attr { return xml.Attr{Name: local(name), Value: value} }

// countries remembers each node's country for the edges that follow.
type countries map[string]string

func (c countries) of(id string) string { return c[id] }

// streamGraphML writes GraphML with a <key> per attribute. Key ids are
// "n_" or "e_" and the attribute name, since a node and an edge attribute
// may share a name (kind). The graph is undirected by default; whether an
// exchange is directed is the edge attribute "directed", because NetworkX
// rejects graphs that mix edge directions. Parallel exchanges are parallel
// edges (NetworkX reads a MultiGraph).
func streamGraphML(w io.Writer, src Source) error {
	x, err := newXMLStream(w, "export graphml")
	if err != nil {
		return err
	}
	root, graph := local("graphml"), local("graph")
	if err := x.start(root, attr("xmlns", "http://graphml.graphdrawing.org/xmlns")); err != nil {
		return err
	}
	for _, c := range nodeColumns {
		if err := x.element("key", graphmlKey{ID: "n_" + c.name, For: "node", Name: c.name, Type: c.typ}); err != nil {
			return err
		}
	}
	for _, c := range edgeColumns {
		if err := x.element("key", graphmlKey{ID: "e_" + c.name, For: "edge", Name: c.name, Type: c.typ}); err != nil {
			return err
		}
	}
	if err := x.start(graph, attr("id", "c2c"), attr("edgedefault", "undirected")); err != nil {
		return err
	}
	country := countries{}
	err = src.Nodes(func(a *c2c.Actor) error {
		country[a.ID] = a.Country
		n := graphmlNode{ID: a.ID}
		for i, v := range nodeValues(a) {
			if v != "" {
				n.Data = append(n.Data, graphmlData{"n_" + nodeColumns[i].name, v})
			}
		}
		return x.element("node", n)
	})
	if err != nil {
		return err
	}
	err = src.Edges(func(ex *c2c.Exchange) error {
		e := graphmlEdge{ID: ex.ID, Source: ex.SourceID, Target: ex.TargetID}
		for i, v := range edgeValues(ex, country.of) {
			if v != "" {
				e.Data = append(e.Data, graphmlData{"e_" + edgeColumns[i].name, v})
			}
		}
		return x.element("edge", e)
	})
	if err != nil {
		return err
	}
	if err := x.end(graph); err != nil {
		return err
	}
	if err := x.end(root); err != nil {
		return err
	}
	return x.finish()
}

// streamGEXF writes a dynamic GEXF 1.3 graph. An exchange of known date
// has start and end attributes in whole days (timeformat "date"): a partial
// date becomes the interval it covers, so "2013-07" starts on 2013-07-01
// and, with no end date, ends on 2013-07-31. The dates as written are kept
// in the attributes startText and endText (an attribute named start or
// end would clash with the interval in NetworkX and Gephi). An exchange of unknown date has no
// interval and is present throughout. Nodes carry no interval; Gephi shows
// a node while any of its edges is. modified, when not zero, is written as
// the meta lastmodifieddate.
func streamGEXF(w io.Writer, src Source, modified time.Time) error {
	x, err := newXMLStream(w, "export gexf")
	if err != nil {
		return err
	}
	root := xml.Name{Space: "http://gexf.net/1.3", Local: "gexf"}
	graph, nodes, edges := local("graph"), local("nodes"), local("edges")
	if err := x.start(root, attr("xmlns:viz", "http://gexf.net/1.3/viz"), attr("version", "1.3")); err != nil {
		return err
	}
	meta := gexfMeta{Creator: "c2c", Description: "City-to-city cooperation: actors and exchanges"}
	if !modified.IsZero() {
		meta.LastModified = modified.UTC().Format(time.DateOnly)
	}
	if err := x.element("meta", meta); err != nil {
		return err
	}
	if err := x.start(graph, attr("defaultedgetype", "undirected"), attr("mode", "dynamic"), attr("timeformat", "date")); err != nil {
		return err
	}
	na := gexfAttributes{Class: "node"}
	for _, c := range nodeColumns {
		na.Attrs = append(na.Attrs, gexfAttribute{ID: c.name, Title: c.name, Type: c.typ})
	}
	ea := gexfAttributes{Class: "edge"}
	for _, c := range edgeColumns {
		ea.Attrs = append(ea.Attrs, gexfAttribute{ID: gexfEdgeAttr(c.name), Title: gexfEdgeAttr(c.name), Type: c.typ})
	}
	for _, a := range []gexfAttributes{na, ea} {
		if err := x.element("attributes", a); err != nil {
			return err
		}
	}
	country := countries{}
	if err := x.start(nodes); err != nil {
		return err
	}
	err = src.Nodes(func(a *c2c.Actor) error {
		country[a.ID] = a.Country
		n := gexfNode{ID: a.ID, Label: a.Name}
		for i, v := range nodeValues(a) {
			if v != "" {
				n.Values = append(n.Values, gexfValue{nodeColumns[i].name, v})
			}
		}
		if a.Coords != nil {
			n.Position = &gexfPos{X: a.Coords.Lon, Y: a.Coords.Lat}
		}
		return x.element("node", n)
	})
	if err != nil {
		return err
	}
	if err := x.end(nodes); err != nil {
		return err
	}
	if err := x.start(edges); err != nil {
		return err
	}
	err = src.Edges(func(ex *c2c.Exchange) error {
		e := gexfEdge{ID: ex.ID, Source: ex.SourceID, Target: ex.TargetID, Label: ex.Title}
		if lo, hi, ok := ex.Span(); ok {
			e.Start, e.End = dayText(lo), dayText(hi)
		}
		for i, v := range edgeValues(ex, country.of) {
			if v != "" {
				e.Values = append(e.Values, gexfValue{gexfEdgeAttr(edgeColumns[i].name), v})
			}
		}
		return x.element("edge", e)
	})
	if err != nil {
		return err
	}
	if err := x.end(edges); err != nil {
		return err
	}
	if err := x.end(graph); err != nil {
		return err
	}
	if err := x.end(root); err != nil {
		return err
	}
	return x.finish()
}

// streamZip writes the CSV archive: nodes.csv, then edges.csv.
func streamZip(w io.Writer, src Source) error {
	z := zip.NewWriter(w)
	stamp := time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC)
	nodes, err := z.CreateHeader(&zip.FileHeader{Name: NodesFile, Method: zip.Deflate, Modified: stamp})
	if err != nil {
		return c2c.Internal("export csv", err)
	}
	country := countries{}
	if err := streamNodesCSV(nodes, src, country); err != nil {
		return err
	}
	edges, err := z.CreateHeader(&zip.FileHeader{Name: EdgesFile, Method: zip.Deflate, Modified: stamp})
	if err != nil {
		return c2c.Internal("export csv", err)
	}
	if err := streamEdgesCSV(edges, src, country); err != nil {
		return err
	}
	if err := z.Close(); err != nil {
		return c2c.Internal("export csv", err)
	}
	return nil
}

func streamNodesCSV(w io.Writer, src Source, country countries) error {
	cw := csv.NewWriter(w)
	_ = cw.Write(NodeHeader())
	err := src.Nodes(func(a *c2c.Actor) error {
		country[a.ID] = a.Country
		_ = cw.Write(append([]string{a.ID}, nodeValues(a)...))
		return csvError(cw, "export nodes csv")
	})
	if err != nil {
		return err
	}
	cw.Flush()
	return csvError(cw, "export nodes csv")
}

func streamEdgesCSV(w io.Writer, src Source, country countries) error {
	cw := csv.NewWriter(w)
	_ = cw.Write(EdgeHeader())
	err := src.Edges(func(x *c2c.Exchange) error {
		_ = cw.Write(append([]string{x.ID, x.SourceID, x.TargetID}, edgeValues(x, country.of)...))
		return csvError(cw, "export edges csv")
	})
	if err != nil {
		return err
	}
	cw.Flush()
	return csvError(cw, "export edges csv")
}

func csvError(cw *csv.Writer, step string) error {
	if err := cw.Error(); err != nil {
		return c2c.Internal(step, err)
	}
	return nil
}
