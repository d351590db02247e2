package changeset

import (
	"fmt"
	"slices"
	"sync"
	"testing"
)

func TestSet(t *testing.T) {
	var s Set
	if !s.Empty() {
		t.Fatal("a zero Set is not empty")
	}
	// Concurrent adds with repeats: the change lists each id once, sorted.
	var wg sync.WaitGroup
	want := map[string]bool{}
	for g := range 4 {
		for i := range 10 {
			want[fmt.Sprintf("a%02d", (g*7+i)%25)] = true
		}
		wg.Go(func() {
			for i := range 10 {
				s.Actors(fmt.Sprintf("a%02d", (g*7+i)%25))
			}
		})
	}
	wg.Wait()
	s.Exchanges("x2", "x1", "x2")
	ch := s.Change(7)
	var wantActors []string
	for id := range want {
		wantActors = append(wantActors, id)
	}
	slices.Sort(wantActors)
	if ch.Version != 7 || !slices.Equal(ch.Actors, wantActors) || !slices.Equal(ch.Exchanges, []string{"x1", "x2"}) ||
		ch.Memberships != nil || ch.Themes {
		t.Errorf("Change = %+v, want actors %v and exchanges [x1 x2]", ch, wantActors)
	}
	if s.Empty() || s.IsReset() {
		t.Error("a set with ids is empty or reset")
	}
	s.Clear()
	if !s.Empty() {
		t.Error("Clear left ids")
	}
	s.Themes()
	if s.Empty() || !s.Change(1).Themes {
		t.Error("a theme change is empty")
	}
	s.Clear()
	s.Reset()
	if s.Empty() || !s.IsReset() {
		t.Error("a reset is empty")
	}
}
