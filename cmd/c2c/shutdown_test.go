package main

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"
)

// startTrickle opens a connection to addr and sends a POST /graphql whose
// body stops half way: the request is in flight until finish sends the
// rest and reads the answer.
func startTrickle(t *testing.T, addr, query string) (finish func() (status int, body string)) {
	t.Helper()
	conn, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close() })
	body := fmt.Sprintf(`{"query": %q}`, query)
	half := len(body) / 2
	fmt.Fprintf(conn, "POST /graphql HTTP/1.1\r\nHost: %s\r\nContent-Type: application/json\r\nContent-Length: %d\r\n\r\n%s", addr, len(body), body[:half])
	return func() (int, string) {
		t.Helper()
		if _, err := io.WriteString(conn, body[half:]); err != nil {
			t.Fatalf("sending the rest of the body: %v", err)
		}
		_ = conn.SetReadDeadline(time.Now().Add(10 * time.Second))
		resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
		if err != nil {
			t.Fatalf("reading the answer of the in-flight request: %v", err)
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		return resp.StatusCode, string(b)
	}
}

// fresh sends GET path on a new connection.
func fresh(url string) (int, string, error) {
	c := &http.Client{Transport: &http.Transport{DisableKeepAlives: true}, Timeout: 2 * time.Second}
	resp, err := c.Get(url)
	if err != nil {
		return 0, "", err
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b), nil
}

// On SIGTERM (the cancelled context of run), /readyz answers 503 at once
// while the server keeps serving for the shutdown delay; then the listener
// closes, the request in flight all along is answered in full, and run
// returns nil: exit code 0.
func TestShutdownDrainsInFlightRequests(t *testing.T) {
	const delay = time.Second
	url, stop := startServe(t, t.TempDir(), "-shutdown-delay", delay.String())
	addr := strings.TrimPrefix(url, "http://")
	if code, _, err := fresh(url + "/readyz"); err != nil || code != http.StatusOK {
		t.Fatalf("/readyz before shutdown = %d, %v; want 200", code, err)
	}
	finish := startTrickle(t, addr, `{ actors(first: 1) { totalCount } }`)
	time.Sleep(100 * time.Millisecond) // the server is reading the body

	signalled := time.Now()
	done := make(chan error, 1)
	go func() { done <- stop() }()

	// /readyz turns 503 at once and stays so; /healthz stays 200.
	var first time.Duration
	for first == 0 {
		code, body, err := fresh(url + "/readyz")
		switch {
		case err != nil:
			t.Fatalf("/readyz unreachable %v after the signal, within the %v delay: %v", time.Since(signalled), delay, err)
		case code == http.StatusServiceUnavailable:
			first = time.Since(signalled)
			if !strings.Contains(body, "shutting down") {
				t.Errorf("/readyz while draining: %s", body)
			}
		case time.Since(signalled) > delay/2:
			t.Fatalf("/readyz still %d %v after the signal", code, time.Since(signalled))
		}
	}
	if code, _, err := fresh(url + "/healthz"); err != nil || code != http.StatusOK {
		t.Errorf("/healthz while draining = %d, %v; want 200", code, err)
	}
	// Until the listener closes, readiness never goes back to 200.
	closed := false
	for deadline := signalled.Add(delay + 5*time.Second); time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
		code, _, err := fresh(url + "/readyz")
		if err != nil {
			closed = true
			break
		}
		if code != http.StatusServiceUnavailable {
			t.Fatalf("/readyz went back to %d while draining", code)
		}
	}
	if !closed {
		t.Fatal("the listener was still open 5 s after the shutdown delay")
	}
	if since := time.Since(signalled); since < delay {
		t.Errorf("the listener closed %v after the signal, before the %v delay", since, delay)
	}

	status, body := finish()
	if status != http.StatusOK || !strings.Contains(body, `"totalCount"`) {
		t.Errorf("the in-flight request was answered %d %s; want 200 with data", status, body)
	}
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("run returned %v after a drained shutdown; want nil (exit 0)", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("run did not return after the in-flight request was answered")
	}
	t.Logf("/readyz 503 %v after the signal; listener closed after the %v delay; in-flight request answered %d", first, delay, status)
}

// A request still running at the shutdown timeout is cut, and run says so
// (exit code 1).
func TestShutdownTimeoutCutsRequests(t *testing.T) {
	url, stop := startServe(t, t.TempDir(), "-shutdown-timeout", "300ms")
	_ = startTrickle(t, strings.TrimPrefix(url, "http://"), `{ __typename }`)
	time.Sleep(100 * time.Millisecond)
	err := stop()
	if !errors.Is(err, errShutdownCut) {
		t.Fatalf("run = %v, want %v", err, errShutdownCut)
	}
}
