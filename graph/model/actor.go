// Package model holds the GraphQL-side types that the domain cannot bind to
// directly: the Actor interface with one Go type per concrete GraphQL type,
// the PartialDate scalar, and (in models_gen.go) the generated input, page
// and payload types.
package model

import "github.com/c2c-project/c2c/internal/c2c"

// Node is any object node(id:) returns: an Actor, *c2c.Exchange or
// *c2c.Membership.
type Node any

// Actor is the GraphQL Actor interface: City, Region or Organisation, each
// wrapping a domain actor.
type Actor interface {
	// Domain returns the wrapped domain actor.
	Domain() *c2c.Actor
}

// City is an actor of kind CITY.
type City struct{ *c2c.Actor }

// Region is an actor of kind REGION.
type Region struct{ *c2c.Actor }

// Organisation is an actor of kind ORGANISATION.
type Organisation struct{ *c2c.Actor }

// Domain returns the wrapped actor.
func (c *City) Domain() *c2c.Actor { return c.Actor }

// Domain returns the wrapped actor.
func (r *Region) Domain() *c2c.Actor { return r.Actor }

// Domain returns the wrapped actor.
func (o *Organisation) Domain() *c2c.Actor { return o.Actor }

// WrapActor returns a as the GraphQL type of its kind, nil for nil.
func WrapActor(a *c2c.Actor) Actor {
	if a == nil {
		return nil
	}
	switch a.Kind {
	case c2c.ActorCity:
		return &City{a}
	case c2c.ActorRegion:
		return &Region{a}
	default:
		return &Organisation{a}
	}
}

// WrapActors wraps each actor of as, skipping nils.
func WrapActors(as []*c2c.Actor) []Actor {
	out := make([]Actor, 0, len(as))
	for _, a := range as {
		if a != nil {
			out = append(out, WrapActor(a))
		}
	}
	return out
}
