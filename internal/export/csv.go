package export

import (
	"encoding/csv"
	"io"

	"github.com/c2c-project/c2c/internal/c2c"
)

// WriteCSV writes g as two CSV tables with a header row: the actors to
// nodes (id first) and the exchanges to edges (id, source, target first),
// both in id order. KindInternal wrapping the writer's error if writing
// fails.
func WriteCSV(nodes, edges io.Writer, g *c2c.Subgraph) error {
	if err := writeNodesCSV(nodes, g); err != nil {
		return err
	}
	return writeEdgesCSV(edges, g)
}

// NodeHeader and EdgeHeader return the header rows of the CSV tables.
func NodeHeader() []string {
	h := []string{"id"}
	for _, c := range nodeColumns {
		h = append(h, c.name)
	}
	return h
}

// EdgeHeader returns the header row of the edges table.
func EdgeHeader() []string {
	h := []string{"id", "source", "target"}
	for _, c := range edgeColumns {
		h = append(h, c.name)
	}
	return h
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
