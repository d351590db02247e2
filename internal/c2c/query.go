package c2c

import (
	"encoding/base64"
	"encoding/json"
	"strings"
)

// ActorFilter selects actors. Empty fields select everything. Country-like
// conditions (Countries, Regions, South) combine by intersection; stores use
// CountrySet to turn them into one list.
type ActorFilter struct {
	Kinds     []ActorKind
	Countries []string // ISO alpha-2 codes
	Regions   []string // M49 region, sub-region or intermediate region codes or names ("002" Africa, "005" South America)
	South     *SouthFilter
	Text      string // matched, folded, against names and alternative names
	OrgTypes  []OrgType
}

// SouthFilter selects actors by their Global South status under a named
// definition.
type SouthFilter struct {
	Definition Definition
	Status     SouthStatus
}

// CountrySet turns the country conditions of f into the list of codes an
// actor's country must be in. restricted is false when there is no such
// condition. includeNone says whether actors with no country also match
// (only for South with Status UNKNOWN). An empty, restricted list with
// includeNone false matches nothing.
func (f ActorFilter) CountrySet() (codes []string, restricted, includeNone bool) {
	var sets [][]string
	if f.Countries != nil {
		sets = append(sets, upperAll(f.Countries))
	}
	if f.Regions != nil {
		var rs []string
		for _, r := range f.Regions {
			rs = append(rs, CountriesInM49(r)...)
		}
		sets = append(sets, rs)
	}
	if f.South != nil {
		sets = append(sets, CountriesWithStatus(f.South.Definition, f.South.Status))
		includeNone = f.South.Status == StatusUnknown && f.Countries == nil && f.Regions == nil
	}
	if len(sets) == 0 {
		return nil, false, false
	}
	return intersect(sets), true, includeNone
}

func upperAll(in []string) []string {
	out := make([]string, len(in))
	for i, s := range in {
		out[i] = strings.ToUpper(strings.TrimSpace(s))
	}
	return out
}

func intersect(sets [][]string) []string {
	count := map[string]int{}
	for _, s := range sets {
		seen := map[string]bool{}
		for _, c := range s {
			if !seen[c] {
				seen[c] = true
				count[c]++
			}
		}
	}
	out := []string{}
	for _, c := range sets[0] {
		if count[c] == len(sets) {
			out = append(out, c)
			count[c] = 0
		}
	}
	return out
}

// Validate checks the filter's values; field names the filter argument.
func (f ActorFilter) Validate(field string) error {
	var es Errors
	for i, k := range f.Kinds {
		if !k.Valid() {
			es = append(es, Invalid(field+".kinds["+itoa(i)+"]", "%q is not an actor kind", k))
		}
	}
	for i, c := range f.Countries {
		if _, ok := CountryByCode(strings.ToUpper(c)); !ok {
			es = append(es, Invalid(field+".countries["+itoa(i)+"]", "%q is not a known ISO 3166-1 alpha-2 code", c))
		}
	}
	for i, r := range f.Regions {
		if len(CountriesInM49(r)) == 0 {
			es = append(es, Invalid(field+".m49Regions["+itoa(i)+"]", "%q is not an M49 region or sub-region code", r))
		}
	}
	if f.South != nil {
		if !f.South.Definition.Valid() {
			es = append(es, Invalid(field+".globalSouth.definition", "%q is not a known definition", f.South.Definition))
		}
		if !f.South.Status.Valid() {
			es = append(es, Invalid(field+".globalSouth.status", "%q is not SOUTH, NORTH or UNKNOWN", f.South.Status))
		}
	}
	if f.Text != "" {
		if err := ValidateFilterText(field+".text", f.Text, MaxNameLen); err != nil {
			es = append(es, err)
		}
	}
	for i, t := range f.OrgTypes {
		if !t.Valid() {
			es = append(es, Invalid(field+".orgTypes["+itoa(i)+"]", "%q is not an organisation type", t))
		}
	}
	return es.Err()
}

// ActorOrder orders actor pages.
type ActorOrder string

// Actor orders. Names order by their folded form, then id.
const (
	OrderNameAsc  ActorOrder = "NAME_ASC"
	OrderNameDesc ActorOrder = "NAME_DESC"
	OrderIDAsc    ActorOrder = "ID_ASC"
)

// ActorQuery asks for one page of actors.
type ActorQuery struct {
	Filter    ActorFilter
	Order     ActorOrder // default NAME_ASC
	First     int        // 1..MaxStorePageSize (the API allows 1..MaxPageSize)
	After     *Cursor    // nil for the first page
	WantTotal bool       // compute TotalCount
}

// ActorPage is one page of actors.
type ActorPage struct {
	Actors     []*Actor
	HasNext    bool
	TotalCount int // only when WantTotal
}

// ExchangeFilter selects exchanges. Empty fields select everything.
type ExchangeFilter struct {
	ThemesAny []string // at least one of these themes
	ThemesAll []string // every one of these themes
	Kinds     []ExchangeKind
	// From and To select exchanges whose date span overlaps [From, To]
	// (each taken as the interval it covers); exchanges of unknown date are
	// left out when either is set.
	From, To  *PartialDate
	Programme string // exact programme name
	Event     string // exact event name
	ActorID   string // either end
	// Countries selects exchanges with at least one end in these countries.
	Countries []string
	// Class selects exchanges by the Global South classification of their
	// two ends under a definition.
	Class    *ClassFilter
	Directed *bool
	Text     string // folded, matched against the title
}

// ClassFilter selects exchanges of one Global South class under a
// definition.
type ClassFilter struct {
	Definition Definition
	Class      EdgeClass
}

// Validate checks the filter's values; field names the filter argument.
func (f ExchangeFilter) Validate(field string) error {
	var es Errors
	for i, t := range append(append([]string{}, f.ThemesAny...), f.ThemesAll...) {
		if !themePattern.MatchString(t) {
			name := ".themesAny["
			j := i
			if i >= len(f.ThemesAny) {
				name, j = ".themesAll[", i-len(f.ThemesAny)
			}
			es = append(es, Invalid(field+name+itoa(j)+"]", "%q is not a theme id", t))
		}
	}
	for i, k := range f.Kinds {
		if !k.Valid() {
			es = append(es, Invalid(field+".kinds["+itoa(i)+"]", "%q is not an exchange kind", k))
		}
	}
	if f.From != nil && f.To != nil && f.To.LastKey() < f.From.FirstKey() {
		es = append(es, Invalid(field+".to", "%s is before from %s: the window is empty", f.To, f.From))
	}
	if f.ActorID != "" {
		if err := ValidateID(field+".actor", f.ActorID); err != nil {
			es = append(es, err)
		}
	}
	for i, c := range f.Countries {
		if _, ok := CountryByCode(strings.ToUpper(c)); !ok {
			es = append(es, Invalid(field+".countries["+itoa(i)+"]", "%q is not a known ISO 3166-1 alpha-2 code", c))
		}
	}
	if f.Class != nil {
		if !f.Class.Definition.Valid() {
			es = append(es, Invalid(field+".classification.definition", "%q is not a known definition", f.Class.Definition))
		}
		if !f.Class.Class.Valid() {
			es = append(es, Invalid(field+".classification.class", "%q is not an exchange class", f.Class.Class))
		}
	}
	if f.Text != "" {
		if err := ValidateFilterText(field+".text", f.Text, MaxTitleLen); err != nil {
			es = append(es, err)
		}
	}
	return es.Err()
}

// Window returns the day keys of the date window, with ok false when the
// filter has none. A missing bound is open.
func (f ExchangeFilter) Window() (from, to int, ok bool) {
	if f.From == nil && f.To == nil {
		return 0, 0, false
	}
	from, to = 0, 99991231
	if f.From != nil {
		from = f.From.FirstKey()
	}
	if f.To != nil {
		to = f.To.LastKey()
	}
	return from, to, true
}

// ExchangeOrder orders exchange pages.
type ExchangeOrder string

// Exchange orders. START orders by the first day of the start date; exchanges
// of unknown date come last in both directions. Ties break on id.
const (
	OrderStartAsc  ExchangeOrder = "START_ASC"
	OrderStartDesc ExchangeOrder = "START_DESC"
	OrderTitleAsc  ExchangeOrder = "TITLE_ASC"
	OrderExIDAsc   ExchangeOrder = "ID_ASC"
)

// ExchangeQuery asks for one page of exchanges.
type ExchangeQuery struct {
	Filter    ExchangeFilter
	Order     ExchangeOrder // default START_ASC
	First     int
	After     *Cursor
	WantTotal bool
}

// ExchangePage is one page of exchanges.
type ExchangePage struct {
	Exchanges  []*Exchange
	HasNext    bool
	TotalCount int
}

// Cursor is the keyset position after which a page starts: the sort key of
// the last item seen (text or number, by order) and its id.
type Cursor struct {
	Order string `json:"o"`
	Text  string `json:"t,omitempty"`
	Num   int64  `json:"n,omitempty"`
	ID    string `json:"i"`
}

// Encode returns the opaque text form of c.
func (c Cursor) Encode() string {
	b, _ := json.Marshal(c)
	return base64.RawURLEncoding.EncodeToString(b)
}

// DecodeCursor parses a cursor for the given order; KindInvalid naming field
// if it is malformed or belongs to another order.
func DecodeCursor(field, s, order string) (*Cursor, error) {
	if s == "" {
		return nil, nil
	}
	b, err := base64.RawURLEncoding.DecodeString(s)
	if err != nil || len(s) > 1024 {
		return nil, Invalid(field, "is not a cursor this service issued")
	}
	var c Cursor
	if err := json.Unmarshal(b, &c); err != nil || c.ID == "" {
		return nil, Invalid(field, "is not a cursor this service issued")
	}
	if c.Order != order {
		return nil, Invalid(field, "was issued for order %s, not %s", c.Order, order)
	}
	return &c, nil
}

// ActorCursor returns the cursor positioned at a under order.
func ActorCursor(order ActorOrder, a *Actor) Cursor {
	switch order {
	case OrderIDAsc:
		return Cursor{Order: string(order), ID: a.ID}
	default:
		return Cursor{Order: string(order), Text: Fold(a.Name), ID: a.ID}
	}
}

// Sort keys for exchanges of unknown date: last in either direction.
const (
	UnknownStartAsc  = 99999999
	UnknownStartDesc = 0
)

// StartSortKey returns the start key of x under order: the first day of its
// start as yyyymmdd, or the unknown sentinel for that direction.
func StartSortKey(order ExchangeOrder, x *Exchange) int64 {
	if x.Start != nil {
		return int64(x.Start.FirstKey())
	}
	if order == OrderStartDesc {
		return UnknownStartDesc
	}
	return UnknownStartAsc
}

// ExchangeCursor returns the cursor positioned at x under order.
func ExchangeCursor(order ExchangeOrder, x *Exchange) Cursor {
	switch order {
	case OrderTitleAsc:
		return Cursor{Order: string(order), Text: Fold(x.Title), ID: x.ID}
	case OrderExIDAsc:
		return Cursor{Order: string(order), ID: x.ID}
	default:
		return Cursor{Order: string(order), Num: StartSortKey(order, x), ID: x.ID}
	}
}
