package server_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/c2c-project/c2c/internal/bench"
	"github.com/c2c-project/c2c/internal/c2c"
	"github.com/c2c-project/c2c/internal/demo"
	"github.com/c2c-project/c2c/internal/server"
)

// generated returns the benchmark graph of size name as one batch.
func generated(t *testing.T, name string, seed int64) (c2c.Batch, *bench.Generator) {
	t.Helper()
	size, err := bench.SizeByName(name)
	if err != nil {
		t.Fatal(err)
	}
	g := bench.NewGenerator(seed, size)
	var b c2c.Batch
	_ = g.Batches(1<<20, func(part c2c.Batch) error {
		b.Themes = append(b.Themes, part.Themes...)
		b.Actors = append(b.Actors, part.Actors...)
		b.Exchanges = append(b.Exchanges, part.Exchanges...)
		b.Memberships = append(b.Memberships, part.Memberships...)
		return nil
	})
	return b, g
}

// post sends one GraphQL body with a bearer key and returns the status, the
// first error code ("" for none) and the Retry-After header.
func post(ctx context.Context, c *http.Client, url, key, body string) (status int, code, retry string, err error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, url+"/graphql", strings.NewReader(body))
	if err != nil {
		return 0, "", "", err
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Accept", "application/graphql-response+json")
	if key != "" {
		req.Header.Set("Authorization", "Bearer "+key)
	}
	resp, err := c.Do(req)
	if err != nil {
		return 0, "", "", err
	}
	defer resp.Body.Close()
	answer, err := io.ReadAll(resp.Body)
	if err != nil {
		return 0, "", "", err
	}
	return resp.StatusCode, firstCodeOf(answer), resp.Header.Get("Retry-After"), nil
}

func clientFor() *http.Client {
	return &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 1}}
}

// A client over its share of the pool is refused at once with 503
// UNAVAILABLE and Retry-After, while its cheap queries are answered.
func TestPoolRefusesWithRetryAfter(t *testing.T) {
	// A client's share: with a bucket of a nanosecond of slot time, the
	// second expensive query is refused until the debt of the first is
	// paid back.
	ts := mustServer(t, mustStore(t, demo.Batch()), server.Config{FairShare: server.FairShare{ClientShare: 0.001, ClientBurst: time.Nanosecond}})
	q := body(`{ centrality(measure: BETWEENNESS) { value } }`)
	cheap := body(`{ actors(first: 1) { totalCount } }`)
	c := clientFor()
	var refusedAt int
	for i := range 2 {
		st, code, retry, err := post(context.Background(), c, ts.URL, "", q)
		if err != nil {
			t.Fatal(err)
		}
		if code == "UNAVAILABLE" {
			if st != http.StatusServiceUnavailable || retry == "" {
				t.Errorf("over its share: %d %s Retry-After %q", st, code, retry)
			}
			refusedAt = i + 1
			break
		}
	}
	if refusedAt != 2 {
		t.Errorf("the second expensive query of a client in debt: refused %v", refusedAt == 2)
	}
	if _, code, _, _ := post(context.Background(), c, ts.URL, "", cheap); code != "" {
		t.Errorf("a cheap query of a client over its expensive share: %s", code)
	}
}

// Per-client request limits: over the rate, 429 RATE_LIMITED with
// Retry-After; another client is not affected.
func TestClientRateLimit(t *testing.T) {
	ts := mustServer(t, mustStore(t, demo.Batch()), server.Config{APIKeys: []string{"one", "two"}, FairShare: server.FairShare{ClientRate: 5, ClientBurstRequests: 5}})
	q := body(`{ __typename }`)
	c := clientFor()
	var limited bool
	for range 20 {
		st, code, retry, err := post(context.Background(), c, ts.URL, "one", q)
		if err != nil {
			t.Fatal(err)
		}
		if code == server.CodeRateLimited {
			limited = true
			if st != http.StatusTooManyRequests || retry == "" {
				t.Errorf("rate limited: %d Retry-After %q", st, retry)
			}
			break
		}
	}
	if !limited {
		t.Fatal("20 requests at once within a rate of 5 per second")
	}
	if _, code, _, _ := post(context.Background(), c, ts.URL, "two", q); code != "" {
		t.Errorf("another client: %s", code)
	}
	// A key that is not configured does not make a new client.
	if _, code, _, _ := post(context.Background(), c, ts.URL, "", q); code != "" {
		t.Errorf("the address, not yet limited: %s", code)
	}
}

// attackRequests are the expensive requests of issue 11, against the
// generated graph with hub as the centre of its ego networks.
func attackRequests(hub, other string) []string {
	kShortest := fmt.Sprintf(`paths(from: %q, to: %q, mode: K_SHORTEST, k: 10, maxHops: 8) { paths { hops } }`, hub, other)
	return []string{
		body(fmt.Sprintf(`{ neighbourhood(actor: %q, depth: 2, limit: 2000) { nodes { id name } edges { id } } }`, hub)),
		body(aliases(kShortest, 100)),
		body(fmt.Sprintf(`{ a: %s b: %s }`, kShortest, kShortest)),
		body(`{ centrality(measure: BETWEENNESS, first: 1000) { actor { id } value } }`),
		body(fmt.Sprintf(`{ neighbourhood(actor: %q, depth: 3, limit: 2000) { nodes { id name } edges { id title } } }`, other)),
		body(repeatFields("__typename", 12_000)),
		body(aliases(`search(text: "durban") { rank }`, 3_000)),
		body(fanOut(26)),
	}
}

// TestFairShareUnderLoad runs 32 normal clients (point reads, pages and
// searches) against a real server on loopback, alone and then beside two
// clients that send the expensive requests of issue 11 back to back, and
// checks that the normal clients keep at least 80 % of their throughput.
// The phases alternate, alone, attacked, alone, …, and each attacked phase
// is compared with the mean of the two alone phases around it, so that a
// busy moment or a drift of a shared machine weighs on both sides; the
// median ratio of fifteen attempts is held to the bound.
// The figures are printed (go test -v).
func TestFairShareUnderLoad(t *testing.T) {
	if testing.Short() {
		t.Skip("a load test of about 40 s")
	}
	if raceEnabled {
		t.Skip("a throughput measurement: the race detector slows the server too much (make test runs it without)")
	}
	const (
		normalClients = 32
		attackers     = 2
		attempts      = 15
		window        = 600 * time.Millisecond
		warmUp        = 300 * time.Millisecond
		minShare      = 0.80
	)
	b, g := generated(t, "S", 11)
	var keys []string
	for i := range normalClients + attackers {
		keys = append(keys, fmt.Sprintf("client-%02d", i))
	}
	st := mustStore(t, b)
	// The defaults of c2c serve.
	fair := server.FairShare{ClientRefusals: server.DefaultClientRefusals, ClientShare: server.DefaultClientShare}
	ts := httptest.NewServer(server.New(st, server.Config{APIKeys: keys, FairShare: fair}, slog.New(slog.NewTextHandler(io.Discard, nil))).Handler())
	defer ts.Close()
	hubs := g.Hubs(2)
	attacks := attackRequests(bench.ActorID(hubs[0]), bench.ActorID(hubs[1]))
	n := len(b.Actors)

	// normal sends the cheap queries of a client until ctx ends and
	// counts the answers without errors that ended inside [from, to).
	normal := func(ctx context.Context, i int, from, to time.Time, ok *atomic.Int64, failed *atomic.Int64) {
		c := clientFor()
		for seq := 0; ctx.Err() == nil; seq++ {
			id := bench.ActorID((i*7919 + seq*104729) % n)
			var q string
			switch seq % 3 {
			case 0:
				q = fmt.Sprintf(`{ actor(id: %q) { name partners(first: 10) { partner { id name } exchanges } } }`, id)
			case 1:
				q = `{ exchanges(first: 20) { edges { node { id title start } } } }`
			default:
				q = fmt.Sprintf(`{ search(text: %q, first: 8) { rank actor { id name } } }`, []string{"san", "ba", "port", "nova", "la"}[seq%5])
			}
			_, code, _, err := post(ctx, c, ts.URL, keys[i], body(q))
			now := time.Now()
			if ctx.Err() != nil {
				return
			}
			if now.Before(from) || !now.Before(to) {
				continue
			}
			if err != nil || code != "" {
				failed.Add(1)
				continue
			}
			ok.Add(1)
		}
	}
	var mu sync.Mutex
	attackCodes := map[string]int{}
	attack := func(ctx context.Context, i int) {
		c := clientFor()
		for seq := 0; ctx.Err() == nil; seq++ {
			_, code, _, err := post(ctx, c, ts.URL, keys[normalClients+i], attacks[(seq+i)%len(attacks)])
			if ctx.Err() != nil {
				return
			}
			if err != nil {
				code = "transport error"
			} else if code == "" {
				code = "answered"
			}
			mu.Lock()
			attackCodes[code]++
			mu.Unlock()
		}
	}
	// idle waits until no expensive operation runs or waits on the
	// server: one cut off by the end of an attacked phase may still be
	// finishing.
	idle := func() {
		for deadline := time.Now().Add(15 * time.Second); time.Now().Before(deadline); time.Sleep(50 * time.Millisecond) {
			resp, err := http.Get(ts.URL + "/metrics")
			if err != nil {
				t.Fatal(err)
			}
			m, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if strings.Contains(string(m), "\nc2c_pool_running 0\n") && strings.Contains(string(m), "\nc2c_pool_waiting 0\n") {
				return
			}
		}
		t.Fatal("the pool was still busy 15 s after the attackers stopped")
	}
	// phase runs the normal clients (and the attackers) for warm-up plus
	// window and returns the normal clients' answers per second.
	phase := func(withAttack bool) (float64, int64) {
		ctx, cancel := context.WithCancel(context.Background())
		var wg sync.WaitGroup
		if withAttack {
			for i := range attackers {
				wg.Add(1)
				go func() { defer wg.Done(); attack(ctx, i) }()
			}
		}
		from := time.Now().Add(warmUp)
		to := from.Add(window)
		var ok, failed atomic.Int64
		for i := range normalClients {
			wg.Add(1)
			go func() { defer wg.Done(); normal(ctx, i, from, to, &ok, &failed) }()
		}
		time.Sleep(time.Until(to))
		cancel()
		wg.Wait()
		idle()
		return float64(ok.Load()) / window.Seconds(), failed.Load()
	}

	// The attackers spend the burst of their buckets first: what is
	// measured is the steady state.
	{
		ctx, cancel := context.WithTimeout(context.Background(), 2*server.DefaultClientBurst+2*time.Second)
		var wg sync.WaitGroup
		for i := range attackers {
			wg.Add(1)
			go func() { defer wg.Done(); attack(ctx, i) }()
		}
		wg.Wait()
		cancel()
		idle()
	}
	var report bytes.Buffer
	fmt.Fprintf(&report, "%-8s %14s %14s %8s\n", "attempt", "alone req/s", "attacked req/s", "kept")
	ratios := make([]float64, 0, attempts)
	var failures int64
	before, f := phase(false)
	failures += f
	for a := range attempts {
		attacked, f1 := phase(true)
		after, f2 := phase(false)
		failures += f1 + f2
		alone := (before + after) / 2
		ratio := attacked / alone
		ratios = append(ratios, ratio)
		fmt.Fprintf(&report, "%-8d %14.0f %14.0f %7.0f%%\n", a+1, alone, attacked, 100*ratio)
		before = after
	}
	if failures > 0 {
		t.Errorf("%d normal requests failed", failures)
	}
	slices.Sort(ratios)
	median := ratios[len(ratios)/2]
	codes, _ := json.Marshal(attackCodes)
	t.Logf("%d normal clients alone and beside %d clients sending the expensive requests of issue 11 (%v windows after %v warm-up, loopback, size S):\n%smedian kept %.0f%%; the attackers' answers by code: %s",
		normalClients, attackers, window, warmUp, report.String(), 100*median, codes)
	if median < minShare {
		t.Errorf("normal clients kept a median %.0f%% of their throughput, want at least %.0f%%", 100*median, 100*minShare)
	}
}

// A client that keeps sending refused requests is refused before its
// bodies are read, with 429 RATE_LIMITED and Retry-After; persisted-query
// misses do not count, and other clients are not affected.
func TestClientRefusals(t *testing.T) {
	ts := mustServer(t, mustStore(t, demo.Batch()), server.Config{APIKeys: []string{"one", "two"}, FairShare: server.FairShare{ClientRefusals: 0.5, ClientRefusalBurst: 3}})
	c := clientFor()
	for i := range 6 {
		miss := fmt.Sprintf(`{"extensions":{"persistedQuery":{"version":1,"sha256Hash":"%064x"}}}`, i)
		if _, code, _, _ := post(context.Background(), c, ts.URL, "one", miss); code != server.CodePersistedQueryNotFound {
			t.Fatalf("persisted-query miss %d: %s", i, code)
		}
	}
	bad := body(`{ nosuchfield }`)
	for i := range 3 {
		if _, code, _, _ := post(context.Background(), c, ts.URL, "one", bad); code != "GRAPHQL_VALIDATION_FAILED" {
			t.Fatalf("refused request %d: %s", i, code)
		}
	}
	start := time.Now()
	st, code, retry, err := post(context.Background(), c, ts.URL, "one", body(`{ __typename }`))
	if err != nil || st != http.StatusTooManyRequests || code != server.CodeRateLimited || retry == "" {
		t.Errorf("after the burst of refusals: %d %s Retry-After %q %v; want 429 %s with Retry-After", st, code, retry, err, server.CodeRateLimited)
	}
	if held := time.Since(start); held < 500*time.Millisecond {
		t.Errorf("the refusal came after %v: want it held back", held)
	}
	if _, code, _, _ := post(context.Background(), c, ts.URL, "two", body(`{ __typename }`)); code != "" {
		t.Errorf("another client: %s", code)
	}
}
