package server_test

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/pem"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"

	"github.com/c2c-project/c2c/internal/c2c"
	"github.com/c2c-project/c2c/internal/demo"
	"github.com/c2c-project/c2c/internal/export"
	"github.com/c2c-project/c2c/internal/server"
	"github.com/c2c-project/c2c/internal/store/storetest"
)

const readQuery = `{ actor(id: "ethekwini") { name } }`

// wantCode fails unless r's first error has code ("" for no error).
func wantCode(t *testing.T, what string, r response, code string) {
	t.Helper()
	if got := errCode(r); got != code {
		t.Errorf("%s: code %q (%+v), want %q", what, got, r.Errors, code)
	}
}

// getExport fetches /export with header and returns the status.
func getExport(t *testing.T, base string, header http.Header) (int, http.Header, []byte) {
	t.Helper()
	req, _ := http.NewRequest(http.MethodGet, base+"/export?format=csv", nil)
	for k, v := range header {
		req.Header[k] = v
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var b bytes.Buffer
	_, _ = b.ReadFrom(resp.Body)
	return resp.StatusCode, resp.Header, b.Bytes()
}

// TestReadKeys checks the reader and editor keys on queries, mutations
// and /export, and that an open server stays open.
func TestReadKeys(t *testing.T) {
	s := mustStore(t, demo.Batch())
	ts := mustServer(t, s, server.Config{APIKeys: []string{"editor-key"}, ReadKeys: []string{"reader-key"}})
	wantCode(t, "anonymous read", mustPost(t, ts, readQuery, nil, nil), "UNAUTHENTICATED")
	wantCode(t, "wrong key read", mustPost(t, ts, readQuery, nil, bearer("nope")), "UNAUTHENTICATED")
	wantCode(t, "reader read", mustPost(t, ts, readQuery, nil, bearer("reader-key")), "")
	wantCode(t, "editor read", mustPost(t, ts, readQuery, nil, bearer("editor-key")), "")
	wantCode(t, "reader write", mustPost(t, ts, createTheme, nil, bearer("reader-key")), "FORBIDDEN")
	wantCode(t, "editor write", mustPost(t, ts, createTheme, nil, bearer("editor-key")), "")

	if st, h, _ := getExport(t, ts.URL, nil); st != http.StatusUnauthorized || h.Get("WWW-Authenticate") == "" {
		t.Errorf("anonymous export: %d %v, want 401 with WWW-Authenticate", st, h)
	}
	if st, _, body := getExport(t, ts.URL, bearer("reader-key")); st != http.StatusOK {
		t.Errorf("reader export: %d %s", st, body)
	}
	if st, _, _ := getExport(t, ts.URL, bearer("nope")); st != http.StatusUnauthorized {
		t.Errorf("wrong key export: %d", st)
	}

	// Keys for writes only: reads stay open, but a wrong key is refused.
	open := mustServer(t, s, server.Config{APIKeys: []string{"editor-key"}})
	wantCode(t, "open read", mustPost(t, open, readQuery, nil, nil), "")
	wantCode(t, "open read, wrong key", mustPost(t, open, readQuery, nil, bearer("nope")), "UNAUTHENTICATED")
	if st, _, _ := getExport(t, open.URL, nil); st != http.StatusOK {
		t.Errorf("open export: %d", st)
	}
}

// signed returns a token of claims signed with method and key.
func signed(t *testing.T, method jwt.SigningMethod, key any, claims jwt.MapClaims) string {
	t.Helper()
	tok, err := jwt.NewWithClaims(method, claims).SignedString(key)
	if err != nil {
		t.Fatal(err)
	}
	return tok
}

// TestJWT checks HS256 and RS256 tokens with reader and editor roles, and
// the tokens that must be refused: expired, without expiry, not yet valid,
// wrongly signed, unsigned, of another algorithm, issuer or audience, or
// without a role.
func TestJWT(t *testing.T) {
	s := mustStore(t, demo.Batch())
	secret := []byte("0123456789abcdef0123456789abcdef")
	rsaKey, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	der, _ := x509.MarshalPKIXPublicKey(&rsaKey.PublicKey)
	pemBytes := pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: der})
	keyFile := filepath.Join(t.TempDir(), "jwt.pem")
	if err := os.WriteFile(keyFile, pemBytes, 0o600); err != nil {
		t.Fatal(err)
	}
	pub, err := server.LoadRSAPublicKey(keyFile)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := server.NewJWTVerifier(server.JWTConfig{HS256Secret: []byte("short")}); err == nil {
		t.Error("a 5-byte HS256 secret was accepted")
	}
	if _, err := server.NewJWTVerifier(server.JWTConfig{}); err == nil {
		t.Error("a JWT configuration without key was accepted")
	}
	v, err := server.NewJWTVerifier(server.JWTConfig{HS256Secret: secret, RS256PublicKey: pub, Issuer: "https://id.example", Audience: "c2c"})
	if err != nil {
		t.Fatal(err)
	}
	ts := mustServer(t, s, server.Config{JWT: v, RequireReadAuth: true})

	now := time.Now()
	claims := func(role any, edit func(jwt.MapClaims)) jwt.MapClaims {
		c := jwt.MapClaims{"sub": "u1", "iss": "https://id.example", "aud": "c2c", "exp": now.Add(time.Hour).Unix(), "role": role}
		if edit != nil {
			edit(c)
		}
		return c
	}
	hs := func(c jwt.MapClaims) http.Header { return bearer(signed(t, jwt.SigningMethodHS256, secret, c)) }
	rs := func(c jwt.MapClaims) http.Header { return bearer(signed(t, jwt.SigningMethodRS256, rsaKey, c)) }

	wantCode(t, "anonymous read", mustPost(t, ts, readQuery, nil, nil), "UNAUTHENTICATED")
	wantCode(t, "HS256 reader read", mustPost(t, ts, readQuery, nil, hs(claims("reader", nil))), "")
	wantCode(t, "HS256 reader write", mustPost(t, ts, createTheme, nil, hs(claims("reader", nil))), "FORBIDDEN")
	wantCode(t, "RS256 editor write", mustPost(t, ts, createTheme, nil, rs(claims("editor", nil))), "")
	wantCode(t, "role list", mustPost(t, ts, createTheme, nil, rs(claims([]any{"reader", "editor"}, nil))), "")
	if st, _, _ := getExport(t, ts.URL, rs(claims("reader", nil))); st != http.StatusOK {
		t.Errorf("RS256 reader export: %d", st)
	}
	if st, _, _ := getExport(t, ts.URL, nil); st != http.StatusUnauthorized {
		t.Errorf("anonymous export with RequireReadAuth: %d", st)
	}

	otherRSA, _ := rsa.GenerateKey(rand.Reader, 2048)
	refused := map[string]http.Header{
		"expired":       hs(claims("editor", func(c jwt.MapClaims) { c["exp"] = now.Add(-time.Hour).Unix() })),
		"no expiry":     hs(claims("editor", func(c jwt.MapClaims) { delete(c, "exp") })),
		"not yet":       hs(claims("editor", func(c jwt.MapClaims) { c["nbf"] = now.Add(time.Hour).Unix() })),
		"wrong secret":  bearer(signed(t, jwt.SigningMethodHS256, []byte("another secret of thirty-two bytes!"), claims("editor", nil))),
		"wrong RSA key": bearer(signed(t, jwt.SigningMethodRS256, otherRSA, claims("editor", nil))),
		"alg none":      bearer(signed(t, jwt.SigningMethodNone, jwt.UnsafeAllowNoneSignatureType, claims("editor", nil))),
		"HS384":         bearer(signed(t, jwt.SigningMethodHS384, secret, claims("editor", nil))),
		"issuer":        hs(claims("editor", func(c jwt.MapClaims) { c["iss"] = "https://evil.example" })),
		"audience":      hs(claims("editor", func(c jwt.MapClaims) { c["aud"] = "other" })),
		"no role":       hs(claims(nil, func(c jwt.MapClaims) { delete(c, "role") })),
		"unknown role":  hs(claims("admin", nil)),
		"garbage":       bearer("a.b.c"),
	}
	for name, h := range refused {
		r := mustPost(t, ts, createTheme, nil, h)
		wantCode(t, name, r, "UNAUTHENTICATED")
		if len(r.Errors) > 0 && !strings.Contains(r.Errors[0].Message, "not valid") {
			t.Errorf("%s: message %q does not say the token is not valid", name, r.Errors[0].Message)
		}
	}

	// Algorithm confusion: with only an RS256 key configured, an HS256
	// token keyed with the public key's PEM is refused.
	rsOnly, err := server.NewJWTVerifier(server.JWTConfig{RS256PublicKey: pub})
	if err != nil {
		t.Fatal(err)
	}
	ts2 := mustServer(t, s, server.Config{JWT: rsOnly})
	wantCode(t, "HS256 keyed with the RSA public key", mustPost(t, ts2, createTheme, nil, bearer(signed(t, jwt.SigningMethodHS256, pemBytes, jwt.MapClaims{"exp": now.Add(time.Hour).Unix(), "role": "editor"}))), "UNAUTHENTICATED")
	wantCode(t, "RS256 only: anonymous read is open", mustPost(t, ts2, readQuery, nil, nil), "")
}

// TestCORS checks preflight answers and the headers of cross-origin
// responses, for an allowed and a foreign origin, and that a server with
// no origin configured sends no CORS header.
func TestCORS(t *testing.T) {
	s := mustStore(t, demo.Batch())
	ts := mustServer(t, s, server.Config{CORSOrigins: []string{"https://app.example"}})
	// preflight returns the status and headers of a preflight request.
	type answer struct {
		StatusCode int
		Header     http.Header
	}
	preflight := func(base, origin string) answer {
		req, _ := http.NewRequest(http.MethodOptions, base+"/graphql", nil)
		req.Header.Set("Origin", origin)
		req.Header.Set("Access-Control-Request-Method", "POST")
		req.Header.Set("Access-Control-Request-Headers", "authorization, content-type")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return answer{resp.StatusCode, resp.Header}
	}
	resp := preflight(ts.URL, "https://app.example")
	if resp.StatusCode/100 != 2 || resp.Header.Get("Access-Control-Allow-Origin") != "https://app.example" {
		t.Errorf("allowed preflight: %d %v", resp.StatusCode, resp.Header)
	}
	if h := strings.ToLower(resp.Header.Get("Access-Control-Allow-Headers")); !strings.Contains(h, "authorization") || !strings.Contains(h, "content-type") {
		t.Errorf("allowed preflight headers %q", h)
	}
	if m := resp.Header.Get("Access-Control-Allow-Methods"); !strings.Contains(m, "POST") {
		t.Errorf("allowed preflight methods %q", m)
	}
	if resp := preflight(ts.URL, "https://evil.example"); resp.Header.Get("Access-Control-Allow-Origin") != "" {
		t.Errorf("foreign preflight allowed: %v", resp.Header)
	}
	// The actual request carries the origin and exposes the version.
	req, _ := http.NewRequest(http.MethodPost, ts.URL+"/graphql", strings.NewReader(`{"query":"{ __typename }"}`))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Origin", "https://app.example")
	r, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	r.Body.Close()
	if r.Header.Get("Access-Control-Allow-Origin") != "https://app.example" || !strings.Contains(strings.ToLower(r.Header.Get("Access-Control-Expose-Headers")), "c2c-version") {
		t.Errorf("cross-origin POST headers %v", r.Header)
	}

	plain := mustServer(t, s, server.Config{})
	resp = preflight(plain.URL, "https://app.example")
	if resp.Header.Get("Access-Control-Allow-Origin") != "" || resp.StatusCode != http.StatusMethodNotAllowed {
		t.Errorf("no CORS configured: %d %v", resp.StatusCode, resp.Header)
	}
}

// gatedStore is a real store whose Exchanges waits for gate once open is
// closed, so a test can hold an export mid-stream. It also records the
// largest page and actor chunk asked for.
type gatedStore struct {
	c2c.Store
	mu          sync.Mutex
	entered     chan struct{}
	gate        chan struct{}
	maxPage     int
	maxChunk    int
	calls       int
	gateEnabled bool
}

func (g *gatedStore) Exchanges(ctx context.Context, q c2c.ExchangeQuery) (*c2c.ExchangePage, error) {
	g.mu.Lock()
	g.maxPage = max(g.maxPage, q.First)
	g.calls++
	gated := g.gateEnabled && q.First == c2c.MaxPageSize && !q.WantTotal
	g.mu.Unlock()
	if gated {
		g.entered <- struct{}{}
		<-g.gate
	}
	return g.Store.Exchanges(ctx, q)
}

func (g *gatedStore) ActorsByIDs(ctx context.Context, ids []string) ([]*c2c.Actor, error) {
	g.mu.Lock()
	g.maxChunk = max(g.maxChunk, len(ids))
	g.mu.Unlock()
	return g.Store.ActorsByIDs(ctx, ids)
}

// TestExportStreams checks that /export pages through the store (never
// more than a page of exchanges per call) and gives the bytes the
// whole-graph writer gives for the store's Edges, and that exports beyond
// the limit are answered 503 with Retry-After while one streams.
func TestExportStreams(t *testing.T) {
	base := mustStore(t, storetest.GenerateBatch(7, 300, 1200))
	g := &gatedStore{Store: base}
	ts := mustServer(t, g, server.Config{MaxExports: 1})
	for _, f := range export.Formats {
		req, _ := http.NewRequest(http.MethodGet, ts.URL+"/export?format="+string(f), nil)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		var got bytes.Buffer
		_, _ = got.ReadFrom(resp.Body)
		resp.Body.Close()
		sub, err := base.Edges(t.Context(), c2c.ExchangeFilter{})
		if err != nil {
			t.Fatal(err)
		}
		var want bytes.Buffer
		if err := export.Write(&want, sub, f); err != nil {
			t.Fatal(err)
		}
		if resp.StatusCode != http.StatusOK || !bytes.Equal(got.Bytes(), want.Bytes()) {
			t.Errorf("%s: status %d, %d bytes streamed, want the %d bytes of the whole-graph writer", f, resp.StatusCode, got.Len(), want.Len())
		}
	}
	g.mu.Lock()
	maxPage, maxChunk, calls := g.maxPage, g.maxChunk, g.calls
	g.mu.Unlock()
	if maxPage > c2c.MaxPageSize || maxChunk > 500 || calls < 2*1200/c2c.MaxPageSize {
		t.Errorf("export asked for pages of up to %d exchanges and %d actors in %d calls: not a page at a time", maxPage, maxChunk, calls)
	}

	// Hold one export inside the store; the next is refused at once.
	g.mu.Lock()
	g.entered, g.gate, g.gateEnabled = make(chan struct{}), make(chan struct{}), true
	g.mu.Unlock()
	done := make(chan int)
	go func() {
		st, _, _ := getExport(t, ts.URL, nil)
		done <- st
	}()
	<-g.entered
	st, h, body := getExport(t, ts.URL, nil)
	if st != http.StatusServiceUnavailable || h.Get("Retry-After") == "" || !strings.Contains(string(body), "UNAVAILABLE") {
		t.Errorf("second export while one streams: %d %v %s", st, h, body)
	}
	g.mu.Lock()
	g.gateEnabled = false
	g.mu.Unlock()
	close(g.gate)
	if st := <-done; st != http.StatusOK {
		t.Errorf("the held export: %d", st)
	}
	if st, _, _ := getExport(t, ts.URL, nil); st != http.StatusOK {
		t.Errorf("export after the slot was freed: %d", st)
	}
}
