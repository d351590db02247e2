package graph_test

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"path/filepath"
	"testing"
	"time"

	"github.com/99designs/gqlgen/client"
	"github.com/99designs/gqlgen/graphql"
	"github.com/99designs/gqlgen/graphql/handler/transport"

	"github.com/c2c-project/c2c/graph"
	"github.com/c2c-project/c2c/internal/c2c"
	"github.com/c2c-project/c2c/internal/demo"
	"github.com/c2c-project/c2c/internal/store/sqlitestore"
)

// mustStore opens a fresh SQLite store loaded with b.
func mustStore(t *testing.T, b c2c.Batch) c2c.Store {
	t.Helper()
	ctx := context.Background()
	s, err := sqlitestore.Open(ctx, filepath.Join(t.TempDir(), "c2c.db"))
	if err != nil {
		t.Fatalf("open store: %v", err)
	}
	t.Cleanup(func() { _ = s.Close() })
	if _, err := s.Import(ctx, b); err != nil {
		t.Fatalf("import: %v", err)
	}
	return s
}

// mustDemoStore opens a store loaded with the demo data.
func mustDemoStore(t *testing.T) c2c.Store {
	t.Helper()
	return mustStore(t, demo.Batch())
}

// newClient returns an in-process client of the GraphQL layer over s, with
// the store round trips of each operation in extensions.roundTrips.
func newClient(t *testing.T, s c2c.Store) *client.Client {
	t.Helper()
	return newResolverClient(t, &graph.Resolver{Store: s, BatchWait: testBatchWait, Log: slog.New(slog.NewTextHandler(io.Discard, nil))})
}

// testBatchWait is the dataloader window of the tests' resolvers. Several
// tests count round trips; the default 1 ms window can split a batch on a
// loaded CI machine under the race detector, which would count one more
// round trip without anything being wrong.
const testBatchWait = 25 * time.Millisecond

// newResolverClient is newClient over a resolver configured by the test.
func newResolverClient(t *testing.T, r *graph.Resolver) *client.Client {
	t.Helper()
	srv := graph.NewServer(r)
	srv.AddTransport(transport.POST{})
	srv.AroundOperations(func(ctx context.Context, next graphql.OperationHandler) graphql.ResponseHandler {
		ctx, rt := c2c.WithRoundTrips(ctx)
		h := next(ctx)
		return func(ctx context.Context) *graphql.Response {
			resp := h(ctx)
			if resp != nil {
				if resp.Extensions == nil {
					resp.Extensions = map[string]any{}
				}
				resp.Extensions["roundTrips"] = rt.Count()
			}
			return resp
		}
	})
	return client.New(srv)
}

// gqlError is one error of a response.
type gqlError struct {
	Message    string         `json:"message"`
	Path       []any          `json:"path"`
	Extensions map[string]any `json:"extensions"`
}

// result is a raw response.
type result struct {
	Data       json.RawMessage
	Errors     []gqlError
	RoundTrips int
}

// do runs query and returns its raw result.
func do(t *testing.T, c *client.Client, query string, opts ...client.Option) result {
	t.Helper()
	resp, err := c.RawPost(query, opts...)
	if err != nil {
		t.Fatalf("post: %v", err)
	}
	var r result
	r.Data, _ = json.Marshal(resp.Data)
	if len(resp.Errors) > 0 {
		if err := json.Unmarshal(resp.Errors, &r.Errors); err != nil {
			t.Fatalf("decode errors %s: %v", resp.Errors, err)
		}
	}
	if n, ok := resp.Extensions["roundTrips"].(float64); ok {
		r.RoundTrips = int(n)
	}
	return r
}

// mustQuery runs query, fails on any error and decodes data into out.
func mustQuery(t *testing.T, c *client.Client, query string, out any, opts ...client.Option) result {
	t.Helper()
	r := do(t, c, query, opts...)
	if len(r.Errors) > 0 {
		t.Fatalf("query failed: %+v\n%s", r.Errors, query)
	}
	if out != nil {
		if err := json.Unmarshal(r.Data, out); err != nil {
			t.Fatalf("decode data %s: %v", r.Data, err)
		}
	}
	return r
}

// mustFail runs query and returns its single error, failing unless there
// is exactly one.
func mustFail(t *testing.T, c *client.Client, query string, opts ...client.Option) gqlError {
	t.Helper()
	r := do(t, c, query, opts...)
	if len(r.Errors) != 1 {
		t.Fatalf("want one error, got %d: %+v\n%s", len(r.Errors), r.Errors, query)
	}
	return r.Errors[0]
}

func code(e gqlError) string {
	s, _ := e.Extensions["code"].(string)
	return s
}

func field(e gqlError) string {
	s, _ := e.Extensions["field"].(string)
	return s
}
