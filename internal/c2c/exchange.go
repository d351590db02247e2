package c2c

import (
	"regexp"
	"sort"
	"strings"
)

// ExchangeKind says what sort of exchange an edge records.
type ExchangeKind string

// The exchange kinds.
const (
	KindStudyVisit          ExchangeKind = "STUDY_VISIT"
	KindTechnicalVisit      ExchangeKind = "TECHNICAL_VISIT"
	KindWorkshop            ExchangeKind = "WORKSHOP"
	KindSeminar             ExchangeKind = "SEMINAR"
	KindLearningExchange    ExchangeKind = "LEARNING_EXCHANGE"
	KindForum               ExchangeKind = "FORUM"
	KindMeeting             ExchangeKind = "MEETING"
	KindConference          ExchangeKind = "CONFERENCE"
	KindTwinning            ExchangeKind = "TWINNING"
	KindProjectPartnership  ExchangeKind = "PROJECT_PARTNERSHIP"
	KindTechnicalAssistance ExchangeKind = "TECHNICAL_ASSISTANCE"
	KindOther               ExchangeKind = "OTHER"
)

// ExchangeKinds lists every exchange kind.
var ExchangeKinds = []ExchangeKind{
	KindStudyVisit, KindTechnicalVisit, KindWorkshop, KindSeminar, KindLearningExchange,
	KindForum, KindMeeting, KindConference, KindTwinning, KindProjectPartnership,
	KindTechnicalAssistance, KindOther,
}

// Valid reports whether k is a known exchange kind.
func (k ExchangeKind) Valid() bool {
	for _, x := range ExchangeKinds {
		if k == x {
			return true
		}
	}
	return false
}

// Exchange is an edge of the cooperation graph: a visit, seminar, twinning or
// partnership between a source and a target actor. Directed exchanges have a
// visiting source and a hosting target; mutual ones (a twinning) have none,
// and their ends are stored in id order. Traversal ignores direction unless
// asked.
type Exchange struct {
	ID       string
	SourceID string
	TargetID string
	Title    string
	Kind     ExchangeKind
	Themes   []string // theme ids, sorted, each in the theme vocabulary
	Start    *PartialDate
	End      *PartialDate
	// DateNote keeps what the source says of the time when no full date is
	// known ("28-30 July; the source gives no year").
	DateNote     string
	Programme    string   // "AL-LAS", "MC2CM", … or ""
	Event        string   // groups the edges of one multi-party event, or ""
	Facilitators []string // actor ids, sorted
	Summary      string
	SourceURL    string
	Directed     bool
}

// Other returns the end of x that is not actorID (the target when actorID is
// neither end).
func (x *Exchange) Other(actorID string) string {
	if x.TargetID == actorID {
		return x.SourceID
	}
	return x.TargetID
}

// Span returns the day keys the exchange's dates cover; ok is false when the
// start is unknown.
func (x *Exchange) Span() (lo, hi int, ok bool) { return Span(x.Start, x.End) }

var (
	themePattern     = regexp.MustCompile(`^[a-z0-9]+(?:-[a-z0-9]+)*$`)
	programmePattern = regexp.MustCompile(`^[\p{L}\p{N}][\p{L}\p{N} ._/&'()-]{0,99}$`)
)

// Normalize trims text, sorts and deduplicates themes and facilitators, and
// puts the ends of a mutual exchange in id order.
func (x *Exchange) Normalize() {
	x.Title = strings.TrimSpace(x.Title)
	x.Programme = strings.TrimSpace(x.Programme)
	x.Event = strings.TrimSpace(x.Event)
	x.Themes = sortedSet(x.Themes)
	x.Facilitators = sortedSet(x.Facilitators)
	if !x.Directed && x.SourceID > x.TargetID {
		x.SourceID, x.TargetID = x.TargetID, x.SourceID
	}
}

func sortedSet(in []string) []string {
	if len(in) == 0 {
		return nil
	}
	m := make(map[string]bool, len(in))
	out := make([]string, 0, len(in))
	for _, s := range in {
		s = strings.TrimSpace(s)
		if s != "" && !m[s] {
			m[s] = true
			out = append(out, s)
		}
	}
	sort.Strings(out)
	return out
}

// Validate checks every field of x except whether the ids it names exist
// (stores check those) and whether its themes are in the vocabulary (see
// ValidateThemes). prefix starts each field path.
func (x *Exchange) Validate(prefix string) error {
	var es Errors
	f := func(name string) string { return joinField(prefix, name) }
	if err := ValidateID(f("id"), x.ID); err != nil {
		es = append(es, err)
	}
	if err := ValidateID(f("source"), x.SourceID); err != nil {
		es = append(es, err)
	}
	if err := ValidateID(f("target"), x.TargetID); err != nil {
		es = append(es, err)
	}
	if x.SourceID != "" && x.SourceID == x.TargetID {
		es = append(es, Invalid(f("target"), "is the same actor as source"))
	}
	validateText(&es, f("title"), x.Title, true, MaxTitleLen)
	if !x.Kind.Valid() {
		es = append(es, Invalid(f("kind"), "%q is not a known exchange kind", x.Kind))
	}
	if len(x.Themes) > MaxListLen {
		es = append(es, Invalid(f("themes"), "has more than %d themes", MaxListLen))
	}
	for i, t := range x.Themes {
		if !themePattern.MatchString(t) || len(t) > 64 {
			es = append(es, Invalid(f("themes")+"["+itoa(i)+"]", "%q is not a theme id (lower-case words joined by '-')", t))
		}
	}
	if x.End != nil && x.Start == nil {
		es = append(es, Invalid(f("end"), "is set but start is not"))
	}
	if x.Start != nil && x.End != nil && x.End.LastKey() < x.Start.FirstKey() {
		es = append(es, Invalid(f("end"), "%s is before start %s", x.End, x.Start))
	}
	validateText(&es, f("dateNote"), x.DateNote, false, MaxTitleLen)
	if x.Programme != "" && !programmePattern.MatchString(x.Programme) {
		es = append(es, Invalid(f("programme"), "%q is not a programme name (letters, digits, spaces and ._/&'()-, up to 100)", x.Programme))
	}
	validateText(&es, f("event"), x.Event, false, MaxTitleLen)
	if len(x.Facilitators) > MaxListLen {
		es = append(es, Invalid(f("facilitators"), "has more than %d actors", MaxListLen))
	}
	for i, id := range x.Facilitators {
		if err := ValidateID(f("facilitators")+"["+itoa(i)+"]", id); err != nil {
			es = append(es, err)
		}
	}
	validateText(&es, f("summary"), x.Summary, false, MaxSummaryLen)
	validateURL(&es, f("sourceUrl"), x.SourceURL)
	return es.Err()
}

// Membership is an actor's membership of an organisation, with its dates and
// role.
type Membership struct {
	ID             string
	ActorID        string
	OrganisationID string
	Since          *PartialDate
	Until          *PartialDate
	Role           string // "member", "founding member", "lead partner", … or ""
	SourceURL      string
}

// Normalize trims text fields.
func (m *Membership) Normalize() { m.Role = strings.TrimSpace(m.Role) }

// Validate checks every field of m except whether the actors exist and
// whether the organisation really is an Organisation (stores check those).
func (m *Membership) Validate(prefix string) error {
	var es Errors
	f := func(name string) string { return joinField(prefix, name) }
	if err := ValidateID(f("id"), m.ID); err != nil {
		es = append(es, err)
	}
	if err := ValidateID(f("actor"), m.ActorID); err != nil {
		es = append(es, err)
	}
	if err := ValidateID(f("organisation"), m.OrganisationID); err != nil {
		es = append(es, err)
	}
	if m.ActorID != "" && m.ActorID == m.OrganisationID {
		es = append(es, Invalid(f("organisation"), "an actor cannot be a member of itself"))
	}
	if m.Since != nil && m.Until != nil && m.Until.LastKey() < m.Since.FirstKey() {
		es = append(es, Invalid(f("until"), "%s is before since %s", m.Until, m.Since))
	}
	validateText(&es, f("role"), m.Role, false, MaxNameLen)
	validateURL(&es, f("sourceUrl"), m.SourceURL)
	return es.Err()
}

// Theme is an entry of the theme vocabulary.
type Theme struct {
	ID    string // "informal-settlements-upgrading"
	Label string // "Informal settlements upgrading"
}

// Validate checks the theme's id and label.
func (t *Theme) Validate(prefix string) error {
	var es Errors
	if !themePattern.MatchString(t.ID) || len(t.ID) > 64 {
		es = append(es, Invalid(joinField(prefix, "id"), "%q is not a theme id (lower-case words joined by '-', up to 64)", t.ID))
	}
	validateText(&es, joinField(prefix, "label"), t.Label, true, MaxNameLen)
	return es.Err()
}

// DefaultThemes is the vocabulary every new store starts with. It is
// extensible: stores add themes through UpsertTheme.
var DefaultThemes = []Theme{
	{"informal-settlements-upgrading", "Informal settlements upgrading"},
	{"housing", "Housing"},
	{"migration", "Migration"},
	{"territorial-cohesion", "Territorial cohesion"},
	{"local-economic-development", "Local economic development"},
	{"decent-work", "Decent work"},
	{"cultural-economy", "Cultural economy"},
	{"intermediary-cities", "Intermediary cities"},
	{"urban-rural-linkages", "Urban-rural linkages"},
	{"participatory-democracy", "Participatory democracy"},
	{"urban-planning", "Urban and territorial planning"},
	{"cadastre", "Cadastre"},
	{"municipal-finance", "Municipal finance"},
	{"decentralised-cooperation", "Decentralised cooperation"},
	{"south-south-cooperation", "South-South cooperation"},
	{"local-development", "Local development"},
	{"civil-society", "Civil society participation"},
	{"governance", "Local governance"},
	{"culture", "Culture"},
	{"education", "Education"},
	{"environment", "Environment"},
	{"climate", "Climate"},
	{"mobility", "Mobility and transport"},
	{"water-sanitation", "Water and sanitation"},
	{"health", "Health"},
	{"gender-equality", "Gender equality"},
	{"friendship", "Friendship and twinning"},
}
