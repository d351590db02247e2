// Package bench holds the benchmark harness of c2c: a seeded generator of
// realistic cooperation graphs, the benchmark queries (as GraphQL documents
// for c2c and for the Neo4j GraphQL Library peer, and as hand-written Cypher
// for the floor), a closed-loop load driver with latency histograms, and the
// JSON, Markdown and chart reports.
//
// Nothing here runs in the service; cmd/c2cbench wires it.
package bench

import (
	"fmt"
	"math"
	"math/rand/v2"
	"sort"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/c2c-project/c2c/internal/c2c"
)

// Size is a named data size of the benchmark graph.
type Size struct {
	Name      string
	Actors    int
	Exchanges int
}

// Sizes lists the benchmark sizes. XS is for smoke runs of the harness
// itself; S, M and L are the sizes results are reported at.
var Sizes = []Size{
	{"XS", 300, 3000},
	{"S", 2000, 20000},
	{"M", 20000, 200000},
	{"L", 100000, 1000000},
}

// SizeByName returns the size called name (case-insensitive); KindInvalid if
// there is none.
func SizeByName(name string) (Size, error) {
	for _, s := range Sizes {
		if strings.EqualFold(s.Name, name) {
			return s, nil
		}
	}
	return Size{}, c2c.Invalid("size", "%q is not one of XS, S, M, L", name)
}

// Shares of the actor kinds. Cities come first in id order, then regions,
// then organisations, so the skewed choice of exchange ends (which favours
// low ranks) makes a few cities the hubs, as in the real network.
const (
	regionShare = 0.10
	orgShare    = 0.05
	// skewExponent shapes the degree distribution: an end's rank is
	// n·u^skewExponent for uniform u, so the degree of rank r falls off as
	// r^(1/skewExponent - 1).
	skewExponent = 2.6
	// orgEndShare is the share of exchanges with an organisation at one end.
	orgEndShare = 0.08
)

// m49Weights weighs the M49 regions when a country is drawn: every region
// appears, the South more often, as in the network's news.
var m49Weights = map[string]float64{
	"002": 0.28, // Africa
	"019": 0.27, // Americas
	"142": 0.25, // Asia
	"150": 0.15, // Europe
	"009": 0.05, // Oceania
}

// tailThemes is the number of extra themes beyond the default vocabulary:
// the long tail that few exchanges carry.
const tailThemes = 150

var programmes = []string{"AL-LAS", "MC2CM", "URBELAC", "Mercociudades", "UrbanAct", "CIB", "IMPACT", "Cities Alliance", "LEDNA", "Africities"}

// Generator produces a deterministic benchmark graph for a seed and a size.
// Actors and memberships are held in memory (100k actors at size L is
// small); exchanges are computed one by one from their index, so a batch of
// any range can be produced without the rest.
type Generator struct {
	Seed   int64
	Size   Size
	actors []c2c.Actor
	themes []c2c.Theme
	// First index of each kind: cities [0, regions), regions [regions, orgs),
	// organisations [orgs, n).
	regions, orgs int
	countries     []string // the pool countries are drawn from, by region
	countryW      []float64
}

// NewGenerator builds the actors and theme vocabulary of the graph for seed
// and size. The same seed and size always yield the same graph.
func NewGenerator(seed int64, size Size) *Generator {
	g := &Generator{Seed: seed, Size: size}
	n := size.Actors
	nOrg := max(1, int(float64(n)*orgShare))
	nReg := max(1, int(float64(n)*regionShare))
	g.regions = n - nOrg - nReg
	g.orgs = n - nOrg
	g.buildCountryPool()
	g.themes = append(g.themes, c2c.DefaultThemes...)
	for i := range tailThemes {
		g.themes = append(g.themes, c2c.Theme{ID: fmt.Sprintf("tail-theme-%03d", i), Label: fmt.Sprintf("Tail theme %03d", i)})
	}
	g.actors = make([]c2c.Actor, n)
	rng := g.rng(0xac70, 0)
	// Regions first, so cities can lie in one of their country.
	regionsByCountry := map[string][]string{}
	for i := g.regions; i < g.orgs; i++ {
		a := g.newActor(rng, i, c2c.ActorRegion)
		regionsByCountry[a.Country] = append(regionsByCountry[a.Country], a.ID)
		g.actors[i] = a
	}
	for i := 0; i < g.regions; i++ {
		a := g.newActor(rng, i, c2c.ActorCity)
		if rs := regionsByCountry[a.Country]; len(rs) > 0 && rng.Float64() < 0.7 {
			a.RegionID = rs[rng.IntN(len(rs))]
		}
		g.actors[i] = a
	}
	for i := g.orgs; i < n; i++ {
		g.actors[i] = g.newActor(rng, i, c2c.ActorOrganisation)
	}
	return g
}

// rng returns a random source for one stream (stream) and item (i), so any
// item can be computed alone.
func (g *Generator) rng(stream, i uint64) *rand.Rand {
	return rand.New(rand.NewPCG(uint64(g.Seed)^stream*0x9e3779b97f4a7c15, i))
}

func (g *Generator) buildCountryPool() {
	byRegion := map[string][]string{}
	for _, c := range c2c.Countries() {
		byRegion[c.RegionCode] = append(byRegion[c.RegionCode], c.Code)
	}
	regions := make([]string, 0, len(byRegion))
	for r := range byRegion {
		regions = append(regions, r)
	}
	sort.Strings(regions)
	for _, r := range regions {
		w := m49Weights[r]
		if w == 0 {
			w = 0.02
		}
		cs := byRegion[r]
		for _, c := range cs {
			g.countries = append(g.countries, c)
			g.countryW = append(g.countryW, w/float64(len(cs)))
		}
	}
	// Cumulative weights for sampling.
	for i := 1; i < len(g.countryW); i++ {
		g.countryW[i] += g.countryW[i-1]
	}
}

func (g *Generator) country(rng *rand.Rand) string {
	if len(g.countries) == 0 {
		return ""
	}
	u := rng.Float64() * g.countryW[len(g.countryW)-1]
	return g.countries[sort.SearchFloat64s(g.countryW, u)%len(g.countries)]
}

// ActorID returns the id of the actor at index i.
func ActorID(i int) string { return fmt.Sprintf("a%06d", i) }

// ExchangeID returns the id of the exchange at index i.
func ExchangeID(i int) string { return fmt.Sprintf("x%07d", i) }

var (
	syllables = []string{"ba", "da", "ka", "la", "ma", "na", "ra", "sa", "ta", "va", "be", "de", "ke", "le", "me", "ne", "re", "se", "te", "bo", "do", "ko", "lo", "mo", "no", "ro", "so", "to", "bu", "du", "ku", "lu", "mu", "nu", "ru", "su", "tu", "bi", "di", "ki", "li", "mi", "ni", "ri", "si", "ti", "gua", "ção", "ñe", "zé"}
	prefixes  = []string{"", "", "", "", "São ", "San ", "Santa ", "Port ", "New ", "El ", "La ", "Nova ", "Saint-"}
	orgWords  = []string{"Network", "Association", "Ministry", "Institute", "University", "Forum", "Council", "Federation", "Agency", "Foundation"}
)

func (g *Generator) placeName(rng *rand.Rand) string {
	var b strings.Builder
	b.WriteString(prefixes[rng.IntN(len(prefixes))])
	n := 2 + rng.IntN(3)
	for j := range n {
		s := syllables[rng.IntN(len(syllables))]
		if j == 0 {
			s = capitalize(s)
		}
		b.WriteString(s)
	}
	return b.String()
}

func (g *Generator) newActor(rng *rand.Rand, i int, kind c2c.ActorKind) c2c.Actor {
	a := c2c.Actor{ID: ActorID(i), Kind: kind}
	switch kind {
	case c2c.ActorOrganisation:
		a.Name = g.placeName(rng) + " " + orgWords[rng.IntN(len(orgWords))]
		a.OrgType = c2c.OrgTypes[rng.IntN(len(c2c.OrgTypes))]
		if rng.Float64() < 0.7 {
			a.Country = g.country(rng)
		}
	case c2c.ActorRegion:
		a.Name = "Province of " + g.placeName(rng)
		a.Country = g.country(rng)
	default:
		a.Name = g.placeName(rng)
		a.Country = g.country(rng)
	}
	// Names are not unique in the real data either, but ids are; make the
	// typeahead hit lists predictable by keeping names mostly distinct.
	a.Name = fmt.Sprintf("%s %s", a.Name, suffix(i))
	if rng.Float64() < 0.2 {
		a.AltNames = []string{g.placeName(rng)}
	}
	if kind != c2c.ActorOrganisation || rng.Float64() < 0.3 {
		a.Coords = &c2c.Coordinates{Lat: math.Round((rng.Float64()*140-60)*1e4) / 1e4, Lon: math.Round((rng.Float64()*360-180)*1e4) / 1e4}
	}
	if rng.Float64() < 0.3 {
		a.WikidataID = fmt.Sprintf("Q%d", 1000+i)
	}
	return a
}

// suffix makes a short, pronounceable, index-derived word so that names stay
// distinct without looking like numbers.
func suffix(i int) string {
	const letters = "bcdfghjklmnprstvz"
	const vowels = "aeiou"
	var b strings.Builder
	for {
		b.WriteByte(letters[i%len(letters)])
		i /= len(letters)
		b.WriteByte(vowels[i%len(vowels)])
		i /= len(vowels)
		if i == 0 {
			break
		}
	}
	return capitalize(b.String())
}

// Themes returns the vocabulary of the graph: the default themes and a long
// tail.
func (g *Generator) Themes() []c2c.Theme { return g.themes }

// Actors returns every actor of the graph, by index.
func (g *Generator) Actors() []c2c.Actor { return g.actors }

// Actor returns the actor at index i.
func (g *Generator) Actor(i int) c2c.Actor { return g.actors[i] }

// Hubs returns the indexes of the k actors with the highest expected
// degree: the lowest-ranked cities.
func (g *Generator) Hubs(k int) []int {
	k = min(k, g.regions)
	out := make([]int, k)
	for i := range out {
		out[i] = i
	}
	return out
}

// skewed draws an index in [0, n) with power-law preference for low ones.
func skewed(rng *rand.Rand, n int) int {
	return min(n-1, int(float64(n)*math.Pow(rng.Float64(), skewExponent)))
}

// themeIndex draws a theme with a long-tailed preference for the first
// (default) themes.
func (g *Generator) themeIndex(rng *rand.Rand) int {
	return skewed(rng, len(g.themes))
}

// date draws a partial date over decades, more recent years more likely:
// day precision mostly, some months and years only.
func date(rng *rand.Rand) *c2c.PartialDate {
	age := int(rng.ExpFloat64() * 9)
	year := max(1965, 2025-age)
	d := c2c.PartialDate{Year: year}
	switch p := rng.Float64(); {
	case p < 0.6:
		d.Month = 1 + rng.IntN(12)
		d.Day = 1 + rng.IntN(28)
	case p < 0.85:
		d.Month = 1 + rng.IntN(12)
	}
	return &d
}

// Exchange returns the exchange at index i (0 ≤ i < Size.Exchanges).
func (g *Generator) Exchange(i int) c2c.Exchange {
	rng := g.rng(0xe8c4, uint64(i))
	n := len(g.actors)
	src := skewed(rng, g.orgs)
	var dst int
	if rng.Float64() < orgEndShare && g.orgs < n {
		dst = g.orgs + skewed(rng, n-g.orgs)
	} else {
		dst = skewed(rng, g.orgs)
	}
	for dst == src {
		dst = rng.IntN(n)
	}
	kind := c2c.ExchangeKinds[skewed(rng, len(c2c.ExchangeKinds))]
	x := c2c.Exchange{
		ID:       ExchangeID(i),
		SourceID: ActorID(src),
		TargetID: ActorID(dst),
		Kind:     kind,
		Directed: kind != c2c.KindTwinning && kind != c2c.KindProjectPartnership,
	}
	nt := 1 + skewed(rng, 4)
	for range nt {
		x.Themes = append(x.Themes, g.themes[g.themeIndex(rng)].ID)
	}
	if rng.Float64() < 0.95 {
		x.Start = date(rng)
		if x.Start.Precision() == c2c.PrecisionDay && rng.Float64() < 0.4 {
			end := *x.Start
			end.Day = min(28, end.Day+1+rng.IntN(4))
			x.End = &end
		}
	}
	if rng.Float64() < 0.2 {
		x.Programme = programmes[skewed(rng, len(programmes))]
	}
	if rng.Float64() < 0.05 {
		x.Event = fmt.Sprintf("event-%05d", i/20)
	}
	if rng.Float64() < 0.1 && g.orgs < n {
		x.Facilitators = []string{ActorID(g.orgs + skewed(rng, n-g.orgs))}
	}
	target := g.actors[dst]
	x.Title = fmt.Sprintf("%s on %s with %s", kindLabel(kind), themeLabel(g, x.Themes[0]), target.Name)
	if rng.Float64() < 0.5 {
		x.SourceURL = fmt.Sprintf("https://example.org/news/%d", i)
	}
	x.Normalize()
	return x
}

func kindLabel(k c2c.ExchangeKind) string {
	return capitalize(strings.ToLower(strings.ReplaceAll(string(k), "_", " ")))
}

func capitalize(s string) string {
	r, n := utf8.DecodeRuneInString(s)
	return string(unicode.ToUpper(r)) + s[n:]
}

func themeLabel(g *Generator, id string) string {
	for _, t := range g.themes {
		if t.ID == id {
			return strings.ToLower(t.Label)
		}
	}
	return id
}

// Memberships returns the memberships of the graph: about a third of the
// cities and regions belong to one to three organisations, the big networks
// far more often than the rest.
func (g *Generator) Memberships() []c2c.Membership {
	n := len(g.actors)
	if g.orgs >= n {
		return nil
	}
	var out []c2c.Membership
	roles := []string{"member", "member", "member", "founding member", "board member", "lead partner"}
	for i := 0; i < g.orgs; i++ {
		rng := g.rng(0x3e3b, uint64(i))
		if rng.Float64() >= 0.35 {
			continue
		}
		k := 1 + skewed(rng, 3)
		seen := map[int]bool{}
		for range k {
			o := g.orgs + skewed(rng, n-g.orgs)
			if seen[o] {
				continue
			}
			seen[o] = true
			m := c2c.Membership{
				ID:             fmt.Sprintf("m%07d", len(out)),
				ActorID:        ActorID(i),
				OrganisationID: ActorID(o),
				Role:           roles[rng.IntN(len(roles))],
			}
			if rng.Float64() < 0.8 {
				m.Since = &c2c.PartialDate{Year: 1980 + rng.IntN(45)}
				if rng.Float64() < 0.15 {
					m.Until = &c2c.PartialDate{Year: min(2025, m.Since.Year+1+rng.IntN(10))}
				}
			}
			out = append(out, m)
		}
	}
	return out
}

// Batches calls fn with the whole graph in batches of at most chunk items:
// first the themes and actors (regions before the cities that lie in them,
// organisations before memberships), then the exchanges, then the
// memberships. It stops at the first error fn returns and returns it.
func (g *Generator) Batches(chunk int, fn func(c2c.Batch) error) error {
	chunk = max(1, chunk)
	order := make([]int, 0, len(g.actors))
	for i := g.regions; i < len(g.actors); i++ {
		order = append(order, i)
	}
	for i := 0; i < g.regions; i++ {
		order = append(order, i)
	}
	first := true
	for lo := 0; lo < len(order); lo += chunk {
		var b c2c.Batch
		if first {
			b.Themes = g.themes
			first = false
		}
		for _, i := range order[lo:min(lo+chunk, len(order))] {
			b.Actors = append(b.Actors, g.actors[i])
		}
		if err := fn(b); err != nil {
			return err
		}
	}
	for lo := 0; lo < g.Size.Exchanges; lo += chunk {
		var b c2c.Batch
		for i := lo; i < min(lo+chunk, g.Size.Exchanges); i++ {
			b.Exchanges = append(b.Exchanges, g.Exchange(i))
		}
		if err := fn(b); err != nil {
			return err
		}
	}
	ms := g.Memberships()
	for lo := 0; lo < len(ms); lo += chunk {
		if err := fn(c2c.Batch{Memberships: ms[lo:min(lo+chunk, len(ms))]}); err != nil {
			return err
		}
	}
	return nil
}
