package analysis

import (
	"cmp"
	"context"
	"slices"
	"strconv"
	"strings"

	"github.com/c2c-project/c2c/internal/c2c"
)

// Field names what a breakdown counts by.
type Field string

// The fields. An exchange counts once under each distinct key it has: once
// per theme, once per country of its ends (once if both ends share it),
// once per M49 region of its ends.
const (
	FieldTheme      Field = "THEME"       // theme id; "" for an exchange with none
	FieldKind       Field = "KIND"        // exchange kind
	FieldYear       Field = "YEAR"        // start year; "" when unknown
	FieldCountry    Field = "COUNTRY"     // ISO code of either end; "" for an end with no country
	FieldRegion     Field = "REGION"      // M49 region code of either end ("002" Africa); "" unknown
	FieldSubRegion  Field = "SUB_REGION"  // M49 sub-region code of either end; "" unknown
	FieldRegionPair Field = "REGION_PAIR" // the two ends' M49 regions, ordered: "002|019"
	// FieldSubRegionPair and FieldCountryPair are the two ends' M49
	// sub-regions and countries, ordered ("018|202", "BR|ZA"): the links of
	// an aggregated view of a selection too big to draw actor by actor.
	FieldSubRegionPair Field = "SUB_REGION_PAIR"
	FieldCountryPair   Field = "COUNTRY_PAIR"
	FieldClass         Field = "CLASS"     // Global South class under Dimension.Definition
	FieldProgramme     Field = "PROGRAMME" // programme; "" for none
)

// Dimension is a Field to count by, with the Global South definition that
// FieldClass needs.
type Dimension struct {
	Field      Field
	Definition c2c.Definition
}

// Ready-made dimensions.
var (
	DimTheme         = Dimension{Field: FieldTheme}
	DimKind          = Dimension{Field: FieldKind}
	DimYear          = Dimension{Field: FieldYear}
	DimCountry       = Dimension{Field: FieldCountry}
	DimRegion        = Dimension{Field: FieldRegion}
	DimSubRegion     = Dimension{Field: FieldSubRegion}
	DimRegionPair    = Dimension{Field: FieldRegionPair}
	DimSubRegionPair = Dimension{Field: FieldSubRegionPair}
	DimCountryPair   = Dimension{Field: FieldCountryPair}
	DimProgramme     = Dimension{Field: FieldProgramme}
)

// DimClass counts by Global South class under d.
func DimClass(d c2c.Definition) Dimension { return Dimension{Field: FieldClass, Definition: d} }

// Validate checks d; field names the argument. KindInvalid for an unknown
// field or a class dimension without a known definition.
func (d Dimension) Validate(field string) error {
	switch d.Field {
	case FieldTheme, FieldKind, FieldYear, FieldCountry, FieldRegion, FieldSubRegion, FieldRegionPair,
		FieldSubRegionPair, FieldCountryPair, FieldProgramme:
		return nil
	case FieldClass:
		if !d.Definition.Valid() {
			return c2c.Invalid(field+".definition", "%q is not a known definition", d.Definition)
		}
		return nil
	}
	return c2c.Invalid(field, "%q is not a breakdown field", d.Field)
}

// Bucket is the number of exchanges with one combination of keys, one key
// per dimension asked for.
type Bucket struct {
	Keys  []string
	Count int
}

func (ix *index) country(id string) string {
	if i, ok := ix.pos[id]; ok && ix.actors[i] != nil {
		return ix.actors[i].Country
	}
	return ""
}

func region(code string) string {
	c, ok := c2c.CountryByCode(code)
	if !ok {
		return ""
	}
	return c.RegionCode
}

func subRegion(code string) string {
	c, ok := c2c.CountryByCode(code)
	if !ok {
		return ""
	}
	return c.SubRegionCode
}

func distinct(ks ...string) []string {
	if len(ks) == 2 && ks[0] == ks[1] {
		return ks[:1]
	}
	return ks
}

func (ix *index) keyer(d Dimension) func(*c2c.Exchange) []string {
	ends := func(x *c2c.Exchange, f func(string) string) []string {
		a, b := f(ix.country(x.SourceID)), f(ix.country(x.TargetID))
		if a > b {
			a, b = b, a
		}
		return []string{a, b}
	}
	ident := func(s string) string { return s }
	switch d.Field {
	case FieldTheme:
		return func(x *c2c.Exchange) []string {
			if len(x.Themes) == 0 {
				return []string{""}
			}
			return distinct2(x.Themes)
		}
	case FieldKind:
		return func(x *c2c.Exchange) []string { return []string{string(x.Kind)} }
	case FieldYear:
		return func(x *c2c.Exchange) []string {
			if x.Start == nil {
				return []string{""}
			}
			return []string{strconv.Itoa(x.Start.Year)}
		}
	case FieldCountry:
		return func(x *c2c.Exchange) []string { return distinct(ends(x, ident)...) }
	case FieldRegion:
		return func(x *c2c.Exchange) []string { return distinct(ends(x, region)...) }
	case FieldSubRegion:
		return func(x *c2c.Exchange) []string { return distinct(ends(x, subRegion)...) }
	case FieldRegionPair:
		return func(x *c2c.Exchange) []string {
			e := ends(x, region)
			return []string{e[0] + "|" + e[1]}
		}
	case FieldSubRegionPair:
		return func(x *c2c.Exchange) []string {
			e := ends(x, subRegion)
			return []string{e[0] + "|" + e[1]}
		}
	case FieldCountryPair:
		return func(x *c2c.Exchange) []string {
			e := ends(x, ident)
			return []string{e[0] + "|" + e[1]}
		}
	case FieldClass:
		return func(x *c2c.Exchange) []string {
			return []string{string(c2c.Classify(d.Definition, ix.country(x.SourceID), ix.country(x.TargetID)))}
		}
	case FieldProgramme:
		return func(x *c2c.Exchange) []string { return []string{x.Programme} }
	}
	return nil
}

func distinct2(in []string) []string {
	out := slices.Clone(in)
	slices.Sort(out)
	return slices.Compact(out)
}

// Breakdown counts the exchanges of g by the combination of their keys
// under dims (a cross-tabulation; one dimension gives a plain count).
// Buckets come largest first, then by keys. Region pairs are unordered:
// Africa–Americas and Americas–Africa are one bucket "002|019". With no
// dims it returns one bucket with no keys and the number of exchanges.
// KindInvalid naming "dims[i]" for a bad dimension.
func Breakdown(g *c2c.Subgraph, dims ...Dimension) ([]Bucket, error) {
	return breakdown(g, dims, nil)
}

// BreakdownContext is Breakdown that stops when ctx ends: it then returns
// ctx.Err() wrapped.
func BreakdownContext(ctx context.Context, g *c2c.Subgraph, dims ...Dimension) ([]Bucket, error) {
	return withStop(ctx, "breakdown", func(s *stopper) ([]Bucket, error) { return breakdown(g, dims, s) })
}

func breakdown(g *c2c.Subgraph, dims []Dimension, s *stopper) ([]Bucket, error) {
	if err := validateDims(dims); err != nil {
		return nil, err
	}
	ix := newIndex(g)
	keyers := make([]func(*c2c.Exchange) []string, len(dims))
	for i, d := range dims {
		keyers[i] = ix.keyer(d)
	}
	return tally(edgesOf(g), keyers, func(*c2c.Exchange) int { s.tick(); return 1 }), nil
}

// validateDims checks every dimension, naming "dims[i]".
func validateDims(dims []Dimension) error {
	for i, d := range dims {
		if err := d.Validate("dims[" + strconv.Itoa(i) + "]"); err != nil {
			return err
		}
	}
	return nil
}

// tally adds weight(item) to the bucket of every combination of the
// item's keys, one key per keyer (a cross-tabulation; no keyers give one
// bucket with no keys), and returns the buckets largest first, then by
// keys.
func tally[T any](items []T, keyers []func(T) []string, weight func(T) int) []Bucket {
	counts := map[string]*Bucket{}
	for _, it := range items {
		w := weight(it)
		if w <= 0 {
			continue
		}
		combos := [][]string{nil}
		for _, k := range keyers {
			keys := k(it)
			next := make([][]string, 0, len(combos)*len(keys))
			for _, c := range combos {
				for _, key := range keys {
					next = append(next, append(slices.Clip(c), key))
				}
			}
			combos = next
		}
		for _, c := range combos {
			id := strings.Join(c, "\x00")
			b := counts[id]
			if b == nil {
				b = &Bucket{Keys: c}
				counts[id] = b
			}
			b.Count += w
		}
	}
	out := make([]Bucket, 0, len(counts))
	for _, b := range counts {
		if b.Keys == nil {
			b.Keys = []string{}
		}
		out = append(out, *b)
	}
	slices.SortFunc(out, func(a, b Bucket) int {
		return cmp.Or(cmp.Compare(b.Count, a.Count), slices.Compare(a.Keys, b.Keys))
	})
	return out
}

// edgesOf returns the non-nil, non-loop exchanges of g in id order.
func edgesOf(g *c2c.Subgraph) []*c2c.Exchange {
	if g == nil {
		return nil
	}
	out := make([]*c2c.Exchange, 0, len(g.Edges))
	for _, x := range g.Edges {
		if x != nil && x.SourceID != x.TargetID {
			out = append(out, x)
		}
	}
	slices.SortFunc(out, func(a, b *c2c.Exchange) int { return strings.Compare(a.ID, b.ID) })
	return out
}
