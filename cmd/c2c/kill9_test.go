package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/c2c-project/c2c/internal/store/sqlitestore"
)

// childServeEnv carries the serve arguments of a child process (JSON):
// TestKill9Child is then the child, not a test.
const childServeEnv = "C2C_TEST_SERVE_CHILD_ARGS"

// TestKill9Child runs `c2c serve` when started by TestKill9KeepsAcknowledgedWrites
// and prints "READY <addr>" once it listens; otherwise it skips.
func TestKill9Child(t *testing.T) {
	raw := os.Getenv(childServeEnv)
	if raw == "" {
		t.Skip("only runs as the child process of TestKill9KeepsAcknowledgedWrites")
	}
	var args []string
	if err := json.Unmarshal([]byte(raw), &args); err != nil {
		t.Fatal(err)
	}
	ready := make(chan string, 1)
	go func() {
		fmt.Printf("READY %s\n", <-ready)
	}()
	err := run(context.Background(), &env{args: args, getenv: func(string) string { return "" }, stdout: io.Discard, stderr: os.Stderr, ready: ready})
	t.Fatalf("serve returned: %v", err)
}

// child is a `c2c serve` process on a data directory.
type child struct {
	cmd    *exec.Cmd
	url    string
	stderr *bytes.Buffer
}

func startChild(t *testing.T, dataDir string) *child {
	t.Helper()
	args, _ := json.Marshal([]string{"serve", "-addr", "127.0.0.1:0", "-data-dir", dataDir, "-demo=false", "-api-keys", "k", "-log-level", "error"})
	cmd := exec.Command(os.Args[0], "-test.run=^TestKill9Child$", "-test.v")
	cmd.Env = append(os.Environ(), childServeEnv+"="+string(args))
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	c := &child{cmd: cmd, stderr: &bytes.Buffer{}}
	cmd.Stderr = c.stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	found := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(out)
		for sc.Scan() {
			if addr, ok := strings.CutPrefix(sc.Text(), "READY "); ok {
				found <- addr
			}
		}
		_, _ = io.Copy(io.Discard, out)
	}()
	select {
	case addr := <-found:
		c.url = "http://" + addr
	case <-time.After(60 * time.Second):
		_ = cmd.Process.Kill()
		t.Fatalf("the serve child did not get ready: %s", c.stderr)
	}
	return c
}

// kill9 ends the child with SIGKILL: no shutdown, no deferred close.
func (c *child) kill9(t *testing.T) {
	t.Helper()
	if err := c.cmd.Process.Kill(); err != nil {
		t.Fatal(err)
	}
	_ = c.cmd.Wait()
}

// TestKill9KeepsAcknowledgedWrites starts `c2c serve` on the embedded
// store as its own process, writes to it from several clients, kills it
// with SIGKILL mid-load, starts it again on the same files, and repeats;
// then every write the server acknowledged must be in the store. Writes
// cut off by the kill may or may not be there: they were never
// acknowledged.
func TestKill9KeepsAcknowledgedWrites(t *testing.T) {
	if testing.Short() {
		t.Skip("kills and restarts a server process several times (about 15 s)")
	}
	dataDir := t.TempDir()
	const (
		cycles  = 3
		writers = 6
	)
	load := 2 * time.Second
	var (
		mu    sync.Mutex
		acked []string
		tried int
	)
	client := &http.Client{Timeout: 15 * time.Second}
	for cycle := range cycles {
		c := startChild(t, dataDir)
		stop := make(chan struct{})
		var wg sync.WaitGroup
		for w := range writers {
			wg.Go(func() {
				for i := 0; ; i++ {
					select {
					case <-stop:
						return
					default:
					}
					id := fmt.Sprintf("k9-%d-%d-%d", cycle, w, i)
					body, _ := json.Marshal(map[string]string{"query": fmt.Sprintf(`mutation { createActor(input: {id: %q, kind: CITY, name: "Kill %s", country: "ZA"}) { id } }`, id, id)})
					req, _ := http.NewRequest(http.MethodPost, c.url+"/graphql", bytes.NewReader(body))
					req.Header.Set("Content-Type", "application/json")
					req.Header.Set("Authorization", "Bearer k")
					resp, err := client.Do(req)
					mu.Lock()
					tried++
					mu.Unlock()
					if err != nil {
						return // the server is gone
					}
					var out struct {
						Data struct {
							CreateActor struct{ ID string } `json:"createActor"`
						} `json:"data"`
						Errors []json.RawMessage `json:"errors"`
					}
					err = json.NewDecoder(resp.Body).Decode(&out)
					resp.Body.Close()
					if err == nil && len(out.Errors) == 0 && out.Data.CreateActor.ID == id {
						mu.Lock()
						acked = append(acked, id)
						mu.Unlock()
					}
				}
			})
		}
		time.Sleep(load)
		c.kill9(t)
		close(stop)
		wg.Wait()
	}

	// Open the files the killed server left, as the next start would.
	st, err := sqlitestore.Open(t.Context(), filepath.Join(dataDir, "c2c.db"))
	if err != nil {
		entries, _ := os.ReadDir(dataDir)
		t.Fatalf("open after kill -9: %v (data dir: %v)", err, entries)
	}
	defer st.Close()
	var lost []string
	for chunk := range slices.Chunk(acked, 500) {
		got, err := st.ActorsByIDs(t.Context(), chunk)
		if err != nil {
			t.Fatal(err)
		}
		for i, a := range got {
			if a == nil {
				lost = append(lost, chunk[i])
			}
		}
	}
	t.Logf("kill -9 under write load: %d cycles, %d writers, %d writes sent, %d acknowledged, %d of them lost", cycles, writers, tried, len(acked), len(lost))
	if len(acked) < cycles {
		t.Errorf("only %d writes were acknowledged: the load did not run", len(acked))
	}
	if len(lost) > 0 {
		t.Errorf("%d acknowledged writes lost, e.g. %v", len(lost), lost[:min(5, len(lost))])
	}
}
