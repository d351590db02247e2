package c2c

import (
	"net/url"
	"regexp"
	"strings"
	"unicode/utf8"
)

// ActorKind says which of the Actor types an actor is.
type ActorKind string

// The actor kinds.
const (
	ActorCity         ActorKind = "CITY"
	ActorRegion       ActorKind = "REGION"
	ActorOrganisation ActorKind = "ORGANISATION"
)

// ActorKinds lists every actor kind.
var ActorKinds = []ActorKind{ActorCity, ActorRegion, ActorOrganisation}

// Valid reports whether k is a known kind.
func (k ActorKind) Valid() bool {
	return k == ActorCity || k == ActorRegion || k == ActorOrganisation
}

// OrgType says what sort of organisation an Organisation actor is.
type OrgType string

// The organisation types.
const (
	OrgNetwork       OrgType = "NETWORK"       // a network of local governments (UCLG, Metropolis, …)
	OrgAssociation   OrgType = "ASSOCIATION"   // a national association of local governments (SALGA, …)
	OrgGovernment    OrgType = "GOVERNMENT"    // a national government body (a ministry or department)
	OrgInternational OrgType = "INTERNATIONAL" // an international organisation (ICMPD, the EU, …)
	OrgAcademic      OrgType = "ACADEMIC"      // a university or research institute
	OrgCivilSociety  OrgType = "CIVIL_SOCIETY" // an NGO or community organisation
	OrgOther         OrgType = "OTHER"
)

// OrgTypes lists every organisation type.
var OrgTypes = []OrgType{OrgNetwork, OrgAssociation, OrgGovernment, OrgInternational, OrgAcademic, OrgCivilSociety, OrgOther}

// Valid reports whether t is a known organisation type.
func (t OrgType) Valid() bool {
	for _, o := range OrgTypes {
		if t == o {
			return true
		}
	}
	return false
}

// Coordinates is a WGS 84 point.
type Coordinates struct {
	Lat float64
	Lon float64
}

// Actor is a node of the cooperation graph: a city, a region (a sub-national
// government) or an organisation.
type Actor struct {
	ID       string
	Kind     ActorKind
	Name     string
	AltNames []string // other names and spellings: "Durban" for eThekwini
	Country  string   // ISO 3166-1 alpha-2; "" for an organisation with no country
	Coords   *Coordinates
	// RegionID is the Region a City lies in, "" when unknown or not a city.
	RegionID   string
	OrgType    OrgType // for organisations only; "" otherwise
	WikidataID string  // "Q…" or ""
	GeoNamesID int64   // 0 when unknown
	Summary    string
}

// Names returns the name followed by the alternative names.
func (a *Actor) Names() []string {
	return append([]string{a.Name}, a.AltNames...)
}

// SearchKey returns the folded text a store indexes for search and text
// filters: every name folded by Fold, separated by "|".
func (a *Actor) SearchKey() string {
	names := a.Names()
	out := make([]string, 0, len(names))
	for _, n := range names {
		out = append(out, Fold(n))
	}
	return "|" + strings.Join(out, "|") + "|"
}

var (
	idPattern       = regexp.MustCompile(`^[a-z0-9](?:[a-z0-9._-]{0,126}[a-z0-9])?$`)
	wikidataPattern = regexp.MustCompile(`^Q[1-9][0-9]{0,11}$`)
)

// Limits on text fields.
const (
	MaxNameLen    = 200
	MaxAltNames   = 50
	MaxSummaryLen = 10000
	MaxTitleLen   = 500
	MaxListLen    = 50
)

// ValidateID checks that id is a stable identifier: 1 to 128 characters of
// lower-case letters, digits, '.', '_' and '-', starting and ending with a
// letter or digit.
func ValidateID(field, id string) error {
	if id == "" {
		return Invalid(field, "is required")
	}
	if !idPattern.MatchString(id) {
		if len(id) > 128 {
			return Invalid(field, "is longer than 128 characters")
		}
		return Invalid(field, "%q is not a valid id (lower-case letters, digits, '.', '_' and '-'; start and end with a letter or digit)", id)
	}
	return nil
}

// Slug turns a name into an id fragment: folded, with runs of anything but
// letters and digits turned into '-'.
func Slug(s string) string {
	f := Fold(s)
	var b strings.Builder
	dash := false
	for _, r := range f {
		if (r >= 'a' && r <= 'z') || (r >= '0' && r <= '9') {
			b.WriteRune(r)
			dash = false
		} else if !dash && b.Len() > 0 {
			b.WriteByte('-')
			dash = true
		}
	}
	out := strings.TrimSuffix(b.String(), "-")
	if len(out) > 100 {
		out = strings.TrimSuffix(out[:100], "-")
	}
	return out
}

// validateText checks a text field: present when required, valid UTF-8,
// at most max characters and free of control characters (NUL, escape, line
// breaks); texts of MaxSummaryLen and more may hold tabs and line breaks.
func validateText(es *Errors, field, s string, required bool, max int) {
	switch {
	case required && strings.TrimSpace(s) == "":
		*es = append(*es, Invalid(field, "is required"))
	case !utf8.ValidString(s):
		*es = append(*es, Invalid(field, "is not valid UTF-8"))
	case utf8.RuneCountInString(s) > max:
		*es = append(*es, Invalid(field, "is longer than %d characters", max))
	default:
		if r, bad := controlRune(s, max >= MaxSummaryLen); bad {
			*es = append(*es, Invalid(field, "holds the control character %U: only printable text is accepted", r))
		}
	}
}

func validateURL(es *Errors, field, s string) {
	if s == "" {
		return
	}
	u, err := url.Parse(s)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || len(s) > 2000 {
		*es = append(*es, Invalid(field, "%q is not an http(s) URL", s))
	}
}

// Normalize trims names and drops empty or repeated alternative names.
func (a *Actor) Normalize() {
	a.Name = strings.TrimSpace(a.Name)
	a.Country = strings.ToUpper(strings.TrimSpace(a.Country))
	seen := map[string]bool{Fold(a.Name): true}
	alts := a.AltNames[:0:0]
	for _, n := range a.AltNames {
		n = strings.TrimSpace(n)
		if n == "" || seen[Fold(n)] {
			continue
		}
		seen[Fold(n)] = true
		alts = append(alts, n)
	}
	a.AltNames = alts
}

// Validate checks every field of a and returns all problems at once as a
// KindInvalid error naming the fields; prefix ("input", "row") starts each
// field path.
func (a *Actor) Validate(prefix string) error {
	var es Errors
	f := func(name string) string { return joinField(prefix, name) }
	if err := ValidateID(f("id"), a.ID); err != nil {
		es = append(es, err)
	}
	if !a.Kind.Valid() {
		es = append(es, Invalid(f("kind"), "%q is not one of CITY, REGION, ORGANISATION", a.Kind))
	}
	validateText(&es, f("name"), a.Name, true, MaxNameLen)
	if len(a.AltNames) > MaxAltNames {
		es = append(es, Invalid(f("altNames"), "has more than %d names", MaxAltNames))
	}
	for i, n := range a.AltNames {
		validateText(&es, f("altNames")+"["+itoa(i)+"]", n, true, MaxNameLen)
	}
	if a.Country == "" {
		if a.Kind == ActorCity || a.Kind == ActorRegion {
			es = append(es, Invalid(f("country"), "is required for a %s", strings.ToLower(string(a.Kind))))
		}
	} else if _, ok := CountryByCode(a.Country); !ok {
		es = append(es, Invalid(f("country"), "%q is not an ISO 3166-1 alpha-2 code this service knows", a.Country))
	}
	if c := a.Coords; c != nil {
		if c.Lat < -90 || c.Lat > 90 {
			es = append(es, Invalid(f("coordinates.lat"), "%v is outside -90..90", c.Lat))
		}
		if c.Lon < -180 || c.Lon > 180 {
			es = append(es, Invalid(f("coordinates.lon"), "%v is outside -180..180", c.Lon))
		}
	}
	if a.RegionID != "" {
		if a.Kind != ActorCity {
			es = append(es, Invalid(f("regionId"), "only a city can lie in a region"))
		} else if err := ValidateID(f("regionId"), a.RegionID); err != nil {
			es = append(es, err)
		} else if a.RegionID == a.ID {
			es = append(es, Invalid(f("regionId"), "a city cannot lie in itself"))
		}
	}
	if a.OrgType != "" {
		if a.Kind != ActorOrganisation {
			es = append(es, Invalid(f("orgType"), "only an organisation has an organisation type"))
		} else if !a.OrgType.Valid() {
			es = append(es, Invalid(f("orgType"), "%q is not a known organisation type", a.OrgType))
		}
	}
	if a.WikidataID != "" && !wikidataPattern.MatchString(a.WikidataID) {
		es = append(es, Invalid(f("wikidataId"), "%q is not a Wikidata QID such as Q5365", a.WikidataID))
	}
	if a.GeoNamesID < 0 {
		es = append(es, Invalid(f("geonamesId"), "must be positive"))
	}
	validateText(&es, f("summary"), a.Summary, false, MaxSummaryLen)
	return es.Err()
}

func joinField(prefix, name string) string {
	if prefix == "" {
		return name
	}
	return prefix + "." + name
}

func itoa(i int) string {
	const digits = "0123456789"
	if i < 10 {
		return digits[i : i+1]
	}
	return itoa(i/10) + digits[i%10:i%10+1]
}
