package server_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"runtime/metrics"
	"strings"
	"testing"
	"time"

	"github.com/c2c-project/c2c/internal/demo"
	"github.com/c2c-project/c2c/internal/memprobe"
	"github.com/c2c-project/c2c/internal/server"
)

// Bounds every hostile request must keep, from issue 11: an answer within a
// second, with a coded error, and under 50 MB of extra memory.
const (
	hostileMaxTime  = time.Second
	hostileMaxBytes = 50 << 20
)

// hostileRequest is one body and what it must be answered with.
type hostileRequest struct {
	name string
	body string
	code string // extensions.code of the first error; "" for an answer without errors
}

// repeatFields is "{ f f f … }" with n copies of field.
func repeatFields(field string, n int) string {
	var b strings.Builder
	b.WriteString("{ ")
	for range n {
		b.WriteString(field)
		b.WriteByte(' ')
	}
	b.WriteString("}")
	return b.String()
}

// distinctFields is "{ f0 f1 … }": n fields no type has, each with its
// own name, so validation looks for a suggestion for each.
func distinctFields(n int) string {
	var b strings.Builder
	b.WriteString("{ ")
	for i := range n {
		fmt.Fprintf(&b, "f%d ", i)
	}
	b.WriteString("}")
	return b.String()
}

// aliases is n aliased copies of field: "{ a0: field a1: field … }".
func aliases(field string, n int) string {
	var b strings.Builder
	b.WriteString("{ ")
	for i := range n {
		fmt.Fprintf(&b, "a%d: %s ", i, field)
	}
	b.WriteString("}")
	return b.String()
}

// fanOut is a chain of levels fragments each spreading the next twice:
// 2^levels fields once expanded, from a kilobyte of text.
func fanOut(levels int) string {
	var b strings.Builder
	b.WriteString("{ ...F0 }\n")
	for i := range levels {
		fmt.Fprintf(&b, "fragment F%d on Query { ...F%d ...F%d }\n", i, i+1, i+1)
	}
	fmt.Fprintf(&b, "fragment F%d on Query { __typename }\n", levels)
	return b.String()
}

// fragmentChain is n fragments each spreading the next and selecting a
// field: validation walks every fragment from every other.
func fragmentChain(n int) string {
	var b strings.Builder
	b.WriteString("{ ...F0 }\n")
	for i := range n - 1 {
		fmt.Fprintf(&b, "fragment F%d on Query { __typename ...F%d }\n", i, i+1)
	}
	fmt.Fprintf(&b, "fragment F%d on Query { __typename }\n", n-1)
	return b.String()
}

// fragmentsSideBySide is n fragments all spread at the root: validation
// compares each pair for conflicting fields; with conflict, they select
// node with one of three ids, which cannot merge.
func fragmentsSideBySide(n int, conflict bool) string {
	var b strings.Builder
	b.WriteString("{ ")
	for i := range n {
		fmt.Fprintf(&b, "...F%d ", i)
	}
	b.WriteString("}\n")
	for i := range n {
		id := 0
		if conflict {
			id = i % 3
		}
		fmt.Fprintf(&b, "fragment F%d on Query { __typename node(id: \"x%d\") { id } }\n", i, id)
	}
	return b.String()
}

// nested is a selection n levels deep: { a { a { … } } }.
func nested(field string, n int) string {
	return strings.Repeat("{ "+field+" ", n) + "{ id }" + strings.Repeat(" }", n)
}

// batchOf is a batch of n requests, each query named apart so that none is
// served from the query cache.
func batchOf(query string, n int) string {
	parts := make([]string, n)
	for i := range parts {
		parts[i] = body(fmt.Sprintf("query Q%d %s", i, query))
	}
	return "[" + strings.Join(parts, ",") + "]"
}

func body(query string) string {
	b, _ := json.Marshal(map[string]string{"query": query})
	return string(b)
}

// hostileRequests are the requests of issue 11 that took seconds to minutes
// or gigabytes, and the worst shapes just inside each document limit.
func hostileRequests() []hostileRequest {
	return []hostileRequest{
		// The requests of issue 11.
		{"__typename ×12,000 (132 KB)", body(repeatFields("__typename", 12_000)), server.CodeTokenLimit},
		{"__typename ×20,000", body(repeatFields("__typename", 20_000)), server.CodeTokenLimit},
		{"3,000 aliases of search (96 KB)", body(aliases(`search(text: "durban") { rank }`, 3_000)), server.CodeTokenLimit},
		{"2,000 aliases of search", body(aliases(`search(text: "dur") { rank actor { id name } }`, 2_000)), server.CodeTokenLimit},
		{"26-level fragment fan-out (1 KB)", body(fanOut(26)), server.CodeFieldLimit},
		// The worst shapes at and inside each limit.
		{"900 aliases of search (9,000 tokens)", body(aliases(`search(text: "d")`+"{rank}", 900)), server.CodeAliasLimit},
		{"100 aliases of actor", body(aliases(`actor(id: "ethekwini") { id name }`, 100)), ""},
		{"__typename ×1,999", body(repeatFields("__typename", server.DefaultMaxFields-1)), server.CodeFieldLimit},
		{"__typename ×200 (19,900 merge pairs)", body(repeatFields("__typename", 200)), ""},
		{"1,990 distinct unknown fields", body(distinctFields(1_990)), "GRAPHQL_VALIDATION_FAILED"},
		{"2,001 distinct fields", body(distinctFields(server.DefaultMaxFields + 1)), server.CodeFieldLimit},
		{"a chain of 44 fragments", body(fragmentChain(44)), ""},
		{"a chain of 200 fragments", body(fragmentChain(200)), server.CodeFragmentLimit},
		{"100 fragments side by side", body(fragmentsSideBySide(100, false)), ""},
		{"100 conflicting fragments side by side", body(fragmentsSideBySide(100, true)), "GRAPHQL_VALIDATION_FAILED"},
		{"201 fragments", body(fragmentsSideBySide(201, false)), server.CodeFragmentLimit},
		{"selections nested 4,000 deep", body(nested("actor(id: \"x\")", 4_000)), "GRAPHQL_PARSE_FAILED"},
		{"selections nested 500 deep", body(nested("node(id: \"x\")", 500)), server.CodeDepthLimit},
		{"a list value nested 999 deep", body(`{ node(id: ` + strings.Repeat("[", 999) + strings.Repeat("]", 999) + `) { id } }`), "GRAPHQL_VALIDATION_FAILED"},
		{"a list value nested 4,999 deep", body(`{ node(id: ` + strings.Repeat("[", 4_999) + strings.Repeat("]", 4_999) + `) { id } }`), "GRAPHQL_PARSE_FAILED"},
		{"a string argument of 900 KB", body(`{ search(text: "` + strings.Repeat("x", 900_000) + `") { rank } }`), "BAD_USER_INPUT"},
		{"directives ×1,200 on one field", body("{ __typename " + strings.Repeat("@include(if: true) ", 1_200) + "}"), server.CodeDirectiveLimit},
		{"a variable nested 9,000 deep", `{"query":"query($v: [ID!]) { __typename }","variables":{"v":` + strings.Repeat("[", 9_000) + strings.Repeat("]", 9_000) + `}}`, "GRAPHQL_VALIDATION_FAILED"},
		// Batches share one budget.
		{"a batch of 11 documents", batchOf("{ __typename }", server.DefaultMaxBatch+1), server.CodeBadRequest},
		{"a batch of 10 documents of 1,999 distinct fields", batchOf(distinctFields(server.DefaultMaxFields-1), server.DefaultMaxBatch), "GRAPHQL_VALIDATION_FAILED"},
		{"a batch of 10 documents of 19,900 merge pairs each", batchOf(repeatFields("__typename", 200), server.DefaultMaxBatch), server.CodeFieldLimit},
		{"a batch of 10 conflicting documents", batchOf(fragmentsSideBySide(100, true), server.DefaultMaxBatch), "GRAPHQL_VALIDATION_FAILED"},
		// Bodies that are not JSON requests.
		{"JSON nested 100,000 deep", strings.Repeat("[", 100_000) + strings.Repeat("]", 100_000), server.CodeBadRequest},
		{"cut JSON", `{"query":`, server.CodeBadRequest},
	}
}

// measure sends body and reports the time to the whole answer, the bytes
// allocated meanwhile (everything the process allocated, the client's copy
// of the body included, so an upper bound on what the request did), and the peak heap growth seen by a sampler.
func measure(t *testing.T, url, body string) (elapsed time.Duration, alloc, peak uint64, status int, answer []byte) {
	t.Helper()
	allocs := []metrics.Sample{{Name: "/gc/heap/allocs:bytes"}}
	metrics.Read(allocs)
	allocBase := allocs[0].Value.Uint64()
	var sendErr, readErr error
	peak = memprobe.Growth(func() {
		start := time.Now()
		req, _ := http.NewRequest(http.MethodPost, url, strings.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			sendErr = err
			return
		}
		defer resp.Body.Close()
		status = resp.StatusCode
		answer, readErr = io.ReadAll(resp.Body)
		elapsed = time.Since(start)
	})
	if sendErr != nil {
		t.Fatalf("no response: %v", sendErr)
	}
	if readErr != nil {
		t.Fatalf("reading the answer: %v", readErr)
	}
	metrics.Read(allocs)
	alloc = allocs[0].Value.Uint64() - allocBase
	return elapsed, alloc, peak, status, answer
}

// TestHostileRequests sends each hostile request of issue 11 to a real
// server and checks that it is answered within a
// second with its coded error and under 50 MB of extra memory. The
// figures are printed (go test -v; make test shows them).
func TestHostileRequests(t *testing.T) {
	if testing.Short() {
		t.Skip("sends megabytes of hostile documents")
	}
	// The demo data: every request here is refused or answered before
	// the store is asked for much, so a bigger graph only slows the test.
	st := mustStore(t, demo.Batch())
	// Each request is sent three times, each time to a new server (so that
	// no document is served from the query cache): the best time is held
	// to the bound, which keeps a busy moment of a shared machine from
	// failing the test, while a request that is slow is slow every time.
	// Memory is held to the bound on every attempt.
	const attempts = 3
	servers := make([]*httptest.Server, attempts)
	for i := range servers {
		servers[i] = httptest.NewServer(server.New(st, server.Config{}, slog.New(slog.NewTextHandler(io.Discard, nil))).Handler())
		defer servers[i].Close()
		// Warm up: the first request pays for lazily built tables.
		measure(t, servers[i].URL+"/graphql", body("{ __typename }"))
	}

	var report bytes.Buffer
	fmt.Fprintf(&report, "%-52s %9s %8s %8s %9s %8s  %s\n", "request", "body", "best ms", "worst ms", "alloc MB", "peak MB", "answer")
	for _, hr := range hostileRequests() {
		var best, worst time.Duration
		var alloc, peak uint64
		var status int
		var code string
		for i, ts := range servers {
			elapsed, a, p, st, answer := measure(t, ts.URL+"/graphql", hr.body)
			if i == 0 || elapsed < best {
				best = elapsed
			}
			worst, alloc, peak, status = max(worst, elapsed), max(alloc, a), max(peak, p), st
			if code = firstCodeOf(answer); code != hr.code {
				t.Errorf("%s: answered %d %.300s; want code %q", hr.name, st, answer, hr.code)
			}
		}
		ms := func(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }
		fmt.Fprintf(&report, "%-52s %8.1fK %8.1f %8.1f %9.1f %8.1f  %d %s\n", hr.name, float64(len(hr.body))/1024,
			ms(best), ms(worst), float64(alloc)/(1<<20), float64(peak)/(1<<20), status, code)
		if best > hostileMaxTime {
			t.Errorf("%s: took at best %v of %d attempts, more than %v", hr.name, best, attempts, hostileMaxTime)
		}
		if alloc > hostileMaxBytes {
			t.Errorf("%s: allocated %.1f MB, more than %d MB", hr.name, float64(alloc)/(1<<20), hostileMaxBytes>>20)
		}
	}
	t.Logf("hostile requests, %d attempts each (time to the whole answer; most MB allocated by the process meanwhile, and the peak heap growth sampled every ms):\n%s", attempts, report.String())
}

// firstCodeOf returns the first extensions.code of a response or of the
// first element of a batch's answer.
func firstCodeOf(answer []byte) string {
	var one struct {
		Errors []struct {
			Extensions map[string]any `json:"extensions"`
		} `json:"errors"`
	}
	if err := json.Unmarshal(answer, &one); err != nil {
		var many []json.RawMessage
		if json.Unmarshal(answer, &many) == nil && len(many) > 0 {
			for _, m := range many {
				if c := firstCodeOf(m); c != "" {
					return c
				}
			}
		}
		return ""
	}
	for _, e := range one.Errors {
		if c, ok := e.Extensions["code"].(string); ok {
			return c
		}
	}
	return ""
}
