package graph

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"
)

// An analysis that goes on after its request ended is still counted in the
// request's work until it ends.
func TestRunCountsBackgroundWork(t *testing.T) {
	var wg sync.WaitGroup
	ctx, cancel := context.WithCancel(WithWork(context.Background(), &wg))
	finish := make(chan struct{})
	go func() {
		time.Sleep(20 * time.Millisecond)
		cancel()
	}()
	_, err := run(ctx, func() (int, error) {
		<-finish
		return 1, nil
	})
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("run = %v, want context.Canceled", err)
	}
	done := make(chan struct{})
	go func() {
		wg.Wait()
		close(done)
	}()
	select {
	case <-done:
		t.Fatal("the work was counted done while the analysis still ran")
	case <-time.After(50 * time.Millisecond):
	}
	close(finish)
	select {
	case <-done:
	case <-time.After(5 * time.Second):
		t.Fatal("the work was not counted done after the analysis ended")
	}
}
