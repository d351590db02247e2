package c2c

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// Precision says how much of a PartialDate is known.
type Precision int

// Precisions, coarsest first.
const (
	PrecisionYear  Precision = 1
	PrecisionMonth Precision = 2
	PrecisionDay   Precision = 3
)

// String returns YEAR, MONTH or DAY.
func (p Precision) String() string {
	switch p {
	case PrecisionYear:
		return "YEAR"
	case PrecisionMonth:
		return "MONTH"
	case PrecisionDay:
		return "DAY"
	}
	return "UNKNOWN"
}

// PartialDate is a calendar date known to the year, the month or the day.
// Its text form is "2013", "2013-07" or "2013-07-28". As a filter bound it
// stands for the interval it covers: "2013-07" is 1 to 31 July 2013.
type PartialDate struct {
	Year  int
	Month int // 0 when Precision is YEAR
	Day   int // 0 unless Precision is DAY
}

// ParsePartialDate parses "YYYY", "YYYY-MM" or "YYYY-MM-DD". Years run from
// 1000 to 2999. It returns a KindInvalid error naming field otherwise.
func ParsePartialDate(field, s string) (PartialDate, error) {
	s = strings.TrimSpace(s)
	bad := func(reason string) (PartialDate, error) {
		return PartialDate{}, Invalid(field, "%q is not a date: %s (want YYYY, YYYY-MM or YYYY-MM-DD)", s, reason)
	}
	parts := strings.Split(s, "-")
	if len(parts) > 3 || s == "" {
		return bad("wrong shape")
	}
	var d PartialDate
	widths := []int{4, 2, 2}
	vals := []*int{&d.Year, &d.Month, &d.Day}
	for i, p := range parts {
		if len(p) != widths[i] {
			return bad("wrong shape")
		}
		// Atoi alone would take "+1" for a month.
		if strings.Trim(p, "0123456789") != "" {
			return bad("not a number")
		}
		n, err := strconv.Atoi(p)
		if err != nil {
			return bad("not a number")
		}
		*vals[i] = n
	}
	if d.Year < 1000 || d.Year > 2999 {
		return bad("year out of range 1000-2999")
	}
	if len(parts) >= 2 && (d.Month < 1 || d.Month > 12) {
		return bad("month out of range")
	}
	if len(parts) == 3 {
		if d.Day < 1 || d.Day > daysIn(d.Year, d.Month) {
			return bad("day out of range")
		}
	}
	return d, nil
}

// MustDate parses s and panics on error; for tables and tests.
func MustDate(s string) *PartialDate {
	d, err := ParsePartialDate("date", s)
	if err != nil {
		panic(err)
	}
	return &d
}

// Precision returns how much of d is known.
func (d PartialDate) Precision() Precision {
	switch {
	case d.Day != 0:
		return PrecisionDay
	case d.Month != 0:
		return PrecisionMonth
	default:
		return PrecisionYear
	}
}

// String returns the ISO 8601 text of d at its precision.
func (d PartialDate) String() string {
	switch d.Precision() {
	case PrecisionDay:
		return fmt.Sprintf("%04d-%02d-%02d", d.Year, d.Month, d.Day)
	case PrecisionMonth:
		return fmt.Sprintf("%04d-%02d", d.Year, d.Month)
	default:
		return fmt.Sprintf("%04d", d.Year)
	}
}

// First returns the first day d covers.
func (d PartialDate) First() time.Time {
	m, day := d.Month, d.Day
	if m == 0 {
		m = 1
	}
	if day == 0 {
		day = 1
	}
	return time.Date(d.Year, time.Month(m), day, 0, 0, 0, 0, time.UTC)
}

// Last returns the last day d covers.
func (d PartialDate) Last() time.Time {
	switch d.Precision() {
	case PrecisionDay:
		return d.First()
	case PrecisionMonth:
		return time.Date(d.Year, time.Month(d.Month), daysIn(d.Year, d.Month), 0, 0, 0, 0, time.UTC)
	default:
		return time.Date(d.Year, 12, 31, 0, 0, 0, 0, time.UTC)
	}
}

// FirstKey and LastKey return First and Last as sortable yyyymmdd integers,
// the form stores index and compare.
func (d PartialDate) FirstKey() int { return dayKey(d.First()) }

// LastKey returns Last as a yyyymmdd integer.
func (d PartialDate) LastKey() int { return dayKey(d.Last()) }

func dayKey(t time.Time) int { return t.Year()*10000 + int(t.Month())*100 + t.Day() }

func daysIn(y, m int) int {
	return time.Date(y, time.Month(m)+1, 0, 0, 0, 0, 0, time.UTC).Day()
}

// ParseOptionalDate parses s into a *PartialDate, nil for an empty string.
func ParseOptionalDate(field, s string) (*PartialDate, error) {
	if strings.TrimSpace(s) == "" {
		return nil, nil
	}
	d, err := ParsePartialDate(field, s)
	if err != nil {
		return nil, err
	}
	return &d, nil
}

// DateString returns d.String(), "" for nil.
func DateString(d *PartialDate) string {
	if d == nil {
		return ""
	}
	return d.String()
}

// Span returns the day keys [lo, hi] that a start and end date cover, and
// false when start is nil (the time is unknown). A missing end means the
// span of start alone.
func Span(start, end *PartialDate) (lo, hi int, ok bool) {
	if start == nil {
		return 0, 0, false
	}
	lo, hi = start.FirstKey(), start.LastKey()
	if end != nil {
		hi = end.LastKey()
	}
	return lo, hi, true
}
