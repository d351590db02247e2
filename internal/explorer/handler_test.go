package explorer_test

import (
	"bytes"
	"compress/gzip"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/c2c-project/c2c/internal/explorer"
)

// TestHandler checks what the pages are served with: the explorer at /,
// GraphiQL at /graphiql, assets gzipped on request and revalidated by ETag,
// a Content-Security-Policy that allows no other origin, 404 elsewhere.
func TestHandler(t *testing.T) {
	ts := httptest.NewServer(explorer.Handler())
	defer ts.Close()
	type answer struct {
		Status     string
		StatusCode int
		Header     http.Header
		Body       []byte
	}
	get := func(path string, hdr map[string]string) answer {
		t.Helper()
		req, _ := http.NewRequest(http.MethodGet, ts.URL+path, nil)
		for k, v := range hdr {
			req.Header.Set(k, v)
		}
		// The transport would otherwise ask for gzip itself and hide it.
		resp, err := (&http.Transport{DisableCompression: true}).RoundTrip(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		body, err := io.ReadAll(resp.Body)
		if err != nil {
			t.Fatal(err)
		}
		return answer{resp.Status, resp.StatusCode, resp.Header, body}
	}
	for _, tc := range []struct {
		path, status, typ, contains string
	}{
		{"/", "200 OK", "text/html; charset=utf-8", `<script src="/assets/explorer.js">`},
		{"/graphiql", "200 OK", "text/html; charset=utf-8", `<script src="/assets/graphiql.js">`},
		{"/assets/explorer.js", "200 OK", "text/javascript; charset=utf-8", "__c2c"},
		{"/assets/explorer.css", "200 OK", "text/css; charset=utf-8", "--ink"},
		{"/assets/SOURCES.sha256", "404 Not Found", "", ""},
		{"/index.html", "404 Not Found", "", ""},
		{"/nothing", "404 Not Found", "", ""},
	} {
		resp := get(tc.path, nil)
		body := resp.Body
		if resp.Status != tc.status {
			t.Errorf("%s: %s, want %s", tc.path, resp.Status, tc.status)
			continue
		}
		if tc.typ == "" {
			continue
		}
		if got := resp.Header.Get("Content-Type"); got != tc.typ {
			t.Errorf("%s: Content-Type %q, want %q", tc.path, got, tc.typ)
		}
		if !strings.Contains(string(body), tc.contains) {
			t.Errorf("%s: body lacks %q", tc.path, tc.contains)
		}
		if strings.HasSuffix(tc.typ, "html; charset=utf-8") {
			csp := resp.Header.Get("Content-Security-Policy")
			if !strings.Contains(csp, "default-src 'self'") || !strings.Contains(csp, "connect-src 'self'") {
				t.Errorf("%s: Content-Security-Policy %q", tc.path, csp)
			}
		}
	}
	plain := get("/assets/explorer.js", nil)
	raw := plain.Body
	gz := get("/assets/explorer.js", map[string]string{"Accept-Encoding": "br, gzip"})
	if gz.Header.Get("Content-Encoding") != "gzip" {
		t.Fatalf("gzip not used: %v", gz.Header)
	}
	zr, err := gzip.NewReader(bytes.NewReader(gz.Body))
	if err != nil {
		t.Fatal(err)
	}
	unzipped, _ := io.ReadAll(zr)
	if string(unzipped) != string(raw) {
		t.Error("the gzipped asset differs from the plain one")
	}
	etag := plain.Header.Get("ETag")
	if etag == "" {
		t.Fatal("no ETag")
	}
	if again := get("/assets/explorer.js", map[string]string{"If-None-Match": etag}); again.StatusCode != http.StatusNotModified {
		t.Errorf("If-None-Match: %s, want 304", again.Status)
	}
}
