package c2c_test

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/c2c-project/c2c/internal/c2c"
)

// wantInvalid fails unless err is a KindInvalid *c2c.Error naming field.
func wantInvalid(t *testing.T, what string, err error, field string) {
	t.Helper()
	var e *c2c.Error
	if !errors.As(err, &e) || e.Kind != c2c.KindInvalid || e.Field != field {
		t.Fatalf("%s: error %v is not KindInvalid naming %q", what, err, field)
	}
}

// FuzzParsePartialDate checks every text against time.Parse, an
// independent reading of the same layouts: a date parses exactly when
// time.Parse reads it at one of the three precisions with a year in range,
// and then prints back to itself with First no later than Last.
func FuzzParsePartialDate(f *testing.F) {
	for _, s := range []string{"2013", "2013-07", "2013-07-28", "2016-02-29", "2015-02-29", " 1999-12 ", "0999", "3000", "2013-13", "2013-00-10", "+013", "2013-7", "2013-07-28T00:00", "", "--", "２０１３"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		d, err := c2c.ParsePartialDate("start", s)
		trimmed := strings.TrimSpace(s)
		want := false
		for _, layout := range []string{"2006", "2006-01", "2006-01-02"} {
			if tm, err := time.Parse(layout, trimmed); err == nil && len(trimmed) == len(layout) && tm.Year() >= 1000 && tm.Year() <= 2999 {
				want = true
			}
		}
		if err != nil {
			wantInvalid(t, s, err, "start")
			if want {
				t.Fatalf("%q: refused (%v) but time.Parse reads it", s, err)
			}
			return
		}
		if !want {
			t.Fatalf("%q: parsed as %v but time.Parse does not read it", s, d)
		}
		if d.String() != trimmed {
			t.Fatalf("%q: prints back as %q", s, d.String())
		}
		if d.FirstKey() > d.LastKey() || d.First().After(d.Last()) {
			t.Fatalf("%q: first %v after last %v", s, d.First(), d.Last())
		}
	})
}

// FuzzDecodeCursor checks that any text either decodes to a cursor that
// encodes back to an equal cursor, or is refused as KindInvalid naming
// the argument; and that every cursor Encode makes decodes to itself.
func FuzzDecodeCursor(f *testing.F) {
	for _, c := range []c2c.Cursor{{Order: "NAME_ASC", Text: "sao paulo", ID: "sao-paulo"}, {Order: "START_ASC", Num: 20130728, ID: "x"}, {Order: "NAME_ASC", ID: "a"}} {
		f.Add(c.Encode(), c.Order, c.Text, c.Num, c.ID)
	}
	f.Add("not base64!", "NAME_ASC", "", int64(0), "")
	f.Add("eyJvIjoiTkFNRV9BU0MifQ", "NAME_ASC", "\x00", int64(-1), "\xff")
	f.Fuzz(func(t *testing.T, s, order, text string, num int64, id string) {
		if c, err := c2c.DecodeCursor("after", s, order); err != nil {
			wantInvalid(t, s, err, "after")
		} else if c != nil {
			again, err := c2c.DecodeCursor("after", c.Encode(), order)
			if err != nil || *again != *c {
				t.Fatalf("%q: decoded %+v, which encodes to %q and decodes to %+v (%v)", s, c, c.Encode(), again, err)
			}
			if c.Order != order || c.ID == "" {
				t.Fatalf("%q: decoded %+v for order %q", s, c, order)
			}
		} else if s != "" {
			t.Fatalf("%q: no cursor and no error", s)
		}
		if !utf8.ValidString(order) {
			return // orders are the schema's enum values, never such text
		}
		made := c2c.Cursor{Order: order, Text: text, Num: num, ID: id}
		got, err := c2c.DecodeCursor("after", made.Encode(), order)
		switch {
		case id == "" || len(made.Encode()) > 1024:
			if err == nil {
				t.Fatalf("%+v: decoded though it has no id or is too long", made)
			}
		case err != nil:
			t.Fatalf("%+v: its own encoding %q is refused: %v", made, made.Encode(), err)
		case *got != normalised(made):
			t.Fatalf("%+v: decodes as %+v", made, *got)
		}
	})
}

// normalised is c as JSON carries it: each invalid UTF-8 byte becomes
// U+FFFD.
func normalised(c c2c.Cursor) c2c.Cursor {
	b, _ := json.Marshal(c)
	var out c2c.Cursor
	_ = json.Unmarshal(b, &out)
	return out
}
