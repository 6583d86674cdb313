package expr

import (
	"fmt"
	"go/ast"
	"go/parser"
	"go/scanner"
	"go/token"
	"maps"
	"math"
	"slices"
	"strconv"
	"strings"
)

const (
	// maxLen bounds the input, and the canonical text of the result, so
	// that no input can make parsing or printing slow.
	maxLen = 4096
	// maxDepth bounds nesting (parentheses, signs, exponents, call
	// arguments), so that every recursive walk of a tree stays shallow.
	maxDepth = 200
)

// Parse parses src into an expression tree. Errors are *Error values
// that carry the column of the first problem.
func Parse(src string) (Expr, error) {
	if strings.TrimSpace(src) == "" {
		return nil, &Error{Src: src, Msg: "empty expression"}
	}
	if len(src) > maxLen {
		return nil, &Error{Src: src, Msg: fmt.Sprintf("expression is longer than %d bytes", maxLen)}
	}
	return parse(src, nil)
}

// parse is Parse with calls naming the functions that a caller accepts
// besides the built-in ones (see ParseEquation); src is already checked
// for emptiness and length.
func parse(src string, calls map[string]bool) (Expr, error) {
	fset := token.NewFileSet()
	c := &converter{src: src, base: fset.Base(), calls: calls} // the only file gets this base
	tree, err := parser.ParseExprFrom(fset, "", src, parser.SkipObjectResolution)
	if err != nil {
		return nil, syntaxError(src, err)
	}
	e, err := c.expr(tree, 0)
	if err != nil {
		return nil, err
	}
	// The canonical text can be longer than the input (".5" prints as
	// "0.5"); refusing such trees keeps Parse(e.String()) always valid.
	if len(e.String()) > maxLen {
		return nil, &Error{Src: src, Msg: fmt.Sprintf("expression is longer than %d bytes when written out", maxLen)}
	}
	return e, nil
}

// syntaxError turns go/parser's first error into an *Error.
func syntaxError(src string, err error) error {
	list, ok := err.(scanner.ErrorList)
	if !ok || len(list) == 0 {
		return &Error{Src: src, Msg: "syntax error: " + err.Error()}
	}
	first := list[0]
	for _, e := range list[1:] {
		if e.Pos.Offset < first.Pos.Offset {
			first = e
		}
	}
	off := first.Pos.Offset
	return &Error{Src: src, Col: off + 1, Text: tokenAt(src, off), Msg: "syntax error: " + first.Msg}
}

// tokenAt returns the Go token that starts at byte offset off of src,
// or "" at the end of the input.
func tokenAt(src string, off int) string {
	if off < 0 || off >= len(src) {
		return ""
	}
	rest := src[off:]
	var s scanner.Scanner
	s.Init(token.NewFileSet().AddFile("", -1, len(rest)), []byte(rest), nil, 0)
	_, tok, lit := s.Scan()
	switch {
	case tok == token.EOF:
		return ""
	case lit != "" && tok != token.SEMICOLON: // an inserted ";" has lit "\n"
		return lit
	}
	return tok.String()
}

// converter turns a go/ast tree into an Expr tree.
type converter struct {
	src   string
	base  int             // token.Pos of byte offset 0
	calls map[string]bool // functions of one argument the caller accepts
}

func (c *converter) col(p token.Pos) int { return int(p) - c.base + 1 }

func (c *converter) text(n ast.Node) string {
	return c.src[c.col(n.Pos())-1 : c.col(n.End())-1]
}

func (c *converter) errorf(p token.Pos, text, format string, args ...any) *Error {
	return &Error{Src: c.src, Col: c.col(p), Text: text, Msg: fmt.Sprintf(format, args...)}
}

func (c *converter) tooDeep(p token.Pos) *Error {
	return c.errorf(p, tokenAt(c.src, c.col(p)-1), "expression is nested more than %d levels deep", maxDepth)
}

// item is one element of an arithmetic chain flattened out of Go's tree:
// an operand, a prefix sign, or a binary operator.
type item struct {
	op      token.Token // token.ILLEGAL (zero) for an operand
	prefix  bool        // op is a unary + or -
	operand ast.Expr
	pos     token.Pos
}

// flatten lists the operands, signs and operators of n's arithmetic
// chain in source order. Go groups ^ with + and - and applies signs
// before any binary operator, which is wrong for powers; the tokens in
// source order are the same either way, so the chain is regrouped by
// the chain parser below. Parenthesised expressions and calls stay
// single operands, so parentheses keep their meaning.
func flatten(n ast.Expr, items []item) []item {
	switch n := n.(type) {
	case *ast.BinaryExpr:
		if p := n.Op.Precedence(); p == 4 || p == 5 { // + - | ^ and * / % << >> & &^
			items = flatten(n.X, items)
			items = append(items, item{op: n.Op, pos: n.OpPos})
			return flatten(n.Y, items)
		}
	case *ast.UnaryExpr:
		if n.Op == token.ADD || n.Op == token.SUB {
			return flatten(n.X, append(items, item{op: n.Op, prefix: true, pos: n.OpPos}))
		}
	}
	return append(items, item{operand: n, pos: n.Pos()})
}

// expr converts n, regrouping its arithmetic chain with mathematical
// precedence (see the grammar in the package documentation).
func (c *converter) expr(n ast.Expr, depth int) (Expr, error) {
	ch := &chain{c: c, items: flatten(n, nil)}
	e, _, err := ch.sum(depth)
	if err != nil {
		return nil, err
	}
	if ch.i < len(ch.items) {
		// Only operators that are not arithmetic are left over: % << >> & &^ |.
		it := ch.items[ch.i]
		return nil, c.errorf(it.pos, it.op.String(), "%q is not allowed", it.op.String())
	}
	return e, nil
}

// chain is a recursive-descent parser over flattened items. Each method
// returns the node and the column where its text starts.
type chain struct {
	c     *converter
	items []item
	i     int
}

// next reports whether the next item is a binary operator among ops.
func (ch *chain) next(ops ...token.Token) bool {
	if ch.i >= len(ch.items) {
		return false
	}
	it := ch.items[ch.i]
	if it.operand != nil || it.prefix {
		return false
	}
	for _, op := range ops {
		if it.op == op {
			return true
		}
	}
	return false
}

var opByte = map[token.Token]byte{token.ADD: '+', token.SUB: '-', token.MUL: '*', token.QUO: '/', token.XOR: '^'}

// binaryLoop parses left-associative operands joined by ops.
func (ch *chain) binaryLoop(depth int, operand func(int) (Expr, int, error), ops ...token.Token) (Expr, int, error) {
	x, start, err := operand(depth)
	for err == nil && ch.next(ops...) {
		op := ch.items[ch.i].op
		ch.i++
		var y Expr
		y, _, err = operand(depth)
		x = &Binary{Op: opByte[op], X: x, Y: y, At: start}
	}
	if err != nil {
		return nil, 0, err
	}
	return x, start, nil
}

func (ch *chain) sum(depth int) (Expr, int, error) {
	return ch.binaryLoop(depth, ch.product, token.ADD, token.SUB)
}

func (ch *chain) product(depth int) (Expr, int, error) {
	return ch.binaryLoop(depth, ch.unary, token.MUL, token.QUO)
}

// unary parses signs. A sign applies to the whole power after it, so
// -t^2 is -(t^2).
func (ch *chain) unary(depth int) (Expr, int, error) {
	it := ch.items[ch.i] // flatten ends every chain with an operand
	if depth > maxDepth {
		return nil, 0, ch.c.tooDeep(it.pos)
	}
	if !it.prefix {
		return ch.power(depth)
	}
	ch.i++
	x, _, err := ch.unary(depth + 1)
	if err != nil {
		return nil, 0, err
	}
	start := ch.c.col(it.pos)
	if it.op == token.ADD {
		return x, start, nil // unary plus is dropped
	}
	return &Neg{X: x, At: start}, start, nil
}

// power parses an operand and an optional exponent. The exponent is a
// unary, so 2^-3^2 is 2^(-(3^2)) and 2^3^2 is 2^(3^2).
func (ch *chain) power(depth int) (Expr, int, error) {
	it := ch.items[ch.i]
	ch.i++
	base, err := ch.c.operand(it.operand, depth)
	if err != nil {
		return nil, 0, err
	}
	start := ch.c.col(it.pos)
	if !ch.next(token.XOR) {
		return base, start, nil
	}
	ch.i++
	exp, _, err := ch.unary(depth + 1)
	if err != nil {
		return nil, 0, err
	}
	return &Binary{Op: '^', X: base, Y: exp, At: start}, start, nil
}

// kind names the Go constructs that have no place in an equation, for
// error messages.
func kind(n ast.Expr) string {
	switch n.(type) {
	case *ast.SelectorExpr:
		return "selector "
	case *ast.IndexExpr, *ast.IndexListExpr:
		return "indexing "
	case *ast.SliceExpr:
		return "slicing "
	case *ast.TypeAssertExpr:
		return "type assertion "
	case *ast.CompositeLit:
		return "composite literal "
	case *ast.FuncLit:
		return "function literal "
	}
	return ""
}

// operand converts what flatten left whole. Errors are found left to
// right, so the one reported is the leftmost.
func (c *converter) operand(n ast.Expr, depth int) (Expr, error) {
	if depth > maxDepth {
		return nil, c.tooDeep(n.Pos())
	}
	switch n := n.(type) {
	case *ast.ParenExpr:
		return c.expr(n.X, depth+1)
	case *ast.Ident:
		if _, isFunc := arity(n.Name); isFunc {
			return nil, c.errorf(n.Pos(), n.Name, "%q is a function: write %s(...)", n.Name, n.Name)
		}
		return &Name{Name: n.Name, At: c.col(n.Pos())}, nil
	case *ast.BasicLit:
		return c.number(n)
	case *ast.CallExpr:
		return c.call(n, depth)
	case *ast.BinaryExpr:
		// Comparison and logical operators bind looser than arithmetic,
		// so Go puts them above the chains that flatten takes apart.
		if _, err := c.expr(n.X, depth+1); err != nil {
			return nil, err
		}
		return nil, c.errorf(n.OpPos, n.Op.String(), "%q is not allowed", n.Op.String())
	case *ast.UnaryExpr: // signs were taken by flatten: this is ! ^ & <- ~
		return nil, c.errorf(n.OpPos, n.Op.String(), "unary %q is not allowed", n.Op.String())
	case *ast.StarExpr:
		return nil, c.errorf(n.Star, "*", `unary "*" is not allowed (powers are written a^b)`)
	}
	text := c.text(n)
	return nil, c.errorf(n.Pos(), text, "%s%q is not allowed", kind(n), short(text))
}

// number converts a literal. Only decimal numbers are accepted, and
// integers with a leading zero are refused as ambiguous.
func (c *converter) number(n *ast.BasicLit) (Expr, error) {
	s := n.Value
	switch n.Kind {
	case token.IMAG:
		return nil, c.errorf(n.Pos(), s, "imaginary number %q is not allowed", short(s))
	case token.CHAR:
		return nil, c.errorf(n.Pos(), s, "character literal %s is not allowed", short(s))
	case token.STRING:
		return nil, c.errorf(n.Pos(), s, "string literal %s is not allowed", short(s))
	}
	if len(s) > 1 && s[0] == '0' && strings.ContainsAny(s[1:2], "xXoObB") {
		return nil, c.errorf(n.Pos(), s, "number %q is not decimal", short(s))
	}
	if n.Kind == token.INT && len(s) > 1 && s[0] == '0' {
		// Go reads 010 as octal 8, a reader of an equation as 10.
		return nil, c.errorf(n.Pos(), s, "number %q has a leading zero", short(s))
	}
	v, err := strconv.ParseFloat(s, 64)
	switch {
	case err != nil && math.IsInf(v, 0):
		return nil, c.errorf(n.Pos(), s, "number %q is out of range", short(s))
	case err != nil:
		return nil, c.errorf(n.Pos(), s, "invalid number %q", short(s))
	}
	return &Number{Value: v, At: c.col(n.Pos())}, nil
}

// call converts a call of a built-in function.
func (c *converter) call(n *ast.CallExpr, depth int) (Expr, error) {
	id, ok := n.Fun.(*ast.Ident)
	if !ok {
		text := c.text(n)
		return nil, c.errorf(n.Pos(), text, "call %q is not allowed (only built-in functions can be called)", short(text))
	}
	want, ok := arity(id.Name)
	if c.calls[id.Name] {
		want, ok = 1, true
	}
	if !ok {
		known := knownFuncs()
		if len(c.calls) > 0 {
			known = strings.Join(slices.Sorted(maps.Keys(c.calls)), ", ") + " and " + known
		}
		return nil, c.errorf(id.Pos(), id.Name, "unknown function %q (known: %s)", id.Name, known)
	}
	if len(n.Args) != want {
		plural := "s"
		if want == 1 {
			plural = ""
		}
		return nil, c.errorf(id.Pos(), id.Name, "%s takes %d argument%s, got %d", id.Name, want, plural, len(n.Args))
	}
	args := make([]Expr, len(n.Args))
	for i, a := range n.Args {
		var err error
		if args[i], err = c.expr(a, depth+1); err != nil {
			return nil, err
		}
	}
	if n.Ellipsis.IsValid() { // checked after the arguments, which come first in the text
		return nil, c.errorf(n.Ellipsis, "...", `"..." is not allowed`)
	}
	return &Call{Func: id.Name, Args: args, At: c.col(id.Pos())}, nil
}
