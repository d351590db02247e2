package c2c

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestActorPatchApply(t *testing.T) {
	a := validCity()
	name, country := "Durban", "za"
	alts := []string{"eThekwini"}
	ActorPatch{Name: &name, Country: &country, AltNames: &alts, ClearCoords: true}.Apply(&a)
	want := validCity()
	want.Name, want.Country, want.AltNames, want.Coords = "Durban", "za", []string{"eThekwini"}, nil
	if diff := cmp.Diff(want, a); diff != "" {
		t.Errorf("Apply (-want +got):\n%s", diff)
	}
	alts[0] = "changed"
	if a.AltNames[0] != "eThekwini" {
		t.Error("Apply shares the patch's AltNames slice")
	}
	before := a
	ActorPatch{}.Apply(&a)
	if diff := cmp.Diff(before, a); diff != "" {
		t.Errorf("empty patch changed the actor (-want +got):\n%s", diff)
	}
}

func TestExchangePatchApply(t *testing.T) {
	x := validExchange()
	title := "Johannesburg meeting"
	ExchangePatch{Title: &title, End: MustDate("2013-08")}.Apply(&x)
	if got, want := x.Title, title; got != want {
		t.Errorf("Title = %q, want %q", got, want)
	}
	if got, want := DateString(x.End), "2013-08"; got != want {
		t.Errorf("End = %q, want %q", got, want)
	}
	ExchangePatch{ClearStart: true, ClearEnd: true}.Apply(&x)
	if x.Start != nil || x.End != nil {
		t.Errorf("dates after clearing = %v, %v; want nil", x.Start, x.End)
	}
	d := MustDate("2014")
	ExchangePatch{Start: d}.Apply(&x)
	d.Year = 1999
	if got, want := DateString(x.Start), "2014"; got != want {
		t.Errorf("Start = %q, want %q (a copy of the patch's date)", got, want)
	}
}

func TestMembershipPatchApply(t *testing.T) {
	m := Membership{ID: "m", ActorID: "durban", OrganisationID: "uclg", Since: MustDate("2004")}
	role := "member"
	MembershipPatch{Until: MustDate("2010"), Role: &role}.Apply(&m)
	if got, want := DateString(m.Since)+".."+DateString(m.Until)+" "+m.Role, "2004..2010 member"; got != want {
		t.Errorf("after patch = %q, want %q", got, want)
	}
	MembershipPatch{ClearSince: true, ClearUntil: true}.Apply(&m)
	if m.Since != nil || m.Until != nil {
		t.Errorf("dates after clearing = %v, %v; want nil", m.Since, m.Until)
	}
}
