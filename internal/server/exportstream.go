package server

import (
	"context"
	"net/http"
	"slices"

	"github.com/vektah/gqlparser/v2/gqlerror"

	"github.com/c2c-project/c2c/internal/c2c"
)

// DefaultMaxExports is how many exports stream at once unless
// Config.MaxExports says otherwise.
const DefaultMaxExports = 2

// exportRetryAfter is the Retry-After, in seconds, of an export refused
// because as many as allowed are streaming.
const exportRetryAfter = "5"

// actorChunk is how many actors one ActorsByIDs call of an export asks for.
const actorChunk = 500

// storeSource pages an export out of the store: the exchanges by id a page
// at a time, twice (once in collect for the actors at their ends, once to
// write them), and the actors in chunks. It holds the ends' ids and one page,
// never the whole graph. An exchange written between the two passes is
// left out, and so is one whose end was deleted meanwhile, so that every
// edge written has both its nodes.
type storeSource struct {
	ctx    context.Context
	store  c2c.Store
	filter c2c.ExchangeFilter
	last   string          // id of the last exchange of the first pass
	ends   []string        // ids of the actors at the ends, sorted
	nodes  map[string]bool // actors written
}

// eachExchange calls fn for every exchange the filter selects, in id
// order, up to and including id upTo when it is not empty.
func (s *storeSource) eachExchange(upTo string, fn func(*c2c.Exchange) error) error {
	q := c2c.ExchangeQuery{Filter: s.filter, Order: c2c.OrderExIDAsc, First: c2c.MaxPageSize}
	for {
		page, err := s.store.Exchanges(s.ctx, q)
		if err != nil {
			return err
		}
		for _, x := range page.Exchanges {
			if upTo != "" && x.ID > upTo {
				return nil
			}
			if err := fn(x); err != nil {
				return err
			}
		}
		if !page.HasNext || len(page.Exchanges) == 0 {
			return nil
		}
		c := c2c.ExchangeCursor(q.Order, page.Exchanges[len(page.Exchanges)-1])
		q.After = &c
	}
}

// collect makes the first pass: the ids of the actors at the ends of the
// exchanges, sorted. It runs before anything is written, so that a store
// failing at once is answered with a coded error.
func (s *storeSource) collect() error {
	ends := map[string]bool{}
	err := s.eachExchange("", func(x *c2c.Exchange) error {
		ends[x.SourceID], ends[x.TargetID] = true, true
		s.last = x.ID
		return nil
	})
	if err != nil {
		return err
	}
	s.ends = make([]string, 0, len(ends))
	for id := range ends {
		s.ends = append(s.ends, id)
	}
	slices.Sort(s.ends)
	return nil
}

// Nodes implements export.Source.
func (s *storeSource) Nodes(fn func(*c2c.Actor) error) error {
	s.nodes = make(map[string]bool, len(s.ends))
	for chunk := range slices.Chunk(s.ends, actorChunk) {
		actors, err := s.store.ActorsByIDs(s.ctx, chunk)
		if err != nil {
			return err
		}
		for _, a := range actors {
			if a == nil {
				continue
			}
			s.nodes[a.ID] = true
			if err := fn(a); err != nil {
				return err
			}
		}
	}
	return nil
}

// Edges implements export.Source.
func (s *storeSource) Edges(fn func(*c2c.Exchange) error) error {
	if s.last == "" {
		return nil
	}
	return s.eachExchange(s.last, func(x *c2c.Exchange) error {
		if !s.nodes[x.SourceID] || !s.nodes[x.TargetID] {
			return nil
		}
		return fn(x)
	})
}

// acquireExport takes an export slot, or answers 503 UNAVAILABLE with
// Retry-After and returns false when every slot is streaming.
func (s *Server) acquireExport(w http.ResponseWriter) (release func(), ok bool) {
	select {
	case s.exports <- struct{}{}:
		return func() { <-s.exports }, true
	default:
	}
	w.Header().Set("Retry-After", exportRetryAfter)
	writeExportJSON(w, http.StatusServiceUnavailable, &gqlerror.Error{
		Message:    "as many exports as this server allows are streaming: retry later",
		Extensions: map[string]any{"code": c2c.KindUnavailable.String()},
	})
	return nil, false
}

// writeExportDenied answers an export whose credential falls short: 401
// (with WWW-Authenticate) or 403, with the coded error.
func writeExportDenied(w http.ResponseWriter, err *gqlerror.Error) {
	status := http.StatusForbidden
	if err.Extensions["code"] == c2c.KindUnauthenticated.String() {
		status = http.StatusUnauthorized
		w.Header().Set("WWW-Authenticate", `Bearer realm="c2c"`)
	}
	writeExportJSON(w, status, err)
}

func writeExportJSON(w http.ResponseWriter, status int, err *gqlerror.Error) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	_ = jsonEncode(w, struct {
		Errors gqlerror.List `json:"errors"`
	}{gqlerror.List{err}})
}
