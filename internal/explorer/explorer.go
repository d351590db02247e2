// Package explorer serves the explorer, c2c's dashboard for exploring the
// cooperation graph, at /, and GraphiQL at /graphiql. Both are static pages
// built into dist/ by `go run ./internal/explorer/bundle` from the sources
// and pinned npm packages in web/, and embedded in the binary: nothing is
// loaded from another host, so both work on an offline laptop. The pages
// talk only to the public GraphQL API at /graphql (and the explorer's
// export links to /export).
package explorer

import (
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"io/fs"
	"mime"
	"net/http"
	"path"
	"strconv"
	"strings"
	"sync"
)

//go:embed dist
var dist embed.FS

// contentSecurityPolicy allows the pages nothing from another origin: the
// force layout runs in a worker made from a blob URL, images exported from
// the canvas are data and blob URLs, and GraphiQL's fonts are inlined.
const contentSecurityPolicy = "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; " +
	"img-src 'self' data: blob:; font-src 'self' data:; connect-src 'self'; worker-src 'self' blob:; " +
	"object-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'self'"

// asset is one embedded file, ready to serve plain or gzipped.
type asset struct {
	body, gz    []byte
	contentType string
	etag        string
}

// Handler serves the explorer at "/", GraphiQL at "/graphiql" and their
// assets under "/assets/". Any other path is 404, so mounting it at "/"
// does not answer for mistyped API paths. Assets are revalidated with an
// ETag on every load (they are small and change with each build) and sent
// gzipped to clients that accept it.
func Handler() http.Handler {
	assets, err := loadAssets()
	if err != nil {
		// The files are embedded at build time; a failure here is a broken build.
		panic("explorer: " + err.Error())
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodGet && r.Method != http.MethodHead {
			w.Header().Set("Allow", "GET, HEAD")
			http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
			return
		}
		var name string
		switch p := r.URL.Path; {
		case p == "/":
			name = "index.html"
		case p == "/graphiql" || p == "/graphiql/":
			name = "graphiql.html"
		case strings.HasPrefix(p, "/assets/"):
			name = strings.TrimPrefix(p, "/assets/")
			if !strings.HasSuffix(name, ".js") && !strings.HasSuffix(name, ".css") {
				name = ""
			}
		}
		a, ok := assets[name]
		if !ok {
			http.NotFound(w, r)
			return
		}
		h := w.Header()
		h.Set("Content-Type", a.contentType)
		h.Set("Cache-Control", "no-cache")
		h.Set("ETag", a.etag)
		h.Set("Vary", "Accept-Encoding")
		h.Set("X-Content-Type-Options", "nosniff")
		if strings.HasSuffix(name, ".html") {
			h.Set("Content-Security-Policy", contentSecurityPolicy)
			h.Set("Referrer-Policy", "no-referrer")
		}
		if match := r.Header.Get("If-None-Match"); match != "" && strings.Contains(match, a.etag) {
			w.WriteHeader(http.StatusNotModified)
			return
		}
		body := a.body
		if acceptsGzip(r) {
			h.Set("Content-Encoding", "gzip")
			body = a.gz
		}
		h.Set("Content-Length", strconv.Itoa(len(body)))
		if r.Method == http.MethodHead {
			return
		}
		_, _ = w.Write(body)
	})
}

var (
	loadOnce   sync.Once
	loaded     map[string]*asset
	loadFailed error
)

// loadAssets reads and gzips every embedded file once per process.
func loadAssets() (map[string]*asset, error) {
	loadOnce.Do(func() {
		loaded = map[string]*asset{}
		loadFailed = fs.WalkDir(dist, "dist", func(p string, d fs.DirEntry, err error) error {
			if err != nil || d.IsDir() {
				return err
			}
			body, err := dist.ReadFile(p)
			if err != nil {
				return err
			}
			var gz bytes.Buffer
			zw, _ := gzip.NewWriterLevel(&gz, gzip.BestCompression)
			_, _ = zw.Write(body)
			if err := zw.Close(); err != nil {
				return err
			}
			sum := sha256.Sum256(body)
			ct := mime.TypeByExtension(path.Ext(p))
			if ct == "" {
				ct = "application/octet-stream"
			}
			loaded[path.Base(p)] = &asset{body: body, gz: gz.Bytes(), contentType: ct, etag: `"` + hex.EncodeToString(sum[:8]) + `"`}
			return nil
		})
	})
	return loaded, loadFailed
}

func acceptsGzip(r *http.Request) bool {
	for _, part := range strings.Split(r.Header.Get("Accept-Encoding"), ",") {
		enc, q, _ := strings.Cut(strings.TrimSpace(part), ";")
		if strings.EqualFold(strings.TrimSpace(enc), "gzip") && strings.ReplaceAll(q, " ", "") != "q=0" {
			return true
		}
	}
	return false
}
