package server_test

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/c2c-project/c2c/internal/demo"
	"github.com/c2c-project/c2c/internal/server"
)

// rawResponse is one HTTP answer: status, headers and the body as sent.
type rawResponse struct {
	Status int
	Header http.Header
	Body   []byte
}

// decode returns the body as a GraphQL response, failing when it is not one;
// hasData says whether the body has a data entry at all.
func (r rawResponse) decode(t *testing.T) (resp response, hasData bool) {
	t.Helper()
	if err := json.Unmarshal(r.Body, &resp); err != nil {
		t.Fatalf("status %d, body %q is not a GraphQL response: %v", r.Status, r.Body, err)
	}
	var keys map[string]json.RawMessage
	_ = json.Unmarshal(r.Body, &keys)
	_, hasData = keys["data"]
	resp.Status = r.Status
	return resp, hasData
}

func mustSend(t *testing.T, method, u string, body []byte, header http.Header) rawResponse {
	t.Helper()
	req, err := http.NewRequest(method, u, bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	if body == nil {
		req.Body = http.NoBody
	}
	for k, v := range header {
		req.Header[k] = v
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("%s %s: no response: %v", method, u, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatalf("%s %s: reading the response: %v", method, u, err)
	}
	return rawResponse{Status: resp.StatusCode, Header: resp.Header, Body: b}
}

func jsonHeader(accept string) http.Header {
	h := http.Header{"Content-Type": {"application/json"}}
	if accept != "" {
		h.Set("Accept", accept)
	}
	return h
}

const (
	acceptJSON     = "application/json"
	acceptResponse = "application/graphql-response+json"
)

// Every body that is not a GraphQL request gets a 400 with code BAD_REQUEST
// and no data, under either media type, and no log line above INFO: these
// are the cases that dropped the connection when the presenter panicked.
func TestUndecodableBodies(t *testing.T) {
	var logs syncBuffer
	s := mustStore(t, demo.Batch())
	ts := httptest.NewServer(server.New(s, server.Config{MaxBatch: 3}, slog.New(slog.NewJSONHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))).Handler())
	defer ts.Close()

	deep := strings.Repeat("[", 20000) + strings.Repeat("]", 20000)
	cases := []struct{ name, body string }{
		{"empty", ""},
		{"white space", " \r\n\t "},
		{"short", "{"},
		{"cut after the key", `{"query":`},
		{"cut inside the string", `{"query":"{ __typ`},
		{"not JSON", "query { __typename }"},
		{"NUL byte", "\x00"},
		{"NUL before the object", "\x00{\"query\":\"{ __typename }\"}"},
		{"NUL inside a string", "{\"query\":\"{ __typename \x00}\"}"},
		{"BOM alone", "\xEF\xBB\xBF"},
		{"two BOMs", "\xEF\xBB\xBF\xEF\xBB\xBF{\"query\":\"{ __typename }\"}"},
		{"invalid UTF-8", "{\"query\":\"{ __typename } \xff\"}"},
		{"trailing data", `{"query":"{ __typename }"} x`},
		{"two objects", `{"query":"{ __typename }"}{"query":"{ __typename }"}`},
		{"null", "null"},
		{"a string", `"{ __typename }"`},
		{"a number", "42"},
		{"a boolean", "true"},
		{"no query", `{}`},
		{"misspelt query", `{"qeury":"{ __typename }"}`},
		{"null query", `{"query":null}`},
		{"empty query", `{"query":""}`},
		{"query an object", `{"query":{"an":"object"}}`},
		{"query a number", `{"query":0}`},
		{"query a boolean", `{"query":false}`},
		{"query an array", `{"query":["{ __typename }"]}`},
		{"operationName an object", `{"query":"{ __typename }","operationName":{}}`},
		{"operationName a number", `{"query":"{ __typename }","operationName":0}`},
		{"operationName a boolean", `{"query":"{ __typename }","operationName":true}`},
		{"operationName an array", `{"query":"{ __typename }","operationName":["a"]}`},
		{"variables a string", `{"query":"{ __typename }","variables":"{}"}`},
		{"variables a number", `{"query":"{ __typename }","variables":0}`},
		{"variables a boolean", `{"query":"{ __typename }","variables":false}`},
		{"variables an array", `{"query":"{ __typename }","variables":[]}`},
		{"extensions a string", `{"query":"{ __typename }","extensions":"x"}`},
		{"extensions a number", `{"query":"{ __typename }","extensions":1}`},
		{"extensions a boolean", `{"query":"{ __typename }","extensions":true}`},
		{"extensions an array", `{"query":"{ __typename }","extensions":[]}`},
		{"empty batch", `[]`},
		{"batch of a number", `[1]`},
		{"batch with a bad element", `[{"query":"{ __typename }"},{"query":1}]`},
		{"batch cut", `[{"query":"{ __typename }"},`},
		{"batch over the limit", `[{"query":"{a:__typename}"},{"query":"{b:__typename}"},{"query":"{c:__typename}"},{"query":"{d:__typename}"}]`},
		{"JSON nested 20,000 deep", deep},
	}
	for _, tc := range cases {
		for _, accept := range []string{"", acceptJSON, acceptResponse} {
			raw := mustSend(t, http.MethodPost, ts.URL+"/graphql", []byte(tc.body), jsonHeader(accept))
			r, hasData := raw.decode(t)
			if r.Status != http.StatusBadRequest || errCode(r) != server.CodeBadRequest || hasData {
				t.Errorf("%s (Accept %q): status %d, body %s; want 400 BAD_REQUEST without data", tc.name, accept, r.Status, raw.Body)
			}
			if bytes.Contains(raw.Body, []byte("__typename")) {
				t.Errorf("%s: the error echoes the body: %s", tc.name, raw.Body)
			}
		}
	}

	// A single UTF-8 byte-order mark before the JSON is allowed (RFC 8259).
	raw := mustSend(t, http.MethodPost, ts.URL+"/graphql", []byte("\xEF\xBB\xBF{\"query\":\"{ __typename }\"}"), jsonHeader(""))
	if r, _ := raw.decode(t); r.Status != 200 || r.Data["__typename"] != "Query" {
		t.Errorf("BOM before a request: %d %s", r.Status, raw.Body)
	}

	for _, l := range strings.Split(strings.TrimSpace(logs.String()), "\n") {
		var m map[string]any
		if err := json.Unmarshal([]byte(l), &m); err != nil {
			t.Fatalf("log line %q: %v", l, err)
		}
		if m["level"] != "INFO" && m["level"] != "DEBUG" {
			t.Errorf("logged above INFO: %s", l)
		}
	}
}

// The status codes and bodies of the GraphQL-over-HTTP specification, for
// both response media types.
func TestStatusByMediaType(t *testing.T) {
	ts := mustServer(t, mustStore(t, demo.Batch()), server.Config{APIKeys: []string{"k"}, MaxComplexity: 50})
	post := func(accept, body string, h http.Header) (response, bool, rawResponse) {
		hdr := jsonHeader(accept)
		for k, v := range h {
			hdr[k] = v
		}
		raw := mustSend(t, http.MethodPost, ts.URL+"/graphql", []byte(body), hdr)
		r, hasData := raw.decode(t)
		return r, hasData, raw
	}
	for _, tc := range []struct {
		name, body string
		header     http.Header
		code       string
		status     int // under application/graphql-response+json
	}{
		{"parse error", `{"query":"{"}`, nil, "GRAPHQL_PARSE_FAILED", 400},
		{"validation error", `{"query":"{ noSuchField }"}`, nil, "GRAPHQL_VALIDATION_FAILED", 400},
		{"variable coercion", `{"query":"query($id: ID!) { actor(id: $id) { id } }","variables":{"id":null}}`, nil, "GRAPHQL_VALIDATION_FAILED", 400},
		{"unknown operation name", `{"query":"query A { __typename }","operationName":"B"}`, nil, "GRAPHQL_VALIDATION_FAILED", 400},
		{"complexity", `{"query":"{ actors(first: 100) { edges { node { id } } } }"}`, nil, server.CodeComplexity, 400},
		{"no key", `{"query":"mutation { upsertTheme(input: {id: \"t1\", label: \"T\"}) { id } }"}`, nil, "UNAUTHENTICATED", 401},
		{"wrong key", `{"query":"mutation { upsertTheme(input: {id: \"t1\", label: \"T\"}) { id } }"}`, bearer("nope"), "UNAUTHENTICATED", 401},
	} {
		r, hasData, raw := post(acceptJSON, tc.body, tc.header)
		if r.Status != 200 || errCode(r) != tc.code || hasData {
			t.Errorf("%s, application/json: %d %s; want 200 %s without data", tc.name, r.Status, raw.Body, tc.code)
		}
		r, hasData, raw = post(acceptResponse, tc.body, tc.header)
		if r.Status != tc.status || errCode(r) != tc.code || hasData {
			t.Errorf("%s, graphql-response+json: %d %s; want %d %s without data", tc.name, r.Status, raw.Body, tc.status, tc.code)
		}
		if got := raw.Header.Get("Content-Type"); got != acceptResponse+"; charset=utf-8" {
			t.Errorf("%s: Content-Type %q", tc.name, got)
		}
		if tc.status == 401 && !strings.HasPrefix(raw.Header.Get("WWW-Authenticate"), "Bearer") {
			t.Errorf("%s: 401 without WWW-Authenticate: %v", tc.name, raw.Header)
		}
	}

	// A field error after execution started keeps its data entry and 200,
	// under either media type.
	for _, accept := range []string{acceptJSON, acceptResponse} {
		r, hasData, raw := post(accept, `{"query":"{ actor(id: \"Bad Id\") { id } }"}`, nil)
		if r.Status != 200 || !hasData || errCode(r) != "BAD_USER_INPUT" {
			t.Errorf("field error (%s): %d %s; want 200 with data and BAD_USER_INPUT", accept, r.Status, raw.Body)
		}
	}
	r, _, raw := post(acceptResponse, `{"query":"mutation { upsertTheme(input: {id: \"t1\", label: \"T\"}) { id } }"}`, bearer("k"))
	if r.Status != 200 || len(r.Errors) != 0 {
		t.Errorf("authorised mutation: %d %s", r.Status, raw.Body)
	}
}

func TestMediaTypesAndMethods(t *testing.T) {
	ts := mustServer(t, mustStore(t, demo.Batch()), server.Config{})
	u := ts.URL + "/graphql"
	body := []byte(`{"query":"{ __typename }"}`)

	for _, tc := range []struct {
		name        string
		contentType string
		status      int
	}{
		{"no Content-Type", "", 415},
		{"text/plain", "text/plain;charset=UTF-8", 415},
		{"form", "application/x-www-form-urlencoded", 415},
		{"multipart", "multipart/form-data; boundary=x", 415},
		{"application/graphql", "application/graphql", 415},
		{"not UTF-8", "application/json; charset=latin1", 415},
		{"unparsable", "application/json; ;;", 415},
		{"JSON", "application/json", 200},
		{"JSON, UTF-8", "application/json; charset=UTF-8", 200},
	} {
		h := http.Header{}
		if tc.contentType != "" {
			h.Set("Content-Type", tc.contentType)
		}
		raw := mustSend(t, http.MethodPost, u, body, h)
		r, _ := raw.decode(t)
		if r.Status != tc.status || (tc.status != 200 && errCode(r) != server.CodeBadRequest) {
			t.Errorf("%s: %d %s; want %d", tc.name, r.Status, raw.Body, tc.status)
		}
	}

	for _, tc := range []struct{ accept, media string }{
		{"", acceptJSON},
		{"*/*", acceptJSON},
		{"application/*", acceptJSON},
		{"application/json", acceptJSON},
		{"application/graphql-response+json", acceptResponse},
		{"application/graphql-response+json, application/json;q=0.9", acceptResponse},
		{"application/json;q=0.5, application/graphql-response+json;q=0.8", acceptResponse},
		{"application/graphql-response+json;q=0, application/json", acceptJSON},
		{"text/html, */*;q=0.1", acceptJSON},
		{"text/html", ""},
		{"application/xml;q=1, image/png", ""},
	} {
		raw := mustSend(t, http.MethodPost, u, body, jsonHeader(tc.accept))
		if tc.media == "" {
			if r, _ := raw.decode(t); raw.Status != http.StatusNotAcceptable || errCode(r) != server.CodeBadRequest {
				t.Errorf("Accept %q: %d %s; want 406", tc.accept, raw.Status, raw.Body)
			}
			continue
		}
		if got := raw.Header.Get("Content-Type"); raw.Status != 200 || got != tc.media+"; charset=utf-8" {
			t.Errorf("Accept %q: %d, Content-Type %q; want %s", tc.accept, raw.Status, got, tc.media)
		}
	}

	for _, m := range []string{http.MethodPut, http.MethodDelete, http.MethodPatch} {
		raw := mustSend(t, m, u, body, jsonHeader(""))
		if r, _ := raw.decode(t); r.Status != 405 || errCode(r) != server.CodeBadRequest || raw.Header.Get("Allow") != "GET, POST" {
			t.Errorf("%s: %d %v %s; want 405 with Allow: GET, POST", m, r.Status, raw.Header, raw.Body)
		}
	}
}

func TestGet(t *testing.T) {
	ts := mustServer(t, mustStore(t, demo.Batch()), server.Config{APIKeys: []string{"k"}})
	get := func(params url.Values, accept string) (response, bool, rawResponse) {
		h := http.Header{}
		if accept != "" {
			h.Set("Accept", accept)
		}
		raw := mustSend(t, http.MethodGet, ts.URL+"/graphql?"+params.Encode(), nil, h)
		r, hasData := raw.decode(t)
		return r, hasData, raw
	}
	r, _, raw := get(url.Values{
		"query":     {`query A($id: ID!) { actor(id: $id) { name } } query B { __typename }`},
		"variables": {`{"id":"ethekwini"}`}, "operationName": {"A"},
	}, acceptResponse)
	if a, _ := r.Data["actor"].(map[string]any); r.Status != 200 || a["name"] != "eThekwini" {
		t.Errorf("GET with variables: %d %s", r.Status, raw.Body)
	}
	if v := raw.Header.Values("Vary"); len(v) == 0 || !strings.Contains(strings.Join(v, ","), "Accept") {
		t.Errorf("GET answer without Vary: Accept: %v", raw.Header)
	}

	// A mutation is never run by a GET, whatever the key: 405 and Allow.
	mutation := `mutation { upsertTheme(input: {id: "via-get", label: "G"}) { id } }`
	for _, accept := range []string{acceptJSON, acceptResponse} {
		h := http.Header{"Authorization": {"Bearer k"}, "Accept": {accept}}
		raw := mustSend(t, http.MethodGet, ts.URL+"/graphql?"+url.Values{"query": {mutation}}.Encode(), nil, h)
		r, hasData := raw.decode(t)
		if r.Status != 405 || raw.Header.Get("Allow") != "POST" || errCode(r) != server.CodeBadRequest || hasData {
			t.Errorf("GET mutation (%s): %d %v %s", accept, r.Status, raw.Header, raw.Body)
		}
	}
	r = mustPost(t, ts, `{ themes { id } }`, nil, nil)
	if strings.Contains(fmt.Sprint(r.Data), "via-get") {
		t.Error("the GET mutation wrote")
	}

	for _, tc := range []struct {
		name   string
		params string
	}{
		{"no query", ""},
		{"variables not JSON", "query=%7B__typename%7D&variables=%7B"},
		{"variables an array", "query=%7B__typename%7D&variables=%5B%5D"},
		{"extensions a string", "query=%7B__typename%7D&extensions=%22x%22"},
		{"query twice", "query=%7B__typename%7D&query=%7B__typename%7D"},
		{"bad escape", "query=%zz"},
	} {
		raw := mustSend(t, http.MethodGet, ts.URL+"/graphql?"+tc.params, nil, nil)
		if r, hasData := raw.decode(t); r.Status != 400 || errCode(r) != server.CodeBadRequest || hasData {
			t.Errorf("GET %s: %d %s; want 400 BAD_REQUEST", tc.name, r.Status, raw.Body)
		}
	}
}

func hashOf(q string) string {
	h := sha256.Sum256([]byte(q))
	return hex.EncodeToString(h[:])
}

// Automatic persisted queries as Apollo Client and urql send them: the hash
// alone first; on PERSISTED_QUERY_NOT_FOUND the document with its hash;
// the hash alone after that, by POST or GET.
func TestPersistedQueries(t *testing.T) {
	ts := mustServer(t, mustStore(t, demo.Batch()), server.Config{})
	const q = `query Durban { actor(id: "ethekwini") { name } }`
	ext := func(hash string) map[string]any {
		return map[string]any{"persistedQuery": map[string]any{"version": 1, "sha256Hash": hash}}
	}
	post := func(body map[string]any, accept string) (response, rawResponse) {
		b, _ := json.Marshal(body)
		raw := mustSend(t, http.MethodPost, ts.URL+"/graphql", b, jsonHeader(accept))
		r, _ := raw.decode(t)
		return r, raw
	}
	getHash := func(hash string) (response, rawResponse) {
		e, _ := json.Marshal(ext(hash))
		raw := mustSend(t, http.MethodGet, ts.URL+"/graphql?"+url.Values{"extensions": {string(e)}}.Encode(), nil, nil)
		r, _ := raw.decode(t)
		return r, raw
	}
	name := func(r response) any {
		a, _ := r.Data["actor"].(map[string]any)
		return a["name"]
	}

	r, raw := post(map[string]any{"extensions": ext(hashOf(q))}, acceptJSON)
	if r.Status != 200 || errCode(r) != server.CodePersistedQueryNotFound {
		t.Fatalf("unknown hash, application/json: %d %s", r.Status, raw.Body)
	}
	r, raw = post(map[string]any{"extensions": ext(hashOf(q))}, acceptResponse)
	if r.Status != 400 || errCode(r) != server.CodePersistedQueryNotFound || raw.Header.Get("Cache-Control") != "no-store" {
		t.Errorf("unknown hash, graphql-response+json: %d %v %s", r.Status, raw.Header, raw.Body)
	}
	if r, raw := getHash(hashOf(q)); errCode(r) != server.CodePersistedQueryNotFound || raw.Header.Get("Cache-Control") != "no-store" {
		t.Errorf("unknown hash by GET: %d %v %s", r.Status, raw.Header, raw.Body)
	}

	if r, raw = post(map[string]any{"query": q, "extensions": ext(hashOf(q))}, ""); name(r) != "eThekwini" {
		t.Fatalf("document with its hash: %d %s", r.Status, raw.Body)
	}
	if r, raw = post(map[string]any{"extensions": ext(hashOf(q))}, ""); name(r) != "eThekwini" {
		t.Errorf("known hash by POST: %d %s", r.Status, raw.Body)
	}
	if r, raw = getHash(hashOf(q)); name(r) != "eThekwini" {
		t.Errorf("known hash by GET: %d %s", r.Status, raw.Body)
	}

	for _, tc := range []struct {
		name string
		body map[string]any
	}{
		{"hash of another document", map[string]any{"query": `{ __typename }`, "extensions": ext(hashOf(q))}},
		{"version 2", map[string]any{"extensions": map[string]any{"persistedQuery": map[string]any{"version": 2, "sha256Hash": hashOf(q)}}}},
		{"hash a number", map[string]any{"extensions": map[string]any{"persistedQuery": map[string]any{"version": 1, "sha256Hash": 7}}}},
	} {
		if r, raw := post(tc.body, ""); errCode(r) != server.CodeBadRequest {
			t.Errorf("%s: %d %s; want BAD_REQUEST", tc.name, r.Status, raw.Body)
		}
	}

	// A persisted mutation cannot run through GET either.
	const m = `mutation { upsertTheme(input: {id: "apq", label: "A"}) { id } }`
	post(map[string]any{"query": m, "extensions": ext(hashOf(m))}, "")
	if r, raw := getHash(hashOf(m)); r.Status != 405 {
		t.Errorf("persisted mutation by GET: %d %s", r.Status, raw.Body)
	}
}

// A JSON array is a batch: answered as an array in order, each operation
// counted against one complexity budget.
func TestBatch(t *testing.T) {
	ts := mustServer(t, mustStore(t, demo.Batch()), server.Config{MaxComplexity: 250, MaxBatch: 4})
	send := func(body string) ([]response, rawResponse) {
		raw := mustSend(t, http.MethodPost, ts.URL+"/graphql", []byte(body), jsonHeader(acceptResponse))
		var out []response
		if err := json.Unmarshal(raw.Body, &out); err != nil {
			t.Fatalf("batch answer %d %q: %v", raw.Status, raw.Body, err)
		}
		return out, raw
	}
	out, raw := send(`[
		{"query":"query($id: ID!) { actor(id: $id) { id } }","variables":{"id":"uclg"}},
		{"query":"{ nope }"},
		{"query":"{ actor(id: \"ethekwini\") { id } }"},
		{"query":"query A { a: __typename } query B { b: __typename }","operationName":"B"}
	]`)
	if raw.Status != 200 || len(out) != 4 {
		t.Fatalf("batch: %d %s", raw.Status, raw.Body)
	}
	id := func(r response) any { a, _ := r.Data["actor"].(map[string]any); return a["id"] }
	if id(out[0]) != "uclg" || errCode(out[1]) != "GRAPHQL_VALIDATION_FAILED" || id(out[2]) != "ethekwini" || out[3].Data["b"] != "Query" {
		t.Errorf("batch answers out of order or wrong: %s", raw.Body)
	}
	if bytes.Contains(raw.Body, []byte(`"data":null`)) {
		t.Errorf("a request error in a batch has a data entry: %s", raw.Body)
	}

	// Each costs 1 + 100 × 1 = 101 (actors, first 100, one leaf... plus the
	// connection): two fit in 250, the third does not.
	const op = `{"query":"{ actors(first: 100) { edges { cursor } } }"}`
	single := mustPost(t, ts, `{ actors(first: 100) { edges { cursor } } }`, nil, nil)
	if len(single.Errors) != 0 {
		t.Fatalf("one operation alone: %+v", single.Errors)
	}
	out, raw = send("[" + op + "," + op + "," + op + "]")
	if len(out) != 3 || len(out[0].Errors) != 0 {
		t.Fatalf("budget batch: %s", raw.Body)
	}
	var refused int
	for _, r := range out {
		if errCode(r) == server.CodeComplexity {
			refused++
		}
	}
	if refused == 0 || errCode(out[2]) != server.CodeComplexity || !strings.Contains(out[2].Errors[0].Message, "batch has left") {
		t.Errorf("the batch's budget was not shared: %s", raw.Body)
	}
}

// A document with thousands of errors gets MaxErrors of them and a note.
func TestErrorListCapped(t *testing.T) {
	ts := mustServer(t, mustStore(t, demo.Batch()), server.Config{})
	var b strings.Builder
	b.WriteString("{ ")
	for i := range 1500 {
		fmt.Fprintf(&b, "f%d ", i)
	}
	b.WriteString("}")
	r := mustPost(t, ts, b.String(), nil, nil)
	if len(r.Errors) != server.MaxErrors+1 {
		t.Fatalf("%d errors, want %d", len(r.Errors), server.MaxErrors+1)
	}
	last := r.Errors[len(r.Errors)-1]
	if last.Extensions["code"] != "GRAPHQL_VALIDATION_FAILED" || last.Extensions["omittedErrors"] != float64(1500-server.MaxErrors) {
		t.Errorf("the note: %+v", last)
	}

	long := `{ ` + strings.Repeat("x", 5000) + ` }`
	r = mustPost(t, ts, long, nil, nil)
	if len(r.Errors) != 1 || len(r.Errors[0].Message) > server.MaxErrorMessage+len("…") {
		t.Errorf("a message of %d bytes", len(r.Errors[0].Message))
	}
}

// The schema does not advertise @defer, which c2c cannot deliver
// incrementally, and a document using it fails validation.
func TestNoDefer(t *testing.T) {
	ts := mustServer(t, mustStore(t, demo.Batch()), server.Config{})
	r := mustPost(t, ts, `{ __schema { directives { name } } }`, nil, nil)
	if strings.Contains(fmt.Sprint(r.Data), "defer") {
		t.Errorf("introspection lists @defer: %v", r.Data)
	}
	r = mustPost(t, ts, `{ actor(id: "ethekwini") { ... @defer { name } } }`, nil, nil)
	if errCode(r) != "GRAPHQL_VALIDATION_FAILED" {
		t.Errorf("@defer: %+v", r)
	}
}
