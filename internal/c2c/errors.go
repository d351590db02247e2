package c2c

import (
	"errors"
	"fmt"
)

// ErrorKind classifies domain errors. Only the transport turns a kind into an
// outward code (GraphQL extensions.code, HTTP status, exit code).
type ErrorKind int

// The error kinds.
const (
	KindInternal        ErrorKind = iota // a bug or an unexpected backend failure; details are never shown
	KindInvalid                          // bad user input: a field and the reason
	KindNotFound                         // the named thing does not exist
	KindConflict                         // the write would break an invariant (duplicate id, actor with edges)
	KindUnavailable                      // a backend is unreachable; retrying later may work
	KindUnauthenticated                  // credentials are missing or wrong
	KindForbidden                        // credentials are fine but the action is not allowed
)

// String returns the kind's outward code name.
func (k ErrorKind) String() string {
	switch k {
	case KindInvalid:
		return "BAD_USER_INPUT"
	case KindNotFound:
		return "NOT_FOUND"
	case KindConflict:
		return "CONFLICT"
	case KindUnavailable:
		return "UNAVAILABLE"
	case KindUnauthenticated:
		return "UNAUTHENTICATED"
	case KindForbidden:
		return "FORBIDDEN"
	default:
		return "INTERNAL"
	}
}

// Error is the one domain error type. Field names the offending input field
// (a path such as "filter.themes[2]") where there is one.
type Error struct {
	Kind    ErrorKind
	Field   string
	Message string
	Err     error // wrapped cause, never shown to users for KindInternal
}

// Error implements error.
func (e *Error) Error() string {
	msg := e.Message
	if e.Field != "" {
		msg = e.Field + ": " + msg
	}
	if e.Err != nil && e.Kind == KindInternal {
		if msg == "" {
			return e.Err.Error()
		}
		return msg + ": " + e.Err.Error()
	}
	return msg
}

// Unwrap returns the cause.
func (e *Error) Unwrap() error { return e.Err }

// Sentinel values for errors.Is comparisons on kind alone.
var (
	ErrNotFound    = &Error{Kind: KindNotFound, Message: "not found"}
	ErrConflict    = &Error{Kind: KindConflict, Message: "conflict"}
	ErrUnavailable = &Error{Kind: KindUnavailable, Message: "store unavailable"}
)

// Is reports whether target is a domain error of the same kind (sentinels
// match any error of their kind).
func (e *Error) Is(target error) bool {
	t, ok := target.(*Error)
	if !ok {
		return false
	}
	return t.Kind == e.Kind && (t == ErrNotFound || t == ErrConflict || t == ErrUnavailable || t == e)
}

// Invalid returns a KindInvalid error naming field.
func Invalid(field, format string, args ...any) error {
	return &Error{Kind: KindInvalid, Field: field, Message: fmt.Sprintf(format, args...)}
}

// NotFound returns a KindNotFound error such as `actor "durban" not found`.
func NotFound(what, id string) error {
	return &Error{Kind: KindNotFound, Message: fmt.Sprintf("%s %q not found", what, id)}
}

// Conflict returns a KindConflict error.
func Conflict(format string, args ...any) error {
	return &Error{Kind: KindConflict, Message: fmt.Sprintf(format, args...)}
}

// Unavailable wraps a backend connectivity error.
func Unavailable(step string, err error) error {
	return &Error{Kind: KindUnavailable, Message: step + ": store unavailable", Err: err}
}

// Internal wraps an unexpected error with a short step name.
func Internal(step string, err error) error {
	return &Error{Kind: KindInternal, Message: step, Err: err}
}

// KindOf returns the kind of err: the kind of the first domain Error in its
// chain, KindInternal when there is none.
func KindOf(err error) ErrorKind {
	var e *Error
	if errors.As(err, &e) {
		return e.Kind
	}
	return KindInternal
}

// Errors is a list of validation errors reported together.
type Errors []error

// Error joins the messages.
func (es Errors) Error() string {
	s := ""
	for i, e := range es {
		if i > 0 {
			s += "; "
		}
		s += e.Error()
	}
	return s
}

// Err returns nil for an empty list, the single error for one, else es as a
// KindInvalid error whose message lists all.
func (es Errors) Err() error {
	switch len(es) {
	case 0:
		return nil
	case 1:
		return es[0]
	}
	first := &Error{}
	if errors.As(es[0], &first) {
		return &Error{Kind: KindInvalid, Field: first.Field, Message: es.messagesAfterFirst(first), Err: es}
	}
	return &Error{Kind: KindInvalid, Message: es.Error(), Err: es}
}

func (es Errors) messagesAfterFirst(first *Error) string {
	s := first.Message
	for _, e := range es[1:] {
		s += "; " + e.Error()
	}
	return s
}
