package storetest

import (
	"fmt"
	"testing"

	"github.com/c2c-project/c2c/internal/c2c"
)

// controlTexts are texts holding a control character somewhere: every
// name, title and label refuses them, on create, update and import alike.
var controlTexts = []string{"Du\x00rban", "\x1b[31mDurban", "Dur\nban", "Dur\rban", "Dur\tban", "Dur\u0085ban", "Dur\u2028ban", "\x7f"}

// emptyFoldTexts fold to nothing: a text filter made of them would match
// everything, so stores refuse them.
var emptyFoldTexts = []string{"%", "*", "\r\n", " ", "%_%", "-.-", "\u00a0"}

// testHygiene checks that control characters never reach the store through
// any write, that nothing is half-written when they are refused, and that
// text filters with nothing left to match are refused rather than dropped.
func testHygiene(t *testing.T, s c2c.Store) {
	ctx := t.Context()
	m := mustLoadByCreate(t, s, handBatch())
	for _, text := range controlTexts {
		what := func(op string) string { return fmt.Sprintf("%s with %q", op, text) }
		_, err := s.CreateActor(ctx, c2c.Actor{ID: "new-city", Kind: c2c.ActorCity, Name: text, Country: "ZA"})
		wantError(t, what("CreateActor name"), err, c2c.KindInvalid, "name")
		_, err = s.CreateActor(ctx, c2c.Actor{ID: "new-city", Kind: c2c.ActorCity, Name: "New City", AltNames: []string{"Fine", text}, Country: "ZA"})
		wantError(t, what("CreateActor altNames"), err, c2c.KindInvalid, "altNames[1]")
		_, err = s.UpdateActor(ctx, "ethekwini", c2c.ActorPatch{Name: ptr(text)})
		wantError(t, what("UpdateActor name"), err, c2c.KindInvalid, "name")
		_, err = s.CreateExchange(ctx, c2c.Exchange{ID: "new-x", SourceID: "ethekwini", TargetID: "berlin", Title: text, Kind: c2c.KindMeeting})
		wantError(t, what("CreateExchange title"), err, c2c.KindInvalid, "title")
		_, err = s.UpdateExchange(ctx, "ukzn-sao-paulo", c2c.ExchangePatch{Title: ptr(text)})
		wantError(t, what("UpdateExchange title"), err, c2c.KindInvalid, "title")
		_, err = s.UpsertTheme(ctx, c2c.Theme{ID: "new-theme", Label: text})
		wantError(t, what("UpsertTheme label"), err, c2c.KindInvalid, "label")
		_, err = s.CreateMembership(ctx, c2c.Membership{ID: "new-m", ActorID: "ethekwini", OrganisationID: "uclg", Role: text})
		wantError(t, what("CreateMembership role"), err, c2c.KindInvalid, "role")
		// An import with one bad item among good ones writes nothing.
		_, err = s.Import(ctx, c2c.Batch{Actors: []c2c.Actor{
			{ID: "fine-city", Kind: c2c.ActorCity, Name: "Fine City", Country: "ZA"},
			{ID: "bad-city", Kind: c2c.ActorCity, Name: text, Country: "ZA"},
		}})
		wantError(t, what("Import actors[1].name"), err, c2c.KindInvalid, "name")
	}
	_, err := s.Import(ctx, c2c.Batch{Exchanges: []c2c.Exchange{{ID: "bad-x", SourceID: "ethekwini", TargetID: "berlin", Title: "A\x00B", Kind: c2c.KindMeeting}}})
	wantError(t, "Import exchanges[0].title with NUL", err, c2c.KindInvalid, "title")
	checkState(t, s, m)

	// Summaries are long texts: paragraphs and tabs are kept, NUL is not.
	summary := "First paragraph.\n\nSecond,\tindented.\r\n"
	got, err := s.UpdateActor(ctx, "ethekwini", c2c.ActorPatch{Summary: ptr(summary)})
	mustNoError(t, "UpdateActor summary with line breaks", err)
	if got.Summary != summary {
		t.Errorf("UpdateActor summary = %q, want %q", got.Summary, summary)
	}
	want := copyActor(m.actors["ethekwini"])
	c2c.ActorPatch{Summary: ptr(summary)}.Apply(want)
	m.putActor(*want)
	_, err = s.UpdateActor(ctx, "ethekwini", c2c.ActorPatch{Summary: ptr("a\x00b")})
	wantError(t, "UpdateActor summary with NUL", err, c2c.KindInvalid, "summary")
	checkState(t, s, m)

	for _, text := range emptyFoldTexts {
		what := func(op string) string { return fmt.Sprintf("%s with text %q", op, text) }
		_, err := s.Actors(ctx, c2c.ActorQuery{Filter: c2c.ActorFilter{Text: text}, First: 10})
		wantError(t, what("Actors"), err, c2c.KindInvalid, "text")
		xf := c2c.ExchangeFilter{Text: text}
		_, err = s.Exchanges(ctx, c2c.ExchangeQuery{Filter: xf, First: 10})
		wantError(t, what("Exchanges"), err, c2c.KindInvalid, "text")
		_, err = s.Edges(ctx, xf)
		wantError(t, what("Edges"), err, c2c.KindInvalid, "text")
		_, _, err = s.ExchangeFacets(ctx, xf, c2c.FacetKeys{Kind: true})
		wantError(t, what("ExchangeFacets"), err, c2c.KindInvalid, "text")
		_, err = s.ExchangesByActors(ctx, []string{"ethekwini"}, xf, 10)
		wantError(t, what("ExchangesByActors"), err, c2c.KindInvalid, "text")
		_, err = s.PartnersByActors(ctx, []string{"ethekwini"}, xf, 10)
		wantError(t, what("PartnersByActors"), err, c2c.KindInvalid, "text")
	}
}
