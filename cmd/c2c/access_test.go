package main

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"
)

// TestServeAccessFlags starts serve with read keys, a JWT secret file and
// a CORS origin and checks each takes effect end to end.
func TestServeAccessFlags(t *testing.T) {
	dir := t.TempDir()
	secret := "a secret of at least thirty-two bytes, for HS256"
	secretFile := filepath.Join(dir, "jwt.secret")
	if err := os.WriteFile(secretFile, []byte(secret+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	url, stop := startServe(t, filepath.Join(dir, "data"), "-read-keys", "rk", "-jwt-secret-file", secretFile, "-cors-origins", "https://app.example")
	defer func() {
		if err := stop(); err != nil {
			t.Errorf("serve: %v", err)
		}
	}()
	const q = `{ actors(first: 1) { totalCount } }`
	code := func(r gqlResponse) string {
		if len(r.Errors) == 0 {
			return ""
		}
		c, _ := r.Errors[0].Extensions["code"].(string)
		return c
	}
	if c := code(mustPost(t, url, q)); c != "UNAUTHENTICATED" {
		t.Errorf("anonymous read with read keys: %q", c)
	}
	if c := code(mustPost(t, url, q, "Authorization", "Bearer rk")); c != "" {
		t.Errorf("read key: %q", c)
	}
	tok, err := jwt.NewWithClaims(jwt.SigningMethodHS256, jwt.MapClaims{"role": "editor", "exp": time.Now().Add(time.Minute).Unix()}).SignedString([]byte(secret))
	if err != nil {
		t.Fatal(err)
	}
	if c := code(mustPost(t, url, `mutation { upsertTheme(input: {id: "t-jwt", label: "JWT"}) { id } }`, "Authorization", "Bearer "+tok)); c != "" {
		t.Errorf("editor token mutation: %q", c)
	}
	req, _ := http.NewRequest(http.MethodOptions, url+"/graphql", nil)
	req.Header.Set("Origin", "https://app.example")
	req.Header.Set("Access-Control-Request-Method", "POST")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.Header.Get("Access-Control-Allow-Origin") != "https://app.example" {
		t.Errorf("preflight: %d %v", resp.StatusCode, resp.Header)
	}
}

// TestServeAccessFlagErrors checks that bad access settings stop serve
// before it listens, naming the flag.
func TestServeAccessFlagErrors(t *testing.T) {
	dir := t.TempDir()
	short := filepath.Join(dir, "short.secret")
	if err := os.WriteFile(short, []byte("too short"), 0o600); err != nil {
		t.Fatal(err)
	}
	notPEM := filepath.Join(dir, "key.pem")
	if err := os.WriteFile(notPEM, []byte("not a key"), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, args := range [][]string{
		{"-jwt-secret-file", short},
		{"-jwt-secret-file", filepath.Join(dir, "missing")},
		{"-jwt-public-key-file", notPEM},
		{"-jwt-issuer", "https://id.example"},
		{"-max-exports", "0"},
	} {
		var stderr bytes.Buffer
		all := append([]string{"serve", "-addr", "127.0.0.1:0", "-data-dir", filepath.Join(dir, "data")}, args...)
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		err := run(ctx, &env{args: all, getenv: func(string) string { return "" }, stdout: io.Discard, stderr: &stderr})
		cancel()
		if err == nil || errors.Is(err, context.DeadlineExceeded) {
			t.Errorf("serve %q: err = %v, want a configuration error", args, err)
		}
	}
}
