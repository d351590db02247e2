// Package changeset collects what one write transaction touches, for the
// change log both stores keep beside their data (c2c.ChangeLog).
package changeset

import (
	"slices"
	"sync"

	"github.com/c2c-project/c2c/internal/c2c"
)

// DefaultLogSize is how many change entries a store keeps unless told
// otherwise: at a few writes a second, hours of changes, so a reader that
// was away for a while catches up without a full reload.
const DefaultLogSize = 10000

// Set is the ids a write transaction created, updated or deleted. It is
// safe for concurrent use. The zero value is empty and ready.
type Set struct {
	mu                             sync.Mutex
	actors, exchanges, memberships map[string]struct{}
	themes                         bool
	reset                          bool
}

func add(m *map[string]struct{}, ids []string) {
	if *m == nil {
		*m = make(map[string]struct{}, len(ids))
	}
	for _, id := range ids {
		(*m)[id] = struct{}{}
	}
}

// Actors records actors touched.
func (s *Set) Actors(ids ...string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	add(&s.actors, ids)
}

// Exchanges records exchanges touched.
func (s *Set) Exchanges(ids ...string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	add(&s.exchanges, ids)
}

// Memberships records memberships touched.
func (s *Set) Memberships(ids ...string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	add(&s.memberships, ids)
}

// Themes records that the theme vocabulary changed.
func (s *Set) Themes() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.themes = true
}

// Reset records a change that cannot be listed by id (a migration that may
// rewrite any row): the store then moves the floor of its log to the new
// version, so every reader reloads in full.
func (s *Set) Reset() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.reset = true
}

// IsReset reports whether Reset was called.
func (s *Set) IsReset() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.reset
}

// Empty reports whether nothing was recorded: such a transaction wrote
// nothing a reader could see and does not bump the data version.
func (s *Set) Empty() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.actors) == 0 && len(s.exchanges) == 0 && len(s.memberships) == 0 && !s.themes && !s.reset
}

// Clear empties the set, for a transaction function the driver retries.
func (s *Set) Clear() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.actors, s.exchanges, s.memberships = nil, nil, nil
	s.themes, s.reset = false, false
}

// Change returns the recorded ids, sorted, as the change of version v.
func (s *Set) Change(v uint64) c2c.Change {
	s.mu.Lock()
	defer s.mu.Unlock()
	return c2c.Change{
		Version:     v,
		Actors:      sorted(s.actors),
		Exchanges:   sorted(s.exchanges),
		Memberships: sorted(s.memberships),
		Themes:      s.themes,
	}
}

func sorted(m map[string]struct{}) []string {
	if len(m) == 0 {
		return nil
	}
	out := make([]string, 0, len(m))
	for id := range m {
		out = append(out, id)
	}
	slices.Sort(out)
	return out
}
