package server

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"math"
	"net"
	"net/http"
	"net/netip"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/99designs/gqlgen/complexity"
	"github.com/99designs/gqlgen/graphql"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"
	"golang.org/x/time/rate"

	gqlgraph "github.com/c2c-project/c2c/graph"
	"github.com/c2c-project/c2c/internal/c2c"
)

// CodeRateLimited is the code of a request refused because its client sent
// more than its limit of requests per second or at once (HTTP 429 with
// Retry-After).
const CodeRateLimited = "RATE_LIMITED"

// FairShare configures how the server shares itself among its clients
// under load. A client is its API key when the request carries a
// configured one, else its address (IPv6 addresses by /64). Zero values
// take the defaults.
type FairShare struct {
	// Slots is how many expensive operations (queries selecting a graph
	// analysis or an ego network, and exports) run at once; 0 means half
	// of runtime.GOMAXPROCS, at least 1, so that cheap requests keep the
	// other half of the processors (and of the store's connections); a
	// negative value turns the pool off.
	Slots int
	// Queue is how many expensive operations wait for a slot, first
	// come, first served; beyond it they are refused at once with
	// UNAVAILABLE and Retry-After. 0 means 8 × Slots.
	Queue int
	// Wait bounds the wait for a slot (UNAVAILABLE and Retry-After after
	// it); 0 means DefaultPoolWait.
	Wait time.Duration
	// ClientSlots is how many slots one client holds at once (up to four
	// times as many of its expensive operations queue, within Queue); 0
	// means half the slots, at least 1.
	ClientSlots int
	// ClientShare is the slot time (seconds holding a slot per second) a
	// client may use over time, its bucket holding ClientBurst: a client
	// whose bucket is empty is refused with UNAVAILABLE and a Retry-After
	// saying when it will have refilled. 0 or a negative value means no
	// bucket; c2c serve defaults to DefaultClientShare (tests and the
	// explorer's send many analyses from one address).
	ClientShare float64
	// ClientBurst is the size of a client's bucket of slot time; 0 means
	// DefaultClientBurst.
	ClientBurst time.Duration
	// ClientRate is the requests per second a client may send to
	// /graphql and /export, with bursts of ClientBurstRequests; beyond it
	// requests are refused with 429 RATE_LIMITED and Retry-After. 0 means
	// no limit.
	ClientRate float64
	// ClientBurstRequests is the burst of ClientRate; 0 means twice the
	// rate, at least 1.
	ClientBurstRequests int
	// ClientRefusals is how many refused requests per second a client may
	// send (requests answered without data: over a document, complexity
	// or pool limit, not decodable, invalid; bursts of
	// ClientRefusalBurst): a client past it has its next requests refused
	// before their bodies are read, with 429 RATE_LIMITED after a delay of
	// up to a second, so that a client that keeps sending what is refused
	// costs the server next to nothing. 0 means no limit; c2c serve
	// defaults to DefaultClientRefusals (tests send many refused requests
	// from one address).
	ClientRefusals float64
	// ClientRefusalBurst is the burst of ClientRefusals; 0 means
	// DefaultClientRefusalBurst.
	ClientRefusalBurst int
	// ClientConcurrency is how many requests a client may have in flight
	// at once (429 RATE_LIMITED beyond); 0 means DefaultClientConcurrency,
	// a negative value no limit.
	ClientConcurrency int
}

// Defaults of FairShare.
const (
	DefaultPoolWait = 5 * time.Second
	// DefaultClientShare, c2c serve's default, is a twentieth of a slot:
	// two clients sending only expensive operations use a tenth of one
	// slot between them, while one that asks for an analysis of 20 ms
	// now and then is never held back.
	DefaultClientShare = 0.05
	// DefaultClientBurst lets a client start with two seconds of slot
	// time. An operation is admitted while the bucket is not empty, so a
	// longer one runs too and leaves the client in debt.
	DefaultClientBurst       = 2 * time.Second
	DefaultClientConcurrency = 64
	// DefaultClientRefusals and DefaultClientRefusalBurst let a client
	// have ten requests refused at once and one a second after that.
	DefaultClientRefusals     = 1.0
	DefaultClientRefusalBurst = 10
	// maxTarpit is the longest a refusal of a client over its rate is
	// held back.
	maxTarpit = time.Second
)

func (f FairShare) withDefaults() FairShare {
	if f.Slots == 0 {
		f.Slots = max(1, runtime.GOMAXPROCS(0)/2)
	}
	if f.Queue <= 0 {
		f.Queue = 8 * max(1, f.Slots)
	}
	if f.Wait <= 0 {
		f.Wait = DefaultPoolWait
	}
	if f.ClientSlots <= 0 {
		f.ClientSlots = max(1, f.Slots/2)
	}
	if f.ClientBurst <= 0 {
		f.ClientBurst = DefaultClientBurst
	}
	if f.ClientBurstRequests <= 0 {
		f.ClientBurstRequests = max(1, int(2*f.ClientRate))
	}
	if f.ClientRefusalBurst <= 0 {
		f.ClientRefusalBurst = DefaultClientRefusalBurst
	}
	if f.ClientConcurrency == 0 {
		f.ClientConcurrency = DefaultClientConcurrency
	}
	return f
}

// expensiveFields are the Query fields that take a slot of the pool: the
// graph analyses and ego networks, whose cost grows with the graph.
var expensiveFields = map[string]bool{
	"paths": true, "reachable": true, "timeline": true, "southSouthShare": true, "pairSpans": true,
	"centrality": true, "communities": true, "components": true, "stats": true, "subgraph": true,
	"neighbourhood": true,
}

// fairness holds the pool and the per-client request limits.
type fairness struct {
	cfg  FairShare
	pool *pool // nil: no pool

	mu      sync.Mutex
	clients map[string]*clientRequests
}

// clientRequests is one client's requests in flight and its rate limiter.
type clientRequests struct {
	inflight int
	limiter  *rate.Limiter // requests; nil: no limit
	refusals *rate.Limiter // refused requests; nil: no limit
	seen     time.Time
}

func newFairness(cfg FairShare) *fairness {
	cfg = cfg.withDefaults()
	f := &fairness{cfg: cfg, clients: map[string]*clientRequests{}}
	if cfg.Slots > 0 {
		share := max(0, cfg.ClientShare)
		f.pool = newPool(cfg.Slots, cfg.ClientSlots, cfg.Queue, cfg.Wait, share, cfg.ClientBurst)
	}
	return f
}

// admit counts a request of client in; it returns a non-empty message and
// a retry delay when the client is over its limits. done must follow an
// admitted request.
func (f *fairness) admit(client string) (refusal string, retry time.Duration) {
	if f.off() {
		return "", 0
	}
	now := time.Now()
	f.mu.Lock()
	defer f.mu.Unlock()
	if len(f.clients) > maxTrackedClients {
		for id, c := range f.clients {
			if c.inflight == 0 && now.Sub(c.seen) > time.Minute {
				delete(f.clients, id)
			}
		}
	}
	c := f.clients[client]
	if c == nil {
		c = &clientRequests{}
		if f.cfg.ClientRate > 0 {
			c.limiter = rate.NewLimiter(rate.Limit(f.cfg.ClientRate), f.cfg.ClientBurstRequests)
		}
		if f.cfg.ClientRefusals > 0 {
			c.refusals = rate.NewLimiter(rate.Limit(f.cfg.ClientRefusals), f.cfg.ClientRefusalBurst)
		}
		f.clients[client] = c
	}
	c.seen = now
	if f.cfg.ClientConcurrency > 0 && c.inflight >= f.cfg.ClientConcurrency {
		return fmt.Sprintf("this client has %d requests in flight, its limit: wait for one to end", c.inflight), time.Second
	}
	if c.refusals != nil {
		if tokens := c.refusals.TokensAt(now); tokens < 1 {
			return fmt.Sprintf("this client sent more than %d requests that were refused, and more than %g a second since: send requests that are answered", f.cfg.ClientRefusalBurst, f.cfg.ClientRefusals),
				time.Duration((1 - tokens) / f.cfg.ClientRefusals * float64(time.Second))
		}
	}
	if c.limiter != nil {
		r := c.limiter.ReserveN(now, 1)
		if d := r.DelayFrom(now); d > 0 {
			r.CancelAt(now)
			return fmt.Sprintf("this client sent more than %g requests per second, its limit", f.cfg.ClientRate), d
		}
	}
	c.inflight++
	return "", 0
}

// off reports whether no per-client request limit applies.
func (f *fairness) off() bool {
	return f.cfg.ClientRate <= 0 && f.cfg.ClientConcurrency < 0 && f.cfg.ClientRefusals <= 0
}

// done counts an admitted request of client out; refused says it was
// answered without data.
func (f *fairness) done(client string, refused bool) {
	if f.off() {
		return
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	if c := f.clients[client]; c != nil {
		c.inflight--
		if refused && c.refusals != nil {
			c.refusals.Allow()
		}
	}
}

// clientOf names the client of r: "key:" and a digest of its API key when
// it carries a configured one, else "addr:" and its address (IPv6 by /64,
// which one host usually holds whole).
func (s *Server) clientOf(r *http.Request) string {
	if scheme, token, ok := strings.Cut(strings.TrimSpace(r.Header.Get("Authorization")), " "); ok && strings.EqualFold(scheme, "Bearer") {
		if tok := strings.TrimSpace(token); len(s.keys) > 0 && s.keys.match(tok) {
			d := sha256.Sum256([]byte(tok))
			return "key:" + hex.EncodeToString(d[:8])
		}
	}
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		host = r.RemoteAddr
	}
	if a, err := netip.ParseAddr(host); err == nil && a.Is6() && !a.Is4In6() {
		p, _ := a.Prefix(64)
		return "addr:" + p.String()
	}
	return "addr:" + host
}

// fairKey is the context key of a request's fairInfo.
type fairKey struct{}

// fairInfo is what the operation middleware needs of the HTTP request: its
// client, and where to leave the Retry-After of a refusal.
type fairInfo struct {
	client  string
	w       *retryWriter
	refused atomic.Bool // an operation was answered without data
	excused atomic.Bool // one was a persisted-query miss, which clients resend
}

// retryWriter adds Retry-After to the response when a refusal set it.
type retryWriter struct {
	http.ResponseWriter
	retryAfter int // seconds; 0 for none
	wrote      bool
	status     int
}

func (w *retryWriter) WriteHeader(code int) {
	if !w.wrote {
		w.wrote = true
		w.status = code
		if w.retryAfter > 0 && w.Header().Get("Retry-After") == "" {
			w.Header().Set("Retry-After", strconv.Itoa(w.retryAfter))
		}
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *retryWriter) Write(b []byte) (int, error) {
	if !w.wrote {
		w.WriteHeader(http.StatusOK)
	}
	return w.ResponseWriter.Write(b)
}

// Unwrap lets http.ResponseController reach the connection (flushes of a
// streamed export).
func (w *retryWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// Flush implements http.Flusher.
func (w *retryWriter) Flush() {
	if !w.wrote {
		w.WriteHeader(http.StatusOK)
	}
	if f, ok := w.ResponseWriter.(http.Flusher); ok {
		f.Flush()
	}
}

// shareFairly applies the per-client request limits to next and leaves the
// client in the request's context for the pool.
func (s *Server) shareFairly(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		client := s.clientOf(r)
		if msg, retry := s.fair.admit(client); msg != "" {
			// Held back, so that a client that does not wait as told
			// sends less.
			select {
			case <-time.After(min(retry, maxTarpit)):
			case <-r.Context().Done():
			}
			w.Header().Set("Retry-After", strconv.Itoa(max(1, int(math.Ceil(retry.Seconds())))))
			writeCoded(w, http.StatusTooManyRequests, CodeRateLimited, msg)
			return
		}
		rw := &retryWriter{ResponseWriter: w}
		fi := &fairInfo{client: client, w: rw}
		defer func() {
			byStatus := !fi.excused.Load() && rw.status >= 400 && rw.status != http.StatusTooManyRequests
			s.fair.done(client, fi.refused.Load() || byStatus)
		}()
		next.ServeHTTP(rw, r.WithContext(context.WithValue(r.Context(), fairKey{}, fi)))
	})
}

// noteRefusals is a response middleware: a response without data (a
// request error) counts against its client's refusals, except a
// persisted-query miss, the first step of the protocol for each new
// document.
func (s *Server) noteRefusals(ctx context.Context, next graphql.ResponseHandler) *graphql.Response {
	resp := next(ctx)
	if resp == nil || len(resp.Data) > 0 || len(resp.Errors) == 0 {
		return resp
	}
	if fi, ok := ctx.Value(fairKey{}).(*fairInfo); ok {
		if firstCode(resp.Errors) == CodePersistedQueryNotFound {
			fi.excused.Store(true)
		} else {
			fi.refused.Store(true)
		}
	}
	return resp
}

// unavailable is the error of an operation the pool refused; it leaves its
// Retry-After for the response.
func unavailable(ctx context.Context, err error) *gqlerror.Error {
	e := &gqlerror.Error{Message: err.Error(), Extensions: map[string]any{"code": c2c.KindUnavailable.String()}}
	var b *busyError
	if errors.As(err, &b) {
		e.Extensions["retryAfter"] = b.retrySeconds()
		if fi, ok := ctx.Value(fairKey{}).(*fairInfo); ok {
			fi.w.retryAfter = b.retrySeconds()
		}
	} else {
		e.Message = "the request timed out or was cancelled while it waited for a slot"
	}
	return e
}

// serialKey is the context key of an operation's lock on its expensive
// root fields.
type serialKey struct{}

// poolExtension is the operation interceptor of the pool
// (poolOperations), with the executable schema it weighs operations by,
// as the complexity limit does.
type poolExtension struct {
	s  *Server
	es graphql.ExecutableSchema
}

var (
	_ graphql.HandlerExtension     = (*poolExtension)(nil)
	_ graphql.OperationInterceptor = (*poolExtension)(nil)
)

// InterceptOperation implements graphql.OperationInterceptor.
func (p *poolExtension) InterceptOperation(ctx context.Context, next graphql.OperationHandler) graphql.ResponseHandler {
	return p.s.poolOperations(ctx, p.es, next)
}

// ExtensionName implements graphql.HandlerExtension.
func (*poolExtension) ExtensionName() string { return "ExpensivePool" }

// Validate implements graphql.HandlerExtension.
func (p *poolExtension) Validate(es graphql.ExecutableSchema) error {
	p.es = es
	return nil
}

// poolOperations is an operation middleware: a query that selects an
// expensive field at its root and costs at least graph.CostScan (a small
// ego network, such as the explorer's expansions of depth 1, does not)
// waits for a slot of the pool and holds it while it runs; its expensive
// root fields, which gqlgen would run at once, run one after another
// (serialiseExpensive), so that one operation costs the server one slot
// however many aliases it has.
func (s *Server) poolOperations(ctx context.Context, es graphql.ExecutableSchema, next graphql.OperationHandler) graphql.ResponseHandler {
	oc := graphql.GetOperationContext(ctx)
	if s.fair.pool == nil || oc == nil || oc.Operation == nil || oc.Operation.Operation != ast.Query || !selectsExpensive(oc) ||
		complexity.Calculate(ctx, es, oc.Operation, oc.Variables) < gqlgraph.CostScan {
		return next(ctx)
	}
	client := "unknown"
	if fi, ok := ctx.Value(fairKey{}).(*fairInfo); ok {
		client = fi.client
	}
	release, err := s.fair.pool.acquire(ctx, client)
	if err != nil {
		return graphql.OneShot(&graphql.Response{Errors: gqlerror.List{unavailable(ctx, err)}})
	}
	// The slot is held until the analyses the operation started have
	// ended, even those that go on in the background after it timed out.
	var work sync.WaitGroup
	ctx = gqlgraph.WithWork(context.WithValue(ctx, serialKey{}, make(chan struct{}, 1)), &work)
	h := next(ctx)
	return func(ctx context.Context) *graphql.Response {
		defer func() {
			go func() {
				work.Wait()
				release()
			}()
		}()
		return h(ctx)
	}
}

// selectsExpensive reports whether the operation selects an expensive
// field at its root (through fragments too).
func selectsExpensive(oc *graphql.OperationContext) bool {
	for _, f := range graphql.CollectFields(oc, oc.Operation.SelectionSet, []string{"Query"}) {
		if expensiveFields[f.Name] {
			return true
		}
	}
	return false
}

// serialiseExpensive is a root field middleware: the expensive root fields
// of one pooled operation take turns.
func (s *Server) serialiseExpensive(ctx context.Context, next graphql.RootResolver) graphql.Marshaler {
	turn, ok := ctx.Value(serialKey{}).(chan struct{})
	if !ok {
		return next(ctx)
	}
	if rf := graphql.GetRootFieldContext(ctx); rf == nil || !expensiveFields[rf.Field.Name] {
		return next(ctx)
	}
	select {
	case turn <- struct{}{}:
	case <-ctx.Done():
		graphql.AddError(ctx, timedOut())
		return graphql.Null
	}
	defer func() { <-turn }()
	return next(ctx)
}

// pooled makes an HTTP handler (exports) take a slot of the pool while it
// runs; a refusal is 503 UNAVAILABLE with Retry-After.
func (s *Server) pooled(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if s.fair.pool == nil {
			next.ServeHTTP(w, r)
			return
		}
		client := s.clientOf(r)
		release, err := s.fair.pool.acquire(r.Context(), client)
		if err != nil {
			e := unavailable(r.Context(), err)
			var b *busyError
			if errors.As(err, &b) {
				w.Header().Set("Retry-After", strconv.Itoa(b.retrySeconds()))
			}
			writeCoded(w, http.StatusServiceUnavailable, c2c.KindUnavailable.String(), e.Message)
			return
		}
		defer release()
		next.ServeHTTP(w, r)
	})
}

// register adds the pool's gauges to reg: slots in use and operations
// waiting.
func (f *fairness) register(reg prometheus.Registerer) {
	if f.pool == nil {
		return
	}
	p := f.pool
	gauge := func(name, help string, v func() int) {
		reg.MustRegister(prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: name, Help: help}, func() float64 {
			p.mu.Lock()
			defer p.mu.Unlock()
			return float64(v())
		}))
	}
	gauge("c2c_pool_running", "Expensive operations (graph analyses, ego networks, exports) holding a slot.", func() int { return p.running })
	gauge("c2c_pool_waiting", "Expensive operations waiting for a slot.", func() int { return len(p.waiters) })
	gauge("c2c_pool_slots", "Slots of the pool of expensive operations.", func() int { return p.slots })
}
