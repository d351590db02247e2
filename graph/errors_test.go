package graph

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"strings"
	"testing"

	"github.com/vektah/gqlparser/v2/gqlerror"

	"github.com/c2c-project/c2c/internal/c2c"
)

// The presenter and the recover function run for requests that never
// became an operation (a body that did not decode, a panic in the
// transport): without an operation context they must answer, not panic.
func TestPresenterWithoutOperation(t *testing.T) {
	var logs bytes.Buffer
	log := slog.New(slog.NewTextHandler(&logs, nil))
	present := ErrorPresenter(log)
	ctx := context.Background()

	for _, tc := range []struct {
		name string
		err  error
		code string
	}{
		{"internal", c2c.Internal("step", errors.New("boom")), "INTERNAL"},
		{"unknown origin", errors.New("boom"), "INTERNAL"},
		{"coded", &gqlerror.Error{Message: "bad body", Extensions: map[string]any{"code": "BAD_REQUEST"}}, "BAD_REQUEST"},
		{"timed out", context.DeadlineExceeded, "UNAVAILABLE"},
	} {
		got := present(ctx, tc.err)
		if got == nil || got.Extensions["code"] != tc.code {
			t.Errorf("%s: %+v, want code %s", tc.name, got, tc.code)
		}
		if tc.code == "INTERNAL" && got.Message != internalMessage {
			t.Errorf("%s: message %q shown", tc.name, got.Message)
		}
	}
	recovered := Recover(log)(ctx, "a panic outside any operation")
	if got := present(ctx, recovered); got.Extensions["code"] != "INTERNAL" {
		t.Errorf("recovered panic: %+v", got)
	}
	if !strings.Contains(logs.String(), "graphql panic") || strings.Contains(logs.String(), "bad body") {
		t.Errorf("log:\n%s", logs.String())
	}
}
