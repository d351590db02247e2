package c2c

import "context"

// Store is the contract every storage backend implements: the embedded
// SQLite store and the Neo4j store. One conformance suite
// (internal/store/storetest) runs every behaviour against each.
//
// Methods return domain errors: KindNotFound for a missing id, KindInvalid
// for input that breaks a rule only the store can check (an exchange naming a
// missing actor), KindConflict for a duplicate id or an actor that still has
// edges, KindUnavailable when the backend cannot be reached. Writes are
// all-or-nothing.
//
// Batch readers (…ByIDs, …ByActors) exist for per-request dataloaders: one
// call, one round trip, whatever the number of ids.
//
// Every write transaction bumps the store's data version and appends the
// ids it touched to the change log (ChangeLog), in that transaction. A
// transaction that writes nothing (an import whose every item is
// unchanged, a failed write) bumps nothing. Write groups several writes
// into one transaction.
type Store interface {
	ChangeLog

	// Write runs fn in one write transaction: the store's writes called
	// with the context fn receives join it, its reads see what it wrote so
	// far, and it commits once when fn returns nil, producing one change
	// and one data version. It rolls back and returns the error when fn
	// returns one, or when any write inside it failed even if fn ignored
	// that error. A Write inside a Write joins the outer one. The context
	// must not be used after Write returns.
	Write(ctx context.Context, fn func(ctx context.Context) error) error

	// ActorsByIDs returns the actors with the given ids, in the same order;
	// a missing id yields nil at its position.
	ActorsByIDs(ctx context.Context, ids []string) ([]*Actor, error)
	// Actors returns one page of the actors matching q.
	Actors(ctx context.Context, q ActorQuery) (*ActorPage, error)
	// CitiesByRegions returns, for each region id, the cities lying in it,
	// ordered by name then id.
	CitiesByRegions(ctx context.Context, regionIDs []string) (map[string][]*Actor, error)
	// CreateActor stores a new actor; KindConflict if the id is taken,
	// KindInvalid if RegionID names no Region.
	CreateActor(ctx context.Context, a Actor) (*Actor, error)
	// UpdateActor applies p to the actor with id and returns the result;
	// KindNotFound if there is none. The kind of an actor cannot change.
	UpdateActor(ctx context.Context, id string, p ActorPatch) (*Actor, error)
	// DeleteActor removes the actor. With edges (exchanges, memberships,
	// cities lying in it, facilitator references) it returns KindConflict
	// unless cascade is set, which removes those edges too (and clears the
	// region of its cities).
	DeleteActor(ctx context.Context, id string, cascade bool) (*DeleteResult, error)

	// ExchangesByIDs returns the exchanges with the given ids, in order; nil
	// for a missing id.
	ExchangesByIDs(ctx context.Context, ids []string) ([]*Exchange, error)
	// Exchanges returns one page of the exchanges matching q.
	Exchanges(ctx context.Context, q ExchangeQuery) (*ExchangePage, error)
	// ExchangesByActors returns, for each actor id, the exchanges that have
	// it at either end and match f, ordered by start (unknown last), then
	// id: the first limit of them per actor, or all when limit <= 0. The
	// store cuts each list, so a page of a hub's exchanges does not read
	// the hub's every exchange.
	ExchangesByActors(ctx context.Context, actorIDs []string, f ExchangeFilter, limit int) (map[string][]*Exchange, error)
	// PartnersByActors returns, for each actor id, its partners over the
	// exchanges matching f, ordered by exchange count descending, then
	// partner name and id: the first limit of them per actor, or all when
	// limit <= 0. Each partner's count, dates and themes cover all its
	// matching exchanges whatever the limit.
	PartnersByActors(ctx context.Context, actorIDs []string, f ExchangeFilter, limit int) (map[string][]*Partner, error)
	// Adjacent returns, for each actor id with any, the exchanges matching
	// f at either of its ends seen from it (Adjacency), ordered by start
	// (unknown last), then exchange id: what a path search that expands
	// the graph a frontier at a time reads, found through the index on the
	// exchanges' ends in one round trip. Missing actors and actors without
	// matching exchanges have no entry. KindInvalid for a bad filter.
	Adjacent(ctx context.Context, ids []string, f ExchangeFilter) (map[string][]Adjacency, error)
	// CreateExchange stores a new exchange; KindConflict if the id is taken,
	// KindInvalid naming the field if an end or facilitator is missing or a
	// theme is not in the vocabulary.
	CreateExchange(ctx context.Context, x Exchange) (*Exchange, error)
	// UpdateExchange applies p; KindNotFound if there is no such exchange.
	UpdateExchange(ctx context.Context, id string, p ExchangePatch) (*Exchange, error)
	// DeleteExchange removes the exchange and returns it as it was (what
	// ExchangesByIDs gave before), so that a caller needs no read of its
	// own; KindNotFound if there is none.
	DeleteExchange(ctx context.Context, id string) (*Exchange, error)

	// MembershipsByIDs returns the memberships with the given ids, in order.
	MembershipsByIDs(ctx context.Context, ids []string) ([]*Membership, error)
	// MembershipsByActors returns, for each actor id, its memberships of
	// organisations, ordered by since (unknown last), organisation id, id.
	MembershipsByActors(ctx context.Context, actorIDs []string) (map[string][]*Membership, error)
	// MembersByOrganisations returns, for each organisation id, the
	// memberships in it, ordered by since (unknown last), actor id, id.
	MembersByOrganisations(ctx context.Context, orgIDs []string) (map[string][]*Membership, error)
	// CreateMembership stores a new membership; KindInvalid if the actor is
	// missing or the organisation is not an Organisation, KindConflict if the
	// id is taken.
	CreateMembership(ctx context.Context, m Membership) (*Membership, error)
	// UpdateMembership applies p; KindNotFound if there is none.
	UpdateMembership(ctx context.Context, id string, p MembershipPatch) (*Membership, error)
	// DeleteMembership removes it and returns it as it was (what
	// MembershipsByIDs gave before), so that a caller needs no read of its
	// own; KindNotFound if there is none.
	DeleteMembership(ctx context.Context, id string) (*Membership, error)

	// ScanActors calls fn with every actor, in id order, with the fields
	// ActorsByIDs gives, as the rows arrive from one streaming query: memory
	// holds a few rows, not the table. It stops at fn's first error and
	// returns it unchanged; a cancelled ctx stops it with an error that
	// wraps ctx.Err(). Called with the context of a Write, it reads inside
	// that transaction, and fn must not call the store with that context.
	//
	// Consistency is read-committed, no more: writes committed while a
	// scan runs may or may not appear in it (SQLite's one statement sees
	// one snapshot; Neo4j's read-committed transaction does not), and the
	// three scans run apart, so an exchange may name an actor the actor
	// scan did not see. A full load of the in-process graph reads the data
	// version before it begins and applies the change log after it, which
	// re-reads what the scans missed.
	ScanActors(ctx context.Context, fn func(*Actor) error) error
	// ScanExchanges calls fn with every exchange, in id order, with the
	// fields ExchangesByIDs gives, as ScanActors does: one streaming
	// query, read-committed, stopped by fn's error (returned unchanged) or
	// ctx.
	ScanExchanges(ctx context.Context, fn func(*Exchange) error) error
	// ScanMemberships calls fn with every membership, in id order, with
	// the fields MembershipsByIDs gives, as ScanActors does.
	ScanMemberships(ctx context.Context, fn func(*Membership) error) error

	// Themes returns the vocabulary with the number of exchanges using each
	// theme, ordered by id.
	Themes(ctx context.Context) ([]ThemeCount, error)
	// Vocabulary returns the themes without counting their use, ordered by
	// id: what resolving theme ids to labels needs, at a cost that does not
	// grow with the number of exchanges.
	Vocabulary(ctx context.Context) ([]Theme, error)
	// UpsertTheme adds a theme or changes its label.
	UpsertTheme(ctx context.Context, t Theme) (*Theme, error)

	// Search returns actors whose name or alternative names contain the
	// folded text, best match first (MatchRank), then name, then id.
	Search(ctx context.Context, text string, limit int) ([]*SearchHit, error)
	// Neighbourhood returns the actors within depth hops of the centre over
	// exchanges matching f (undirected), deduplicated, at most limit nodes
	// (nearest first; ties by id) and the exchanges among the returned nodes.
	// KindNotFound if the centre does not exist.
	Neighbourhood(ctx context.Context, q NeighbourhoodQuery) (*Subgraph, error)

	// Edges returns every exchange matching f, ordered by id, and the actors
	// at their ends, ordered by id (Depth is nil). Graph analyses (paths,
	// centrality, communities, export) run over it in Go, so every store
	// answers them alike.
	Edges(ctx context.Context, f ExchangeFilter) (*Subgraph, error)
	// ExchangeFacets counts the exchanges matching f by the base keys asked
	// for, aggregating in the backend in one round trip, and returns the
	// rows (in no particular order) with the number of matching exchanges.
	// Breakdowns by derived keys (either end's country, M49 regions, Global
	// South class) are computed from source and target country rows
	// (analysis.BreakdownFacets). KindInvalid for a bad filter.
	ExchangeFacets(ctx context.Context, f ExchangeFilter, keys FacetKeys) ([]FacetRow, int, error)

	// Import upserts a batch by id in one transaction: created, updated and
	// unchanged counts come back; nothing is written if any item fails, and
	// the error names the item (e.g. "exchanges[3].target").
	Import(ctx context.Context, b Batch) (*ImportResult, error)

	// Ping reports whether the backend is reachable (KindUnavailable if not).
	Ping(ctx context.Context) error
	// Close releases the store's resources.
	Close() error
}

// ActorPatch lists the fields an update changes; nil means unchanged. Clear
// fields reset optional values.
type ActorPatch struct {
	Name       *string
	AltNames   *[]string
	Country    *string
	Coords     *Coordinates
	RegionID   *string
	OrgType    *OrgType
	WikidataID *string
	GeoNamesID *int64
	Summary    *string
	// ClearCoords removes the coordinates.
	ClearCoords bool
}

// Apply changes a in place.
func (p ActorPatch) Apply(a *Actor) {
	setIf(&a.Name, p.Name)
	if p.AltNames != nil {
		a.AltNames = append([]string(nil), (*p.AltNames)...)
	}
	setIf(&a.Country, p.Country)
	if p.Coords != nil {
		c := *p.Coords
		a.Coords = &c
	}
	if p.ClearCoords {
		a.Coords = nil
	}
	setIf(&a.RegionID, p.RegionID)
	setIf(&a.OrgType, p.OrgType)
	setIf(&a.WikidataID, p.WikidataID)
	setIf(&a.GeoNamesID, p.GeoNamesID)
	setIf(&a.Summary, p.Summary)
}

// ExchangePatch lists the fields an update changes; nil means unchanged.
// Setting Start or End to a zero PartialDate pointer is not allowed: use the
// Clear flags.
type ExchangePatch struct {
	SourceID     *string
	TargetID     *string
	Title        *string
	Kind         *ExchangeKind
	Themes       *[]string
	Start        *PartialDate
	End          *PartialDate
	ClearStart   bool
	ClearEnd     bool
	DateNote     *string
	Programme    *string
	Event        *string
	Facilitators *[]string
	Summary      *string
	SourceURL    *string
	Directed     *bool
}

// Apply changes x in place.
func (p ExchangePatch) Apply(x *Exchange) {
	setIf(&x.SourceID, p.SourceID)
	setIf(&x.TargetID, p.TargetID)
	setIf(&x.Title, p.Title)
	setIf(&x.Kind, p.Kind)
	if p.Themes != nil {
		x.Themes = append([]string(nil), (*p.Themes)...)
	}
	if p.Start != nil {
		d := *p.Start
		x.Start = &d
	}
	if p.End != nil {
		d := *p.End
		x.End = &d
	}
	if p.ClearStart {
		x.Start = nil
	}
	if p.ClearEnd {
		x.End = nil
	}
	setIf(&x.DateNote, p.DateNote)
	setIf(&x.Programme, p.Programme)
	setIf(&x.Event, p.Event)
	if p.Facilitators != nil {
		x.Facilitators = append([]string(nil), (*p.Facilitators)...)
	}
	setIf(&x.Summary, p.Summary)
	setIf(&x.SourceURL, p.SourceURL)
	setIf(&x.Directed, p.Directed)
}

// MembershipPatch lists the fields an update changes; nil means unchanged.
type MembershipPatch struct {
	Since      *PartialDate
	Until      *PartialDate
	ClearSince bool
	ClearUntil bool
	Role       *string
	SourceURL  *string
}

// Apply changes m in place.
func (p MembershipPatch) Apply(m *Membership) {
	if p.Since != nil {
		d := *p.Since
		m.Since = &d
	}
	if p.Until != nil {
		d := *p.Until
		m.Until = &d
	}
	if p.ClearSince {
		m.Since = nil
	}
	if p.ClearUntil {
		m.Until = nil
	}
	setIf(&m.Role, p.Role)
	setIf(&m.SourceURL, p.SourceURL)
}

func setIf[T any](dst *T, v *T) {
	if v != nil {
		*dst = *v
	}
}

// DeleteResult says what a delete removed.
type DeleteResult struct {
	ActorID            string
	ExchangesRemoved   int
	MembershipsRemoved int
	CitiesDetached     int
	FacilitatorsPruned int
}

// Partner is one actor's partner over a set of exchanges.
type Partner struct {
	ActorID   string // whose partner this is
	PartnerID string
	Exchanges int
	// First is the earliest known start, nil if none is known; of starts
	// on the same first day, the coarsest ("2014" before "2014-01-01").
	First *PartialDate
	// Last is the latest date an exchange covers (its end when that ends
	// after its start, else its start), nil if none is known; of dates
	// ending on the same day, the finest ("2016-12-31" after "2016").
	Last   *PartialDate
	Themes []string // themes of those exchanges, sorted
}

// ThemeCount is a theme with the number of exchanges that carry it.
type ThemeCount struct {
	Theme
	Exchanges int
}

// SearchHit is an actor found by Search with its MatchRank.
type SearchHit struct {
	Actor *Actor
	Rank  int
}

// Subgraph is a deduplicated set of nodes and the edges among them, for a
// graph view.
type Subgraph struct {
	Nodes []*Actor       // ordered by distance from the centre, then id
	Edges []*Exchange    // ordered by id
	Depth map[string]int // hop distance of each node from the centre
	// Truncated is set when the limit cut nodes off.
	Truncated bool
}

// NeighbourhoodQuery asks for the ego network of an actor.
type NeighbourhoodQuery struct {
	Centre string
	Depth  int // 1..MaxNeighbourhoodDepth
	Filter ExchangeFilter
	Limit  int // nodes, 1..MaxNeighbourhoodNodes
}

// Limits on graph queries.
const (
	MaxNeighbourhoodDepth = 3
	MaxNeighbourhoodNodes = 2000
	MaxPageSize           = 100
	// MaxStorePageSize is the largest page a store returns to an internal
	// reader; the API's pages stay at MaxPageSize. (The in-process graph's
	// full load does not page: it reads Store.ScanActors and the other
	// scans.)
	MaxStorePageSize = 2000
	DefaultPageSize  = 20
	MaxSearchResults = 50
)

// Batch is a set of items to upsert together.
type Batch struct {
	Themes      []Theme
	Actors      []Actor
	Exchanges   []Exchange
	Memberships []Membership
}

// ImportResult counts what an import did, per item type.
type ImportResult struct {
	Created   int
	Updated   int
	Unchanged int
}
