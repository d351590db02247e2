package c2c

// countryTable is the built-in country reference. PLACEHOLDER: to be written
// in full from the facts of the UN M49, G77 and World Bank tables.
var countryTable = []Country{
	{Code: "ZA", Alpha3: "ZAF", Name: "South Africa", M49: "710", RegionCode: "002", Region: "Africa", SubRegionCode: "202", SubRegion: "Sub-Saharan Africa", G77: StatusSouth, M49Developing: StatusSouth, WBNonHigh: StatusSouth, WBIncomeGroup: "Upper middle income"},
	{Code: "BR", Alpha3: "BRA", Name: "Brazil", M49: "076", RegionCode: "019", Region: "Americas", SubRegionCode: "419", SubRegion: "Latin America and the Caribbean", G77: StatusSouth, M49Developing: StatusSouth, WBNonHigh: StatusSouth, WBIncomeGroup: "Upper middle income"},
}
