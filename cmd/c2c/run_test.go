package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"
)

// startServe runs the real run() with serve on port 0 and returns its base
// URL and a function that stops it and returns run's error.
func startServe(t *testing.T, dataDir string, extra ...string) (string, func() error) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	ready := make(chan string, 1)
	done := make(chan error, 1)
	args := append([]string{"serve", "-addr", "127.0.0.1:0", "-data-dir", dataDir, "-log-level", "warn", "-shutdown-delay", "0"}, extra...)
	var stderr bytes.Buffer
	go func() {
		done <- run(ctx, &env{args: args, getenv: func(string) string { return "" }, stdout: io.Discard, stderr: &stderr, ready: ready})
	}()
	select {
	case addr := <-ready:
		stop := func() error {
			cancel()
			select {
			case err := <-done:
				return err
			case <-time.After(20 * time.Second):
				t.Fatal("serve did not stop within 20s")
				return nil
			}
		}
		return "http://" + addr, stop
	case err := <-done:
		cancel()
		t.Fatalf("serve exited before ready: %v\n%s", err, stderr.String())
	case <-time.After(60 * time.Second):
		cancel()
		t.Fatalf("serve not ready within 60s\n%s", stderr.String())
	}
	return "", nil
}

type gqlResponse struct {
	Data   map[string]json.RawMessage `json:"data"`
	Errors []struct {
		Message    string         `json:"message"`
		Extensions map[string]any `json:"extensions"`
	} `json:"errors"`
}

func mustPost(t *testing.T, url, query string, headers ...string) gqlResponse {
	t.Helper()
	body, _ := json.Marshal(map[string]any{"query": query})
	req, err := http.NewRequest(http.MethodPost, url+"/graphql", bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var out gqlResponse
	if err := json.NewDecoder(resp.Body).Decode(&out); err != nil {
		t.Fatalf("decode: %v", err)
	}
	return out
}

func TestServeDemoDataDurableAndReadOnly(t *testing.T) {
	dir := t.TempDir()
	url, stop := startServe(t, dir)

	resp, err := http.Get(url + "/healthz")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if got, want := resp.StatusCode, http.StatusOK; got != want {
		t.Fatalf("/healthz = %d, want %d", got, want)
	}

	r := mustPost(t, url, `{ search(text: "Durban") { actor { id name } } }`)
	if len(r.Errors) > 0 {
		t.Fatalf("search errors: %+v", r.Errors)
	}
	if !strings.Contains(string(r.Data["search"]), `"ethekwini"`) {
		t.Fatalf("search for Durban did not find eThekwini: %s", r.Data["search"])
	}
	count := func(url string) string {
		r := mustPost(t, url, `{ actors(first: 1) { totalCount } exchanges(first: 1) { totalCount } }`)
		if len(r.Errors) > 0 {
			t.Fatalf("count errors: %+v", r.Errors)
		}
		return string(r.Data["actors"]) + string(r.Data["exchanges"])
	}
	before := count(url)

	// No API key configured: mutations are refused and say why.
	r = mustPost(t, url, `mutation { deleteExchange(id: "nope") { __typename } }`)
	if len(r.Errors) == 0 || !strings.Contains(r.Errors[0].Message, "read-only") {
		t.Fatalf("mutation on a read-only server: %+v", r.Errors)
	}
	if err := stop(); err != nil {
		t.Fatalf("run returned %v after cancel", err)
	}

	// Restart on the same data dir: the data is still there and the demo is
	// not loaded twice.
	url, stop = startServe(t, dir)
	if got := count(url); got != before {
		t.Fatalf("after restart counts = %s, want %s", got, before)
	}
	if err := stop(); err != nil {
		t.Fatal(err)
	}
}

func TestUsageErrors(t *testing.T) {
	for _, args := range [][]string{{}, {"frobnicate"}, {"serve", "-store", "mongo", "-addr", "127.0.0.1:0"}} {
		var stderr bytes.Buffer
		err := run(context.Background(), &env{args: args, getenv: func(string) string { return "" }, stdout: io.Discard, stderr: &stderr})
		var ue usageError
		if !errors.As(err, &ue) {
			t.Errorf("run(%q) = %v, want a usage error", args, err)
		}
	}
	var out bytes.Buffer
	if err := run(context.Background(), &env{args: []string{"version"}, getenv: func(string) string { return "" }, stdout: &out, stderr: io.Discard}); err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(out.String(), "c2c ") {
		t.Fatalf("version printed %q", out.String())
	}
}

func TestMalformedEnvironmentIsRejectedByName(t *testing.T) {
	for k, v := range map[string]string{"C2C_REQUEST_TIMEOUT": "ten seconds", "C2C_MAX_DEPTH": "-3", "C2C_DEMO": "maybe"} {
		getenv := func(key string) string {
			if key == k {
				return v
			}
			return ""
		}
		err := run(context.Background(), &env{args: []string{"version"}, getenv: getenv, stdout: io.Discard, stderr: io.Discard})
		var ue usageError
		if !errors.As(err, &ue) || !strings.Contains(err.Error(), k) {
			t.Errorf("%s=%q: run = %v, want a usage error naming %s", k, v, err, k)
		}
	}
}
