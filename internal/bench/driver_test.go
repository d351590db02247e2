package bench

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"
)

// fakeTarget answers instantly, fails every failEvery-th request, and
// records the order of the slots it served and the parameters it saw.
type fakeTarget struct {
	name      string
	pending   map[string]bool
	failEvery int

	mu     sync.Mutex
	n      int
	params []string
}

func (f *fakeTarget) Name() string           { return f.name }
func (f *fakeTarget) Supports(q *Query) bool { return !f.pending[q.Name] }
func (f *fakeTarget) Do(_ context.Context, q *Query, p Params) (int, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.n++
	if len(f.params) < 50 && q.Name == "point" {
		f.params = append(f.params, p.C2C["id"].(string))
	}
	time.Sleep(100 * time.Microsecond)
	if f.failEvery > 0 && f.n%f.failEvery == 0 {
		return 3, errors.New("boom")
	}
	return 3, nil
}

func TestRunMeasuresEveryCellAndLeavesPendingOutOfTheMix(t *testing.T) {
	a := &fakeTarget{name: "a", failEvery: 10}
	b := &fakeTarget{name: "b", pending: map[string]bool{"path": true}}
	qs := []*Query{QueryByName("point"), QueryByName("path"), QueryByName("search")}
	res, err := Run(context.Background(), Config{
		Targets: []Target{a, b}, Queries: qs, Concurrency: []int{1, 2},
		Duration: 60 * time.Millisecond, Rounds: 2, Seed: 1,
		Generator: NewGenerator(1, Sizes[0]), Timeout: time.Second,
	})
	if err != nil {
		t.Fatal(err)
	}
	if got, want := len(res.Mix), 2; got != want {
		t.Fatalf("mix = %v, want point and search only", res.Mix)
	}
	if got, want := len(res.Skips), 1; got != want || res.Skips[0].Target != "b" || res.Skips[0].Query != "path" {
		t.Fatalf("skips = %+v, want path on b", res.Skips)
	}
	for _, conc := range []int{1, 2} {
		for _, q := range []string{"point", "path", "search", MixName} {
			for _, tn := range []string{"a", "b"} {
				c := res.Cell(tn, q, conc)
				if tn == "b" && q == "path" {
					if c != nil {
						t.Errorf("b ran pending path")
					}
					continue
				}
				if c == nil || c.Requests == 0 {
					t.Fatalf("no measurement of %s on %s at c=%d", q, tn, conc)
				}
				if c.Throughput <= 0 || c.P50Ms <= 0 || c.P99Ms < c.P50Ms || c.MaxMs < c.P99Ms {
					t.Errorf("%s/%s/c=%d: implausible cell %+v", tn, q, conc, c)
				}
				if tn == "b" && c.Errors != 0 {
					t.Errorf("b never fails but has %d errors", c.Errors)
				}
			}
		}
	}
	var aErrs, aReqs int64
	for _, c := range res.Cells {
		if c.Target == "a" {
			aErrs += c.Errors
			aReqs += c.Requests
		}
	}
	// a fails one request in ten: errors are counted, not timed.
	if aErrs == 0 || aErrs*10 > aReqs+10 {
		t.Errorf("a: %d errors of %d requests, want about a tenth", aErrs, aReqs)
	}
	if got, want := res.RoundTrips["a"]["point"], 3; got != want {
		t.Errorf("round trips of point on a = %d, want %d", got, want)
	}
	// Both targets drew the same parameters in the same order.
	n := min(len(a.params), len(b.params), 10)
	if n == 0 {
		t.Fatal("no point parameters seen")
	}
	for i := range n {
		if a.params[i] != b.params[i] {
			t.Fatalf("parameter %d: a saw %s, b saw %s", i, a.params[i], b.params[i])
		}
	}
}
