package storetest

import (
	"fmt"
	"math"
	"math/rand/v2"
	"slices"

	"github.com/c2c-project/c2c/internal/c2c"
)

// customTheme is a theme outside the default vocabulary that the hand-written
// fixture adds, to prove the vocabulary is extensible.
var customTheme = c2c.Theme{ID: "housing-finance", Label: "Housing finance"}

func d(s string) *c2c.PartialDate { return c2c.MustDate(s) }

func pt(lat, lon float64) *c2c.Coordinates { return &c2c.Coordinates{Lat: lat, Lon: lon} }

// handBatch is a small graph modelled on real city-to-city cooperation
// (UCLG's news listing): Durban's delegation to São Paulo, the Johannesburg
// meeting, the Canoas forum, the Nampula seminar, MC2CM and AL-LAS. Actors in
// countries the country reference does not hold are left out, with every
// item that needs them, so the suite runs whatever the table's extent.
func handBatch() c2c.Batch {
	b := c2c.Batch{
		Themes: []c2c.Theme{customTheme},
		Actors: []c2c.Actor{
			// Regions first: cities name them.
			{ID: "kwazulu-natal", Kind: c2c.ActorRegion, Name: "KwaZulu-Natal", AltNames: []string{"KZN"}, Country: "ZA", Coords: pt(-28.5, 30.9), WikidataID: "Q81725"},
			{ID: "gauteng", Kind: c2c.ActorRegion, Name: "Gauteng", Country: "ZA", WikidataID: "Q133083"},
			{ID: "sao-paulo-state", Kind: c2c.ActorRegion, Name: "São Paulo", AltNames: []string{"Estado de São Paulo", "Governo do Estado de São Paulo"}, Country: "BR", Coords: pt(-22.0, -48.5), WikidataID: "Q175"},
			{ID: "rio-grande-do-sul", Kind: c2c.ActorRegion, Name: "Rio Grande do Sul", AltNames: []string{"RS"}, Country: "BR"},
			{ID: "nampula-province", Kind: c2c.ActorRegion, Name: "Nampula Province", AltNames: []string{"Província de Nampula"}, Country: "MZ"},
			{ID: "tanger-tetouan-al-hoceima", Kind: c2c.ActorRegion, Name: "Tanger-Tétouan-Al Hoceïma", Country: "MA"},
			{ID: "andalucia", Kind: c2c.ActorRegion, Name: "Andalucía", AltNames: []string{"Andalusia"}, Country: "ES"},
			// Organisations, some with no country.
			{ID: "uclg", Kind: c2c.ActorOrganisation, Name: "United Cities and Local Governments", AltNames: []string{"UCLG", "CGLU", "Ciudades y Gobiernos Locales Unidos"}, OrgType: c2c.OrgNetwork, WikidataID: "Q1500646", Summary: "World organisation of local and regional governments."},
			{ID: "metropolis", Kind: c2c.ActorOrganisation, Name: "Metropolis", AltNames: []string{"World Association of the Major Metropolises"}, OrgType: c2c.OrgNetwork},
			{ID: "icmpd", Kind: c2c.ActorOrganisation, Name: "International Centre for Migration Policy Development", AltNames: []string{"ICMPD"}, OrgType: c2c.OrgInternational},
			{ID: "eu", Kind: c2c.ActorOrganisation, Name: "European Union", AltNames: []string{"EU", "Union européenne"}, OrgType: c2c.OrgInternational},
			{ID: "salga", Kind: c2c.ActorOrganisation, Name: "South African Local Government Association", AltNames: []string{"SALGA"}, Country: "ZA", OrgType: c2c.OrgAssociation},
			{ID: "dhs", Kind: c2c.ActorOrganisation, Name: "National Department of Human Settlements", AltNames: []string{"DHS"}, Country: "ZA", OrgType: c2c.OrgGovernment},
			{ID: "ukzn", Kind: c2c.ActorOrganisation, Name: "University of KwaZulu-Natal", AltNames: []string{"UKZN"}, Country: "ZA", OrgType: c2c.OrgAcademic},
			{ID: "abahlali", Kind: c2c.ActorOrganisation, Name: "Abahlali baseMjondolo", Country: "ZA", OrgType: c2c.OrgCivilSociety},
			{ID: "cnm", Kind: c2c.ActorOrganisation, Name: "Confederação Nacional de Municípios", AltNames: []string{"CNM"}, Country: "BR", OrgType: c2c.OrgAssociation},
			{ID: "anamm", Kind: c2c.ActorOrganisation, Name: "Associação Nacional dos Municípios de Moçambique", AltNames: []string{"ANAMM"}, Country: "MZ", OrgType: c2c.OrgAssociation},
			{ID: "cities-alliance", Kind: c2c.ActorOrganisation, Name: "Cities Alliance", OrgType: c2c.OrgInternational, Summary: "Only ever a facilitator here."},
			{ID: "rede-100", Kind: c2c.ActorOrganisation, Name: "100% Cidades_Rede", Country: "BR", OrgType: c2c.OrgOther, Summary: "A name with characters that mean something to SQL LIKE."},
			// Cities.
			{ID: "ethekwini", Kind: c2c.ActorCity, Name: "eThekwini", AltNames: []string{"Durban", "eThekwini Municipality"}, Country: "ZA", Coords: pt(-29.8587, 31.0218), RegionID: "kwazulu-natal", WikidataID: "Q5468", GeoNamesID: 1007311},
			{ID: "johannesburg", Kind: c2c.ActorCity, Name: "Johannesburg", AltNames: []string{"Joburg", "eGoli"}, Country: "ZA", Coords: pt(-26.2041, 28.0473), RegionID: "gauteng", GeoNamesID: 993800},
			{ID: "pietermaritzburg", Kind: c2c.ActorCity, Name: "Pietermaritzburg", AltNames: []string{"Msunduzi"}, Country: "ZA", RegionID: "kwazulu-natal"},
			{ID: "sao-paulo", Kind: c2c.ActorCity, Name: "São Paulo", AltNames: []string{"Prefeitura de São Paulo", "Sampa"}, Country: "BR", Coords: pt(-23.5505, -46.6333), RegionID: "sao-paulo-state", WikidataID: "Q174", GeoNamesID: 3448439},
			{ID: "guarulhos", Kind: c2c.ActorCity, Name: "Guarulhos", Country: "BR", RegionID: "sao-paulo-state"},
			{ID: "canoas", Kind: c2c.ActorCity, Name: "Canoas", Country: "BR", Coords: pt(-29.9178, -51.1836), RegionID: "rio-grande-do-sul"},
			{ID: "porto-alegre", Kind: c2c.ActorCity, Name: "Porto Alegre", Country: "BR", RegionID: "rio-grande-do-sul"},
			{ID: "belo-horizonte", Kind: c2c.ActorCity, Name: "Belo Horizonte", AltNames: []string{"BH"}, Country: "BR"},
			{ID: "nampula", Kind: c2c.ActorCity, Name: "Nampula", Country: "MZ", RegionID: "nampula-province", Coords: pt(-15.1165, 39.2666)},
			{ID: "maputo", Kind: c2c.ActorCity, Name: "Maputo", AltNames: []string{"Lourenço Marques"}, Country: "MZ"},
			{ID: "chefchaouen", Kind: c2c.ActorCity, Name: "Chefchaouen", AltNames: []string{"Chaouen", "Xauen"}, Country: "MA", RegionID: "tanger-tetouan-al-hoceima"},
			{ID: "tangier", Kind: c2c.ActorCity, Name: "Tanger", AltNames: []string{"Tangier", "Tánger"}, Country: "MA", RegionID: "tanger-tetouan-al-hoceima"},
			{ID: "koln", Kind: c2c.ActorCity, Name: "Köln", AltNames: []string{"Cologne", "Colonia"}, Country: "DE"},
			{ID: "berlin", Kind: c2c.ActorCity, Name: "Berlin", Country: "DE"},
			{ID: "madrid", Kind: c2c.ActorCity, Name: "Madrid", Country: "ES"},
			{ID: "sevilla", Kind: c2c.ActorCity, Name: "Sevilla", AltNames: []string{"Seville"}, Country: "ES", RegionID: "andalucia"},
			{ID: "l-hospitalet", Kind: c2c.ActorCity, Name: "L'Hospitalet de Llobregat", Country: "ES"},
			{ID: "lyon", Kind: c2c.ActorCity, Name: "Lyon", Country: "FR"},
			{ID: "saint-etienne", Kind: c2c.ActorCity, Name: "Saint-Étienne", Country: "FR"},
			// An actor without any edge.
			{ID: "msunduzi-lonely", Kind: c2c.ActorCity, Name: "Umngeni", Country: "ZA"},
		},
		Exchanges: []c2c.Exchange{
			{ID: "durban-sao-paulo-isu", SourceID: "ethekwini", TargetID: "sao-paulo", Title: "Delegation from Durban goes to São Paulo for workshop on informal settlements upgrading", Kind: c2c.KindStudyVisit, Themes: []string{"informal-settlements-upgrading", "housing", "south-south-cooperation"}, DateNote: "28-30 July; the source gives no year", Facilitators: []string{"uclg"}, SourceURL: "https://www.uclg.org/en/media/news/delegation-durban-goes-sao-paulo", Directed: true},
			{ID: "ukzn-sao-paulo", SourceID: "ukzn", TargetID: "sao-paulo", Title: "UKZN researchers join the Durban delegation", Kind: c2c.KindStudyVisit, Themes: []string{"informal-settlements-upgrading", "education"}, Start: d("2013"), Directed: true},
			{ID: "abahlali-sao-paulo", SourceID: "abahlali", TargetID: "sao-paulo", Title: "Civil society of Durban visits SEHAB", Kind: c2c.KindStudyVisit, Themes: []string{"civil-society", "housing"}, Start: d("2013-07"), Directed: true},
			{ID: "jhb-ethekwini-spstate", SourceID: "sao-paulo-state", TargetID: "ethekwini", Title: "Putting Ubuntu in practice: eThekwini and São Paulo in Johannesburg", Kind: c2c.KindMeeting, Themes: []string{"south-south-cooperation", "housing", customTheme.ID}, Start: d("2014-11"), Event: "Johannesburg South-South meeting", Facilitators: []string{"uclg", "salga"}},
			{ID: "jhb-ethekwini-uclg", SourceID: "ethekwini", TargetID: "uclg", Title: "Putting Ubuntu in practice: eThekwini with UCLG", Kind: c2c.KindMeeting, Themes: []string{"south-south-cooperation"}, Start: d("2014-11"), Event: "Johannesburg South-South meeting"},
			{ID: "jhb-salga-dhs", SourceID: "salga", TargetID: "dhs", Title: "Putting Ubuntu in practice: SALGA and the Department of Human Settlements", Kind: c2c.KindMeeting, Themes: []string{"housing", customTheme.ID}, Start: d("2014-11"), Event: "Johannesburg South-South meeting"},
			{ID: "jhb-spstate-johannesburg", SourceID: "sao-paulo-state", TargetID: "johannesburg", Title: "São Paulo regional government hosted in Johannesburg", Kind: c2c.KindMeeting, Themes: []string{"south-south-cooperation", "housing"}, Start: d("2014-11-12"), End: d("2014-11-14"), Event: "Johannesburg South-South meeting", Directed: true},
			{ID: "canoas-forum-porto-alegre", SourceID: "porto-alegre", TargetID: "canoas", Title: "14th IOPD Conference in Canoas", Kind: c2c.KindForum, Themes: []string{"participatory-democracy", "south-south-cooperation"}, Start: d("2014-06-03"), End: d("2014-06-05"), Event: "IOPD Canoas 2014", Facilitators: []string{"cities-alliance"}, Directed: true},
			{ID: "canoas-forum-maputo", SourceID: "maputo", TargetID: "canoas", Title: "14th IOPD Conference in Canoas", Kind: c2c.KindForum, Themes: []string{"participatory-democracy", "south-south-cooperation"}, Start: d("2014-06-03"), End: d("2014-06-05"), Event: "IOPD Canoas 2014", Directed: true},
			{ID: "canoas-forum-sevilla", SourceID: "sevilla", TargetID: "canoas", Title: "14th IOPD Conference in Canoas", Kind: c2c.KindForum, Themes: []string{"participatory-democracy"}, Start: d("2014-06-03"), End: d("2014-06-05"), Event: "IOPD Canoas 2014", Directed: true},
			{ID: "canoas-forum-uclg", SourceID: "uclg", TargetID: "canoas", Title: "UCLG at the IOPD Conference", Kind: c2c.KindForum, Themes: []string{"participatory-democracy"}, Start: d("2014-06"), Event: "IOPD Canoas 2014"},
			{ID: "canoas-forum-belo-horizonte", SourceID: "belo-horizonte", TargetID: "canoas", Title: "Belo Horizonte shares its participatory budget", Kind: c2c.KindForum, Themes: []string{"participatory-democracy"}, Start: d("2014-06-04"), Event: "IOPD Canoas 2014", Directed: true},
			{ID: "nampula-seminar", SourceID: "cnm", TargetID: "nampula", Title: "Decentralised cooperation between Mozambique and Brazil: Nampula seminar", Kind: c2c.KindSeminar, Themes: []string{"urban-planning", "cadastre", "municipal-finance", "decentralised-cooperation"}, Start: d("2015"), DateNote: "26-28th; the source gives no month", Facilitators: []string{"anamm"}, Directed: true},
			{ID: "nampula-maputo", SourceID: "nampula", TargetID: "maputo", Title: "Cadastre peer learning", Kind: c2c.KindWorkshop, Themes: []string{"cadastre"}, Start: d("2016-03"), Facilitators: []string{"anamm"}},
			{ID: "chefchaouen-led", SourceID: "uclg", TargetID: "chefchaouen", Title: "Learning exchange on local economic development in Chefchaouen", Kind: c2c.KindLearningExchange, Themes: []string{"local-economic-development", "decent-work", "cultural-economy", "intermediary-cities", "urban-rural-linkages"}, Start: d("2016-09-24"), End: d("2016-09-27")},
			{ID: "mc2cm-tangier", SourceID: "icmpd", TargetID: "tangier", Title: "Mediterranean City-to-City Migration Profiles: Tangier", Kind: c2c.KindProjectPartnership, Themes: []string{"migration", "territorial-cohesion"}, Start: d("2015-01"), End: d("2017-12"), Programme: "MC2CM", Facilitators: []string{"uclg"}, Directed: true},
			{ID: "mc2cm-madrid", SourceID: "icmpd", TargetID: "madrid", Title: "Mediterranean City-to-City Migration Profiles: Madrid", Kind: c2c.KindProjectPartnership, Themes: []string{"migration"}, Start: d("2015-01"), End: d("2017-12"), Programme: "MC2CM", Directed: true},
			{ID: "mc2cm-lyon", SourceID: "uclg", TargetID: "lyon", Title: "Migration dialogue in Lyon", Kind: c2c.KindWorkshop, Themes: []string{"migration", "governance"}, Start: d("2016-05-10"), Programme: "MC2CM", Facilitators: []string{"icmpd"}, Directed: true},
			{ID: "mc2cm-tangier-madrid", SourceID: "tangier", TargetID: "madrid", Title: "Peer exchange Tánger–Madrid", Kind: c2c.KindTechnicalVisit, Themes: []string{"migration"}, Start: d("2017-02"), Programme: "MC2CM", Directed: true},
			{ID: "allas-porto-alegre-lyon", SourceID: "porto-alegre", TargetID: "lyon", Title: "AL-LAS technical visit on international action", Kind: c2c.KindTechnicalVisit, Themes: []string{"decentralised-cooperation", "urban-planning"}, Start: d("2015-05"), Programme: "AL-LAS", Directed: true},
			{ID: "allas-belo-horizonte-saint-etienne", SourceID: "belo-horizonte", TargetID: "saint-etienne", Title: "AL-LAS visit: Belo Horizonte to Saint-Étienne", Kind: c2c.KindTechnicalVisit, Themes: []string{"decentralised-cooperation", "culture"}, Start: d("2015-06-15"), End: d("2015-06-19"), Programme: "AL-LAS", Directed: true},
			{ID: "eu-forum", SourceID: "uclg", TargetID: "eu", Title: "1st Forum on Municipal Cooperation from the European Union", Kind: c2c.KindForum, Themes: []string{"decentralised-cooperation"}, Start: d("2017-09-25"), End: d("2017-09-26"), Directed: true},
			{ID: "koln-madrid-friendship", SourceID: "koln", TargetID: "madrid", Title: "Köln and Madrid friendship agreement", Kind: c2c.KindTwinning, Themes: []string{"friendship"}, Start: d("1984")},
			{ID: "koln-ethekwini-twinning", SourceID: "koln", TargetID: "ethekwini", Title: "Köln–Durban partnership", Kind: c2c.KindTwinning, Themes: []string{"friendship", "climate"}, Start: d("2011")},
			{ID: "berlin-metropolis", SourceID: "berlin", TargetID: "metropolis", Title: "Metropolis annual meeting in Berlin", Kind: c2c.KindConference, Themes: []string{"governance"}, Start: d("2011-06"), Directed: true},
			{ID: "maputo-sao-paulo-ta", SourceID: "sao-paulo", TargetID: "maputo", Title: "Technical assistance on slum upgrading", Kind: c2c.KindTechnicalAssistance, Themes: []string{"informal-settlements-upgrading"}, Directed: true},
			{ID: "guarulhos-pietermaritzburg", SourceID: "guarulhos", TargetID: "pietermaritzburg", Title: "Guarulhos–Msunduzi exchange", Kind: c2c.KindOther, Directed: false},
			{ID: "rede-100-canoas", SourceID: "rede-100", TargetID: "canoas", Title: "100% participation: 50% of budget_lines", Kind: c2c.KindWorkshop, Themes: []string{"participatory-democracy"}, Start: d("2014-06-05"), Directed: true},
			{ID: "ethekwini-johannesburg", SourceID: "johannesburg", TargetID: "ethekwini", Title: "Metro housing peer review", Kind: c2c.KindWorkshop, Themes: []string{"housing"}, Start: d("2012-12-31"), End: d("2013-01-02")},
			{ID: "hospitalet-sevilla", SourceID: "l-hospitalet", TargetID: "sevilla", Title: "Intercultural cities", Kind: c2c.KindSeminar, Themes: []string{"migration", "culture"}, Start: d("2013-07-30"), Directed: true},
		},
		Memberships: []c2c.Membership{
			{ID: "m-ethekwini-uclg", ActorID: "ethekwini", OrganisationID: "uclg", Since: d("2004"), Role: "member"},
			{ID: "m-sao-paulo-uclg", ActorID: "sao-paulo", OrganisationID: "uclg", Since: d("2004-05"), Role: "founding member", SourceURL: "https://www.uclg.org/en/organisation/about"},
			{ID: "m-salga-uclg", ActorID: "salga", OrganisationID: "uclg", Since: d("2004-05-05"), Role: "member"},
			{ID: "m-porto-alegre-uclg", ActorID: "porto-alegre", OrganisationID: "uclg", Since: d("2004")},
			{ID: "m-chefchaouen-uclg", ActorID: "chefchaouen", OrganisationID: "uclg"},
			{ID: "m-madrid-uclg", ActorID: "madrid", OrganisationID: "uclg", Since: d("2004"), Until: d("2019-12"), Role: "co-president"},
			{ID: "m-anamm-uclg", ActorID: "anamm", OrganisationID: "uclg", Since: d("2010")},
			{ID: "m-johannesburg-metropolis", ActorID: "johannesburg", OrganisationID: "metropolis", Since: d("1999-06-15"), Until: d("2020"), Role: "member"},
			{ID: "m-lyon-metropolis", ActorID: "lyon", OrganisationID: "metropolis", Since: d("2010")},
			{ID: "m-berlin-metropolis", ActorID: "berlin", OrganisationID: "metropolis", Since: d("1985"), Role: "founding member"},
			{ID: "m-ethekwini-salga", ActorID: "ethekwini", OrganisationID: "salga", Since: d("2000-12"), Role: "member municipality"},
			{ID: "m-johannesburg-salga", ActorID: "johannesburg", OrganisationID: "salga", Since: d("2000-12")},
			{ID: "m-nampula-anamm", ActorID: "nampula", OrganisationID: "anamm", Since: d("2008-10")},
			{ID: "m-maputo-anamm", ActorID: "maputo", OrganisationID: "anamm", Role: "member"},
			{ID: "m-kzn-metropolis", ActorID: "kwazulu-natal", OrganisationID: "metropolis"},
			{ID: "m-salga-metropolis", ActorID: "salga", OrganisationID: "metropolis", Since: d("2012")},
		},
	}
	return keepKnownCountries(b)
}

// keepKnownCountries drops the actors whose country the reference does not
// hold and every item that names them.
func keepKnownCountries(b c2c.Batch) c2c.Batch {
	out := c2c.Batch{Themes: b.Themes}
	kept := map[string]bool{}
	for _, a := range b.Actors {
		if a.Country != "" {
			if _, ok := c2c.CountryByCode(a.Country); !ok {
				continue
			}
		}
		kept[a.ID] = true
	}
	for _, a := range b.Actors {
		if kept[a.ID] {
			if a.RegionID != "" && !kept[a.RegionID] {
				a.RegionID = ""
			}
			out.Actors = append(out.Actors, a)
		}
	}
	for _, x := range b.Exchanges {
		if !kept[x.SourceID] || !kept[x.TargetID] {
			continue
		}
		x.Facilitators = slices.DeleteFunc(slices.Clone(x.Facilitators), func(id string) bool { return !kept[id] })
		out.Exchanges = append(out.Exchanges, x)
	}
	for _, m := range b.Memberships {
		if kept[m.ActorID] && kept[m.OrganisationID] {
			out.Memberships = append(out.Memberships, m)
		}
	}
	return out
}

// candidateCountries spread the generated graph over every M49 region and
// over North and South under each definition; those the reference lacks are
// skipped.
var candidateCountries = []string{
	"ZA", "BR", "MZ", "MA", "DE", "ES", "FR", "IT", "PT", "NL", "SE", "GB", "CH",
	"US", "CA", "MX", "AR", "CO", "CL", "PE", "EC", "BO", "UY",
	"IN", "CN", "JP", "KR", "ID", "PH", "TR", "TW", "SG", "QA",
	"EG", "KE", "NG", "SN", "GH", "TN", "CI", "ET", "AU", "NZ", "FJ",
}

func knownCountries() []string {
	var out []string
	for _, c := range candidateCountries {
		if _, ok := c2c.CountryByCode(c); ok {
			out = append(out, c)
		}
	}
	if len(out) < 2 {
		for _, c := range c2c.Countries() {
			if !slices.Contains(out, c.Code) {
				out = append(out, c.Code)
			}
		}
	}
	return out
}

var (
	namePrefixes = []string{"São", "Santa", "Nova", "Porto", "Saint-", "Bad", "Al", "Ciudad de", "Ville", "Kwa", "Nieuw", "Ōmi", "El", "La", "Zé"}
	nameRoots    = []string{"Esperança", "Köln", "Ouro", "Mar", "Ríos", "Lagoa", "Bélair", "Durbanville", "Łąka", "Øster", "Águas", "Nuñez", "Zeebrugge", "Mbabane", "Kigoma", "Paulo", "Rosário", "Vale", "Mönch", "Ndlovu"}
	orgWords     = []string{"Network", "Association", "Forum", "Alliance", "Institute", "Fund", "Council"}
	programmes   = []string{"AL-LAS", "MC2CM", "URBACT", "Mercociudades", "IOPD"}
	roles        = []string{"member", "founding member", "observer", "lead partner", ""}
	kindWeights  = []c2c.ExchangeKind{
		c2c.KindStudyVisit, c2c.KindStudyVisit, c2c.KindStudyVisit, c2c.KindTechnicalVisit, c2c.KindTechnicalVisit,
		c2c.KindWorkshop, c2c.KindWorkshop, c2c.KindSeminar, c2c.KindLearningExchange, c2c.KindForum,
		c2c.KindMeeting, c2c.KindConference, c2c.KindTwinning, c2c.KindProjectPartnership, c2c.KindTechnicalAssistance, c2c.KindOther,
	}
)

// GenerateBatch returns a pseudo-random but reproducible cooperation graph
// with the given numbers of actors and exchanges (and half as many
// memberships as actors): skewed degrees (a few hubs, many leaves), themes
// drawn with a skew, dates of every precision with some unknown, countries
// across regions (those the country reference holds), organisations with and
// without a country, cities lying in regions. The same seed and country
// reference always give the same batch. Benchmarks and graph-algorithm tests
// use it as well as the conformance suite.
func GenerateBatch(seed int64, actors, exchanges int) c2c.Batch {
	r := rand.New(rand.NewPCG(uint64(seed), 0xc2c))
	actors = max(actors, 4)
	countries := knownCountries()
	var b c2c.Batch

	nRegions := max(1, actors/10)
	nOrgs := max(1, actors*3/20)
	regionsByCountry := map[string][]string{}
	var orgIDs []string
	for i := range actors {
		a := c2c.Actor{ID: fmt.Sprintf("g-a%04d", i), Country: countries[zipf(r, len(countries), 0.7)]}
		root := nameRoots[r.IntN(len(nameRoots))]
		prefix := namePrefixes[r.IntN(len(namePrefixes))]
		switch {
		case i < nRegions:
			a.Kind = c2c.ActorRegion
			a.Name = "Região " + root
			if r.IntN(2) == 0 {
				a.Name = root + " Province"
			}
			regionsByCountry[a.Country] = append(regionsByCountry[a.Country], a.ID)
		case i < nRegions+nOrgs:
			a.Kind = c2c.ActorOrganisation
			a.OrgType = c2c.OrgTypes[r.IntN(len(c2c.OrgTypes))]
			a.Name = root + " " + orgWords[r.IntN(len(orgWords))]
			if r.IntN(5) < 2 {
				a.Country = ""
				a.OrgType = []c2c.OrgType{c2c.OrgNetwork, c2c.OrgInternational}[r.IntN(2)]
			}
			orgIDs = append(orgIDs, a.ID)
		default:
			a.Kind = c2c.ActorCity
			sep := " "
			if prefix[len(prefix)-1] == '-' {
				sep = ""
			}
			a.Name = prefix + sep + root
			if rs := regionsByCountry[a.Country]; len(rs) > 0 && r.IntN(3) > 0 {
				a.RegionID = rs[r.IntN(len(rs))]
			}
		}
		if r.IntN(5) == 0 {
			a.AltNames = []string{root + " " + []string{"City", "Municipality", "Metro"}[r.IntN(3)]}
		}
		if r.IntN(10) < 7 {
			a.Coords = &c2c.Coordinates{Lat: round4(r.Float64()*170 - 85), Lon: round4(r.Float64()*350 - 175)}
		}
		if r.IntN(3) == 0 {
			a.WikidataID = fmt.Sprintf("Q%d", 1+r.IntN(9_999_999))
		}
		if r.IntN(4) == 0 {
			a.GeoNamesID = int64(1 + r.IntN(9_999_999))
		}
		if r.IntN(4) == 0 {
			a.Summary = "Generated actor " + a.Name + "."
		}
		b.Actors = append(b.Actors, a)
	}

	// Endpoints are drawn from a skewed distribution over a shuffled actor
	// order, so hubs are of every kind.
	hubOrder := r.Perm(actors)
	pick := func() int { return hubOrder[zipf(r, actors, 1.1)] }
	for i := range exchanges {
		s, t := pick(), pick()
		for t == s {
			t = pick()
		}
		src, tgt := b.Actors[s], b.Actors[t]
		x := c2c.Exchange{
			ID:       fmt.Sprintf("g-x%05d", i),
			SourceID: src.ID,
			TargetID: tgt.ID,
			Kind:     kindWeights[r.IntN(len(kindWeights))],
			Directed: r.IntN(10) < 6,
		}
		x.Title = fmt.Sprintf("%s %d: %s – %s", kindTitle(x.Kind), i, src.Name, tgt.Name)
		for range r.IntN(4) {
			x.Themes = append(x.Themes, c2c.DefaultThemes[zipf(r, len(c2c.DefaultThemes), 0.9)].ID)
		}
		if r.IntN(5) > 0 {
			x.Start = randomDate(r)
			if r.IntN(5) < 2 {
				end := x.Start.Last().AddDate(0, 0, r.IntN(20))
				x.End = &c2c.PartialDate{Year: end.Year(), Month: int(end.Month()), Day: end.Day()}
			}
		} else if r.IntN(2) == 0 {
			x.DateNote = "date not given by the source"
		}
		if r.IntN(3) == 0 {
			x.Programme = programmes[zipf(r, len(programmes), 1)]
		}
		if r.IntN(12) == 0 {
			x.Event = fmt.Sprintf("Generated event %d", r.IntN(8))
		}
		if r.IntN(8) == 0 && len(orgIDs) > 0 {
			f := orgIDs[r.IntN(len(orgIDs))]
			if f != x.SourceID && f != x.TargetID {
				x.Facilitators = []string{f}
			}
		}
		if r.IntN(3) == 0 {
			x.SourceURL = fmt.Sprintf("https://example.org/news/%d", i)
		}
		b.Exchanges = append(b.Exchanges, x)
	}

	for i := range actors / 2 {
		if len(orgIDs) == 0 {
			break
		}
		org := orgIDs[zipf(r, len(orgIDs), 1)]
		member := b.Actors[r.IntN(actors)].ID
		if member == org {
			continue
		}
		ms := c2c.Membership{ID: fmt.Sprintf("g-m%04d", i), ActorID: member, OrganisationID: org, Role: roles[r.IntN(len(roles))]}
		if r.IntN(10) < 6 {
			ms.Since = randomDate(r)
			if r.IntN(4) == 0 {
				until := ms.Since.Last().AddDate(1+r.IntN(10), 0, 0)
				ms.Until = &c2c.PartialDate{Year: until.Year()}
			}
		}
		b.Memberships = append(b.Memberships, ms)
	}
	return b
}

// zipf draws an index in [0, n) with probability falling as 1/(i+1)^s.
func zipf(r *rand.Rand, n int, s float64) int {
	total := 0.0
	for i := range n {
		total += 1 / math.Pow(float64(i+1), s)
	}
	u := r.Float64() * total
	for i := range n {
		u -= 1 / math.Pow(float64(i+1), s)
		if u <= 0 {
			return i
		}
	}
	return n - 1
}

func randomDate(r *rand.Rand) *c2c.PartialDate {
	dt := c2c.PartialDate{Year: 1985 + r.IntN(40)}
	switch r.IntN(10) {
	case 0, 1, 2:
	case 3, 4, 5:
		dt.Month = 1 + r.IntN(12)
	default:
		dt.Month = 1 + r.IntN(12)
		dt.Day = 1 + r.IntN(28)
	}
	return &dt
}

func round4(f float64) float64 { return math.Round(f*1e4) / 1e4 }

func kindTitle(k c2c.ExchangeKind) string {
	switch k {
	case c2c.KindStudyVisit:
		return "Study visit"
	case c2c.KindTechnicalVisit:
		return "Technical visit"
	case c2c.KindTwinning:
		return "Twinning"
	default:
		return "Exchange"
	}
}
