// Package twinpaths builds the long-path fixture of the store conformance
// suite from the facts of the Wikipedia twin-town sample
// (../shared/samples/twin-towns-wikipedia.csv beside the repository): the
// sample imported through c2c's own importer (so homonyms are told apart
// by their coordinates), then every twinning whose two cities lie in the
// Americas, Asia or Oceania (UN M49 regions 019, 142 and 009). That keeps a
// graph of real shape (hubs, long chains, many small components) with a
// large component about 18 hops across, small enough to load into Neo4j
// in every test run.
//
// The fixture is committed (internal/store/storetest/testdata); this
// package regenerates it:
//
//	go test ./internal/store/storetest/twinpaths -run TestFixture -update
package twinpaths

import (
	"bytes"
	"context"
	"encoding/csv"
	"fmt"
	"path/filepath"
	"slices"
	"strconv"

	"github.com/c2c-project/c2c/internal/c2c"
	"github.com/c2c-project/c2c/internal/importer"
	"github.com/c2c-project/c2c/internal/store/sqlitestore"
)

// Regions are the M49 regions whose internal twinnings the fixture keeps.
var Regions = []string{"019", "142", "009"}

// Files are the fixture's two files, by name.
type Files map[string][]byte

// The fixture's file names in internal/store/storetest/testdata.
const (
	ActorsFile    = "twinpaths-actors.csv"
	ExchangesFile = "twinpaths-exchanges.csv"
)

// Build imports the twin-town sample at samplePath into a fresh embedded
// store under dir and returns the fixture: the actors (id, name, country,
// lat, lon) and the twinnings (id, source, target) within Regions, each
// file sorted by id.
func Build(ctx context.Context, samplePath, dir string) (Files, error) {
	s, err := sqlitestore.Open(ctx, filepath.Join(dir, "twins.db"))
	if err != nil {
		return nil, err
	}
	defer s.Close()
	rep, err := importer.ImportFile(ctx, s, samplePath, importer.Options{})
	if err != nil {
		return nil, fmt.Errorf("import %s: %w", samplePath, err)
	}
	if !rep.Written {
		return nil, fmt.Errorf("import %s wrote nothing", samplePath)
	}
	g, err := s.Edges(ctx, c2c.ExchangeFilter{})
	if err != nil {
		return nil, err
	}
	inRegions := map[string]bool{}
	for _, a := range g.Nodes {
		c, ok := c2c.CountryByCode(a.Country)
		inRegions[a.ID] = ok && slices.Contains(Regions, c.RegionCode)
	}
	used := map[string]bool{}
	var xs [][]string
	for _, x := range g.Edges {
		if inRegions[x.SourceID] && inRegions[x.TargetID] && x.SourceID != x.TargetID {
			xs = append(xs, []string{x.ID, x.SourceID, x.TargetID})
			used[x.SourceID], used[x.TargetID] = true, true
		}
	}
	var as [][]string
	for _, a := range g.Nodes {
		if !used[a.ID] {
			continue
		}
		lat, lon := "", ""
		if a.Coords != nil {
			lat = strconv.FormatFloat(a.Coords.Lat, 'f', -1, 64)
			lon = strconv.FormatFloat(a.Coords.Lon, 'f', -1, 64)
		}
		as = append(as, []string{a.ID, a.Name, a.Country, lat, lon})
	}
	byID := func(a, b []string) int { return cmpString(a[0], b[0]) }
	slices.SortFunc(as, byID)
	slices.SortFunc(xs, byID)
	actors, err := writeCSV([]string{"id", "name", "country", "lat", "lon"}, as)
	if err != nil {
		return nil, err
	}
	exchanges, err := writeCSV([]string{"id", "source", "target"}, xs)
	if err != nil {
		return nil, err
	}
	return Files{ActorsFile: actors, ExchangesFile: exchanges}, nil
}

func cmpString(a, b string) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

func writeCSV(header []string, rows [][]string) ([]byte, error) {
	var buf bytes.Buffer
	w := csv.NewWriter(&buf)
	if err := w.Write(header); err != nil {
		return nil, err
	}
	if err := w.WriteAll(rows); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}
