package server

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/99designs/gqlgen/complexity"
	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"
	"github.com/vektah/gqlparser/v2/parser"

	gqlgraph "github.com/c2c-project/c2c/graph"
)

// Outward codes of documents refused before validation, beside
// graph.CodeParseFailed for ones that do not parse.
const (
	CodeTokenLimit     = "TOKEN_LIMIT_EXCEEDED"
	CodeFieldLimit     = "FIELD_LIMIT_EXCEEDED"
	CodeAliasLimit     = "ALIAS_LIMIT_EXCEEDED"
	CodeFragmentLimit  = "FRAGMENT_LIMIT_EXCEEDED"
	CodeDirectiveLimit = "DIRECTIVE_LIMIT_EXCEEDED"
	CodeDepthLimit     = "DEPTH_LIMIT_EXCEEDED"
	CodeComplexity     = "COMPLEXITY_LIMIT_EXCEEDED"
)

// documentLimits bounds what parsing and validating a document can cost,
// before either runs in gqlgen's executor. gqlparser's validation rules
// compare fields pairwise (OverlappingFieldsCanBeMerged) and walk every
// fragment from every operation and fragment, and neither parsing nor
// validation watches the request's context: a 100 KB document of repeated
// fields or a few lines of fragments that spread one another twice each can
// cost minutes. So each new document is parsed here under the token limit
// and its selections are counted as execution would expand them (every
// fragment spread replaced by the fragment, memoised per fragment, so the
// count itself is linear); a document over any limit is refused with a
// coded error and is never validated. Documents already in the query cache
// passed these checks and are not parsed again.
type documentLimits struct {
	tokens, fields, aliases, spreads, directives, fragments, depth int
	// pairs bounds the comparisons of fields that share a response name
	// at one place, which validation makes pairwise to check that they
	// can be merged: n copies of one field cost n(n-1)/2.
	pairs int

	cache graphql.Cache[*ast.QueryDocument]
}

var (
	_ graphql.HandlerExtension          = (*documentLimits)(nil)
	_ graphql.OperationParameterMutator = (*documentLimits)(nil)
)

// ExtensionName implements graphql.HandlerExtension.
func (*documentLimits) ExtensionName() string { return "DocumentLimits" }

// Validate implements graphql.HandlerExtension.
func (l *documentLimits) Validate(graphql.ExecutableSchema) error {
	if l.tokens < 1 || l.fields < 1 || l.aliases < 0 || l.spreads < 0 || l.directives < 0 || l.fragments < 0 || l.depth < 1 || l.pairs < 0 {
		return errors.New("document limits must be positive")
	}
	return nil
}

// MutateOperationParameters implements graphql.OperationParameterMutator. It
// runs after the persisted-query extension has put the document text in
// place.
func (l *documentLimits) MutateOperationParameters(ctx context.Context, p *graphql.RawParams) *gqlerror.Error {
	if err := ctx.Err(); err != nil {
		return timedOut()
	}
	if p.Query == "" {
		return nil // the executor answers "no operation provided"
	}
	if l.cache != nil {
		if _, ok := l.cache.Get(ctx, p.Query); ok {
			return nil
		}
	}
	doc, err := parser.ParseQueryWithTokenLimit(&ast.Source{Input: p.Query}, l.tokens)
	if err != nil {
		var gerr *gqlerror.Error
		if !errors.As(err, &gerr) {
			gerr = gqlerror.Wrap(err)
		}
		code := gqlgraph.CodeParseFailed
		if strings.HasPrefix(gerr.Message, "exceeded token limit") {
			code = CodeTokenLimit
			gerr.Message = fmt.Sprintf("the document has more than %d tokens, the limit", l.tokens)
		}
		gerr.Extensions = map[string]any{"code": code}
		return gerr
	}
	b, _ := ctx.Value(budgetKey{}).(*budget)
	return l.check(doc, b)
}

// check counts doc's operations as execution expands them and refuses the
// first count over its limit. In a batch, b holds the fields and merge
// comparisons the request has left: what validating a document costs grows
// with those, so a batch's new documents share one budget of each, as its
// operations share one complexity budget. Documents already in the query
// cache are not validated again and cost nothing here.
func (l *documentLimits) check(doc *ast.QueryDocument, b *budget) *gqlerror.Error {
	if len(doc.Fragments) > l.fragments {
		return limitError(CodeFragmentLimit, "the document defines %d fragments, more than the limit of %d", len(doc.Fragments), l.fragments)
	}
	c := counter{doc: doc, memo: map[string]*tally{}, cap: l.maxCount()}
	var total tally
	for _, op := range doc.Operations {
		t := c.selections(op.SelectionSet)
		t.directives = sat(t.directives+len(op.Directives), c.cap)
		total.add(t, c.cap)
		total.depth = max(total.depth, t.depth)
	}
	// Validation also walks each fragment from its own definition, every
	// fragment it reaches once: their spreads count again.
	for _, f := range doc.Fragments {
		t := c.fragment(f.Name)
		total.spreads = sat(total.spreads+t.spreads, c.cap)
	}
	batch := b != nil && b.batch
	switch {
	case total.fields > l.fields:
		return limitError(CodeFieldLimit, "the document selects %s fields once fragments are expanded, more than the limit of %d", atLeast(total.fields, c.cap), l.fields)
	case batch && total.fields > b.fieldsLeft:
		return limitError(CodeFieldLimit, "the document selects %d fields once fragments are expanded, more than the %d the batch has left of the limit of %d", total.fields, b.fieldsLeft, l.fields)
	case total.aliases > l.aliases:
		return limitError(CodeAliasLimit, "the document uses %s aliases once fragments are expanded, more than the limit of %d", atLeast(total.aliases, c.cap), l.aliases)
	case total.spreads > l.spreads:
		return limitError(CodeFragmentLimit, "the document spreads fragments %s times once they are expanded, more than the limit of %d", atLeast(total.spreads, c.cap), l.spreads)
	case total.directives > l.directives:
		return limitError(CodeDirectiveLimit, "the document uses %s directives once fragments are expanded, more than the limit of %d", atLeast(total.directives, c.cap), l.directives)
	case total.depth > l.depth:
		return limitError(CodeDepthLimit, "operation has depth %s, which exceeds the limit of %d", atLeast(total.depth, c.cap), l.depth)
	}
	limit := l.pairs
	if batch {
		limit = min(limit, b.pairsLeft)
	}
	m := merges{doc: doc, limit: limit, steps: 2 * (l.fields + l.spreads)}
	if pairs, ok := m.count(); !ok {
		where := "the limit"
		if batch {
			where = fmt.Sprintf("what the batch has left of the limit of %d", l.pairs)
		}
		if m.worst != "" {
			return limitError(CodeFieldLimit, "the document selects %q %d times at one place; checking that fields with one response name merge takes %s comparisons, more than %s (%d)",
				m.worst, m.worstN, atLeast(pairs, limit+1), where, limit)
		}
		return limitError(CodeFieldLimit, "the document expands to more than %d fields counted from each operation and unused fragment", m.steps)
	} else if batch {
		b.pairsLeft -= pairs
		b.fieldsLeft -= total.fields
	}
	return nil
}

// merges counts the pairwise comparisons of OverlappingFieldsCanBeMerged:
// every two fields with the same response path (response names from the
// root, fragments expanded in place) are compared, from every operation and
// from every fragment no operation uses, which validation checks on its
// own. It stops at limit comparisons or after steps selections.
type merges struct {
	doc   *ast.QueryDocument
	limit int
	steps int

	frags  map[string]*ast.FragmentDefinition
	used   map[string]bool
	active map[string]bool
	pairs  int
	worst  string
	worstN int
}

type responsePath struct {
	n        int
	children map[string]*responsePath
}

func (p *responsePath) child(name string) *responsePath {
	if p.children == nil {
		p.children = map[string]*responsePath{}
	}
	c := p.children[name]
	if c == nil {
		c = &responsePath{}
		p.children[name] = c
	}
	return c
}

// count returns the comparisons and whether they stayed within the limits.
func (m *merges) count() (int, bool) {
	m.frags = make(map[string]*ast.FragmentDefinition, len(m.doc.Fragments))
	for _, f := range m.doc.Fragments {
		if _, dup := m.frags[f.Name]; !dup {
			m.frags[f.Name] = f
		}
	}
	m.used, m.active = map[string]bool{}, map[string]bool{}
	for _, op := range m.doc.Operations {
		if !m.walk(op.SelectionSet, &responsePath{}) {
			return m.pairs, false
		}
	}
	for _, f := range m.doc.Fragments {
		if m.used[f.Name] {
			continue
		}
		m.active[f.Name] = true
		ok := m.walk(f.SelectionSet, &responsePath{})
		delete(m.active, f.Name)
		if !ok {
			return m.pairs, false
		}
	}
	return m.pairs, true
}

func (m *merges) walk(ss ast.SelectionSet, at *responsePath) bool {
	for _, sel := range ss {
		if m.steps--; m.steps < 0 {
			return false
		}
		switch sel := sel.(type) {
		case *ast.Field:
			name := sel.Alias
			if name == "" {
				name = sel.Name
			}
			c := at.child(name)
			m.pairs += c.n // the new field is compared with each earlier one
			c.n++
			if c.n > m.worstN {
				m.worst, m.worstN = name, c.n
			}
			if m.pairs > m.limit || !m.walk(sel.SelectionSet, c) {
				return false
			}
		case *ast.InlineFragment:
			if !m.walk(sel.SelectionSet, at) {
				return false
			}
		case *ast.FragmentSpread:
			f := m.frags[sel.Name]
			if f == nil || m.active[sel.Name] {
				continue // unknown or a cycle: validation reports both
			}
			m.used[sel.Name] = true
			m.active[sel.Name] = true
			ok := m.walk(f.SelectionSet, at)
			delete(m.active, sel.Name)
			if !ok {
				return false
			}
		}
	}
	return true
}

// maxCount is where counting stops: one past the largest limit, so that
// expansion that doubles at every fragment cannot overflow or take long.
func (l *documentLimits) maxCount() int {
	return max(l.fields, l.aliases, l.spreads, l.directives, l.depth) + 1
}

func atLeast(n, cap int) string {
	if n >= cap {
		return fmt.Sprintf("at least %d", n)
	}
	return fmt.Sprint(n)
}

func limitError(code, format string, args ...any) *gqlerror.Error {
	return &gqlerror.Error{Message: fmt.Sprintf(format, args...), Extensions: map[string]any{"code": code}}
}

// tally is what one selection set costs once its fragments are expanded.
type tally struct{ fields, aliases, spreads, directives, depth int }

func (t *tally) add(o tally, cap int) {
	t.fields = sat(t.fields+o.fields, cap)
	t.aliases = sat(t.aliases+o.aliases, cap)
	t.spreads = sat(t.spreads+o.spreads, cap)
	t.directives = sat(t.directives+o.directives, cap)
}

// sat caps n at c: counts saturate, so they never overflow.
func sat(n, c int) int { return min(n, c) }

// counter expands fragments with memoisation: each fragment's tally is
// computed once, so counting is linear in the document however often its
// fragments spread one another.
type counter struct {
	doc  *ast.QueryDocument
	memo map[string]*tally
	cap  int
}

// inProgress marks a fragment being counted: a spread that reaches it again
// is a cycle, which validation reports; here it counts nothing.
var inProgress = &tally{}

func (c *counter) fragment(name string) tally {
	if t, ok := c.memo[name]; ok {
		return *t
	}
	f := c.doc.Fragments.ForName(name)
	if f == nil {
		c.memo[name] = &tally{} // unknown: validation says so
		return tally{}
	}
	c.memo[name] = inProgress
	t := c.selections(f.SelectionSet)
	t.directives = sat(t.directives+len(f.Directives), c.cap)
	c.memo[name] = &t
	return t
}

func (c *counter) selections(ss ast.SelectionSet) tally {
	var t tally
	for _, sel := range ss {
		var s tally
		switch sel := sel.(type) {
		case *ast.Field:
			s = c.selections(sel.SelectionSet)
			s.fields = sat(s.fields+1, c.cap)
			if sel.Alias != "" && sel.Alias != sel.Name {
				s.aliases = sat(s.aliases+1, c.cap)
			}
			s.directives = sat(s.directives+len(sel.Directives), c.cap)
			// Introspection fields add no depth: GraphiQL's schema query
			// nests deeply and costs nothing.
			if strings.HasPrefix(sel.Name, "__") {
				s.depth = 0
			} else {
				s.depth = sat(s.depth+1, c.cap)
			}
		case *ast.InlineFragment:
			s = c.selections(sel.SelectionSet)
			s.directives = sat(s.directives+len(sel.Directives), c.cap)
		case *ast.FragmentSpread:
			s = c.fragment(sel.Name)
			s.spreads = sat(s.spreads+1, c.cap)
			s.directives = sat(s.directives+len(sel.Directives), c.cap)
		}
		t.add(s, c.cap)
		t.depth = max(t.depth, s.depth)
	}
	return t
}

// costLimit refuses operations whose complexity exceeds what is left of the
// request's budget: the whole limit for a single operation, what the
// operations before it left for one in a batch. It replaces gqlgen's
// FixedComplexityLimit, which knows only one operation at a time.
type costLimit struct {
	max int
	es  graphql.ExecutableSchema
}

var (
	_ graphql.HandlerExtension        = (*costLimit)(nil)
	_ graphql.OperationContextMutator = (*costLimit)(nil)
)

// ExtensionName implements graphql.HandlerExtension.
func (*costLimit) ExtensionName() string { return "ComplexityLimit" }

// Validate implements graphql.HandlerExtension.
func (c *costLimit) Validate(es graphql.ExecutableSchema) error {
	if c.max < 1 {
		return errors.New("complexity limit must be at least 1")
	}
	c.es = es
	return nil
}

// budget is the complexity a request has left; a batch shares one.
type budget struct {
	left       int  // complexity
	fieldsLeft int  // expanded fields (documentLimits.fields)
	pairsLeft  int  // field merge comparisons (documentLimits.pairs)
	batch      bool // false: no budget beyond each operation's own limits
}

type budgetKey struct{}

func withBudget(ctx context.Context, b *budget) context.Context {
	return context.WithValue(ctx, budgetKey{}, b)
}

// MutateOperationContext implements graphql.OperationContextMutator.
func (c *costLimit) MutateOperationContext(ctx context.Context, oc *graphql.OperationContext) *gqlerror.Error {
	if oc.Operation == nil {
		return nil
	}
	cost := complexity.Calculate(ctx, c.es, oc.Operation, oc.Variables)
	b, _ := ctx.Value(budgetKey{}).(*budget)
	if b == nil {
		b = &budget{left: c.max}
	}
	if cost > b.left {
		if b.batch {
			return limitError(CodeComplexity, "operation has complexity %d, which exceeds the %d the batch has left of its limit of %d", cost, b.left, c.max)
		}
		return limitError(CodeComplexity, "operation has complexity %d, which exceeds the limit of %d", cost, c.max)
	}
	b.left -= cost
	return nil
}

func timedOut() *gqlerror.Error {
	return &gqlerror.Error{Message: "the request timed out or was cancelled", Extensions: map[string]any{"code": "UNAVAILABLE"}}
}
