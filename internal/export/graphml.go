package export

import (
	"encoding/xml"
	"io"

	"github.com/c2c-project/c2c/internal/c2c"
)

// The GraphML document, as encoding/xml writes it (and tests read it).
type graphmlDoc struct {
	XMLName xml.Name     `xml:"graphml"`
	XMLNS   string       `xml:"xmlns,attr"`
	Keys    []graphmlKey `xml:"key"`
	Graph   graphmlGraph `xml:"graph"`
}

type graphmlKey struct {
	ID   string `xml:"id,attr"`
	For  string `xml:"for,attr"`
	Name string `xml:"attr.name,attr"`
	Type string `xml:"attr.type,attr"`
}

type graphmlGraph struct {
	ID          string        `xml:"id,attr"`
	EdgeDefault string        `xml:"edgedefault,attr"`
	Nodes       []graphmlNode `xml:"node"`
	Edges       []graphmlEdge `xml:"edge"`
}

type graphmlNode struct {
	ID   string        `xml:"id,attr"`
	Data []graphmlData `xml:"data"`
}

type graphmlEdge struct {
	ID     string        `xml:"id,attr"`
	Source string        `xml:"source,attr"`
	Target string        `xml:"target,attr"`
	Data   []graphmlData `xml:"data"`
}

type graphmlData struct {
	Key   string `xml:"key,attr"`
	Value string `xml:",chardata"`
}

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
