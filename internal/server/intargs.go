package server

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"slices"
	"strconv"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"

	"github.com/c2c-project/c2c/internal/c2c"
)

// intArguments refuses Int argument values outside the 32-bit range the
// GraphQL specification gives Int (first: 2147483648), whether written in
// the document or passed as variables, in arguments and in input object
// fields alike: BAD_USER_INPUT naming the argument. It runs before the
// complexity limit, which would otherwise multiply the value and answer
// with a misleading complexity error, and before any resolver, which
// would otherwise see a value no client can have meant.
type intArguments struct {
	schema *ast.Schema
}

var (
	_ graphql.HandlerExtension        = (*intArguments)(nil)
	_ graphql.OperationContextMutator = (*intArguments)(nil)
)

// ExtensionName implements graphql.HandlerExtension.
func (*intArguments) ExtensionName() string { return "IntArguments" }

// Validate implements graphql.HandlerExtension.
func (a *intArguments) Validate(es graphql.ExecutableSchema) error {
	a.schema = es.Schema()
	return nil
}

// MutateOperationContext implements graphql.OperationContextMutator.
func (a *intArguments) MutateOperationContext(_ context.Context, oc *graphql.OperationContext) *gqlerror.Error {
	if oc.Operation == nil {
		return nil
	}
	w := intWalk{schema: a.schema, vars: oc.Variables, seen: map[string]bool{}}
	return w.selections(oc.Operation.SelectionSet)
}

// intWalk visits every argument of an operation once; fragments are
// visited once each however often they are spread, so the walk is linear
// in the document.
type intWalk struct {
	schema *ast.Schema
	vars   map[string]any
	seen   map[string]bool
}

func (w *intWalk) selections(set ast.SelectionSet) *gqlerror.Error {
	for _, sel := range set {
		switch s := sel.(type) {
		case *ast.Field:
			for _, arg := range s.Arguments {
				if err := w.literal(arg.Value, arg.Name); err != nil {
					err.Locations = []gqlerror.Location{{Line: arg.Position.Line, Column: arg.Position.Column}}
					return err
				}
			}
			if err := w.selections(s.SelectionSet); err != nil {
				return err
			}
		case *ast.InlineFragment:
			if err := w.selections(s.SelectionSet); err != nil {
				return err
			}
		case *ast.FragmentSpread:
			if w.seen[s.Name] || s.Definition == nil {
				continue
			}
			w.seen[s.Name] = true
			if err := w.selections(s.Definition.SelectionSet); err != nil {
				return err
			}
		}
	}
	return nil
}

// literal checks a value as written in the document.
func (w *intWalk) literal(v *ast.Value, field string) *gqlerror.Error {
	if v == nil {
		return nil
	}
	switch v.Kind {
	case ast.Variable:
		val, ok := w.vars[v.Raw]
		if !ok {
			return nil
		}
		return w.value(val, v.ExpectedType, field)
	case ast.IntValue:
		if v.ExpectedType == nil || v.ExpectedType.Elem != nil || v.ExpectedType.NamedType != "Int" {
			return nil
		}
		if _, err := strconv.ParseInt(v.Raw, 10, 32); err != nil {
			return outOfRange(field, v.Raw)
		}
	case ast.ListValue:
		for i, c := range v.Children {
			if err := w.literal(c.Value, field+"["+strconv.Itoa(i)+"]"); err != nil {
				return err
			}
		}
	case ast.ObjectValue:
		for _, c := range v.Children {
			if err := w.literal(c.Value, field+"."+c.Name); err != nil {
				return err
			}
		}
	}
	return nil
}

// value checks a variable's value against the type it is used as.
func (w *intWalk) value(val any, t *ast.Type, field string) *gqlerror.Error {
	if t == nil || val == nil {
		return nil
	}
	if t.Elem != nil {
		list, ok := val.([]any)
		if !ok {
			// A single value given for a list is coerced to a list of one.
			return w.value(val, t.Elem, field)
		}
		for i, e := range list {
			if err := w.value(e, t.Elem, field+"["+strconv.Itoa(i)+"]"); err != nil {
				return err
			}
		}
		return nil
	}
	if t.NamedType == "Int" {
		if !inInt32(val) {
			return outOfRange(field, fmt.Sprint(val))
		}
		return nil
	}
	def := w.schema.Types[t.NamedType]
	obj, ok := val.(map[string]any)
	if def == nil || def.Kind != ast.InputObject || !ok {
		return nil
	}
	keys := make([]string, 0, len(obj))
	for k := range obj {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		if fd := def.Fields.ForName(k); fd != nil {
			if err := w.value(obj[k], fd.Type, field+"."+k); err != nil {
				return err
			}
		}
	}
	return nil
}

// inInt32 reports whether a decoded JSON value that is meant as an Int
// fits 32 bits. Values that are not numbers at all are left to the
// coercion that follows, which names them.
func inInt32(val any) bool {
	switch n := val.(type) {
	case json.Number:
		if i, err := n.Int64(); err == nil {
			return i >= math.MinInt32 && i <= math.MaxInt32
		}
		f, err := n.Float64()
		var ne *strconv.NumError
		if errors.As(err, &ne) && errors.Is(ne.Err, strconv.ErrRange) {
			return false
		}
		return err != nil || (f >= math.MinInt32 && f <= math.MaxInt32)
	case int64:
		return n >= math.MinInt32 && n <= math.MaxInt32
	case int:
		return n >= math.MinInt32 && n <= math.MaxInt32
	case float64:
		return n >= math.MinInt32 && n <= math.MaxInt32
	}
	return true
}

func outOfRange(field, raw string) *gqlerror.Error {
	return &gqlerror.Error{
		Message: fmt.Sprintf("%s: %s is outside the range of Int (%d to %d)", field, raw, math.MinInt32, math.MaxInt32),
		Extensions: map[string]any{
			"code":  c2c.KindInvalid.String(),
			"field": field,
		},
	}
}
