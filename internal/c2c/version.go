package c2c

import "context"

// Change is one write transaction's entry in a store's change log: the data
// version it produced and the ids of what it touched (created, updated or
// deleted). An in-process graph applies a change by re-reading only these.
type Change struct {
	// Version is the data version the transaction produced; versions of
	// successive changes increase by one.
	Version uint64
	// Actors, Exchanges and Memberships are the ids touched, sorted, without
	// repeats.
	Actors      []string
	Exchanges   []string
	Memberships []string
	// Themes reports that the theme vocabulary changed.
	Themes bool
}

// ChangeLog is the data version a store keeps: every write transaction
// (API mutation, import batch, migration that changes data) bumps it and
// appends a Change in the same transaction, so a reader that has applied
// the changes up to a version has seen exactly the store at that version.
type ChangeLog interface {
	// DataVersion returns the store's current data version (0 for a store
	// never written).
	DataVersion(ctx context.Context) (uint64, error)
	// ChangesSince returns the changes with versions in (since, since+limit],
	// ordered by version, and the current data version. When the log was
	// pruned past since, or since is ahead of the store (a store replaced
	// by an older one), it returns ErrChangesPruned: the reader must reload
	// in full.
	ChangesSince(ctx context.Context, since uint64, limit int) ([]Change, uint64, error)
}

// ErrChangesPruned is returned by ChangesSince when the entries after the
// asked version are gone from the log.
var ErrChangesPruned = &Error{Kind: KindUnavailable, Message: "the change log was pruned past the version asked for"}
