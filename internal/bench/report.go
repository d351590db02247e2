package bench

import (
	"encoding/json"
	"fmt"
	"image/color"
	"io"
	"math"
	"os"
	"path/filepath"
	"runtime"
	"sort"
	"strconv"
	"strings"
	"time"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/plotutil"
	"gonum.org/v1/plot/vg"
)

// Report is a whole run: what was measured and under which conditions.
type Report struct {
	Date        time.Time         `json:"date"`
	Command     string            `json:"command"`
	Machine     Machine           `json:"machine"`
	Size        Size              `json:"size"`
	Seed        int64             `json:"seed"`
	Duration    string            `json:"duration"`
	Rounds      int               `json:"rounds"`
	Warmup      string            `json:"warmup"`
	Targets     []string          `json:"targets"`
	Concurrency []int             `json:"concurrency"`
	Queries     map[string]string `json:"queries"` // name → title
	// PeakRSSMiB is the peak resident memory (VmHWM) of each server
	// process, by the name it was given.
	PeakRSSMiB map[string]float64 `json:"peakRssMiB"`
	Note       string             `json:"note,omitempty"`
	// Checks says which answers were compared with the floor's before
	// timing (see Check).
	Checks []string `json:"checks,omitempty"`
	// LoadStart and LoadEnd are the machine's load averages (1, 5 and 15
	// minutes, from /proc/loadavg) when the run started and ended: other
	// work on the machine shows here.
	LoadStart string   `json:"loadStart,omitempty"`
	LoadEnd   string   `json:"loadEnd,omitempty"`
	Results   *Results `json:"results"`
}

// LoadAverage returns the 1, 5 and 15 minute load averages of the machine
// as "1.00 0.50 0.25", or "" where /proc/loadavg cannot be read.
func LoadAverage() string {
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return ""
	}
	f := strings.Fields(string(b))
	if len(f) < 3 {
		return ""
	}
	return strings.Join(f[:3], " ")
}

// Machine describes where a run happened.
type Machine struct {
	CPU    string `json:"cpu"`
	Cores  int    `json:"cores"`
	MemGiB int    `json:"memGiB"`
	OS     string `json:"os"`
	Go     string `json:"go"`
}

// ThisMachine describes the machine the driver runs on, from /proc where
// it can.
func ThisMachine() Machine {
	m := Machine{Cores: runtime.NumCPU(), OS: runtime.GOOS + "/" + runtime.GOARCH, Go: runtime.Version()}
	if b, err := os.ReadFile("/proc/cpuinfo"); err == nil {
		for _, l := range strings.Split(string(b), "\n") {
			if strings.HasPrefix(l, "model name") {
				if _, v, ok := strings.Cut(l, ":"); ok {
					m.CPU = strings.TrimSpace(v)
					break
				}
			}
		}
	}
	if kb := procKB("/proc/meminfo", "MemTotal:"); kb > 0 {
		m.MemGiB = int((kb + 512*1024) / (1024 * 1024))
	}
	return m
}

// procKB reads a "Key:   123 kB" line of a /proc file; 0 if absent.
func procKB(path, key string) int64 {
	b, err := os.ReadFile(path)
	if err != nil {
		return 0
	}
	for _, l := range strings.Split(string(b), "\n") {
		if strings.HasPrefix(l, key) {
			f := strings.Fields(strings.TrimPrefix(l, key))
			if len(f) > 0 {
				n, _ := strconv.ParseInt(f[0], 10, 64)
				return n
			}
		}
	}
	return 0
}

// PeakRSS returns the peak resident memory of process pid in MiB (VmHWM),
// 0 if it cannot be read.
func PeakRSS(pid int) float64 {
	return float64(procKB(fmt.Sprintf("/proc/%d/status", pid), "VmHWM:")) / 1024
}

// ResetPeakRSS resets the peak resident memory of pid to its current
// resident memory, so the peak measured covers the run only (loading and
// start-up left out). It is best effort: the kernel may refuse.
func ResetPeakRSS(pid int) error {
	return os.WriteFile(fmt.Sprintf("/proc/%d/clear_refs", pid), []byte("5"), 0)
}

// WriteFiles writes report.json, report.md, throughput.png and
// latency.png into dir, creating it.
func (r *Report) WriteFiles(dir string) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("results dir: %w", err)
	}
	b, err := json.MarshalIndent(r, "", "  ")
	if err != nil {
		return fmt.Errorf("encode report: %w", err)
	}
	if err := os.WriteFile(filepath.Join(dir, "report.json"), append(b, '\n'), 0o644); err != nil {
		return fmt.Errorf("write report: %w", err)
	}
	f, err := os.Create(filepath.Join(dir, "report.md"))
	if err != nil {
		return fmt.Errorf("write report: %w", err)
	}
	r.Markdown(f)
	if err := f.Close(); err != nil {
		return fmt.Errorf("write report: %w", err)
	}
	top := r.Concurrency[len(r.Concurrency)-1]
	if err := r.chart(filepath.Join(dir, "throughput.png"), top, "throughput (requests/s)", func(c *Cell) float64 { return c.Throughput }); err != nil {
		return err
	}
	return r.chart(filepath.Join(dir, "latency.png"), top, "p99 latency (ms)", func(c *Cell) float64 { return c.P99Ms })
}

func (r *Report) workloads() []string {
	var out []string
	for _, q := range Queries {
		if _, ok := r.Queries[q.Name]; ok {
			out = append(out, q.Name)
		}
	}
	if len(r.Results.Mix) > 0 {
		out = append(out, MixName)
	}
	return out
}

func fmtMs(v float64) string {
	switch {
	case v == 0:
		return "–"
	case v < 10:
		return strconv.FormatFloat(v, 'f', 2, 64)
	case v < 100:
		return strconv.FormatFloat(v, 'f', 1, 64)
	default:
		return strconv.FormatFloat(v, 'f', 0, 64)
	}
}

// ratio formats a/b, "–" when either is missing.
func ratio(a, b float64) string {
	if a == 0 || b == 0 {
		return "–"
	}
	return strconv.FormatFloat(a/b, 'f', 2, 64) + "×"
}

// Markdown writes the report as Markdown tables: per concurrency level the
// throughput and latency of every target on every workload, then the
// ratios the targets of the project are stated in, round trips, memory,
// skipped queries and errors.
func (r *Report) Markdown(w io.Writer) {
	p := func(format string, a ...any) { fmt.Fprintf(w, format, a...) }
	res := r.Results
	p("# c2c benchmark, size %s (%d actors, %d exchanges)\n\n", r.Size.Name, r.Size.Actors, r.Size.Exchanges)
	if r.Note != "" {
		p("> %s\n\n", r.Note)
	}
	p("- date: %s\n- machine: %s, %d cores, %d GiB, %s, %s\n- command: `%s`\n- per cell: %s measured in %d interleaved rounds after a %s warm-up; seed %d\n\n",
		r.Date.Format("2006-01-02 15:04 MST"), r.Machine.CPU, r.Machine.Cores, r.Machine.MemGiB, r.Machine.OS, r.Machine.Go,
		r.Command, r.Duration, r.Rounds, r.Warmup, r.Seed)
	if r.LoadStart != "" || r.LoadEnd != "" {
		p("Load average (1, 5, 15 min) at the start: %s; at the end: %s.\n\n", r.LoadStart, r.LoadEnd)
	}
	if len(r.Checks) > 0 {
		p("Answers checked against the floor before timing:\n\n")
		for _, c := range r.Checks {
			p("- %s\n", c)
		}
		p("\n")
	}
	p("Queries: ")
	for i, q := range r.workloads() {
		if i > 0 {
			p("; ")
		}
		if q == MixName {
			p("**mix** = weighted %s", strings.Join(res.Mix, ", "))
			continue
		}
		p("**%s** = %s", q, r.Queries[q])
	}
	p(".\n\n")
	for _, conc := range r.Concurrency {
		p("## %d concurrent client(s)\n\n", conc)
		p("Throughput in requests/s; latency p50 / p99 in ms; errors counted apart.\n\n")
		p("| query |")
		for _, t := range r.Targets {
			p(" %s req/s | %s p50 / p99 |", t, t)
		}
		p("\n|---|")
		for range r.Targets {
			p("---:|---:|")
		}
		p("\n")
		for _, q := range r.workloads() {
			p("| %s |", q)
			for _, t := range r.Targets {
				c := res.Cell(t, q, conc)
				if c == nil {
					p(" – | – |")
					continue
				}
				errs := ""
				if c.Errors > 0 {
					errs = fmt.Sprintf(" (%d err)", c.Errors)
				}
				p(" %.0f%s | %s / %s |", c.Throughput, errs, fmtMs(c.P50Ms), fmtMs(c.P99Ms))
			}
			p("\n")
		}
		p("\n")
	}
	r.targetsSection(w)
	if len(res.RoundTrips) > 0 {
		p("## Store round trips per request\n\n| query |")
		var ts []string
		for t := range res.RoundTrips {
			ts = append(ts, t)
		}
		sort.Strings(ts)
		for _, t := range ts {
			p(" %s |", t)
		}
		p("\n|---|")
		for range ts {
			p("---:|")
		}
		p("\n")
		for _, q := range r.workloads() {
			if q == MixName {
				continue
			}
			p("| %s |", q)
			for _, t := range ts {
				if n, ok := res.RoundTrips[t][q]; ok {
					p(" %d |", n)
				} else {
					p(" – |")
				}
			}
			p("\n")
		}
		p("\n")
	}
	if len(r.PeakRSSMiB) > 0 {
		p("## Peak memory (VmHWM during the run)\n\n| process | MiB |\n|---|---:|\n")
		var names []string
		for n := range r.PeakRSSMiB {
			names = append(names, n)
		}
		sort.Strings(names)
		for _, n := range names {
			p("| %s | %.0f |\n", n, r.PeakRSSMiB[n])
		}
		p("\n")
	}
	if len(res.Skips) > 0 {
		p("## Skipped\n\n")
		for _, s := range res.Skips {
			p("- %s on %s: %s\n", s.Query, s.Target, s.Reason)
		}
		p("\n")
	}
	var errLines []string
	for _, c := range res.Cells {
		if c.Errors > 0 {
			errLines = append(errLines, fmt.Sprintf("- %s, %s, c=%d: %d of %d failed; first: %s", c.Target, c.Query, c.Concurrency, c.Errors, c.Requests, c.FirstError))
		}
	}
	if len(errLines) > 0 {
		p("## Errors\n\n%s\n", strings.Join(errLines, "\n"))
	}
}

// targetsSection writes the ratios the project's targets are stated in,
// for whichever of the named targets took part.
func (r *Report) targetsSection(w io.Writer) {
	p := func(format string, a ...any) { fmt.Fprintf(w, format, a...) }
	res := r.Results
	has := map[string]bool{}
	for _, t := range r.Targets {
		has[t] = true
	}
	top := r.Concurrency[len(r.Concurrency)-1]
	p("## Against the targets (reported, not asserted)\n\n")
	if has["c2c-neo4j"] && has["peer"] {
		a, b := res.Cell("c2c-neo4j", MixName, top), res.Cell("peer", MixName, top)
		if a != nil && b != nil {
			p("- mix at %d clients: c2c-neo4j throughput %s the peer's (target ≥ 3×); c2c-neo4j p99 %s the peer's (target ≤ 0.33×)\n",
				top, ratio(a.Throughput, b.Throughput), ratio(a.P99Ms, b.P99Ms))
		}
	}
	if has["c2c-sqlite"] && has["c2c-neo4j"] {
		var sa, sb float64
		for _, q := range res.Mix {
			if qq := QueryByName(q); qq != nil && qq.Mutation {
				continue
			}
			if a, b := res.Cell("c2c-sqlite", q, top), res.Cell("c2c-neo4j", q, top); a != nil && b != nil {
				sa += a.Throughput
				sb += b.Throughput
			}
		}
		p("- embedded store vs Neo4j store, read queries at %d clients (sum of per-query throughput): %s (target ≥ 2×)\n", top, ratio(sa, sb))
	}
	if has["c2c-neo4j"] && has["floor"] {
		p("\nc2c-neo4j median latency over the floor's (target ≤ 1.25×):\n\n| query |")
		for _, c := range r.Concurrency {
			p(" c=%d |", c)
		}
		p("\n|---|")
		for range r.Concurrency {
			p("---:|")
		}
		p("\n")
		for _, q := range r.workloads() {
			if q == MixName {
				continue
			}
			p("| %s |", q)
			for _, conc := range r.Concurrency {
				a, b := res.Cell("c2c-neo4j", q, conc), res.Cell("floor", q, conc)
				if a == nil || b == nil {
					p(" – |")
					continue
				}
				p(" %s |", ratio(a.P50Ms, b.P50Ms))
			}
			p("\n")
		}
	}
	p("\n")
}

// chart draws one grouped bar chart on a log scale (queries differ by
// orders of magnitude): a group per workload, a bar per target, at
// concurrency conc. Missing cells draw no bar.
func (r *Report) chart(path string, conc int, ylabel string, val func(*Cell) float64) error {
	pl := plot.New()
	pl.Title.Text = fmt.Sprintf("c2c benchmark, size %s, %d clients", r.Size.Name, conc)
	pl.Y.Label.Text = ylabel
	names := r.workloads()
	width := vg.Points(float64(60) / float64(max(1, len(r.Targets))))
	lo := math.Inf(1)
	for _, c := range r.Results.Cells {
		if v := val(c); c.Concurrency == conc && v > 0 {
			lo = min(lo, v)
		}
	}
	if math.IsInf(lo, 1) {
		lo = 1
	}
	floor := math.Pow(10, math.Floor(math.Log10(lo)))
	pl.Y.Scale = clampedLog{floor}
	pl.Y.Tick.Marker = plot.LogTicks{Prec: -1}
	for i, t := range r.Targets {
		vs := make(plotter.Values, len(names))
		for j, q := range names {
			vs[j] = floor
			if c := r.Results.Cell(t, q, conc); c != nil && val(c) > 0 {
				vs[j] = val(c)
			}
		}
		bars, err := plotter.NewBarChart(vs, width)
		if err != nil {
			return fmt.Errorf("chart: %w", err)
		}
		bars.LineStyle.Width = 0
		bars.Color = plotutil.Color(i)
		bars.Offset = vg.Length(float64(i)-float64(len(r.Targets)-1)/2) * width
		pl.Add(bars)
		pl.Legend.Add(t, bars)
	}
	// Bars start at zero, which a log scale cannot show: start the axis at
	// the decade below the smallest value instead.
	pl.Y.Min = floor
	pl.Legend.Top = true
	pl.NominalX(names...)
	pl.Add(plotter.NewGrid())
	pl.BackgroundColor = color.White
	if err := pl.Save(vg.Length(max(8, len(names)))*vg.Inch*1.2, 5*vg.Inch, path); err != nil {
		return fmt.Errorf("chart: %w", err)
	}
	return nil
}

// clampedLog is a log scale that draws values below its floor (the zero
// every bar starts from) at the floor.
type clampedLog struct{ floor float64 }

// Normalize implements plot.Normalizer.
func (c clampedLog) Normalize(lo, hi, x float64) float64 {
	lo, hi, x = max(lo, c.floor), max(hi, c.floor), max(x, c.floor)
	return plot.LogScale{}.Normalize(lo, hi, x)
}
