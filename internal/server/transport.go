package server

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"mime"
	"net/http"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"

	gqlgraph "github.com/c2c-project/c2c/graph"
	"github.com/c2c-project/c2c/internal/c2c"
	"github.com/c2c-project/c2c/internal/graphmem"
)

// Response media types of the GraphQL-over-HTTP specification.
const (
	mediaJSON            = "application/json"
	mediaGraphQLResponse = "application/graphql-response+json"
)

// Bounds on the errors of one response: a document with thousands of
// mistakes gets the first MaxErrors and a note of how many were left out,
// and no message is longer than MaxErrorMessage bytes.
const (
	MaxErrors       = 100
	MaxErrorMessage = 1000
)

// httpTransport is the one gqlgen transport of /graphql: GraphQL over HTTP
// as the specification (graphql.github.io/graphql-over-http) describes it,
// plus batching. It replaces gqlgen's GET and POST transports, which answer
// an undecodable body with an uncoded error that echoes the body, give
// every request error 422 under application/json, keep "data": null
// where application/graphql-response+json must have no data entry, answer
// a GET mutation with 406, and do not batch.
//
//   - Content negotiation: Accept picks application/graphql-response+json
//     or application/json (also for */*, application/* and no Accept); an
//     Accept header naming neither is 406.
//   - POST needs Content-Type application/json (UTF-8): anything else is 415,
//     which also keeps HTML forms and text/plain "simple requests" out.
//   - GET takes query, operationName, variables and extensions from the URL
//     and runs queries only: a mutation is 405 with Allow: POST.
//   - An undecodable request is 400 with code BAD_REQUEST. Other request
//     errors (parse, validation, limits, variables, authorisation) are 200
//     under application/json and 4xx with no data entry under
//     application/graphql-response+json. A response with data is 200.
//   - A JSON array body is a batch: its operations run in order, share the
//     request's time limit, complexity budget and the field and merge
//     budgets of validation, and are answered as an array in the same order
//     with status 200.
type httpTransport struct {
	maxBatch      int
	maxComplexity int
	maxFields     int
	maxMergePairs int
	// graph is the in-process graph whose version responses carry; nil
	// when there is none.
	graph          *graphmem.Graph
	minVersionWait time.Duration
	log            *slog.Logger
}

var _ graphql.Transport = httpTransport{}

// Supports implements graphql.Transport: every request to /graphql is
// answered here, with a coded error when it is not GraphQL over HTTP.
func (httpTransport) Supports(*http.Request) bool { return true }

// Do implements graphql.Transport.
func (t httpTransport) Do(w http.ResponseWriter, r *http.Request, exec graphql.GraphExecutor) {
	ctx := r.Context()
	media, ok := negotiate(r.Header.Get("Accept"))
	if !ok {
		writeCoded(w, http.StatusNotAcceptable, CodeBadRequest,
			"none of the media types in Accept can be served: accept application/graphql-response+json or application/json")
		return
	}
	w.Header().Add("Vary", "Accept")
	start := graphql.Now()
	switch r.Method {
	case http.MethodGet, http.MethodHead:
		p, err := DecodeQuery(r.URL.RawQuery)
		if err != nil {
			t.refuse(ctx, w, exec, media, err)
			return
		}
		p.Headers = r.Header
		p.ReadTime = graphql.TraceTiming{Start: start, End: graphql.Now()}
		resp, method := t.execute(ctx, exec, p, true)
		if method {
			w.Header().Set("Allow", http.MethodPost)
			writeResponse(w, media, http.StatusMethodNotAllowed, resp)
			return
		}
		writeResponse(w, media, statusOf(media, resp), resp)
	case http.MethodPost:
		if msg := checkContentType(r.Header.Get("Content-Type")); msg != "" {
			writeCoded(w, http.StatusUnsupportedMediaType, CodeBadRequest, msg)
			return
		}
		body, err := io.ReadAll(r.Body)
		if err != nil {
			t.refuse(ctx, w, exec, media, badRequest("the request body could not be read"))
			return
		}
		ops, batch, err := DecodeBody(body, t.maxBatch)
		if err != nil {
			t.refuse(ctx, w, exec, media, err)
			return
		}
		end := graphql.Now()
		for _, p := range ops {
			p.Headers = r.Header
			p.ReadTime = graphql.TraceTiming{Start: start, End: end}
		}
		if !batch {
			resp, _ := t.execute(ctx, exec, ops[0], false)
			writeResponse(w, media, statusOf(media, resp), resp)
			return
		}
		t.batch(ctx, w, exec, media, ops)
	default:
		w.Header().Set("Allow", "GET, POST")
		writeCoded(w, http.StatusMethodNotAllowed, CodeBadRequest,
			fmt.Sprintf("method %s is not allowed on /graphql: use POST, or GET for queries", r.Method))
	}
}

// batch runs ops in order under one complexity budget and writes their
// responses as one JSON array.
func (t httpTransport) batch(ctx context.Context, w http.ResponseWriter, exec graphql.GraphExecutor, media string, ops []*graphql.RawParams) {
	ctx = withBudget(ctx, &budget{left: t.maxComplexity, fieldsLeft: t.maxFields, pairsLeft: t.maxMergePairs, batch: true})
	out := make([]*wireResponse, len(ops))
	for i, p := range ops {
		resp, _ := t.execute(ctx, exec, p, false)
		out[i] = wire(resp)
		setVersionHeader(w, resp)
	}
	writeJSON(w, media, http.StatusOK, out)
}

// refuse answers a request that did not decode: 400 with code BAD_REQUEST,
// through the executor so that metrics and the access log see it.
func (httpTransport) refuse(ctx context.Context, w http.ResponseWriter, exec graphql.GraphExecutor, media string, err error) {
	msg := err.Error()
	resp := exec.DispatchError(ctx, gqlerror.List{{Message: msg, Extensions: map[string]any{"code": CodeBadRequest}}})
	writeResponse(w, media, http.StatusBadRequest, resp)
}

// execute runs one operation. With get it refuses anything but a query
// and reports that as method: the caller answers 405.
func (t httpTransport) execute(ctx context.Context, exec graphql.GraphExecutor, p *graphql.RawParams, get bool) (resp *graphql.Response, method bool) {
	if ctx.Err() != nil {
		return exec.DispatchError(ctx, gqlerror.List{timedOut()}), false
	}
	oc, errs := exec.CreateOperationContext(ctx, p)
	if errs != nil {
		return exec.DispatchError(graphql.WithOperationContext(ctx, oc), errs), false
	}
	if t.graph == nil {
		return dispatch(ctx, exec, oc, get)
	}
	// The snapshot a query reads: at least the version the client asked
	// for (a write it made through another replica), else the current one.
	sn := t.graph.Snapshot()
	if h := p.Headers.Get(MinVersionHeader); h != "" {
		v, err := strconv.ParseUint(strings.TrimSpace(h), 10, 64)
		if err != nil {
			return t.versioned(exec.DispatchError(graphql.WithOperationContext(ctx, oc), gqlerror.List{{
				Message:    fmt.Sprintf("header %s: %q is not a data version (a non-negative integer from a C2C-Version header)", MinVersionHeader, h),
				Extensions: map[string]any{"code": CodeBadRequest},
			}}), t.graph.Version()), false
		}
		if sn, err = t.graph.WaitFor(ctx, v, t.minVersionWait); err != nil {
			return t.versioned(exec.DispatchError(graphql.WithOperationContext(ctx, oc), gqlerror.List{{
				Message: err.Error(), Extensions: map[string]any{"code": c2c.KindUnavailable.String()},
			}}), t.graph.Version()), false
		}
	}
	mutation := oc.Operation != nil && oc.Operation.Operation == ast.Mutation
	if !mutation {
		ctx = graphmem.WithSnapshot(ctx, sn)
	}
	resp, method = dispatch(ctx, exec, oc, get)
	version := sn.Version()
	if mutation && !method {
		// What this request wrote is already in the graph: the server's
		// store is the graph's write-through store, which catches up
		// once its transaction committed (graphmem.Store.Write).
		version = t.graph.Version()
	}
	return t.versioned(resp, version), method
}

// versioned records the data version a response shows in its extensions.
func (httpTransport) versioned(resp *graphql.Response, version uint64) *graphql.Response {
	if resp.Extensions == nil {
		resp.Extensions = map[string]any{}
	}
	resp.Extensions["version"] = version
	return resp
}

// MinVersionHeader is the request header that makes a request wait until
// the in-process graph has reached a data version; VersionHeader is the
// response header that gives the version a response shows.
const (
	MinVersionHeader = "C2C-Min-Version"
	VersionHeader    = "C2C-Version"
)

// setVersionHeader sets C2C-Version from the response's extensions.version.
func setVersionHeader(w http.ResponseWriter, resp *graphql.Response) {
	if v, ok := resp.Extensions["version"].(uint64); ok {
		w.Header().Set(VersionHeader, strconv.FormatUint(v, 10))
	}
}

// dispatch runs the operation of oc.
func dispatch(ctx context.Context, exec graphql.GraphExecutor, oc *graphql.OperationContext, get bool) (resp *graphql.Response, method bool) {
	if get && oc.Operation.Operation != ast.Query {
		err := &gqlerror.Error{
			Message:    fmt.Sprintf("GET requests run queries only; send this %s as a POST", oc.Operation.Operation),
			Extensions: map[string]any{"code": CodeBadRequest},
		}
		return exec.DispatchError(graphql.WithOperationContext(ctx, oc), gqlerror.List{err}), true
	}
	responses, ctx := exec.DispatchOperation(ctx, oc)
	resp = responses(ctx)
	if resp == nil {
		// The executor ends the stream instead of answering once the
		// request's context is done.
		return exec.DispatchError(graphql.WithOperationContext(ctx, oc), gqlerror.List{timedOut()}), false
	}
	return resp, false
}

// statusOf is the HTTP status of a single response. A response with data
// (even null: execution started) is 200. Without data it is a request
// error: 400 for an undecodable request whatever the media type; 200 under
// application/json, where clients read the errors from the body; a 4xx or
// 5xx by code under application/graphql-response+json.
func statusOf(media string, resp *graphql.Response) int {
	if len(resp.Data) > 0 {
		return http.StatusOK
	}
	code := firstCode(resp.Errors)
	if code == CodeBadRequest {
		return http.StatusBadRequest
	}
	if media != mediaGraphQLResponse {
		return http.StatusOK
	}
	switch code {
	case c2c.KindUnauthenticated.String():
		return http.StatusUnauthorized
	case c2c.KindForbidden.String():
		return http.StatusForbidden
	case c2c.KindNotFound.String():
		return http.StatusNotFound
	case c2c.KindConflict.String():
		return http.StatusConflict
	case c2c.KindUnavailable.String():
		return http.StatusServiceUnavailable
	case c2c.KindInternal.String():
		return http.StatusInternalServerError
	}
	return http.StatusBadRequest
}

func firstCode(errs gqlerror.List) string {
	for _, e := range errs {
		if c, ok := e.Extensions["code"].(string); ok {
			return c
		}
	}
	return ""
}

// wireResponse is a GraphQL response as written: unlike graphql.Response it
// has no data entry when there is no data (a request error), as the
// specification requires.
type wireResponse struct {
	Errors     gqlerror.List   `json:"errors,omitempty"`
	Data       json.RawMessage `json:"data,omitempty"`
	Extensions map[string]any  `json:"extensions,omitempty"`
}

// appendJSON appends r to b as JSON, with its data copied as the executor produced it.
// encoding/json would re-scan and compact a RawMessage byte by byte, which
// for an ego network's few hundred kilobytes cost as much as a tenth of
// the request; the executor's output is already compact JSON.
func (r *wireResponse) appendJSON(b []byte) ([]byte, error) {
	b = append(b, '{')
	sep := false
	field := func(name string, v any) error {
		if sep {
			b = append(b, ',')
		}
		sep = true
		b = append(b, '"')
		b = append(b, name...)
		b = append(b, '"', ':')
		if raw, ok := v.(json.RawMessage); ok {
			b = append(b, raw...)
			return nil
		}
		enc, err := json.Marshal(v)
		b = append(b, enc...)
		return err
	}
	if len(r.Errors) > 0 {
		if err := field("errors", r.Errors); err != nil {
			return nil, err
		}
	}
	if len(r.Data) > 0 {
		_ = field("data", r.Data)
	}
	if len(r.Extensions) > 0 {
		if err := field("extensions", r.Extensions); err != nil {
			return nil, err
		}
	}
	return append(b, '}'), nil
}

// marshalWire encodes one response or a batch of them.
func marshalWire(v any) ([]byte, error) {
	switch v := v.(type) {
	case *wireResponse:
		return v.appendJSON(nil)
	case []*wireResponse:
		b := []byte{'['}
		for i, r := range v {
			if i > 0 {
				b = append(b, ',')
			}
			var err error
			if b, err = r.appendJSON(b); err != nil {
				return nil, err
			}
		}
		return append(b, ']'), nil
	}
	return json.Marshal(v)
}

func wire(resp *graphql.Response) *wireResponse {
	return &wireResponse{Errors: capErrors(resp.Errors), Data: resp.Data, Extensions: resp.Extensions}
}

// capErrors keeps the first MaxErrors errors, each message cut to
// MaxErrorMessage bytes, and adds one error saying how many were left out,
// with the code of the first.
func capErrors(errs gqlerror.List) gqlerror.List {
	if len(errs) == 0 {
		return errs
	}
	n := min(len(errs), MaxErrors)
	out := make(gqlerror.List, 0, n+1)
	for _, e := range errs[:n] {
		if len(e.Message) > MaxErrorMessage {
			c := *e
			c.Message = cutUTF8(e.Message, MaxErrorMessage) + "…"
			e = &c
		}
		out = append(out, e)
	}
	if left := len(errs) - n; left > 0 {
		code := firstCode(errs)
		if code == "" {
			code = gqlgraph.CodeValidationFailed
		}
		out = append(out, &gqlerror.Error{
			Message:    fmt.Sprintf("%d more errors were left out; the first %d are shown", left, n),
			Extensions: map[string]any{"code": code, "omittedErrors": left},
		})
	}
	return out
}

// cutUTF8 cuts s to at most n bytes without splitting a character.
func cutUTF8(s string, n int) string {
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n]
}

func writeResponse(w http.ResponseWriter, media string, status int, resp *graphql.Response) {
	setVersionHeader(w, resp)
	if len(resp.Data) == 0 {
		// A request error must not be stored by a cache in front: a
		// persisted-query miss in particular is answered differently once
		// the client has sent the document.
		w.Header().Set("Cache-Control", "no-store")
		if status == http.StatusUnauthorized {
			w.Header().Set("WWW-Authenticate", `Bearer realm="c2c"`)
		}
	}
	writeJSON(w, media, status, wire(resp))
}

func writeJSON(w http.ResponseWriter, media string, status int, v any) {
	b, err := marshalWire(v)
	if err != nil {
		// Only a resolver's own marshaller can fail here; say so in the
		// GraphQL shape rather than drop the connection.
		status = http.StatusInternalServerError
		b, _ = json.Marshal(wireResponse{Errors: gqlerror.List{{
			Message: "internal error", Extensions: map[string]any{"code": c2c.KindInternal.String()},
		}}})
	}
	w.Header().Set("Content-Type", media+"; charset=utf-8")
	w.Header().Set("Content-Length", strconv.Itoa(len(b)))
	w.WriteHeader(status)
	_, _ = w.Write(b)
}

// writeCoded writes a GraphQL-shaped error for a request refused before it
// reached the executor (wrong method, media type, size).
func writeCoded(w http.ResponseWriter, status int, code, msg string) {
	w.Header().Set("Cache-Control", "no-store")
	writeJSON(w, mediaJSON, status, wireResponse{Errors: gqlerror.List{{Message: msg, Extensions: map[string]any{"code": code}}}})
}

// checkContentType returns why a POST's Content-Type is refused, or "".
func checkContentType(header string) string {
	if header == "" {
		return "the request has no Content-Type: send the body as application/json"
	}
	mt, params, err := mime.ParseMediaType(header)
	if err != nil {
		return "the Content-Type does not parse: send the body as application/json"
	}
	if mt != mediaJSON {
		return fmt.Sprintf("Content-Type %s is not supported: send the body as application/json", mt)
	}
	if cs, ok := params["charset"]; ok && !strings.EqualFold(cs, "utf-8") && !strings.EqualFold(cs, "utf8") {
		return fmt.Sprintf("charset %s is not supported: send the body in UTF-8", cs)
	}
	return ""
}

// negotiate picks the response media type for an Accept header: the
// acceptable type with the highest quality, the first listed on a tie,
// application/json for wildcards and for no header at all. ok is false
// when the header accepts neither type.
func negotiate(accept string) (media string, ok bool) {
	if strings.TrimSpace(accept) == "" {
		return mediaJSON, true
	}
	bestQ := 0.0
	for part := range strings.SplitSeq(accept, ",") {
		mt, params, err := mime.ParseMediaType(strings.TrimSpace(part))
		if err != nil {
			continue
		}
		q := 1.0
		if s, ok := params["q"]; ok {
			if q, err = strconv.ParseFloat(s, 64); err != nil || q < 0 || q > 1 {
				continue
			}
		}
		var cand string
		switch mt {
		case mediaGraphQLResponse, mediaJSON:
			cand = mt
		case "application/*", "*/*":
			cand = mediaJSON
		default:
			continue
		}
		if q > bestQ {
			media, bestQ = cand, q
		}
	}
	return media, bestQ > 0
}
