// Package export writes a *c2c.Subgraph in the formats network tools read:
// GraphML (NetworkX, Gephi, yEd, R igraph), GEXF 1.3 (Gephi, NetworkX) and
// CSV (one table of nodes, one of edges; spreadsheets, R, pandas).
//
// Every format carries the same facts. Nodes: id, name, kind, country,
// lat, lon, altNames, orgType, regionId, wikidataId, geonamesId and the
// actor's Global South status under each definition (south_G77,
// south_M49_DEVELOPING_2020, south_WORLD_BANK_NON_HIGH_INCOME). Edges: id,
// source, target, title, kind, themes, start, end, dateNote, programme,
// event, facilitators, directed, sourceUrl and the exchange's class under
// each definition (class_G77, …). Lists (altNames, themes, facilitators)
// are joined with "|"; dates keep their precision ("2013", "2013-07",
// "2013-07-28"); a missing value is left out (XML) or empty (CSV).
package export

import (
	"io"
	"slices"
	"strconv"
	"strings"

	"github.com/c2c-project/c2c/internal/c2c"
)

// Format names an export format.
type Format string

// The formats.
const (
	GraphML Format = "graphml"
	GEXF    Format = "gexf"
	// CSV, given to Write, is a zip archive holding nodes.csv and
	// edges.csv, so that one stream (an HTTP response, one file) carries
	// both tables; WriteCSV writes the two tables to two streams.
	CSV Format = "csv"
)

// Formats lists every format.
var Formats = []Format{GraphML, GEXF, CSV}

// ParseFormat returns the format named s (case-insensitive); KindInvalid
// naming "format" otherwise.
func ParseFormat(s string) (Format, error) {
	f := Format(strings.ToLower(strings.TrimSpace(s)))
	if slices.Contains(Formats, f) {
		return f, nil
	}
	return "", c2c.Invalid("format", "%q is not one of graphml, gexf, csv", s)
}

// ContentType returns the media type of f's output.
func (f Format) ContentType() string {
	switch f {
	case GraphML:
		return "application/graphml+xml"
	case GEXF:
		return "application/gexf+xml"
	case CSV:
		return "application/zip"
	}
	return "application/octet-stream"
}

// Extension returns the usual file name extension of f's output, with the
// dot.
func (f Format) Extension() string {
	switch f {
	case CSV:
		return ".zip"
	default:
		return "." + string(f)
	}
}

// Write writes g to w in format f. KindInvalid naming "format" for an
// unknown format; KindInternal wrapping the writer's error when writing
// fails.
func Write(w io.Writer, g *c2c.Subgraph, f Format) error {
	return WriteFrom(w, sliceSource(prepare(g)), f)
}

// Names of the files inside the CSV archive.
const (
	NodesFile = "nodes.csv"
	EdgesFile = "edges.csv"
)

// column is an attribute of nodes or edges: its name in every format and
// its GraphML/GEXF type.
type column struct {
	name string
	typ  string // string, double, long or boolean
}

var nodeColumns = append([]column{
	{"name", "string"}, {"kind", "string"}, {"country", "string"},
	{"lat", "double"}, {"lon", "double"}, {"altNames", "string"},
	{"orgType", "string"}, {"regionId", "string"}, {"wikidataId", "string"},
	{"geonamesId", "long"},
}, perDefinition("south_")...)

var edgeColumns = append([]column{
	{"title", "string"}, {"kind", "string"}, {"themes", "string"},
	{"start", "string"}, {"end", "string"}, {"dateNote", "string"},
	{"programme", "string"}, {"event", "string"}, {"facilitators", "string"},
	{"directed", "boolean"}, {"sourceUrl", "string"},
}, perDefinition("class_")...)

func perDefinition(prefix string) []column {
	var out []column
	for _, d := range c2c.Definitions {
		out = append(out, column{prefix + string(d), "string"})
	}
	return out
}

// nodeValues returns a's values in nodeColumns order; "" is missing.
func nodeValues(a *c2c.Actor) []string {
	v := []string{a.Name, string(a.Kind), a.Country, "", "", strings.Join(a.AltNames, "|"),
		string(a.OrgType), a.RegionID, a.WikidataID, ""}
	if a.Coords != nil {
		v[3] = strconv.FormatFloat(a.Coords.Lat, 'f', -1, 64)
		v[4] = strconv.FormatFloat(a.Coords.Lon, 'f', -1, 64)
	}
	if a.GeoNamesID != 0 {
		v[9] = strconv.FormatInt(a.GeoNamesID, 10)
	}
	for _, d := range c2c.Definitions {
		v = append(v, string(c2c.StatusOf(d, a.Country)))
	}
	return v
}

// edgeValues returns x's values in edgeColumns order; country gives the
// country of an actor id.
func edgeValues(x *c2c.Exchange, country func(string) string) []string {
	v := []string{x.Title, string(x.Kind), strings.Join(x.Themes, "|"),
		c2c.DateString(x.Start), c2c.DateString(x.End), x.DateNote,
		x.Programme, x.Event, strings.Join(x.Facilitators, "|"),
		strconv.FormatBool(x.Directed), x.SourceURL}
	for _, d := range c2c.Definitions {
		v = append(v, string(c2c.Classify(d, country(x.SourceID), country(x.TargetID))))
	}
	return v
}

// prepared is g with nodes and edges in id order and a country lookup.
type prepared struct {
	nodes   []*c2c.Actor
	edges   []*c2c.Exchange
	country map[string]string
}

func prepare(g *c2c.Subgraph) prepared {
	p := prepared{country: map[string]string{}}
	if g == nil {
		return p
	}
	for _, a := range g.Nodes {
		if a != nil {
			p.nodes = append(p.nodes, a)
			p.country[a.ID] = a.Country
		}
	}
	for _, x := range g.Edges {
		if x != nil {
			p.edges = append(p.edges, x)
		}
	}
	slices.SortFunc(p.nodes, func(a, b *c2c.Actor) int { return strings.Compare(a.ID, b.ID) })
	slices.SortFunc(p.edges, func(a, b *c2c.Exchange) int { return strings.Compare(a.ID, b.ID) })
	return p
}

func (p prepared) countryOf(id string) string { return p.country[id] }
