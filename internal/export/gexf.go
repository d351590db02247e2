package export

import (
	"encoding/xml"
	"io"
	"strconv"
	"time"

	"github.com/c2c-project/c2c/internal/c2c"
)

// The GEXF 1.3 document.
type gexfDoc struct {
	XMLName xml.Name  `xml:"http://gexf.net/1.3 gexf"`
	VizNS   string    `xml:"xmlns:viz,attr"`
	Version string    `xml:"version,attr"`
	Meta    gexfMeta  `xml:"meta"`
	Graph   gexfGraph `xml:"graph"`
}

type gexfMeta struct {
	LastModified string `xml:"lastmodifieddate,attr,omitempty"`
	Creator      string `xml:"creator"`
	Description  string `xml:"description"`
}

type gexfGraph struct {
	DefaultEdgeType string           `xml:"defaultedgetype,attr"`
	Mode            string           `xml:"mode,attr"`
	TimeFormat      string           `xml:"timeformat,attr"`
	Attributes      []gexfAttributes `xml:"attributes"`
	Nodes           []gexfNode       `xml:"nodes>node"`
	Edges           []gexfEdge       `xml:"edges>edge"`
}

type gexfAttributes struct {
	Class string          `xml:"class,attr"`
	Attrs []gexfAttribute `xml:"attribute"`
}

type gexfAttribute struct {
	ID    string `xml:"id,attr"`
	Title string `xml:"title,attr"`
	Type  string `xml:"type,attr"`
}

type gexfNode struct {
	ID       string      `xml:"id,attr"`
	Label    string      `xml:"label,attr"`
	Values   []gexfValue `xml:"attvalues>attvalue"`
	Position *gexfPos    `xml:"http://gexf.net/1.3/viz position,omitempty"`
}

// gexfPos places a node at its coordinates: x is the longitude and y the
// latitude, so Gephi's layout shows a map until it is rearranged.
type gexfPos struct {
	X float64 `xml:"x,attr"`
	Y float64 `xml:"y,attr"`
	Z float64 `xml:"z,attr"`
}

type gexfEdge struct {
	ID     string      `xml:"id,attr"`
	Source string      `xml:"source,attr"`
	Target string      `xml:"target,attr"`
	Label  string      `xml:"label,attr,omitempty"`
	Start  string      `xml:"start,attr,omitempty"`
	End    string      `xml:"end,attr,omitempty"`
	Values []gexfValue `xml:"attvalues>attvalue"`
}

type gexfValue struct {
	For   string `xml:"for,attr"`
	Value string `xml:"value,attr"`
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

// dayText turns a yyyymmdd key into yyyy-mm-dd.
func dayText(key int) string {
	s := strconv.Itoa(key)
	if len(s) != 8 {
		return s
	}
	return s[:4] + "-" + s[4:6] + "-" + s[6:]
}

// gexfEdgeAttr returns the GEXF attribute name of an edge column.
func gexfEdgeAttr(name string) string {
	if name == "start" || name == "end" {
		return name + "Text"
	}
	return name
}
