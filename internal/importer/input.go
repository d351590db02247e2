package importer

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"sort"
	"strings"
	"unicode/utf8"

	"github.com/c2c-project/c2c/internal/c2c"
)

// FileError reports a file that cannot be read as a whole: bad CSV quoting,
// invalid UTF-8, an over-long line, too many rows, an empty file, a header
// with unknown columns. Line is the 1-based line where reading stopped, 0
// when the problem is not at a line. It unwraps to a KindInvalid domain
// error.
type FileError struct {
	File string
	Line int
	Msg  string
}

// Error returns "file:line: message".
func (e *FileError) Error() string {
	if e.Line > 0 {
		return fmt.Sprintf("%s:%d: %s", e.File, e.Line, e.Msg)
	}
	return e.File + ": " + e.Msg
}

// Unwrap returns the domain error, so c2c.KindOf reports KindInvalid.
func (e *FileError) Unwrap() error { return &c2c.Error{Kind: c2c.KindInvalid, Message: e.Error()} }

// lineGuard delivers its input one line at a time and stops with a
// FileError at the first line longer than max bytes or not valid UTF-8. A
// leading byte order mark is dropped.
type lineGuard struct {
	file string
	r    *bufio.Reader
	max  int
	line int    // lines read so far
	cur  []byte // the rest of the current line, not yet delivered
	err  error
}

func newLineGuard(file string, r io.Reader, max int) *lineGuard {
	return &lineGuard{file: file, r: bufio.NewReaderSize(r, 64*1024), max: max}
}

// next returns the next line with its terminator, or an error (io.EOF at
// the end).
func (g *lineGuard) next() ([]byte, error) {
	if g.err != nil {
		return nil, g.err
	}
	var buf []byte
	for {
		chunk, err := g.r.ReadSlice('\n')
		buf = append(buf, chunk...)
		if len(buf) > g.max+2 { // no need to hold the rest of a line already too long
			return nil, g.tooLong()
		}
		if errors.Is(err, bufio.ErrBufferFull) {
			continue
		}
		if err != nil && err != io.EOF {
			g.err = &FileError{File: g.file, Line: g.line + 1, Msg: "read: " + err.Error()}
			return nil, g.err
		}
		if len(buf) == 0 {
			g.err = io.EOF
			return nil, g.err
		}
		break
	}
	if len(trimEOL(buf)) > g.max {
		return nil, g.tooLong()
	}
	g.line++
	if g.line == 1 {
		buf = bytes.TrimPrefix(buf, []byte("\xef\xbb\xbf"))
	}
	if !utf8.Valid(buf) {
		off := firstInvalidUTF8(buf)
		g.err = &FileError{File: g.file, Line: g.line, Msg: fmt.Sprintf("is not valid UTF-8 (byte %d of the line); save the file as UTF-8", off+1)}
		return nil, g.err
	}
	return buf, nil
}

// Read implements io.Reader for the CSV reader, never delivering more than
// one line per call so that errors surface at their line.
func (g *lineGuard) Read(p []byte) (int, error) {
	if len(g.cur) == 0 {
		line, err := g.next()
		if err != nil {
			return 0, err
		}
		g.cur = line
	}
	n := copy(p, g.cur)
	g.cur = g.cur[n:]
	return n, nil
}

func (g *lineGuard) tooLong() error {
	g.err = &FileError{File: g.file, Line: g.line + 1, Msg: fmt.Sprintf("line is longer than %d bytes", g.max)}
	return g.err
}

func trimEOL(b []byte) []byte {
	b = bytes.TrimSuffix(b, []byte("\n"))
	return bytes.TrimSuffix(b, []byte("\r"))
}

func firstInvalidUTF8(b []byte) int {
	for i := 0; i < len(b); {
		r, size := utf8.DecodeRune(b[i:])
		if r == utf8.RuneError && size == 1 {
			return i
		}
		i += size
	}
	return 0
}

// row is one record of an input file, whatever its format: scalar values as
// text and list values already split.
type row struct {
	line   int
	values map[string]string
	lists  map[string][]string
}

// text returns the trimmed scalar value of column col ("" when absent).
func (r *row) text(col string) string { return strings.TrimSpace(r.values[col]) }

// list returns the list value of col: a JSON array, or a text split on "|".
func (r *row) list(col string) []string {
	if l, ok := r.lists[col]; ok {
		return l
	}
	s := r.values[col]
	if strings.TrimSpace(s) == "" {
		return nil
	}
	var out []string
	for _, p := range strings.Split(s, "|") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}

// rowSource yields the rows of a file. Rejections are problems confined to
// one row (wrong field count, a JSON line that is not an object); a
// FileError stops the whole file.
type rowSource interface {
	// columns returns the column names (CSV header, or the keys of the
	// first JSON line).
	columns() []string
	// next returns the next row, a rejection for an unreadable row, or
	// io.EOF.
	next() (*row, *Rejection, error)
}

// csvSource reads CSV with a header line.
type csvSource struct {
	file   string
	guard  *lineGuard
	r      *csv.Reader
	header []string
}

func newCSVSource(file string, g *lineGuard) (*csvSource, error) {
	r := csv.NewReader(g)
	r.ReuseRecord = false
	header, err := r.Read()
	if err == io.EOF {
		return nil, &FileError{File: file, Msg: "is empty: a CSV file needs a header line"}
	}
	if err != nil {
		return nil, csvError(file, err)
	}
	for i, h := range header {
		header[i] = strings.ToLower(strings.TrimSpace(h))
	}
	return &csvSource{file: file, guard: g, r: r, header: header}, nil
}

func (s *csvSource) columns() []string { return s.header }

func (s *csvSource) next() (*row, *Rejection, error) {
	rec, err := s.r.Read()
	if err == io.EOF {
		return nil, nil, io.EOF
	}
	var pe *csv.ParseError
	if errors.As(err, &pe) && errors.Is(pe.Err, csv.ErrFieldCount) {
		return nil, &Rejection{Line: pe.StartLine, Code: CodeMalformed,
			Reason: fmt.Sprintf("has %d fields, the header has %d", len(rec), len(s.header))}, nil
	}
	if err != nil {
		return nil, nil, csvError(s.file, err)
	}
	// Only a record read without error has field positions: FieldPos
	// panics after a parse error.
	line, _ := s.r.FieldPos(0)
	r := &row{line: line, values: make(map[string]string, len(rec))}
	for i, v := range rec {
		r.values[s.header[i]] = v
	}
	return r, nil, nil
}

func csvError(file string, err error) error {
	var fe *FileError
	if errors.As(err, &fe) {
		return fe
	}
	var pe *csv.ParseError
	if errors.As(err, &pe) {
		line, msg := pe.Line, pe.Err.Error()
		switch {
		case errors.Is(pe.Err, csv.ErrBareQuote):
			msg = fmt.Sprintf("column %d: a quote inside an unquoted field (quote the field and double the quote)", pe.Column)
		case errors.Is(pe.Err, csv.ErrQuote) && pe.StartLine != pe.Line:
			// The quote opened at the start of the record is the culprit.
			line = pe.StartLine
			msg = fmt.Sprintf("a quoted field opened on this line is not closed (reading ran on to line %d)", pe.Line)
		case errors.Is(pe.Err, csv.ErrQuote):
			msg = fmt.Sprintf("column %d: a quoted field is not closed properly (a quote must be doubled inside quotes)", pe.Column)
		}
		return &FileError{File: file, Line: line, Msg: msg}
	}
	return &FileError{File: file, Msg: "read CSV: " + err.Error()}
}

// jsonlSource reads JSON Lines: one object per line; blank lines are
// skipped.
type jsonlSource struct {
	file  string
	guard *lineGuard
	first *row
	keys  []string
}

func newJSONLSource(file string, g *lineGuard) (*jsonlSource, *Rejection, error) {
	s := &jsonlSource{file: file, guard: g}
	r, rej, err := s.read()
	if errors.Is(err, io.EOF) {
		return nil, nil, &FileError{File: file, Msg: "is empty: no JSON lines"}
	}
	if err != nil {
		return nil, nil, err
	}
	if rej != nil {
		// The first line is no object: its keys cannot name the record
		// type, so the whole file is suspect.
		return nil, nil, &FileError{File: file, Line: rej.Line, Msg: rej.Reason}
	}
	s.first = r
	for k := range r.values {
		s.keys = append(s.keys, k)
	}
	for k := range r.lists {
		s.keys = append(s.keys, k)
	}
	sort.Strings(s.keys)
	return s, nil, nil
}

func (s *jsonlSource) columns() []string { return s.keys }

func (s *jsonlSource) next() (*row, *Rejection, error) {
	if s.first != nil {
		r := s.first
		s.first = nil
		return r, nil, nil
	}
	return s.read()
}

func (s *jsonlSource) read() (*row, *Rejection, error) {
	for {
		line, err := s.guard.next()
		if err != nil {
			return nil, nil, err
		}
		if len(bytes.TrimSpace(line)) == 0 {
			continue
		}
		n := s.guard.line
		var obj map[string]json.RawMessage
		dec := json.NewDecoder(bytes.NewReader(line))
		dec.UseNumber()
		if err := dec.Decode(&obj); err != nil || obj == nil {
			return nil, &Rejection{Line: n, Code: CodeMalformed, Reason: "is not a JSON object: " + jsonReason(err)}, nil
		}
		if dec.More() {
			return nil, &Rejection{Line: n, Code: CodeMalformed, Reason: "holds more than one JSON value (JSON Lines wants one object per line)"}, nil
		}
		r := &row{line: n, values: map[string]string{}, lists: map[string][]string{}}
		keys := make([]string, 0, len(obj))
		for k := range obj {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			if rej := r.setJSON(k, obj[k]); rej != nil {
				return nil, rej, nil
			}
		}
		return r, nil, nil
	}
}

func jsonReason(err error) string {
	if err == nil {
		return "null"
	}
	return err.Error()
}

// setJSON stores one JSON member: strings, numbers and booleans as text,
// arrays of strings as lists; null is the same as absent.
func (r *row) setJSON(key string, raw json.RawMessage) *Rejection {
	raw = bytes.TrimSpace(raw)
	key = strings.ToLower(strings.TrimSpace(key))
	bad := func(what string) *Rejection {
		return &Rejection{Line: r.line, Field: key, Code: CodeInvalid, Reason: what}
	}
	if len(raw) == 0 || string(raw) == "null" {
		r.values[key] = ""
		return nil
	}
	switch raw[0] {
	case '"':
		var s string
		if err := json.Unmarshal(raw, &s); err != nil {
			return bad("is not a JSON string")
		}
		r.values[key] = s
	case '[':
		var l []string
		if err := json.Unmarshal(raw, &l); err != nil {
			return bad("must be an array of strings")
		}
		r.lists[key] = l
	case 't', 'f':
		r.values[key] = string(raw)
	case '{':
		return bad("must be a string, number, boolean or array of strings, not an object")
	default:
		r.values[key] = string(raw) // a number, kept as written
	}
	return nil
}
