package server

import (
	"context"
	"math"
	"sync"
	"time"
)

// pool bounds the expensive operations that run at once (graph analyses,
// ego networks, exports): at most slots in all and clientSlots per client,
// the others waiting in one first-come, first-served queue of at most
// queue entries for at most wait. With a share, each client also has a
// bucket of slot time (seconds holding a slot) that refills at share
// seconds per second up to burst: an operation is admitted while the
// bucket is not empty, and what it held is charged when it ends, so a
// client that sends nothing but expensive operations gets about share of
// one slot, whatever their number.
type pool struct {
	slots, clientSlots, queue int
	wait                      time.Duration
	share, burst              float64 // slot-seconds per second; slot-seconds
	now                       func() time.Time

	mu      sync.Mutex
	running int
	waiters []*waiter
	clients map[string]*clientUse
}

// clientQueue is how many operations a client may have waiting per slot it
// may hold.
const clientQueue = 4

// maxTrackedClients is the number of clients the pool tracks before it
// drops the idle ones with full buckets.
const maxTrackedClients = 4096

// clientUse is one client's use of the pool.
type clientUse struct {
	running, waiting int
	tokens           float64 // slot-seconds left; negative is debt
	at               time.Time
}

type waiter struct {
	client  string
	ready   chan struct{}
	granted bool
}

// busyError says why the pool refused an operation and when to try again.
type busyError struct {
	msg        string
	retryAfter time.Duration
}

func (e *busyError) Error() string { return e.msg }

// retrySeconds is the Retry-After value of e: whole seconds, at least 1.
func (e *busyError) retrySeconds() int {
	return max(1, int(math.Ceil(e.retryAfter.Seconds())))
}

func newPool(slots, clientSlots, queue int, wait time.Duration, share float64, burst time.Duration) *pool {
	return &pool{
		slots: slots, clientSlots: clientSlots, queue: queue, wait: wait,
		share: share, burst: burst.Seconds(), now: time.Now,
		clients: map[string]*clientUse{},
	}
}

// use returns the client's entry, its bucket refilled to now.
func (p *pool) use(client string, now time.Time) *clientUse {
	c := p.clients[client]
	if c == nil {
		c = &clientUse{tokens: p.burst, at: now}
		p.clients[client] = c
		return c
	}
	c.tokens = min(p.burst, c.tokens+p.share*now.Sub(c.at).Seconds())
	c.at = now
	return c
}

// acquire waits for a slot for client. It returns the function that gives
// the slot back, or a *busyError (queue full, waited too long, the client's
// share used up), or the context's error.
func (p *pool) acquire(ctx context.Context, client string) (release func(), err error) {
	p.mu.Lock()
	now := p.now()
	if len(p.clients) > maxTrackedClients {
		p.sweep(now)
	}
	c := p.use(client, now)
	if p.share > 0 && c.tokens <= 0 {
		p.mu.Unlock()
		return nil, &busyError{
			msg:        "this client has used its share of the server's expensive operations (graph analyses, ego networks, exports): try again later",
			retryAfter: time.Duration(-c.tokens / p.share * float64(time.Second)),
		}
	}
	if p.running < p.slots && c.running < p.clientSlots && len(p.waiters) == 0 {
		p.running++
		c.running++
		p.mu.Unlock()
		return p.releaser(client, now), nil
	}
	if len(p.waiters) >= p.queue || c.waiting >= clientQueue*p.clientSlots {
		p.mu.Unlock()
		return nil, &busyError{msg: "the server is busy with expensive operations (graph analyses, ego networks, exports): try again shortly", retryAfter: time.Second}
	}
	w := &waiter{client: client, ready: make(chan struct{})}
	p.waiters = append(p.waiters, w)
	c.waiting++
	// A slot may be free while the waiters ahead are clients at their own
	// bound.
	p.dispatch()
	p.mu.Unlock()

	timer := time.NewTimer(p.wait)
	defer timer.Stop()
	var cause error
	select {
	case <-w.ready:
		return p.releaser(client, p.now()), nil
	case <-timer.C:
		cause = &busyError{msg: "the server is busy with expensive operations (graph analyses, ego networks, exports): no slot came free in " + p.wait.String() + ", try again shortly", retryAfter: time.Second}
	case <-ctx.Done():
		cause = ctx.Err()
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if w.granted { // granted as the wait ended: keep it
		return p.releaser(client, p.now()), nil
	}
	for i, x := range p.waiters {
		if x == w {
			p.waiters = append(p.waiters[:i], p.waiters[i+1:]...)
			break
		}
	}
	c = p.use(client, p.now())
	c.waiting--
	p.forget(client, c)
	return nil, cause
}

// releaser returns the function that gives back client's slot, taken at
// start, once.
func (p *pool) releaser(client string, start time.Time) func() {
	var once sync.Once
	return func() {
		once.Do(func() {
			p.mu.Lock()
			defer p.mu.Unlock()
			now := p.now()
			c := p.use(client, now)
			if p.share > 0 {
				c.tokens -= now.Sub(start).Seconds()
			}
			c.running--
			p.running--
			p.dispatch()
			p.forget(client, c)
		})
	}
}

// dispatch grants free slots to the first waiters whose clients are under
// their own bound. p.mu is held.
func (p *pool) dispatch() {
	for i := 0; i < len(p.waiters) && p.running < p.slots; {
		w := p.waiters[i]
		c := p.clients[w.client]
		if c.running >= p.clientSlots {
			i++
			continue
		}
		p.waiters = append(p.waiters[:i], p.waiters[i+1:]...)
		c.waiting--
		c.running++
		p.running++
		w.granted = true
		close(w.ready)
	}
}

// forget drops an idle client whose bucket is full, so that the map holds
// only clients in use or in debt. p.mu is held.
func (p *pool) forget(client string, c *clientUse) {
	if c.running == 0 && c.waiting == 0 && c.tokens >= p.burst {
		delete(p.clients, client)
	}
}

// sweep drops every idle client whose bucket has refilled. p.mu is held.
func (p *pool) sweep(now time.Time) {
	for id := range p.clients {
		p.forget(id, p.use(id, now))
	}
}
