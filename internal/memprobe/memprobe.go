// Package memprobe measures the heap a piece of work holds, for the tests
// and measurements that bound memory (streamed exports, hostile requests,
// full loads of the in-process graph).
package memprobe

import (
	"runtime"
	"runtime/metrics"
	"sync/atomic"
	"time"
)

const heapObjects = "/memory/classes/heap/objects:bytes"

// HeapObjects returns the bytes of live and not yet swept heap objects.
func HeapObjects() uint64 {
	s := []metrics.Sample{{Name: heapObjects}}
	metrics.Read(s)
	return s[0].Value.Uint64()
}

// Peak runs fn and returns the highest HeapObjects seen while it ran,
// sampled every millisecond.
func Peak(fn func()) uint64 {
	var top atomic.Uint64
	stop, sampled := make(chan struct{}), make(chan struct{})
	go func() {
		defer close(sampled)
		s := []metrics.Sample{{Name: heapObjects}}
		tick := time.NewTicker(time.Millisecond)
		defer tick.Stop()
		for {
			metrics.Read(s)
			if h := s[0].Value.Uint64(); h > top.Load() {
				top.Store(h)
			}
			select {
			case <-stop:
				return
			case <-tick.C:
			}
		}
	}()
	fn()
	close(stop)
	<-sampled
	return top.Load()
}

// Growth collects garbage, runs fn and returns how far the heap's objects
// grew over what was live before, at their peak (Peak); 0 if they never
// grew.
func Growth(fn func()) uint64 {
	runtime.GC()
	base := HeapObjects()
	p := Peak(fn)
	return p - min(p, base)
}
