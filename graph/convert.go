package graph

import (
	"context"
	"errors"
	"strconv"
	"strings"

	"github.com/c2c-project/c2c/graph/model"
	"github.com/c2c-project/c2c/internal/c2c"
)

// pageSize returns *n, or def when n is nil; KindInvalid naming field when
// it is outside 1..max.
func pageSize(field string, n *int, def, max int) (int, error) {
	if n == nil {
		return def, nil
	}
	if *n < 1 || *n > max {
		return 0, c2c.Invalid(field, "%d is outside 1..%d", *n, max)
	}
	return *n, nil
}

func deref[T any](p *T) T {
	var zero T
	if p == nil {
		return zero
	}
	return *p
}

func nonEmpty(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

func ptr[T any](v T) *T { return &v }

// actorFilter converts and validates an actor filter argument.
func actorFilter(field string, in *model.ActorFilter) (c2c.ActorFilter, error) {
	if in == nil {
		return c2c.ActorFilter{}, nil
	}
	f := c2c.ActorFilter{
		Kinds:     in.Kinds,
		Countries: in.Countries,
		Regions:   in.M49Regions,
		Text:      strings.TrimSpace(deref(in.Text)),
		OrgTypes:  in.OrgTypes,
	}
	if g := in.GlobalSouth; g != nil {
		f.South = &c2c.SouthFilter{Definition: g.Definition, Status: g.Status}
	}
	if in.Text != nil {
		// Given but folding to nothing ("", "%", "\r\n"): refused, not dropped.
		if err := c2c.ValidateFilterText(field+".text", *in.Text, c2c.MaxNameLen); err != nil {
			return f, err
		}
	}
	return f, f.Validate(field)
}

// exchangeFilter converts and validates an exchange filter argument,
// checking its themes against the vocabulary.
func (r *Resolver) exchangeFilter(ctx context.Context, field string, in *model.ExchangeFilter) (c2c.ExchangeFilter, error) {
	if in == nil {
		return c2c.ExchangeFilter{}, nil
	}
	f := c2c.ExchangeFilter{
		ThemesAny: in.ThemesAny,
		ThemesAll: in.ThemesAll,
		Kinds:     in.Kinds,
		From:      in.From,
		To:        in.To,
		Programme: strings.TrimSpace(deref(in.Programme)),
		Event:     strings.TrimSpace(deref(in.Event)),
		ActorID:   deref(in.Actor),
		Countries: in.Countries,
		Directed:  in.Directed,
		Text:      strings.TrimSpace(deref(in.Text)),
	}
	if c := in.Classification; c != nil {
		f.Class = &c2c.ClassFilter{Definition: c.Definition, Class: c.Class}
	}
	if d := in.SouthSouth; d != nil {
		if f.Class != nil && (f.Class.Definition != *d || f.Class.Class != c2c.ClassSouthSouth) {
			return f, c2c.Invalid(field+".southSouth", "contradicts classification: give one or the other")
		}
		f.Class = &c2c.ClassFilter{Definition: *d, Class: c2c.ClassSouthSouth}
	}
	if in.Actor != nil && f.ActorID == "" {
		return f, c2c.Invalid(field+".actor", "is empty")
	}
	if in.Text != nil {
		if err := c2c.ValidateFilterText(field+".text", *in.Text, c2c.MaxTitleLen); err != nil {
			return f, err
		}
	}
	if err := f.Validate(field); err != nil {
		return f, err
	}
	if err := r.checkThemes(ctx, field+".themesAny", f.ThemesAny); err != nil {
		return f, err
	}
	return f, r.checkThemes(ctx, field+".themesAll", f.ThemesAll)
}

// checkThemes reports the first theme id of ids that is not in the
// vocabulary, as KindInvalid naming field[i].
func (r *Resolver) checkThemes(ctx context.Context, field string, ids []string) error {
	if len(ids) == 0 {
		return nil
	}
	vocab, err := r.loadersFor(ctx).themes(ctx)
	if err != nil {
		return err
	}
	refreshed := false
	for i, id := range ids {
		if _, ok := vocab[id]; !ok && !refreshed {
			// The cached vocabulary may predate a theme another process
			// added: read it again once before refusing.
			if vocab, err = r.vocabulary(ctx, true); err != nil {
				return err
			}
			refreshed = true
		}
		if _, ok := vocab[id]; !ok {
			return c2c.Invalid(field+"["+strconv.Itoa(i)+"]", "%q is not in the theme vocabulary (see the themes query)", id)
		}
	}
	return nil
}

// themeList returns the themes with the given ids, labelled from the
// vocabulary (an id missing from it is its own label).
func (r *Resolver) themeList(ctx context.Context, ids []string) ([]*c2c.Theme, error) {
	out := make([]*c2c.Theme, 0, len(ids))
	if len(ids) == 0 {
		return out, nil
	}
	vocab, err := r.loadersFor(ctx).themes(ctx)
	if err != nil {
		return nil, err
	}
	for _, id := range ids {
		t, ok := vocab[id]
		if !ok {
			t = c2c.Theme{ID: id, Label: id}
		}
		out = append(out, &t)
	}
	return out, nil
}

// checkID validates an id argument.
func checkID(field, id string) error { return c2c.ValidateID(field, id) }

// renameField rewrites the field of a domain validation error where the
// domain's name for an input differs from the schema's.
func renameField(err error, from, to string) error {
	var e *c2c.Error
	if errors.As(err, &e) && e.Field == from {
		c := *e
		c.Field = to
		return &c
	}
	return err
}

// conflict returns KindInvalid naming field when a value and its clear
// flag are both given.
func conflict(field string, set bool, clear *bool) error {
	if set && deref(clear) {
		return c2c.Invalid(field, "is given together with its clear flag: give one or the other")
	}
	return nil
}

// newActor converts a create input to a normalised, validated actor.
func newActor(in model.CreateActorInput) (c2c.Actor, error) {
	a := c2c.Actor{
		ID:         in.ID,
		Kind:       in.Kind,
		Name:       in.Name,
		AltNames:   in.AltNames,
		Country:    deref(in.Country),
		RegionID:   deref(in.Region),
		WikidataID: deref(in.WikidataID),
		GeoNamesID: int64(deref(in.GeonamesID)),
		Summary:    deref(in.Summary),
		OrgType:    deref(in.OrgType),
	}
	if c := in.Coordinates; c != nil {
		a.Coords = &c2c.Coordinates{Lat: c.Lat, Lon: c.Lon}
	}
	a.Normalize()
	return a, renameField(a.Validate("input"), "input.regionId", "input.region")
}

// actorPatch converts an update input to a patch.
func actorPatch(in model.UpdateActorInput) (c2c.ActorPatch, error) {
	for _, c := range []struct {
		field string
		set   bool
		clear *bool
	}{
		{"input.country", in.Country != nil, in.ClearCountry},
		{"input.coordinates", in.Coordinates != nil, in.ClearCoordinates},
		{"input.region", in.Region != nil, in.ClearRegion},
		{"input.wikidataId", in.WikidataID != nil, in.ClearWikidataID},
		{"input.geonamesId", in.GeonamesID != nil, in.ClearGeonamesID},
		{"input.summary", in.Summary != nil, in.ClearSummary},
	} {
		if err := conflict(c.field, c.set, c.clear); err != nil {
			return c2c.ActorPatch{}, err
		}
	}
	p := c2c.ActorPatch{
		Name:        in.Name,
		Country:     in.Country,
		RegionID:    in.Region,
		OrgType:     in.OrgType,
		WikidataID:  in.WikidataID,
		Summary:     in.Summary,
		ClearCoords: deref(in.ClearCoordinates),
	}
	if in.AltNames != nil {
		p.AltNames = &in.AltNames
	}
	if c := in.Coordinates; c != nil {
		p.Coords = &c2c.Coordinates{Lat: c.Lat, Lon: c.Lon}
	}
	if in.GeonamesID != nil {
		p.GeoNamesID = ptr(int64(*in.GeonamesID))
	}
	if deref(in.ClearCountry) {
		p.Country = ptr("")
	}
	if deref(in.ClearRegion) {
		p.RegionID = ptr("")
	}
	if deref(in.ClearWikidataID) {
		p.WikidataID = ptr("")
	}
	if deref(in.ClearGeonamesID) {
		p.GeoNamesID = ptr(int64(0))
	}
	if deref(in.ClearSummary) {
		p.Summary = ptr("")
	}
	return p, nil
}

// newExchange converts a create input to a normalised, validated exchange.
func newExchange(in model.CreateExchangeInput) (c2c.Exchange, error) {
	x := c2c.Exchange{
		ID:           in.ID,
		SourceID:     in.Source,
		TargetID:     in.Target,
		Title:        in.Title,
		Kind:         in.Kind,
		Themes:       in.Themes,
		Start:        in.Start,
		End:          in.End,
		DateNote:     deref(in.DateNote),
		Programme:    deref(in.Programme),
		Event:        deref(in.Event),
		Facilitators: in.Facilitators,
		Summary:      deref(in.Summary),
		SourceURL:    deref(in.SourceURL),
		Directed:     in.Directed,
	}
	if err := x.Validate("input"); err != nil {
		return x, err
	}
	x.Normalize()
	return x, nil
}

// exchangePatch converts an update input to a patch.
func exchangePatch(in model.UpdateExchangeInput) (c2c.ExchangePatch, error) {
	for _, c := range []struct {
		field string
		set   bool
		clear *bool
	}{
		{"input.start", in.Start != nil, in.ClearStart},
		{"input.end", in.End != nil, in.ClearEnd},
		{"input.dateNote", in.DateNote != nil, in.ClearDateNote},
		{"input.programme", in.Programme != nil, in.ClearProgramme},
		{"input.event", in.Event != nil, in.ClearEvent},
		{"input.summary", in.Summary != nil, in.ClearSummary},
		{"input.sourceUrl", in.SourceURL != nil, in.ClearSourceURL},
	} {
		if err := conflict(c.field, c.set, c.clear); err != nil {
			return c2c.ExchangePatch{}, err
		}
	}
	p := c2c.ExchangePatch{
		SourceID:   in.Source,
		TargetID:   in.Target,
		Title:      in.Title,
		Kind:       in.Kind,
		Start:      in.Start,
		End:        in.End,
		ClearStart: deref(in.ClearStart),
		// Without a start an end means nothing: clearing the start clears it.
		ClearEnd:  deref(in.ClearEnd) || (deref(in.ClearStart) && in.End == nil),
		DateNote:  in.DateNote,
		Programme: in.Programme,
		Event:     in.Event,
		Summary:   in.Summary,
		SourceURL: in.SourceURL,
		Directed:  in.Directed,
	}
	if in.Themes != nil {
		p.Themes = &in.Themes
	}
	if in.Facilitators != nil {
		p.Facilitators = &in.Facilitators
	}
	for flag, dst := range map[*bool]**string{
		in.ClearDateNote:  &p.DateNote,
		in.ClearProgramme: &p.Programme,
		in.ClearEvent:     &p.Event,
		in.ClearSummary:   &p.Summary,
		in.ClearSourceURL: &p.SourceURL,
	} {
		if deref(flag) {
			*dst = ptr("")
		}
	}
	return p, nil
}

// newMembership converts a create input to a normalised, validated
// membership.
func newMembership(in model.CreateMembershipInput) (c2c.Membership, error) {
	m := c2c.Membership{
		ID:             in.ID,
		ActorID:        in.Actor,
		OrganisationID: in.Organisation,
		Since:          in.Since,
		Until:          in.Until,
		Role:           deref(in.Role),
		SourceURL:      deref(in.SourceURL),
	}
	m.Normalize()
	return m, m.Validate("input")
}

// membershipPatch converts an update input to a patch.
func membershipPatch(in model.UpdateMembershipInput) (c2c.MembershipPatch, error) {
	for _, c := range []struct {
		field string
		set   bool
		clear *bool
	}{
		{"input.since", in.Since != nil, in.ClearSince},
		{"input.until", in.Until != nil, in.ClearUntil},
		{"input.role", in.Role != nil, in.ClearRole},
		{"input.sourceUrl", in.SourceURL != nil, in.ClearSourceURL},
	} {
		if err := conflict(c.field, c.set, c.clear); err != nil {
			return c2c.MembershipPatch{}, err
		}
	}
	p := c2c.MembershipPatch{
		Since:      in.Since,
		Until:      in.Until,
		ClearSince: deref(in.ClearSince),
		ClearUntil: deref(in.ClearUntil),
		Role:       in.Role,
		SourceURL:  in.SourceURL,
	}
	if deref(in.ClearRole) {
		p.Role = ptr("")
	}
	if deref(in.ClearSourceURL) {
		p.SourceURL = ptr("")
	}
	return p, nil
}
