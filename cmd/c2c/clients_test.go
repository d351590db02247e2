package main

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"testing"
	"time"
)

// clientsDir holds the Node client tests and their lock file.
const clientsDir = "../../test/clients"

// needNode returns the node binary, or skips the test outside CI and fails
// it in CI when Node or the locked packages (make clients-deps) are missing:
// CI must run these, a developer without Node may not.
func needNode(t *testing.T) string {
	t.Helper()
	miss := func(format string, args ...any) {
		t.Helper()
		if os.Getenv("CI") != "" {
			t.Fatalf(format, args...)
		}
		t.Skipf(format, args...)
	}
	node, err := exec.LookPath("node")
	if err != nil {
		miss("node is not installed: the GraphQL client tests need Node.js 20 or later")
	}
	if _, err := os.Stat(filepath.Join(clientsDir, "node_modules", "graphql-http")); err != nil {
		miss("the client packages are not installed: run make clients-deps (npm ci in test/clients)")
	}
	return node
}

// runNode runs node with args in the clients folder against url and returns
// its combined output, failing the test if node fails.
func runNode(t *testing.T, node, url string, args ...string) string {
	t.Helper()
	schema, err := filepath.Abs("../../schema.graphqls")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, node, args...)
	cmd.Dir = clientsDir
	cmd.Env = append(os.Environ(), "C2C_URL="+url+"/graphql", "C2C_API_KEY="+clientsKey, "C2C_SCHEMA="+schema, "NODE_NO_WARNINGS=1")
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Run(); err != nil {
		t.Errorf("node %v: %v\n%s", args, err, out.String())
	}
	return out.String()
}

const clientsKey = "clients-test-key"

var auditSummary = regexp.MustCompile(`audit: (\d+) ok, (\d+) warn, (\d+) error of (\d+)`)

// TestNodeClients runs software nobody on this project wrote against a real
// c2c serve on the demo data: graphql-http's GraphQL-over-HTTP audit, and
// @apollo/client (HttpLink, persisted queries, BatchHttpLink), @urql/core
// (with persisted queries over GET), graphql-request and graphql-js's
// introspection round trip, all pinned in test/clients/package-lock.json.
func TestNodeClients(t *testing.T) {
	node := needNode(t)
	// The audit sends dozens of requests that must be refused, from one
	// address: past the default of 10 at once and one a second, c2c would
	// answer them 429 before reading them.
	url, stop := startServe(t, t.TempDir(), "-api-keys", clientsKey, "-client-refusals", "0")
	defer func() {
		if err := stop(); err != nil {
			t.Errorf("serve: %v", err)
		}
	}()

	out := runNode(t, node, url, "audit.mjs")
	m := auditSummary.FindStringSubmatch(out)
	if m == nil {
		t.Fatalf("no audit summary in:\n%s", out)
	}
	ok, _ := strconv.Atoi(m[1])
	total, _ := strconv.Atoi(m[4])
	if m[2] != "0" || m[3] != "0" || ok != total || total < 61 {
		t.Errorf("GraphQL-over-HTTP audit: %s\n%s", m[0], out)
	}
	t.Logf("graphql-http serverAudits: %s", m[0])

	out = runNode(t, node, url, "--test", "--test-reporter=spec",
		"apollo.test.mjs", "urql.test.mjs", "graphql-request.test.mjs", "schema.test.mjs")
	t.Logf("client tests:\n%s", out)
}
