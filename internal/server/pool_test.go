package server

import (
	"context"
	"errors"
	"testing"
	"time"
)

func TestPoolBoundsAndQueues(t *testing.T) {
	ctx := context.Background()
	p := newPool(2, 1, 2, time.Second, 0, time.Second)
	relA, err := p.acquire(ctx, "a")
	if err != nil {
		t.Fatal(err)
	}
	relB, err := p.acquire(ctx, "b")
	if err != nil {
		t.Fatal(err)
	}
	// Both slots taken: c waits; a's second operation waits too (a holds
	// its one slot); then the queue of two is full and a's third and d's
	// first are refused.
	granted := make(chan string, 4)
	wait := func(client string) {
		rel, err := p.acquire(ctx, client)
		if err != nil {
			granted <- "refused " + client
			return
		}
		granted <- client
		time.Sleep(20 * time.Millisecond)
		rel()
	}
	go wait("c")
	waitFor(t, p, 1)
	go wait("a")
	waitFor(t, p, 2)
	for _, client := range []string{"a", "d"} {
		_, err := p.acquire(ctx, client)
		var be *busyError
		if !errors.As(err, &be) || be.retrySeconds() < 1 {
			t.Errorf("%s with a full queue: %v, want a busy error with a retry time", client, err)
		}
	}
	relB() // c is first in the queue and gets b's slot
	if got := <-granted; got != "c" {
		t.Fatalf("first granted %q, want c", got)
	}
	relA() // a's waiting operation gets a's slot
	if got := <-granted; got != "a" {
		t.Fatalf("then %q, want a", got)
	}

	// A wait that ends unserved is a busy error; a cancelled one, the
	// context's error.
	p = newPool(1, 1, 4, 50*time.Millisecond, 0, time.Second)
	rel, _ := p.acquire(ctx, "x")
	var be *busyError
	if _, err := p.acquire(ctx, "y"); !errors.As(err, &be) {
		t.Errorf("after the wait: %v, want a busy error", err)
	}
	cctx, cancel := context.WithCancel(ctx)
	cancel()
	if _, err := p.acquire(cctx, "z"); !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled: %v", err)
	}
	rel()
	if p.running != 0 || len(p.waiters) != 0 || len(p.clients) != 0 {
		t.Errorf("idle pool: running %d, waiting %d, clients %d", p.running, len(p.waiters), len(p.clients))
	}
}

func TestPoolShare(t *testing.T) {
	now := time.Unix(0, 0)
	p := newPool(4, 4, 4, time.Second, 0.5, 2*time.Second)
	p.now = func() time.Time { return now }
	ctx := context.Background()
	// 3 s in a slot with a bucket of 2 s: 1 s of debt, refilled at 0.5 s
	// per second: refused for 2 s, with Retry-After saying so.
	rel, err := p.acquire(ctx, "a")
	if err != nil {
		t.Fatal(err)
	}
	now = now.Add(3 * time.Second)
	rel()
	var be *busyError
	if _, err := p.acquire(ctx, "a"); !errors.As(err, &be) || be.retrySeconds() != 2 {
		t.Fatalf("in debt: %v (retry %v), want a busy error, retry in 2 s", err, be)
	}
	if rel, err := p.acquire(ctx, "b"); err != nil {
		t.Errorf("another client: %v", err)
	} else {
		rel()
	}
	now = now.Add(2*time.Second + time.Millisecond)
	if rel, err := p.acquire(ctx, "a"); err != nil {
		t.Errorf("refilled: %v", err)
	} else {
		rel()
	}
}

// waitFor waits until n operations wait in p.
func waitFor(t *testing.T, p *pool, n int) {
	t.Helper()
	for deadline := time.Now().Add(5 * time.Second); time.Now().Before(deadline); time.Sleep(time.Millisecond) {
		p.mu.Lock()
		k := len(p.waiters)
		p.mu.Unlock()
		if k == n {
			return
		}
	}
	t.Fatalf("%d operations did not come to wait", n)
}

// A free slot goes to a client under its bound even when the waiters ahead
// of it are clients at theirs.
func TestPoolSkipsClientsAtTheirBound(t *testing.T) {
	ctx := context.Background()
	p := newPool(2, 1, 4, time.Second, 0, time.Second)
	relA, _ := p.acquire(ctx, "a")
	done := make(chan struct{})
	go func() { // a's second waits: a is at its bound
		rel, err := p.acquire(ctx, "a")
		if err == nil {
			rel()
		}
		close(done)
	}()
	waitFor(t, p, 1)
	relB, err := p.acquire(ctx, "b")
	if err != nil {
		t.Fatalf("b with a slot free: %v", err)
	}
	relB()
	relA()
	<-done
}
