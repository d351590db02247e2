package graphmem

import (
	"errors"
	"strings"

	"github.com/RoaringBitmap/roaring/v2"

	"github.com/c2c-project/c2c/internal/c2c"
)

// ErrUnsupported is returned for a filter the snapshot cannot evaluate:
// one matching titles (ExchangeFilter.Text), which stay in the store. The
// caller asks the store instead.
var ErrUnsupported = errors.New("graphmem: the filter needs fields the in-process graph does not hold")

// Supports reports whether the snapshot can evaluate f.
func Supports(f c2c.ExchangeFilter) bool { return f.Text == "" }

// match returns the exchanges f selects, a bitmap the caller must not
// change. It validates f as the stores do (KindInvalid naming field) and
// returns ErrUnsupported for a title filter.
func (s *Snapshot) match(f c2c.ExchangeFilter) (*roaring.Bitmap, error) {
	if err := f.Validate("filter"); err != nil {
		return nil, err
	}
	if !Supports(f) {
		return nil, ErrUnsupported
	}
	var sets []*roaring.Bitmap
	if len(f.ThemesAny) > 0 {
		var any []*roaring.Bitmap
		for _, t := range f.ThemesAny {
			if i, ok := s.themeIndex[t]; ok {
				any = append(any, s.byTheme[i])
			}
		}
		sets = append(sets, roaring.FastOr(any...))
	}
	for _, t := range f.ThemesAll {
		i, ok := s.themeIndex[t]
		if !ok {
			return roaring.New(), nil
		}
		sets = append(sets, s.byTheme[i])
	}
	if len(f.Kinds) > 0 {
		var ks []*roaring.Bitmap
		for _, k := range f.Kinds {
			if i, ok := s.kindIndex[k]; ok {
				ks = append(ks, s.byKind[i])
			}
		}
		sets = append(sets, roaring.FastOr(ks...))
	}
	if f.Programme != "" {
		sets = append(sets, s.strSet(&s.byProg, f.Programme))
	}
	if f.Event != "" {
		sets = append(sets, s.strSet(&s.byEvent, f.Event))
	}
	if f.ActorID != "" {
		b := roaring.New()
		if a, ok := s.actor(f.ActorID); ok {
			for _, x := range s.out[s.outOff[a]:s.outOff[a+1]] {
				b.Add(uint32(x))
			}
			for _, x := range s.in[s.inOff[a]:s.inOff[a+1]] {
				b.Add(uint32(x))
			}
		}
		sets = append(sets, b)
	}
	if f.Directed != nil {
		if *f.Directed {
			sets = append(sets, s.directed)
		} else {
			sets = append(sets, roaring.AndNot(s.all, s.directed))
		}
	}
	// The result is only read, so it may be one of the snapshot's own
	// bitmaps.
	var m *roaring.Bitmap
	switch len(sets) {
	case 0:
		m = s.all
	case 1:
		m = sets[0]
	default:
		m = roaring.FastAnd(sets...)
	}
	// The conditions on dates and on the ends' countries are tested row by
	// row, over what the indexed conditions left.
	keep := s.rowTests(f)
	if keep == nil {
		return m, nil
	}
	out := roaring.New()
	it := m.Iterator()
	for it.HasNext() {
		x := it.Next()
		if keep(int32(x)) {
			out.Add(x)
		}
	}
	return out, nil
}

func (s *Snapshot) strSet(by *valueRows, v string) *roaring.Bitmap {
	if i, ok := s.strIndex[v]; ok {
		return by.bitmap(i)
	}
	return roaring.New()
}

// rowTests returns the test of the date window and the countries and
// class conditions of f, nil when it has none.
func (s *Snapshot) rowTests(f c2c.ExchangeFilter) func(x int32) bool {
	var tests []func(x int32) bool
	if from, to, ok := f.Window(); ok {
		lo, hi := int32(from), int32(to)
		tests = append(tests, func(x int32) bool {
			return s.exLo[x] != 0 && s.exHi[x] >= lo && s.exLo[x] <= hi
		})
	}
	if len(f.Countries) > 0 {
		want := make([]bool, len(s.countries))
		for _, c := range f.Countries {
			if i, ok := s.countryIdx[strings.ToUpper(strings.TrimSpace(c))]; ok && i != 0 {
				want[i] = true
			}
		}
		tests = append(tests, func(x int32) bool {
			return want[s.actorCountry[s.exSrc[x]]] || want[s.actorCountry[s.exTgt[x]]]
		})
	}
	if f.Class != nil {
		def, class := f.Class.Definition, f.Class.Class
		status := make([]c2c.SouthStatus, len(s.countries))
		for i, c := range s.countries {
			status[i] = c2c.StatusOf(def, c)
		}
		tests = append(tests, func(x int32) bool {
			return classOf(status[s.actorCountry[s.exSrc[x]]], status[s.actorCountry[s.exTgt[x]]]) == class
		})
	}
	switch len(tests) {
	case 0:
		return nil
	case 1:
		return tests[0]
	}
	return func(x int32) bool {
		for _, t := range tests {
			if !t(x) {
				return false
			}
		}
		return true
	}
}

// classOf classifies an exchange by the statuses of its ends, as
// c2c.Classify does from their countries.
func classOf(a, b c2c.SouthStatus) c2c.EdgeClass {
	switch {
	case a == c2c.StatusUnknown || b == c2c.StatusUnknown:
		return c2c.ClassUnknown
	case a == c2c.StatusSouth && b == c2c.StatusSouth:
		return c2c.ClassSouthSouth
	case a == c2c.StatusNorth && b == c2c.StatusNorth:
		return c2c.ClassNorthNorth
	}
	return c2c.ClassNorthSouth
}
