package server

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/url"
	"strconv"
	"unicode/utf8"

	"github.com/99designs/gqlgen/graphql"
)

// CodeBadRequest is the extensions.code of a request that is not a
// GraphQL-over-HTTP request at all: a body that does not decode, a parameter
// of the wrong JSON type, no query.
const CodeBadRequest = "BAD_REQUEST"

// A RequestError says why a request could not be decoded. Its message names
// the parameter at fault and never echoes the body.
type RequestError struct{ Message string }

// Error implements error.
func (e *RequestError) Error() string { return e.Message }

func badRequest(format string, args ...any) *RequestError {
	return &RequestError{Message: fmt.Sprintf(format, args...)}
}

// utf8BOM may precede a JSON text; RFC 8259 lets a parser ignore it, and some
// Windows tools write one.
var utf8BOM = []byte{0xEF, 0xBB, 0xBF}

// DecodeBody decodes a POST body: one JSON object ({"query", "operationName",
// "variables", "extensions"}) or, when batch is true, a JSON array of at most
// maxBatch of them. Every failure is a *RequestError naming the parameter and
// the reason: invalid UTF-8 or JSON, trailing data, a parameter of the wrong
// JSON type (query and operationName are strings or null, variables and
// extensions objects or null), no query and no persisted-query hash, an empty
// batch or one of more than maxBatch operations (maxBatch < 1 refuses
// arrays). It reads the body once, stops at the first error and never panics.
func DecodeBody(body []byte, maxBatch int) (ops []*graphql.RawParams, batch bool, err error) {
	body = bytes.TrimPrefix(body, utf8BOM)
	if !utf8.Valid(body) {
		return nil, false, badRequest("the request body is not valid UTF-8")
	}
	trimmed := bytes.TrimLeft(body, " \t\r\n")
	if len(trimmed) == 0 {
		return nil, false, badRequest("the request body is empty: send a JSON object with a query")
	}
	// Each value is decoded once, into Go values, and its type checked
	// after: a 1 MiB body is scanned once, not once per layer.
	dec := json.NewDecoder(bytes.NewReader(trimmed))
	dec.UseNumber()
	switch trimmed[0] {
	case '{':
		var v any
		if err := dec.Decode(&v); err != nil {
			return nil, false, jsonError(err)
		}
		if err := expectEOF(dec, "the request body"); err != nil {
			return nil, false, err
		}
		p, err := decodeParams(v, "")
		if err != nil {
			return nil, false, err
		}
		return []*graphql.RawParams{p}, false, nil
	case '[':
		if maxBatch < 1 {
			return nil, true, badRequest("batched requests (a JSON array) are not accepted by this server: send one JSON object")
		}
		if _, err := dec.Token(); err != nil {
			return nil, true, jsonError(err)
		}
		var vs []any
		for dec.More() {
			if len(vs) == maxBatch {
				return nil, true, badRequest("a batch may hold at most %d operations", maxBatch)
			}
			var v any
			if err := dec.Decode(&v); err != nil {
				return nil, true, jsonError(err)
			}
			vs = append(vs, v)
		}
		if _, err := dec.Token(); err != nil {
			return nil, true, jsonError(err)
		}
		if err := expectEOF(dec, "the request body"); err != nil {
			return nil, true, err
		}
		if len(vs) == 0 {
			return nil, true, badRequest("the batch is empty: send at least one operation")
		}
		ops = make([]*graphql.RawParams, len(vs))
		for i, v := range vs {
			if ops[i], err = decodeParams(v, fmt.Sprintf("[%d]", i)); err != nil {
				return nil, true, err
			}
		}
		return ops, true, nil
	}
	return nil, false, badRequest("the request body must be a JSON object with a query, not %s", jsonKind(trimmed))
}

// DecodeQuery decodes the URL query of a GET request: query and
// operationName as text, variables and extensions as URL-encoded JSON
// objects. Each parameter may appear once. Errors are *RequestError.
func DecodeQuery(rawQuery string) (*graphql.RawParams, error) {
	values, err := url.ParseQuery(rawQuery)
	if err != nil {
		return nil, badRequest("the URL query does not decode: %v", err)
	}
	for name, v := range values {
		if len(v) > 1 {
			return nil, badRequest("parameter %q appears %d times; send it once", name, len(v))
		}
	}
	p := &graphql.RawParams{Query: values.Get("query"), OperationName: values.Get("operationName")}
	for _, field := range []struct {
		name string
		dst  *map[string]any
	}{{"variables", &p.Variables}, {"extensions", &p.Extensions}} {
		text := values.Get(field.name)
		if text == "" {
			continue
		}
		if !utf8.ValidString(text) {
			return nil, badRequest("%q is not valid UTF-8", field.name)
		}
		if err := decodeObject([]byte(text), field.name, field.dst); err != nil {
			return nil, err
		}
	}
	if err := needQuery(p, ""); err != nil {
		return nil, err
	}
	return p, nil
}

// decodeParams checks one decoded request object; at prefixes parameter
// names in messages ("[2]" in a batch).
func decodeParams(v any, at string) (*graphql.RawParams, error) {
	obj, ok := v.(map[string]any)
	if !ok {
		return nil, badRequest("operation%s must be a JSON object, not %s", at, kindOf(v))
	}
	p := &graphql.RawParams{}
	var err error
	if p.Query, err = stringParam(obj, "query", at); err != nil {
		return nil, err
	}
	if p.OperationName, err = stringParam(obj, "operationName", at); err != nil {
		return nil, err
	}
	if p.Variables, err = objectParam(obj, "variables", at); err != nil {
		return nil, err
	}
	if p.Extensions, err = objectParam(obj, "extensions", at); err != nil {
		return nil, err
	}
	if err := needQuery(p, at); err != nil {
		return nil, err
	}
	return p, nil
}

func stringParam(obj map[string]any, name, at string) (string, error) {
	switch v := obj[name].(type) {
	case nil:
		return "", nil
	case string:
		return v, nil
	default:
		return "", badRequest("%q must be a string or null, not %s", at+name, kindOf(v))
	}
}

func objectParam(obj map[string]any, name, at string) (map[string]any, error) {
	switch v := obj[name].(type) {
	case nil:
		return nil, nil
	case map[string]any:
		return v, nil
	default:
		return nil, badRequest("%q must be a JSON object or null, not %s", at+name, kindOf(v))
	}
}

// kindOf names the JSON type of a decoded value, for messages.
func kindOf(v any) string {
	switch v.(type) {
	case nil:
		return "null"
	case map[string]any:
		return "an object"
	case []any:
		return "an array"
	case string:
		return "a string"
	case bool:
		return "a boolean"
	case json.Number, float64:
		return "a number"
	}
	return fmt.Sprintf("%T", v)
}

// needQuery refuses a request with neither a query nor a persisted-query
// hash for the APQ extension to look up.
func needQuery(p *graphql.RawParams, at string) error {
	if p.Query != "" {
		return nil
	}
	if _, ok := p.Extensions["persistedQuery"]; ok {
		return nil
	}
	return badRequest("%squery is missing: send the GraphQL document as a string in \"query\"", at)
}

// decodeObject decodes text, a URL parameter, as a JSON object or null.
func decodeObject(text []byte, name string, dst *map[string]any) error {
	dec := json.NewDecoder(bytes.NewReader(text))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return badRequest("%q is not valid JSON: %s", name, jsonMessage(err))
	}
	if err := expectEOF(dec, strconv.Quote(name)); err != nil {
		return err
	}
	m, err := objectParam(map[string]any{name: v}, name, "")
	*dst = m
	return err
}

// expectEOF refuses anything but white space after the JSON text.
func expectEOF(dec *json.Decoder, what string) error {
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return badRequest("%s holds more than one JSON value", what)
	}
	return nil
}

// jsonKind names the JSON type a text starts with, for messages.
func jsonKind(b []byte) string {
	b = bytes.TrimLeft(b, " \t\r\n")
	if len(b) == 0 {
		return "nothing"
	}
	switch b[0] {
	case '{':
		return "an object"
	case '[':
		return "an array"
	case '"':
		return "a string"
	case 't', 'f':
		return "a boolean"
	case 'n':
		return "null"
	case '-', '0', '1', '2', '3', '4', '5', '6', '7', '8', '9':
		return "a number"
	}
	return "text that is not JSON"
}

func jsonError(err error) *RequestError {
	return badRequest("the request body is not valid JSON: %s", jsonMessage(err))
}

// jsonMessage words a decoding error without the bytes of the body.
func jsonMessage(err error) string {
	var syn *json.SyntaxError
	if errors.As(err, &syn) {
		return fmt.Sprintf("%s (at byte %d)", syn.Error(), syn.Offset)
	}
	if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
		return "it ends too early"
	}
	return err.Error()
}
