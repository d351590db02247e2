package server

import (
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"

	"github.com/vektah/gqlparser/v2/gqlerror"

	"github.com/c2c-project/c2c/internal/c2c"
	"github.com/c2c-project/c2c/internal/export"
)

// exportParams are the query parameters /export accepts. List parameters
// take comma-separated values, repeated or not (themes=a,b&themes=c).
var exportParams = map[string]bool{
	"format": true, "themes": true, "from": true, "to": true, "countries": true,
	"actor": true, "programme": true, "kinds": true, "class": true, "definition": true,
}

// export streams the exchanges the query parameters select, and the actors
// at their ends, as GraphML, GEXF or CSV (a zip of nodes.csv and
// edges.csv) for Gephi, NetworkX or R. It is a read, under the rules of
// GraphQL reads: open to all unless reads need a credential. It streams a
// page of the store at a time (storeSource), in constant memory, and at
// most Config.MaxExports stream at once: one more is answered 503
// UNAVAILABLE with Retry-After. A bad parameter is answered 400 with a
// JSON error naming it; a filter selecting more exchanges than the
// analysis limit too.
func (s *Server) export(w http.ResponseWriter, r *http.Request) {
	if err := s.allow(credentialOf(r.Context()), RoleReader); err != nil {
		writeExportDenied(w, err)
		return
	}
	format, f, err := parseExport(r.URL.Query())
	if err != nil {
		s.writeExportError(w, r, err)
		return
	}
	release, ok := s.acquireExport(w)
	if !ok {
		return
	}
	defer release()
	err = s.checkExportThemes(r, f.ThemesAny)
	if err == nil {
		err = s.checkExportSize(r, f)
	}
	if err != nil {
		s.writeExportError(w, r, err)
		return
	}
	src := &storeSource{ctx: r.Context(), store: s.backing(), filter: f}
	if err := src.collect(); err != nil {
		s.writeExportError(w, r, err)
		return
	}
	// The status line goes with the first bytes: until then a failing
	// store is answered with a coded error.
	sw := &startedWriter{w: w, start: func() {
		w.Header().Set("Content-Type", format.ContentType())
		w.Header().Set("Content-Disposition", fmt.Sprintf(`attachment; filename="c2c-export%s"`, format.Extension()))
	}}
	if err := export.WriteFrom(sw, src, format); err != nil {
		if !sw.started {
			s.writeExportError(w, r, err)
			return
		}
		// The status line has gone: all that is left is to log.
		s.log.ErrorContext(r.Context(), "export failed while streaming", "err", err.Error(), "format", string(format))
	}
}

// startedWriter calls start before the first write, so headers can be set
// as late as the first byte.
type startedWriter struct {
	w       http.ResponseWriter
	start   func()
	started bool
}

func (s *startedWriter) Write(p []byte) (int, error) {
	if !s.started {
		s.started = true
		s.start()
	}
	return s.w.Write(p)
}

// parseExport reads the format and the exchange filter from q; KindInvalid
// naming the parameter for a bad or unknown one.
func parseExport(q url.Values) (export.Format, c2c.ExchangeFilter, error) {
	var f c2c.ExchangeFilter
	for name := range q {
		if !exportParams[name] {
			return "", f, c2c.Invalid(name, "is not a parameter of /export (format, themes, from, to, countries, actor, programme, kinds, class, definition)")
		}
	}
	format := export.GraphML
	if v := q.Get("format"); v != "" {
		var err error
		if format, err = export.ParseFormat(v); err != nil {
			return "", f, c2c.Invalid("format", "%q is not graphml, gexf or csv", v)
		}
	}
	f.ThemesAny = list(q, "themes")
	for _, t := range f.ThemesAny {
		if err := (c2c.ExchangeFilter{ThemesAny: []string{t}}).Validate(""); err != nil {
			return "", f, c2c.Invalid("themes", "%q is not a theme id", t)
		}
	}
	var err error
	if f.From, err = c2c.ParseOptionalDate("from", q.Get("from")); err != nil {
		return "", f, err
	}
	if f.To, err = c2c.ParseOptionalDate("to", q.Get("to")); err != nil {
		return "", f, err
	}
	if f.From != nil && f.To != nil && f.To.LastKey() < f.From.FirstKey() {
		return "", f, c2c.Invalid("to", "%s is before from %s: the window is empty", f.To, f.From)
	}
	f.Countries = list(q, "countries")
	for i, c := range f.Countries {
		f.Countries[i] = strings.ToUpper(c)
		if _, ok := c2c.CountryByCode(f.Countries[i]); !ok {
			return "", f, c2c.Invalid("countries", "%q is not a known ISO 3166-1 alpha-2 code", c)
		}
	}
	if q.Has("actor") {
		f.ActorID = strings.TrimSpace(q.Get("actor"))
		if err := c2c.ValidateID("actor", f.ActorID); err != nil {
			return "", f, err
		}
	}
	f.Programme = strings.TrimSpace(q.Get("programme"))
	for _, k := range list(q, "kinds") {
		kind := c2c.ExchangeKind(strings.ToUpper(k))
		if !kind.Valid() {
			return "", f, c2c.Invalid("kinds", "%q is not an exchange kind", k)
		}
		f.Kinds = append(f.Kinds, kind)
	}
	class, def := q.Get("class"), q.Get("definition")
	switch {
	case class == "" && def != "":
		return "", f, c2c.Invalid("definition", "applies only with class")
	case class != "":
		c := c2c.ClassFilter{Class: c2c.EdgeClass(strings.ToUpper(class)), Definition: c2c.Definition(strings.ToUpper(def))}
		if !c.Class.Valid() {
			return "", f, c2c.Invalid("class", "%q is not SOUTH_SOUTH, NORTH_SOUTH, NORTH_NORTH or UNKNOWN", class)
		}
		if !c.Definition.Valid() {
			return "", f, c2c.Invalid("definition", "%q is not G77, M49_DEVELOPING_2020 or WORLD_BANK_NON_HIGH_INCOME", def)
		}
		f.Class = &c
	}
	// A backstop for rules the parameters above do not repeat (lengths).
	if err := f.Validate("filter"); err != nil {
		return "", f, err
	}
	return format, f, nil
}

// list returns the comma-separated values of parameter name, trimmed,
// empty ones dropped.
func list(q url.Values, name string) []string {
	var out []string
	for _, v := range q[name] {
		for _, s := range strings.Split(v, ",") {
			if s = strings.TrimSpace(s); s != "" {
				out = append(out, s)
			}
		}
	}
	return out
}

// checkExportThemes reports the first theme outside the vocabulary.
func (s *Server) checkExportThemes(r *http.Request, themes []string) error {
	if len(themes) == 0 {
		return nil
	}
	ts, err := s.store.Themes(r.Context())
	if err != nil {
		return err
	}
	known := map[string]bool{}
	for _, t := range ts {
		known[t.ID] = true
	}
	for _, t := range themes {
		if !known[t] {
			return c2c.Invalid("themes", "%q is not in the theme vocabulary", t)
		}
	}
	return nil
}

// checkExportSize refuses a filter selecting more exchanges than the
// analysis limit, counting before loading.
func (s *Server) checkExportSize(r *http.Request, f c2c.ExchangeFilter) error {
	page, err := s.backing().Exchanges(r.Context(), c2c.ExchangeQuery{Filter: f, Order: c2c.OrderExIDAsc, First: 1, WantTotal: true})
	if err != nil {
		return err
	}
	if page.TotalCount > s.cfg.MaxGraphEdges {
		return c2c.Invalid("filter", "%d exchanges match, more than the export limit of %d: narrow the filter", page.TotalCount, s.cfg.MaxGraphEdges)
	}
	return nil
}

// writeExportError answers a failed export with a JSON error shaped like
// a GraphQL response's: extensions.code from the error's kind and, for bad
// input, extensions.field naming the parameter. Internal details are
// logged, never shown.
func (s *Server) writeExportError(w http.ResponseWriter, r *http.Request, err error) {
	kind := c2c.KindOf(err)
	status := http.StatusInternalServerError
	ge := &gqlerror.Error{Message: "internal error", Extensions: map[string]any{"code": kind.String()}}
	var de *c2c.Error
	switch {
	case kind == c2c.KindInvalid && errors.As(err, &de):
		status = http.StatusBadRequest
		ge.Message = err.Error()
		if de.Field != "" {
			ge.Extensions["field"] = de.Field
		}
	case kind == c2c.KindUnavailable:
		status = http.StatusServiceUnavailable
		ge.Message = "the store is unavailable"
	case errors.Is(err, r.Context().Err()) && r.Context().Err() != nil:
		status = http.StatusServiceUnavailable
		ge.Extensions["code"] = c2c.KindUnavailable.String()
		ge.Message = "the request timed out or was cancelled"
	default:
		ge.Extensions["code"] = c2c.KindInternal.String()
		s.log.ErrorContext(r.Context(), "export failed", "err", err.Error())
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = jsonEncode(w, struct {
		Errors gqlerror.List `json:"errors"`
	}{gqlerror.List{ge}})
}
