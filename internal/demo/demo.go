// Package demo holds the demonstration data every new store is seeded with:
// each actor and exchange of the news listing the project grew from
// ("City-to-city cooperation", a world network of local governments).
//
// The data records only what the listing says. Where it gives no year, Start
// is nil and DateNote keeps its words. Where it names no counterpart of an
// exchange (the AL-LAS technical visit, the Canoas meeting, the Nampula
// seminar's Brazilian technicians, the participants of the European forum),
// an Organisation of type OTHER stands for the unnamed participants and its
// summary says so; no city is invented. No exchange has a source URL because
// the listing gives none.
package demo

import (
	"sort"

	"github.com/c2c-project/c2c/internal/c2c"
)

// Actor ids of the demo data, for tests and examples.
const (
	EThekwini        = "ethekwini"
	SaoPaulo         = "sao-paulo"
	SaoPauloSEHAB    = "sao-paulo-sehab"
	StateOfSaoPaulo  = "state-of-sao-paulo"
	UCLG             = "uclg"
	SALGA            = "salga"
	DHS              = "za-dhs"
	ICMPD            = "icmpd"
	Chefchaouen      = "chefchaouen"
	Canoas           = "canoas"
	Nampula          = "nampula"
	Johannesburg     = "johannesburg"
	ALLAS            = "al-las"
	ALLASVisitCities = "al-las-technical-visit-cities"
	CanoasDelegates  = "canoas-14th-meeting-participants"
	NampulaBrazilian = "nampula-seminar-brazilian-technicians"
	EUForumDelegates = "eu-municipal-cooperation-forum-participants"
)

// Event names grouping the edges of multi-party meetings.
const (
	EventUbuntu  = "Putting Ubuntu in practice: Johannesburg meeting"
	EventCanoas  = "14th meeting on participatory democracy, Canoas"
	EventEUForum = "1st Forum on Municipal Cooperation from the European Union"
)

const noYear = "; the source gives no year"

// Batch returns the demo data as one import batch: the themes it uses, its
// actors and its exchanges. It has no memberships because the listing
// states none. Each call returns fresh values the caller may change.
func Batch() c2c.Batch {
	return c2c.Batch{
		Themes:    themes(),
		Actors:    actors(),
		Exchanges: exchanges(),
	}
}

func themes() []c2c.Theme {
	used := map[string]bool{}
	for _, x := range exchanges() {
		for _, t := range x.Themes {
			used[t] = true
		}
	}
	var out []c2c.Theme
	for _, t := range c2c.DefaultThemes {
		if used[t.ID] {
			out = append(out, t)
		}
	}
	return out
}

func at(lat, lon float64) *c2c.Coordinates { return &c2c.Coordinates{Lat: lat, Lon: lon} }

func actors() []c2c.Actor {
	return []c2c.Actor{
		{
			ID: EThekwini, Kind: c2c.ActorCity, Name: "eThekwini",
			AltNames: []string{"Durban", "eThekwini Municipality"},
			Country:  "ZA", Coords: at(-29.8579, 31.0292), GeoNamesID: 1007311,
			Summary: "The eThekwini Municipality, the metropolitan municipality of Durban, South Africa. " +
				"The source also spells it \"eTthekwini\".",
		},
		{
			ID: SaoPaulo, Kind: c2c.ActorCity, Name: "São Paulo",
			AltNames: []string{"City of São Paulo"},
			Country:  "BR", Coords: at(-23.5505, -46.6333), RegionID: StateOfSaoPaulo,
			WikidataID: "Q174", GeoNamesID: 3448439,
			Summary: "The City of São Paulo, Brazil, whose Housing Secretariat (SEHAB) hosted a delegation from Durban.",
		},
		{
			ID: SaoPauloSEHAB, Kind: c2c.ActorOrganisation, Name: "Housing Secretariat of the City of São Paulo",
			AltNames: []string{"SEHAB", "Secretaria Municipal de Habitação"},
			Country:  "BR", OrgType: c2c.OrgOther,
			Summary: "The municipal housing secretariat (SEHAB) of the City of São Paulo.",
		},
		{
			ID: StateOfSaoPaulo, Kind: c2c.ActorRegion, Name: "State of São Paulo",
			AltNames: []string{"São Paulo State", "Regional government of São Paulo"},
			Country:  "BR", WikidataID: "Q175",
			Summary: "The state of São Paulo, Brazil; its regional government met eThekwini, UCLG, SALGA and the " +
				"National Department of Human Settlements in Johannesburg.",
		},
		{
			ID: UCLG, Kind: c2c.ActorOrganisation, Name: "United Cities and Local Governments",
			AltNames: []string{"UCLG"}, OrgType: c2c.OrgNetwork,
			Summary: "The world network of local governments whose news listing on city-to-city cooperation is the source of this data.",
		},
		{
			ID: SALGA, Kind: c2c.ActorOrganisation, Name: "South African Local Government Association",
			AltNames: []string{"SALGA", "South Africa Local Governments Association"},
			Country:  "ZA", OrgType: c2c.OrgAssociation,
			Summary: "The national association of local governments of South Africa.",
		},
		{
			ID: DHS, Kind: c2c.ActorOrganisation, Name: "National Department of Human Settlements",
			AltNames: []string{"DHS", "Department of Human Settlements"},
			Country:  "ZA", OrgType: c2c.OrgGovernment,
			Summary: "The national department of South Africa responsible for human settlements.",
		},
		{
			ID: ICMPD, Kind: c2c.ActorOrganisation, Name: "International Centre for Migration Policy Development",
			AltNames: []string{"ICMPD"}, OrgType: c2c.OrgInternational,
			Summary: "The international organisation that launched and leads the Mediterranean City-to-City Migration Profiles and Dialogue project.",
		},
		{
			ID: Chefchaouen, Kind: c2c.ActorCity, Name: "Chefchaouen",
			Country: "MA", Coords: at(35.1688, -5.2636), GeoNamesID: 2553455,
			Summary: "An intermediary city of Northern Morocco.",
		},
		{
			ID: Canoas, Kind: c2c.ActorCity, Name: "Canoas",
			Country: "BR", Coords: at(-29.9178, -51.1836), GeoNamesID: 3467467,
			Summary: "A city of Rio Grande do Sul, Brazil, host of a 14th meeting on participatory democracy.",
		},
		{
			ID: Nampula, Kind: c2c.ActorCity, Name: "Nampula",
			Country: "MZ", Coords: at(-15.1165, 39.2666), GeoNamesID: 1033356,
			Summary: "A city in the North of Mozambique, host of a seminar of Brazilian and Mozambican technicians.",
		},
		{
			ID: Johannesburg, Kind: c2c.ActorCity, Name: "Johannesburg",
			Country: "ZA", Coords: at(-26.2041, 28.0473), WikidataID: "Q34647", GeoNamesID: 993800,
			Summary: "The South African city where the \"Putting Ubuntu in practice\" meeting took place; " +
				"the source does not say the city itself took part.",
		},
		{
			ID: ALLAS, Kind: c2c.ActorOrganisation, Name: "AL-LAS Project",
			AltNames: []string{"AL-LAS"}, OrgType: c2c.OrgNetwork,
			Summary: "A project encouraging decentralised international cooperation, notably between Latin American and European cities.",
		},
		{
			ID: ALLASVisitCities, Kind: c2c.ActorOrganisation, OrgType: c2c.OrgOther,
			Name:    "Cities of the AL-LAS technical visit (not named in the source)",
			Summary: "Stands for the cities that took part in a technical visit of the AL-LAS Project; the source does not name them.",
		},
		{
			ID: CanoasDelegates, Kind: c2c.ActorOrganisation, OrgType: c2c.OrgOther,
			Name: "Participants from twenty-five countries at the Canoas meeting (not named in the source)",
			Summary: "Stands for the representatives of local, regional and national governments, international organisations, " +
				"associations, researchers, academics and civil society from twenty-five countries who met in Canoas; " +
				"the source names none of them.",
		},
		{
			ID: NampulaBrazilian, Kind: c2c.ActorOrganisation, OrgType: c2c.OrgOther, Country: "BR",
			Name:    "Brazilian technicians at the Nampula seminar (not named in the source)",
			Summary: "Stands for the Brazilian technicians who met Mozambican technicians in Nampula; the source does not say where they came from.",
		},
		{
			ID: EUForumDelegates, Kind: c2c.ActorOrganisation, OrgType: c2c.OrgOther,
			Name: "Participants of the 1st Forum on Municipal Cooperation from the European Union (not named in the source)",
			Summary: "Stands for the local governments and civil society organisations at the 1st Forum on Municipal Cooperation " +
				"from the European Union; the source names none of them.",
		},
	}
}

func exchanges() []c2c.Exchange {
	const (
		ubuntuTitle  = "Putting Ubuntu in practice – the South-South cooperation between Brazil and South Africa"
		ubuntuSource = "The cities of eThekwini (South Africa) and the regional government of Sao Paulo (Brazil) met together with UCLG, " +
			"the South Africa Local Governments Association (SALGA) and with the National Department of Human Settlements " +
			"in South Africa (DHS) in Johannesburg."
		ubuntuDate = "the source gives no date"
	)
	ubuntu := func(id, source, target, who string) c2c.Exchange {
		return c2c.Exchange{
			ID: id, SourceID: source, TargetID: target, Title: ubuntuTitle, Kind: c2c.KindMeeting,
			Themes:       sortedThemes("south-south-cooperation"),
			DateNote:     ubuntuDate,
			Event:        EventUbuntu,
			Facilitators: []string{UCLG},
			Summary:      ubuntuSource + " This edge records the meeting between " + who + ".",
		}
	}
	return []c2c.Exchange{
		{
			ID: "durban-sao-paulo-sehab-study-visit", SourceID: EThekwini, TargetID: SaoPauloSEHAB, Directed: true,
			Title:    "Delegation from Durban goes to São Paulo for workshop on informal settlements upgrading",
			Kind:     c2c.KindStudyVisit,
			Themes:   sortedThemes("informal-settlements-upgrading", "housing"),
			DateNote: "28-30 July (\"Between last July 28 and 30\")" + noYear,
			Summary: "A delegation of political representatives and technicians of the eThekwini Municipality, with representatives " +
				"of the academia and civil society of Durban, visited the Housing Secretariat of the City of São Paulo (SEHAB) " +
				"for a workshop on informal settlements upgrading.",
		},
		{
			ID: "chefchaouen-uclg-learning-exchange", SourceID: Chefchaouen, TargetID: UCLG,
			Title: "Urban-Rural Policies for Economic Development",
			Kind:  c2c.KindLearningExchange,
			Themes: sortedThemes("local-economic-development", "decent-work", "cultural-economy",
				"intermediary-cities", "urban-rural-linkages"),
			DateNote: "24-27 September, in Northern Africa" + noYear,
			Summary: "UCLG and the city of Chefchaouen will celebrate a learning exchange in Northern Africa on Local Economic " +
				"Development (LED) and Decent Work in Cultural Economies of Intermediary Cities.",
		},
		{
			ID: "al-las-technical-visit", SourceID: ALLAS, TargetID: ALLASVisitCities,
			Title:     "AL-LAS Project technical visit stimulates international cooperation between cities",
			Kind:      c2c.KindTechnicalVisit,
			Themes:    sortedThemes("decentralised-cooperation"),
			Programme: "AL-LAS",
			DateNote:  "the source gives no date",
			Summary: "In one of many initiatives of the AL-LAS Project to encourage decentralised international cooperation, " +
				"notably between Latin American and European cities, a technical visit proved a positive step. " +
				"The source is cut off and does not name the cities.",
		},
		{
			ID: "canoas-participatory-democracy-14th", SourceID: CanoasDelegates, TargetID: Canoas, Directed: true,
			Title:    "South-South cooperation in the field of participatory democracy",
			Kind:     c2c.KindConference,
			Themes:   sortedThemes("participatory-democracy", "south-south-cooperation"),
			DateNote: "3-5 June (\"the third, fourth and fifth of June\")" + noYear,
			Event:    EventCanoas,
			Summary: "Representatives of local, regional and national governments, international organizations, associations, " +
				"researchers, academics and civil society from twenty-five countries met in Canoas, Brazil, for a 14th " +
				"meeting (the source is cut off before naming it).",
		},
		{
			ID: "nampula-seminar-mozambique-brazil", SourceID: NampulaBrazilian, TargetID: Nampula, Directed: true,
			Title:    "Decentralised cooperation between Mozambique and Brazil advances through technical exchange",
			Kind:     c2c.KindSeminar,
			Themes:   sortedThemes("decentralised-cooperation", "urban-planning", "cadastre", "municipal-finance"),
			DateNote: "26-28, month cut off in the source (\"between 26-28th\")" + noYear,
			Summary: "The city of Nampula, in the North of Mozambique, opened its doors to Brazilian and Mozambican technicians " +
				"who met for a seminar to exchange experiences and challenges in urban and territorial planning, cadastre " +
				"and financial management.",
		},
		ubuntu("ubuntu-ethekwini-state-of-sao-paulo", EThekwini, StateOfSaoPaulo,
			"eThekwini and the regional government of São Paulo"),
		ubuntu("ubuntu-salga-state-of-sao-paulo", SALGA, StateOfSaoPaulo,
			"the regional government of São Paulo and SALGA"),
		ubuntu("ubuntu-state-of-sao-paulo-za-dhs", StateOfSaoPaulo, DHS,
			"the regional government of São Paulo and the National Department of Human Settlements"),
		{
			ID: "mc2cm-icmpd-uclg", SourceID: ICMPD, TargetID: UCLG,
			Title:     "Mediterranean City-to-City Migration Profiles and Dialogue",
			Kind:      c2c.KindProjectPartnership,
			Themes:    sortedThemes("migration", "territorial-cohesion"),
			Programme: "MC2CM",
			DateNote:  "the source gives no date",
			Summary: "Cities and regions: key actors for the management of migration and territorial cohesion. UCLG is a partner " +
				"of the project \"Mediterranean City-to-City Migration Profiles and Dialogue\", launched and led by the " +
				"International Centre for Migration Policy Development (ICMPD).",
		},
		{
			ID: "eu-municipal-cooperation-forum-1st-uclg", SourceID: UCLG, TargetID: EUForumDelegates, Directed: true,
			Title:    "1st Forum on Municipal Cooperation from the European Union",
			Kind:     c2c.KindForum,
			Themes:   sortedThemes("local-development", "civil-society"),
			DateNote: "25-26 September (\"On 25th and 26th September\")" + noYear,
			Event:    EventEUForum,
			Summary: "Local governments and civil society organizations: experiences of joint work for local development. " +
				"UCLG participated in the 1st Forum on Municipal Cooperation from the European Union.",
		},
	}
}

// sortedThemes returns the theme ids in the sorted order Normalize gives.
func sortedThemes(ids ...string) []string {
	sort.Strings(ids)
	return ids
}
