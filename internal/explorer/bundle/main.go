// Command bundle builds the explorer's and GraphiQL's browser assets from
// the sources in internal/explorer/web into internal/explorer/dist, which the
// explorer package embeds. It uses esbuild's Go API (pinned in go.mod), so
// the only thing Node's npm is needed for is `npm ci` of the pinned
// packages in web/package-lock.json:
//
//	(cd internal/explorer/web && npm ci --ignore-scripts) && go run ./internal/explorer/bundle
//
// The build is deterministic: the same sources and packages give the same
// bytes, which is what the freshness test in this package checks.
package main

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"flag"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/evanw/esbuild/pkg/api"
)

// entries are the bundles: an entry point under web/src and the name of
// the output in dist (esbuild writes name.js and, for imported CSS,
// name.css).
var entries = []struct{ name, entry string }{
	{"explorer", "src/explorer/main.js"},
	{"graphiql", "src/graphiql/main.jsx"},
}

// pages are copied verbatim from web/src to dist.
var pages = []string{"index.html", "graphiql.html"}

// manifestName is the file in dist recording the hash of the sources the
// bundle was built from.
const manifestName = "SOURCES.sha256"

func main() {
	root := flag.String("root", "internal/explorer", "the explorer package folder (holding web/ and dist/)")
	flag.Parse()
	if err := run(*root); err != nil {
		fmt.Fprintln(os.Stderr, "bundle:", err)
		os.Exit(1)
	}
}

func run(root string) error {
	files, err := build(root)
	if err != nil {
		return err
	}
	dist := filepath.Join(root, "dist")
	if err := os.RemoveAll(dist); err != nil {
		return err
	}
	if err := os.MkdirAll(dist, 0o755); err != nil {
		return err
	}
	for _, name := range sortedKeys(files) {
		if err := os.WriteFile(filepath.Join(dist, name), files[name], 0o644); err != nil {
			return err
		}
		fmt.Printf("%-16s %8d bytes\n", name, len(files[name]))
	}
	return nil
}

// build returns every file of dist by name: the bundles, the pages and
// the manifest.
func build(root string) (map[string][]byte, error) {
	web := filepath.Join(root, "web")
	if _, err := os.Stat(filepath.Join(web, "node_modules")); err != nil {
		return nil, fmt.Errorf("no %s/node_modules: run `npm ci --ignore-scripts` there first", web)
	}
	out := map[string][]byte{}
	for _, e := range entries {
		res := api.Build(api.BuildOptions{
			EntryPoints:       []string{e.entry},
			AbsWorkingDir:     mustAbs(web),
			Bundle:            true,
			Outfile:           filepath.Join(web, "out", e.name+".js"),
			Write:             false,
			Format:            api.FormatIIFE,
			Platform:          api.PlatformBrowser,
			Target:            api.ES2020,
			MinifyWhitespace:  true,
			MinifyIdentifiers: true,
			MinifySyntax:      true,
			LegalComments:     api.LegalCommentsEndOfFile,
			Charset:           api.CharsetUTF8,
			JSX:               api.JSXAutomatic,
			Define:            map[string]string{"process.env.NODE_ENV": `"production"`, "global": "globalThis"},
			Loader:            map[string]api.Loader{".json": api.LoaderJSON, ".woff2": api.LoaderDataURL},
			LogLevel:          api.LogLevelSilent,
		})
		if len(res.Errors) > 0 {
			msgs := api.FormatMessages(res.Errors, api.FormatMessagesOptions{Kind: api.ErrorMessage})
			return nil, fmt.Errorf("%s: %s", e.entry, strings.Join(msgs, "\n"))
		}
		for _, f := range res.OutputFiles {
			out[filepath.Base(f.Path)] = f.Contents
		}
	}
	for _, p := range pages {
		b, err := os.ReadFile(filepath.Join(web, "src", p))
		if err != nil {
			return nil, err
		}
		out[p] = b
	}
	sum, err := sourcesHash(web)
	if err != nil {
		return nil, err
	}
	out[manifestName] = []byte(sum)
	return out, nil
}

// sourcesHash lists the sha256 of every source of the bundle (the pinned
// package list and everything under src) and of the bundler itself, one
// "hash  path" line each, as sha256sum prints them.
func sourcesHash(web string) (string, error) {
	paths := []string{"package.json", "package-lock.json"}
	err := filepath.WalkDir(filepath.Join(web, "src"), func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, err := filepath.Rel(web, p)
		paths = append(paths, filepath.ToSlash(rel))
		return err
	})
	if err != nil {
		return "", err
	}
	slices.Sort(paths)
	var b strings.Builder
	for _, p := range paths {
		data, err := os.ReadFile(filepath.Join(web, p))
		if err != nil {
			return "", err
		}
		h := sha256.Sum256(data)
		fmt.Fprintf(&b, "%s  web/%s\n", hex.EncodeToString(h[:]), p)
	}
	self, err := os.ReadFile(filepath.Join(filepath.Dir(web), "bundle", "main.go"))
	if err != nil {
		return "", errors.New("bundle/main.go not found beside web/")
	}
	h := sha256.Sum256(self)
	fmt.Fprintf(&b, "%s  bundle/main.go\n", hex.EncodeToString(h[:]))
	return b.String(), nil
}

func mustAbs(p string) string {
	a, err := filepath.Abs(p)
	if err != nil {
		panic(err)
	}
	return a
}

func sortedKeys(m map[string][]byte) []string {
	ks := make([]string, 0, len(m))
	for k := range m {
		ks = append(ks, k)
	}
	slices.Sort(ks)
	return ks
}
