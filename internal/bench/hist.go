package bench

import (
	"math"
	"math/bits"
	"time"
)

// Histogram records latencies in log-linear buckets: each power of two is
// cut into histSub equal buckets, so a reported quantile is within
// 1/histSub (under 1%) of the true value, from a microsecond to minutes, in
// fixed memory. It is not safe for concurrent use; each client keeps its
// own and Merge combines them.
type Histogram struct {
	counts [histBuckets]int64
	n      int64
	sum    time.Duration
	min    time.Duration
	max    time.Duration
}

const (
	histSub     = 128 // buckets per power of two
	histPowers  = 40  // up to 2^40 ns ≈ 18 minutes
	histBuckets = histSub * histPowers
)

// bucketOf returns the bucket of a latency in nanoseconds.
func bucketOf(ns int64) int {
	if ns < histSub {
		return int(max(ns, 0))
	}
	// Highest power of two at or below ns, and the position within it.
	p := 63 - bits.LeadingZeros64(uint64(ns))
	shift := p - 7 // histSub = 2^7
	sub := int(ns>>shift) - histSub
	b := (shift+1)*histSub + sub
	return min(b, histBuckets-1)
}

// bucketMid returns a representative latency of bucket b: its midpoint.
func bucketMid(b int) float64 {
	if b < histSub {
		return float64(b)
	}
	shift := b/histSub - 1
	sub := b % histSub
	lo := float64(int64(histSub+sub) << shift)
	width := float64(int64(1) << shift)
	return lo + width/2
}

// Record adds one latency.
func (h *Histogram) Record(d time.Duration) {
	h.counts[bucketOf(int64(d))]++
	if h.n == 0 || d < h.min {
		h.min = d
	}
	if d > h.max {
		h.max = d
	}
	h.n++
	h.sum += d
}

// Merge adds the records of o to h.
func (h *Histogram) Merge(o *Histogram) {
	if o.n == 0 {
		return
	}
	for i, c := range o.counts {
		h.counts[i] += c
	}
	if h.n == 0 || o.min < h.min {
		h.min = o.min
	}
	if o.max > h.max {
		h.max = o.max
	}
	h.n += o.n
	h.sum += o.sum
}

// Count returns the number of latencies recorded.
func (h *Histogram) Count() int64 { return h.n }

// Mean returns the mean latency, 0 when empty.
func (h *Histogram) Mean() time.Duration {
	if h.n == 0 {
		return 0
	}
	return h.sum / time.Duration(h.n)
}

// Max returns the largest latency recorded.
func (h *Histogram) Max() time.Duration { return h.max }

// Quantile returns the latency at quantile q (0 < q ≤ 1) by the
// nearest-rank definition: the smallest recorded value with at least q·n
// values at or below it, within the bucket resolution. It returns 0 when
// the histogram is empty.
func (h *Histogram) Quantile(q float64) time.Duration {
	if h.n == 0 {
		return 0
	}
	rank := int64(math.Ceil(q * float64(h.n)))
	rank = min(max(rank, 1), h.n)
	var seen int64
	for b, c := range h.counts {
		seen += c
		if seen >= rank {
			v := time.Duration(bucketMid(b))
			// The exact extremes are known; never report beyond them.
			return min(max(v, h.min), h.max)
		}
	}
	return h.max
}
