package graphmem

import (
	"cmp"
	"math/rand/v2"
	"slices"
	"testing"
)

// TestFirstInOrderMatchesASort checks the bounded selection of a page's
// rows against sorting every row, on lists short and long, with ties
// broken by row as the page orders do.
func TestFirstInOrderMatchesASort(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 9))
	for trial := range 300 {
		n := r.IntN(500)
		k := 1 + r.IntN(40)
		keys := make([]int32, n)
		for i := range keys {
			keys[i] = int32(r.IntN(1 + n/3)) // many ties
		}
		compare := func(x, y int32) int { return cmp.Or(cmp.Compare(keys[y], keys[x]), cmp.Compare(x, y)) }
		xs := r.Perm(n)
		rows := make([]int32, n)
		for i, v := range xs {
			rows[i] = int32(v)
		}
		want := slices.Clone(rows)
		slices.SortFunc(want, compare)
		want = want[:min(k, n)]
		if got := firstInOrder(rows, k, compare); !slices.Equal(got, want) {
			t.Fatalf("trial %d (n %d, k %d): got %v, want %v", trial, n, k, got, want)
		}
	}
}
