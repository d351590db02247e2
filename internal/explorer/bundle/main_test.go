package main

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"
)

// root is the explorer package folder, seen from this package's folder.
const root = ".."

// TestSourcesUnchangedSinceBuild needs no Node: the hash of the sources
// recorded beside the bundle must be that of the sources as they are, so
// editing a source (or the pinned packages, or this program) without
// rebuilding fails.
func TestSourcesUnchangedSinceBuild(t *testing.T) {
	got, err := sourcesHash(filepath.Join(root, "web"))
	if err != nil {
		t.Fatal(err)
	}
	recorded, err := os.ReadFile(filepath.Join(root, "dist", manifestName))
	if err != nil {
		t.Fatal(err)
	}
	if got != string(recorded) {
		t.Errorf("the explorer's sources changed since dist/ was built: run\n"+
			"  (cd internal/explorer/web && npm ci --ignore-scripts) && go run ./internal/explorer/bundle\n"+
			"recorded:\n%s\nnow:\n%s", recorded, got)
	}
}

// TestBundleIsTheBuildOfItsSources rebuilds every file of dist/ in memory
// from the sources and the packages npm ci installed, and compares them
// byte for byte with the committed ones: a hand-edited or stale bundle
// fails. It needs web/node_modules (make test installs it); under CI=true
// its absence fails the test.
func TestBundleIsTheBuildOfItsSources(t *testing.T) {
	if _, err := os.Stat(filepath.Join(root, "web", "node_modules")); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatal("internal/explorer/web/node_modules is missing: make test runs npm ci there first")
		}
		t.Skip("internal/explorer/web/node_modules is missing: run `npm ci --ignore-scripts` there (make test does)")
	}
	files, err := build(root)
	if err != nil {
		t.Fatal(err)
	}
	entries, err := os.ReadDir(filepath.Join(root, "dist"))
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		if _, ok := files[e.Name()]; !ok {
			t.Errorf("dist/%s is not made by the build: remove it", e.Name())
		}
	}
	for name, want := range files {
		got, err := os.ReadFile(filepath.Join(root, "dist", name))
		if err != nil {
			t.Errorf("dist/%s: %v (run go run ./internal/explorer/bundle)", name, err)
			continue
		}
		if !bytes.Equal(got, want) {
			t.Errorf("dist/%s differs from the build of its sources (%d bytes committed, %d built): run go run ./internal/explorer/bundle", name, len(got), len(want))
		}
	}
}
