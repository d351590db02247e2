package c2c

import (
	"context"
	"errors"
	"fmt"
	"io"
	"sync"
	"testing"
)

func TestErrorsErr(t *testing.T) {
	if err := (Errors{}).Err(); err != nil {
		t.Errorf("empty Errors.Err() = %v, want nil", err)
	}
	if err := Errors(nil).Err(); err != nil {
		t.Errorf("nil Errors.Err() = %v, want nil", err)
	}

	one := Invalid("input.name", "is required")
	if got := (Errors{one}).Err(); got != one { //nolint:errorlint // the very same error must come back
		t.Errorf("single Errors.Err() = %v, want the error itself", got)
	}

	two := Invalid("input.kind", "%q is not one of CITY, REGION, ORGANISATION", "TOWN")
	err := Errors{one, two}.Err()
	mustField(t, err, "input.name")
	if got, want := err.Error(), `input.name: is required; input.kind: "TOWN" is not one of CITY, REGION, ORGANISATION`; got != want {
		t.Errorf("Error() = %q, want %q", got, want)
	}
	var es Errors
	if !errors.As(err, &es) || len(es) != 2 {
		t.Errorf("errors.As(Errors) = %v, %v; want both errors", es, len(es))
	}

	plain := Errors{io.EOF, one}.Err()
	if got, want := KindOf(plain), KindInvalid; got != want {
		t.Errorf("KindOf(list starting with a plain error) = %v, want %v", got, want)
	}
	if got, want := plain.Error(), "EOF; input.name: is required"; got != want {
		t.Errorf("Error() = %q, want %q", got, want)
	}
}

func TestKindOf(t *testing.T) {
	tests := []struct {
		name string
		err  error
		want ErrorKind
	}{
		{"invalid", Invalid("f", "bad"), KindInvalid},
		{"not found", NotFound("actor", "durban"), KindNotFound},
		{"conflict", Conflict("actor %q exists", "durban"), KindConflict},
		{"unavailable", Unavailable("ping", io.ErrUnexpectedEOF), KindUnavailable},
		{"internal", Internal("scan", io.EOF), KindInternal},
		{"wrapped", fmt.Errorf("create exchange: %w", NotFound("actor", "x")), KindNotFound},
		{"doubly wrapped", fmt.Errorf("import: %w", fmt.Errorf("row 3: %w", Conflict("dup"))), KindConflict},
		{"plain", io.EOF, KindInternal},
		{"nil", nil, KindInternal},
		{"unauthenticated", &Error{Kind: KindUnauthenticated}, KindUnauthenticated},
	}
	for _, tt := range tests {
		if got := KindOf(tt.err); got != tt.want {
			t.Errorf("%s: KindOf(%v) = %v, want %v", tt.name, tt.err, got, tt.want)
		}
	}
}

func TestErrorsIsSentinels(t *testing.T) {
	tests := []struct {
		name string
		err  error
		is   map[error]bool
	}{
		{"not found", fmt.Errorf("get: %w", NotFound("actor", "durban")),
			map[error]bool{ErrNotFound: true, ErrConflict: false, ErrUnavailable: false}},
		{"conflict", Conflict("id %q taken", "durban"),
			map[error]bool{ErrNotFound: false, ErrConflict: true, ErrUnavailable: false}},
		{"unavailable", fmt.Errorf("query: %w", Unavailable("connect", io.ErrUnexpectedEOF)),
			map[error]bool{ErrUnavailable: true, ErrNotFound: false, io.ErrUnexpectedEOF: true}},
		{"internal keeps its cause", Internal("scan", io.EOF),
			map[error]bool{io.EOF: true, ErrNotFound: false}},
		{"invalid is no sentinel", Invalid("f", "bad"),
			map[error]bool{ErrNotFound: false, ErrConflict: false, ErrUnavailable: false, Invalid("f", "bad"): false}},
		{"sentinel itself", ErrNotFound, map[error]bool{ErrNotFound: true, ErrConflict: false}},
	}
	for _, tt := range tests {
		for target, want := range tt.is {
			if got := errors.Is(tt.err, target); got != want {
				t.Errorf("%s: errors.Is(%v, %v) = %v, want %v", tt.name, tt.err, target, got, want)
			}
		}
	}
	// Two distinct errors of one kind are not each other.
	a, b := NotFound("actor", "a"), NotFound("actor", "b")
	if errors.Is(a, b) {
		t.Errorf("errors.Is(%v, %v) = true, want false", a, b)
	}
	if !errors.Is(a, a) {
		t.Errorf("errors.Is(%v, itself) = false", a)
	}
}

func TestErrorMessages(t *testing.T) {
	tests := []struct {
		err  error
		want string
	}{
		{Invalid("input.country", "%q is unknown", "XX"), `input.country: "XX" is unknown`},
		{NotFound("actor", "durban"), `actor "durban" not found`},
		{Conflict("actor %q has %d exchanges", "durban", 3), `actor "durban" has 3 exchanges`},
		// The cause of an unavailable store is kept for logs, not shown.
		{Unavailable("connect", errors.New("dial tcp 10.0.0.1:7687: refused")), "connect: store unavailable"},
		{Internal("scan actor", errors.New("bad column")), "scan actor: bad column"},
		{&Error{Kind: KindInternal, Err: io.EOF}, "EOF"},
	}
	for _, tt := range tests {
		if got := tt.err.Error(); got != tt.want {
			t.Errorf("Error() = %q, want %q", got, tt.want)
		}
	}
}

func TestErrorKindString(t *testing.T) {
	for k, want := range map[ErrorKind]string{
		KindInternal: "INTERNAL", KindInvalid: "BAD_USER_INPUT", KindNotFound: "NOT_FOUND", KindConflict: "CONFLICT",
		KindUnavailable: "UNAVAILABLE", KindUnauthenticated: "UNAUTHENTICATED", KindForbidden: "FORBIDDEN", ErrorKind(99): "INTERNAL",
	} {
		if got := k.String(); got != want {
			t.Errorf("ErrorKind(%d).String() = %q, want %q", k, got, want)
		}
	}
}

func TestRoundTrips(t *testing.T) {
	var mu sync.Mutex
	hooked := map[string]int{}
	RoundTripHook = func(store string) { mu.Lock(); hooked[store]++; mu.Unlock() }
	defer func() { RoundTripHook = nil }()

	CountRoundTrip(context.Background(), "sqlite") // no counter: only the hook
	ctx, rt := WithRoundTrips(context.Background())
	var wg sync.WaitGroup
	for range 10 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			CountRoundTrip(ctx, "neo4j")
		}()
	}
	wg.Wait()
	if got, want := rt.Count(), int64(10); got != want {
		t.Errorf("Count() = %d, want %d", got, want)
	}
	if got, want := hooked["neo4j"]+hooked["sqlite"], 11; got != want {
		t.Errorf("hook calls = %d, want %d", got, want)
	}
}
