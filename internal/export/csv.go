package export

import (
	"io"

	"github.com/c2c-project/c2c/internal/c2c"
)

// WriteCSV writes g as two CSV tables with a header row: the actors to
// nodes (id first) and the exchanges to edges (id, source, target first),
// both in id order. KindInternal wrapping the writer's error if writing
// fails.
func WriteCSV(nodes, edges io.Writer, g *c2c.Subgraph) error {
	src, country := sliceSource(prepare(g)), countries{}
	if err := streamNodesCSV(nodes, src, country); err != nil {
		return err
	}
	return streamEdgesCSV(edges, src, country)
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
