package c2c

import (
	"errors"
	"strings"
	"testing"
	"time"
)

func TestParsePartialDate(t *testing.T) {
	tests := []struct {
		in        string
		want      PartialDate
		precision Precision
		text      string
	}{
		{"2013", PartialDate{Year: 2013}, PrecisionYear, "2013"},
		{"2013-07", PartialDate{Year: 2013, Month: 7}, PrecisionMonth, "2013-07"},
		{"2013-07-28", PartialDate{Year: 2013, Month: 7, Day: 28}, PrecisionDay, "2013-07-28"},
		{" 2013-07-28 ", PartialDate{Year: 2013, Month: 7, Day: 28}, PrecisionDay, "2013-07-28"},
		{"2012-02-29", PartialDate{Year: 2012, Month: 2, Day: 29}, PrecisionDay, "2012-02-29"},
		{"1000", PartialDate{Year: 1000}, PrecisionYear, "1000"},
		{"2999-12-31", PartialDate{Year: 2999, Month: 12, Day: 31}, PrecisionDay, "2999-12-31"},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, err := ParsePartialDate("start", tt.in)
			if err != nil {
				t.Fatalf("ParsePartialDate(%q): %v", tt.in, err)
			}
			if got != tt.want {
				t.Errorf("ParsePartialDate(%q) = %+v, want %+v", tt.in, got, tt.want)
			}
			if got, want := got.Precision(), tt.precision; got != want {
				t.Errorf("Precision() = %v, want %v", got, want)
			}
			if got, want := got.String(), tt.text; got != want {
				t.Errorf("String() = %q, want %q", got, want)
			}
		})
	}
}

func TestParsePartialDateRejects(t *testing.T) {
	for _, in := range []string{
		"", "   ", "13", "20130", "2013-7", "2013-07-1", "2013/07/28", "2013-07-28-01",
		"2013-13", "2013-00", "2013-02-29", "2013-04-31", "2013-07-00", "0999", "3000",
		"abcd", "2013-ab", "2013-+1", "2013-07-+1", "+201", "２０１３", "2013-", "-2013",
	} {
		t.Run(in, func(t *testing.T) {
			_, err := ParsePartialDate("input.start", in)
			if err == nil {
				t.Fatalf("ParsePartialDate(%q) succeeded, want an error", in)
			}
			mustField(t, err, "input.start")
		})
	}
}

func TestParseOptionalDate(t *testing.T) {
	d, err := ParseOptionalDate("end", "  ")
	if err != nil || d != nil {
		t.Errorf("ParseOptionalDate(blank) = %v, %v; want nil, nil", d, err)
	}
	d, err = ParseOptionalDate("end", "2014-06")
	if err != nil {
		t.Fatal(err)
	}
	if got, want := DateString(d), "2014-06"; got != want {
		t.Errorf("DateString = %q, want %q", got, want)
	}
	if _, err := ParseOptionalDate("end", "June 2014"); err == nil {
		t.Error("ParseOptionalDate(June 2014) succeeded")
	} else {
		mustField(t, err, "end")
	}
	if got := DateString(nil); got != "" {
		t.Errorf("DateString(nil) = %q, want empty", got)
	}
}

func TestMustDatePanics(t *testing.T) {
	defer func() {
		if recover() == nil {
			t.Error("MustDate(bad) did not panic")
		}
	}()
	MustDate("2013-02-30")
}

func TestPartialDateFirstLast(t *testing.T) {
	day := func(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, time.UTC) }
	tests := []struct {
		in          string
		first, last time.Time
	}{
		{"2013", day(2013, 1, 1), day(2013, 12, 31)},
		{"2013-07", day(2013, 7, 1), day(2013, 7, 31)},
		{"2012-02", day(2012, 2, 1), day(2012, 2, 29)},
		{"2013-02", day(2013, 2, 1), day(2013, 2, 28)},
		{"2013-12", day(2013, 12, 1), day(2013, 12, 31)},
		{"2013-07-28", day(2013, 7, 28), day(2013, 7, 28)},
	}
	for _, tt := range tests {
		d := *MustDate(tt.in)
		if got := d.First(); !got.Equal(tt.first) {
			t.Errorf("%s.First() = %v, want %v", tt.in, got, tt.first)
		}
		if got := d.Last(); !got.Equal(tt.last) {
			t.Errorf("%s.Last() = %v, want %v", tt.in, got, tt.last)
		}
		key := func(t time.Time) int { return t.Year()*10000 + int(t.Month())*100 + t.Day() }
		if got, want := d.FirstKey(), key(tt.first); got != want {
			t.Errorf("%s.FirstKey() = %d, want %d", tt.in, got, want)
		}
		if got, want := d.LastKey(), key(tt.last); got != want {
			t.Errorf("%s.LastKey() = %d, want %d", tt.in, got, want)
		}
	}
}

func TestSpan(t *testing.T) {
	tests := []struct {
		name       string
		start, end *PartialDate
		lo, hi     int
		ok         bool
	}{
		{"unknown", nil, nil, 0, 0, false},
		{"end without start", nil, MustDate("2014"), 0, 0, false},
		{"year", MustDate("2013"), nil, 20130101, 20131231, true},
		{"days", MustDate("2013-07-28"), MustDate("2013-07-30"), 20130728, 20130730, true},
		{"month to year", MustDate("2013-06"), MustDate("2014"), 20130601, 20141231, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			lo, hi, ok := Span(tt.start, tt.end)
			if lo != tt.lo || hi != tt.hi || ok != tt.ok {
				t.Errorf("Span = %d, %d, %v; want %d, %d, %v", lo, hi, ok, tt.lo, tt.hi, tt.ok)
			}
			x := Exchange{Start: tt.start, End: tt.end}
			lo2, hi2, ok2 := x.Span()
			if lo2 != lo || hi2 != hi || ok2 != ok {
				t.Errorf("Exchange.Span = %d, %d, %v; want Span's %d, %d, %v", lo2, hi2, ok2, lo, hi, ok)
			}
		})
	}
}

func TestPrecisionString(t *testing.T) {
	for p, want := range map[Precision]string{PrecisionYear: "YEAR", PrecisionMonth: "MONTH", PrecisionDay: "DAY", 0: "UNKNOWN"} {
		if got := p.String(); got != want {
			t.Errorf("Precision(%d).String() = %q, want %q", p, got, want)
		}
	}
}

// mustField fails unless err is a KindInvalid domain error naming field.
func mustField(t *testing.T, err error, field string) {
	t.Helper()
	var e *Error
	if !errors.As(err, &e) {
		t.Fatalf("error %v (%T) is not a domain error", err, err)
	}
	if got, want := e.Kind, KindInvalid; got != want {
		t.Errorf("kind = %v, want %v (error %v)", got, want, err)
	}
	if got, want := e.Field, field; got != want {
		t.Errorf("field = %q, want %q (error %v)", got, want, err)
	}
	if !strings.HasPrefix(err.Error(), field+": ") {
		t.Errorf("message %q does not start with the field %q", err.Error(), field)
	}
}
