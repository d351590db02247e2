package explorer_test

// The explorer's and GraphiQL's tests in a real headless Chromium (Debian's
// chromium, driven by chromedp), against a real c2c server on the embedded
// store. Every request to a host other than 127.0.0.1 is failed and
// recorded, so the tests prove the pages work offline; console errors and
// uncaught exceptions (Content-Security-Policy violations among them) fail
// the test. Screenshots go to testdata/screenshots (not committed).

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"image"
	"image/png"
	"io"
	"log/slog"
	"net/http/httptest"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/fetch"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"

	"github.com/c2c-project/c2c/internal/bench"
	"github.com/c2c-project/c2c/internal/c2c"
	"github.com/c2c-project/c2c/internal/demo"
	"github.com/c2c-project/c2c/internal/server"
	"github.com/c2c-project/c2c/internal/store/sqlitestore"
)

// chromiumPath finds the browser: C2C_CHROMIUM, else Debian's chromium.
func chromiumPath() string {
	if p := os.Getenv("C2C_CHROMIUM"); p != "" {
		return p
	}
	for _, p := range []string{"/usr/bin/chromium", "/usr/bin/chromium-browser"} {
		if _, err := os.Stat(p); err == nil {
			return p
		}
	}
	if p, err := exec.LookPath("chromium"); err == nil {
		return p
	}
	return ""
}

// fixture is a running c2c server over a store holding a batch.
type fixture struct {
	url   string
	batch c2c.Batch
	store c2c.Store
}

var (
	fixtures   = map[string]*fixture{}
	fixturesMu sync.Mutex
	cleanups   []func()
	browserCtx context.Context
	browserErr error
	browserMu  sync.Mutex
)

func TestMain(m *testing.M) {
	code := m.Run()
	for i := len(cleanups) - 1; i >= 0; i-- {
		cleanups[i]()
	}
	os.Exit(code)
}

// generatedSize is the graph most tests explore: big enough for hubs,
// dates over decades, every region and a whole network over the
// aggregation threshold (5,000 exchanges), small enough to load in seconds.
var generatedSize = bench.Size{Name: "browser", Actors: 400, Exchanges: 6000}

// mustFixture starts (once per test binary) the server called name: "demo"
// (the demo data) or "generated" (the benchmark generator's graph at
// generatedSize).
func mustFixture(t *testing.T, name string) *fixture {
	t.Helper()
	fixturesMu.Lock()
	defer fixturesMu.Unlock()
	if f, ok := fixtures[name]; ok {
		return f
	}
	var b c2c.Batch
	switch name {
	case "demo":
		b = demo.Batch()
	case "generated":
		g := bench.NewGenerator(7, generatedSize)
		_ = g.Batches(1<<20, func(part c2c.Batch) error {
			b.Themes = append(b.Themes, part.Themes...)
			b.Actors = append(b.Actors, part.Actors...)
			b.Exchanges = append(b.Exchanges, part.Exchanges...)
			b.Memberships = append(b.Memberships, part.Memberships...)
			return nil
		})
	default:
		t.Fatalf("no fixture %q", name)
	}
	dir, err := os.MkdirTemp("", "c2c-explorer-")
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	st, err := sqlitestore.Open(ctx, filepath.Join(dir, "c2c.db"))
	if err != nil {
		t.Fatalf("open store: %v", err)
	}
	if _, err := st.Import(ctx, b); err != nil {
		t.Fatalf("import %s: %v", name, err)
	}
	// The limits c2c serve applies by default.
	srv := server.New(st, server.Config{MaxComplexity: 100_000}, slog.New(slog.NewTextHandler(io.Discard, nil)))
	ts := httptest.NewServer(srv.Handler())
	cleanups = append(cleanups, func() { ts.Close(); _ = st.Close(); _ = os.RemoveAll(dir) })
	f := &fixture{url: ts.URL, batch: b, store: st}
	fixtures[name] = f
	return f
}

// mustBrowser starts Chromium once per test binary. Without a browser the
// tests skip, except under CI=true, where they fail: CI installs it.
func mustBrowser(t *testing.T) context.Context {
	t.Helper()
	browserMu.Lock()
	defer browserMu.Unlock()
	if browserCtx == nil && browserErr == nil {
		path := chromiumPath()
		if path == "" {
			browserErr = fmt.Errorf("no Chromium found (install Debian's chromium, or set C2C_CHROMIUM)")
		} else {
			dir, err := os.MkdirTemp("", "c2c-chromium-")
			if err != nil {
				t.Fatal(err)
			}
			opts := []chromedp.ExecAllocatorOption{
				chromedp.ExecPath(path),
				chromedp.UserDataDir(dir),
				chromedp.Flag("headless", true),
				chromedp.NoSandbox,
				chromedp.DisableGPU,
				chromedp.NoFirstRun,
				chromedp.NoDefaultBrowserCheck,
				chromedp.Flag("disable-background-networking", true),
				chromedp.Flag("disable-component-update", true),
				chromedp.Flag("disable-sync", true),
				chromedp.Flag("disable-quic", true),
				chromedp.Flag("disable-extensions", true),
				chromedp.Flag("disable-default-apps", true),
				chromedp.Flag("mute-audio", true),
				chromedp.Flag("hide-scrollbars", true),
				// Any host but loopback resolves to nothing, beside the
				// request interception every page gets.
				chromedp.Flag("host-resolver-rules", "MAP * ~NOTFOUND, EXCLUDE 127.0.0.1"),
				chromedp.WindowSize(1400, 900),
			}
			actx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
			bctx, cancelBrowser := chromedp.NewContext(actx)
			if err := chromedp.Do(bctx); err != nil {
				browserErr = fmt.Errorf("start %s: %w", path, err)
				cancelBrowser()
				cancelAlloc()
			} else {
				browserCtx = bctx
				cleanups = append(cleanups, func() { cancelBrowser(); cancelAlloc(); _ = os.RemoveAll(dir) })
			}
		}
	}
	if browserErr != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("browser tests cannot run: %v", browserErr)
		}
		t.Skipf("browser tests skipped: %v", browserErr)
	}
	return browserCtx
}

// page is one tab, with what it has asked of the network and what it has
// said on the console.
type page struct {
	t *testing.T
	// ctx is the tab's chromedp context.
	ctx      context.Context
	mu       sync.Mutex
	blocked  []string
	problems []string
}

// openPage opens a new tab on base+path with every non-loopback request
// failed, and checks at the end of the test that none was made and that
// the console stayed clean.
func openPage(t *testing.T, base, path string) *page {
	t.Helper()
	bctx := mustBrowser(t)
	p := &page{t: t}
	var tab context.Context
	listener := func(ev any) {
		switch e := ev.(type) {
		case *fetch.EventRequestPaused:
			id, u := e.RequestID, e.Request.URL
			go func() {
				if loopback(u) {
					_, _ = chromedp.Call(tab, fetch.ContinueRequest, fetch.ContinueRequestParams{RequestID: id})
					return
				}
				p.mu.Lock()
				p.blocked = append(p.blocked, u)
				p.mu.Unlock()
				_, _ = chromedp.Call(tab, fetch.FailRequest, fetch.FailRequestParams{RequestID: id, ErrorReason: network.ErrorReasonBlockedByClient})
			}()
		case *runtime.EventExceptionThrown:
			p.mu.Lock()
			msg := e.ExceptionDetails.Text
			if ex := e.ExceptionDetails.Exception; ex != nil {
				msg += " " + ex.Description
			}
			p.problems = append(p.problems, fmt.Sprintf("exception at %s:%d: %s", e.ExceptionDetails.URL, e.ExceptionDetails.LineNumber+1, msg))
			p.mu.Unlock()
		case *runtime.EventConsoleAPICalled:
			if e.Type == runtime.ConsoleAPICalledTypeError || e.Type == runtime.ConsoleAPICalledTypeAssert {
				var parts []string
				for _, a := range e.Args {
					parts = append(parts, string(a.Value)+a.Description)
				}
				p.mu.Lock()
				p.problems = append(p.problems, "console error: "+strings.Join(parts, " "))
				p.mu.Unlock()
			}
		}
	}
	ctx, cancel := chromedp.NewContext(bctx, chromedp.WithListener(listener))
	tab = ctx
	ctx, cancelTimeout := context.WithTimeout(ctx, 120*time.Second)
	p.ctx = ctx
	if _, err := chromedp.Call(ctx, fetch.Enable, fetch.EnableParams{Patterns: []*fetch.RequestPattern{{URLPattern: "*"}}}); err != nil {
		t.Fatalf("intercept requests: %v", err)
	}
	if err := chromedp.Do(ctx, chromedp.Navigate(base+path)); err != nil {
		t.Fatalf("open %s: %v", path, err)
	}
	t.Cleanup(func() {
		p.mu.Lock()
		defer p.mu.Unlock()
		if len(p.blocked) > 0 {
			t.Errorf("the page asked for hosts other than loopback: %v", p.blocked)
		}
		for _, pr := range p.problems {
			t.Errorf("page: %s", pr)
		}
		cancelTimeout()
		cancel()
	})
	return p
}

func loopback(raw string) bool {
	u, err := url.Parse(raw)
	if err != nil {
		return false
	}
	switch u.Scheme {
	case "data", "blob":
		return true
	}
	return u.Hostname() == "127.0.0.1"
}

// do runs chromedp actions, failing the test on error.
func (p *page) do(actions ...chromedp.Action[chromedp.Void]) {
	p.t.Helper()
	if err := chromedp.Do(p.ctx, actions...); err != nil {
		p.t.Fatalf("browser: %v", err)
	}
}

// eval evaluates a JavaScript expression (awaiting a promise) and decodes
// its JSON value into out (nil ignores it).
func (p *page) eval(expr string, out any) {
	p.t.Helper()
	raw, err := chromedp.Run(p.ctx, chromedp.Evaluate[[]byte](expr, chromedp.EvalAwaitPromise))
	if err != nil {
		p.t.Fatalf("evaluate %.80s: %v", expr, err)
	}
	if out != nil {
		if err := json.Unmarshal(raw, out); err != nil {
			p.t.Fatalf("evaluate %.80s: decode %.200s: %v", expr, raw, err)
		}
	}
}

// waitFor polls a JavaScript condition until it holds (or 30 s pass).
func (p *page) waitFor(what, cond string) {
	p.t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for {
		ok, err := chromedp.Run(p.ctx, chromedp.Evaluate[bool](fmt.Sprintf("!!(%s)", cond)))
		if err == nil && ok {
			return
		}
		if time.Now().After(deadline) {
			state, _ := chromedp.Run(p.ctx, chromedp.Evaluate[string](`JSON.stringify({ready: window.__c2c?.ready, mode: window.__c2c?.mode, order: window.__c2c?.order, note: window.__c2c?.note, error: window.__c2c?.error, state: window.__c2c?.state})`))
			p.t.Fatalf("waiting for %s (%s): timed out; err %v; hook %s", what, cond, err, state)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// ready waits until the explorer has loaded and answered every request.
func (p *page) ready() {
	p.t.Helper()
	p.waitFor("the explorer to be ready", `window.__c2c && window.__c2c.ready`)
}

// settle waits until the explorer is ready and stops the layout, so nodes
// stay where the test clicks.
func (p *page) settle() {
	p.t.Helper()
	p.ready()
	p.eval(`window.__c2c.stopLayout(), true`, nil)
	time.Sleep(100 * time.Millisecond)
}

// hook reads window.__c2c.<expr> into out.
func (p *page) hook(expr string, out any) {
	p.t.Helper()
	p.eval("window.__c2c."+expr, out)
}

// shot saves a screenshot of the page as testdata/screenshots/name.png
// and returns the picture of the element sel (the whole page for "").
func (p *page) shot(name, sel string) image.Image {
	p.t.Helper()
	full, err := chromedp.Run(p.ctx, chromedp.CaptureScreenshot())
	if err != nil {
		p.t.Fatalf("screenshot: %v", err)
	}
	dir := filepath.Join("testdata", "screenshots")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		p.t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, name+".png"), full, 0o644); err != nil {
		p.t.Fatal(err)
	}
	buf := full
	if sel != "" {
		if buf, err = chromedp.Run(p.ctx, chromedp.Screenshot(chromedp.CSS(sel), chromedp.NodeVisible)); err != nil {
			p.t.Fatalf("screenshot of %s: %v", sel, err)
		}
	}
	img, err := png.Decode(bytes.NewReader(buf))
	if err != nil {
		p.t.Fatalf("screenshot %s: %v", name, err)
	}
	return img
}

// inkShare returns the share of pixels of img that differ clearly from
// its most common colour (the background).
func inkShare(img image.Image) float64 {
	b := img.Bounds()
	counts := map[[3]uint32]int{}
	for y := b.Min.Y; y < b.Max.Y; y += 2 {
		for x := b.Min.X; x < b.Max.X; x += 2 {
			r, g, bl, _ := img.At(x, y).RGBA()
			counts[[3]uint32{r >> 10, g >> 10, bl >> 10}]++
		}
	}
	var bg [3]uint32
	total, most := 0, 0
	for c, n := range counts {
		total += n
		if n > most {
			bg, most = c, n
		}
	}
	ink := 0
	for c, n := range counts {
		d := absDiff(c[0], bg[0]) + absDiff(c[1], bg[1]) + absDiff(c[2], bg[2])
		if d > 6 {
			ink += n
		}
	}
	return float64(ink) / float64(max(total, 1))
}

func absDiff(a, b uint32) uint32 {
	if a > b {
		return a - b
	}
	return b - a
}

// mustDrawn checks that the element sel shows a picture, not a blank
// canvas, and saves the screenshot as name.
func (p *page) mustDrawn(name, sel string) {
	p.t.Helper()
	if share := inkShare(p.shot(name, sel)); share < 0.003 {
		p.t.Errorf("%s: %s looks blank (%.4f of its pixels differ from the background)", name, sel, share)
	}
}

// click clicks the element sel (by query).
func (p *page) click(sel string) {
	p.t.Helper()
	p.do(chromedp.Click(chromedp.CSS(sel), chromedp.NodeVisible))
}

// setSelect sets a <select> (or input) to value and fires change, as a
// user's pick does.
func (p *page) setSelect(sel, value string) {
	p.t.Helper()
	js := fmt.Sprintf(`(() => { const e = document.querySelector(%q); e.value = %q; e.dispatchEvent(new Event('change', {bubbles: true})); return e.value; })()`, sel, value)
	var got string
	p.eval(js, &got)
	if got != value {
		p.t.Fatalf("%s has no option %q", sel, value)
	}
}

// clear empties the input sel.
func (p *page) clear(sel string) {
	p.t.Helper()
	p.eval(fmt.Sprintf(`document.querySelector(%q).value = ''`, sel), nil)
}

// jsonOf is a compact JSON string of v, for messages.
func jsonOf(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}
