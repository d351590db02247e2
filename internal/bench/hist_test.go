package bench

import (
	"math"
	"math/rand/v2"
	"sort"
	"testing"
	"time"
)

// exactQuantile is the nearest-rank quantile of a sorted slice: the
// reference the histogram is checked against.
func exactQuantile(sorted []time.Duration, q float64) time.Duration {
	rank := int(math.Ceil(q * float64(len(sorted))))
	rank = min(max(rank, 1), len(sorted))
	return sorted[rank-1]
}

func TestHistogramQuantilesMatchSortedReference(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	dists := map[string]func() time.Duration{
		"lognormal": func() time.Duration { return time.Duration(math.Exp(rng.NormFloat64()*0.8+13) + 1) },
		"uniform":   func() time.Duration { return time.Duration(rng.Int64N(int64(50 * time.Millisecond))) },
		"bimodal": func() time.Duration {
			if rng.Float64() < 0.97 {
				return time.Duration(200_000 + rng.Int64N(100_000))
			}
			return time.Duration(80_000_000 + rng.Int64N(20_000_000))
		},
		"tiny": func() time.Duration { return time.Duration(rng.Int64N(300)) },
	}
	for name, draw := range dists {
		t.Run(name, func(t *testing.T) {
			// Record into several histograms and merge, as the clients do.
			parts := make([]Histogram, 4)
			var all []time.Duration
			var sum time.Duration
			for i := range 50_000 {
				d := draw()
				parts[i%len(parts)].Record(d)
				all = append(all, d)
				sum += d
			}
			var h Histogram
			for i := range parts {
				h.Merge(&parts[i])
			}
			sort.Slice(all, func(i, j int) bool { return all[i] < all[j] })
			if got, want := h.Count(), int64(len(all)); got != want {
				t.Fatalf("count = %d, want %d", got, want)
			}
			if got, want := h.Mean(), sum/time.Duration(len(all)); got != want {
				t.Errorf("mean = %v, want %v", got, want)
			}
			if got, want := h.Max(), all[len(all)-1]; got != want {
				t.Errorf("max = %v, want %v", got, want)
			}
			for _, q := range []float64{0.01, 0.5, 0.9, 0.95, 0.99, 0.999, 1} {
				got, want := h.Quantile(q), exactQuantile(all, q)
				// Within one bucket: 1/128 relative, or 1ns for tiny values.
				tol := math.Max(float64(want)/128, 1)
				if math.Abs(float64(got-want)) > tol {
					t.Errorf("q%.3f = %v, want %v ± %.0fns", q, got, want, tol)
				}
			}
		})
	}
}

func TestHistogramEmpty(t *testing.T) {
	var h Histogram
	if got := h.Quantile(0.99); got != 0 {
		t.Errorf("empty p99 = %v, want 0", got)
	}
	if got := h.Mean(); got != 0 {
		t.Errorf("empty mean = %v, want 0", got)
	}
}

func TestHistogramSingleValue(t *testing.T) {
	var h Histogram
	h.Record(1234567 * time.Nanosecond)
	for _, q := range []float64{0.5, 0.99} {
		if got, want := h.Quantile(q), 1234567*time.Nanosecond; got != want {
			t.Errorf("q%v = %v, want %v (min and max clamp it)", q, got, want)
		}
	}
}
