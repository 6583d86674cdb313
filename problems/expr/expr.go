package expr

import (
	"fmt"
	"math"
	"sort"
	"strings"
)

// Expr is a node of a parsed expression tree. Its implementations are
// *Number, *Name, *Neg, *Binary and *Call.
type Expr interface {
	// String returns canonical text for the node; Parse(e.String())
	// gives an equal tree for every tree that Parse returned.
	String() string
	// Pos returns the 1-based column (byte offset + 1) in the source
	// where the node starts.
	Pos() int
	isExpr()
}

// Number is a numeric literal. Parse only produces finite, non-negative
// values: a minus sign in front of a number is a Neg.
type Number struct {
	Value float64
	At    int // Pos()
}

// Name is an identifier: a variable such as t or y, a parameter, or the
// built-in constant pi.
type Name struct {
	Name string
	At   int // Pos()
}

// Neg is unary minus. Unary plus is dropped while parsing.
type Neg struct {
	X  Expr
	At int // Pos(): the column of the minus sign
}

// Binary is a binary operation; Op is one of '+', '-', '*', '/', '^'
// (power).
type Binary struct {
	Op   byte
	X, Y Expr
	At   int // Pos(): where the left operand starts, parentheses included
}

// Call is a call of a built-in function: sin, cos, tan, exp, log, sqrt,
// tanh or abs with one argument, or pow with two.
type Call struct {
	Func string
	Args []Expr
	At   int // Pos(): the column of the function name
}

func (*Number) isExpr() {}
func (*Name) isExpr()   {}
func (*Neg) isExpr()    {}
func (*Binary) isExpr() {}
func (*Call) isExpr()   {}

// Pos returns the column where the number starts.
func (n *Number) Pos() int { return n.At }

// Pos returns the column where the name starts.
func (n *Name) Pos() int { return n.At }

// Pos returns the column of the minus sign.
func (n *Neg) Pos() int { return n.At }

// Pos returns the column where the left operand starts.
func (n *Binary) Pos() int { return n.At }

// Pos returns the column of the function name.
func (n *Call) Pos() int { return n.At }

// funcs1 are the built-in functions of one argument. The other packages
// that walk trees keep their own tables; this one is the source of truth
// for which names Parse accepts.
var funcs1 = map[string]func(float64) float64{
	"sin":  math.Sin,
	"cos":  math.Cos,
	"tan":  math.Tan,
	"exp":  math.Exp,
	"log":  math.Log,
	"sqrt": math.Sqrt,
	"tanh": math.Tanh,
	"abs":  math.Abs,
}

// arity returns the number of arguments of a built-in function, and
// false for any other name.
func arity(name string) (int, bool) {
	if name == "pow" {
		return 2, true
	}
	_, ok := funcs1[name]
	return 1, ok
}

// IsFunc reports whether name is a built-in function, which a variable or
// parameter must not be called.
func IsFunc(name string) bool {
	_, ok := arity(name)
	return ok
}

// knownFuncs lists the built-in functions for error messages.
func knownFuncs() string {
	names := []string{"pow"}
	for n := range funcs1 {
		names = append(names, n)
	}
	sort.Strings(names)
	return strings.Join(names, ", ")
}

// walk calls f for e and all its descendants, parents first and
// operands left to right, which is source order for trees from Parse.
func walk(e Expr, f func(Expr)) {
	f(e)
	switch e := e.(type) {
	case *Neg:
		walk(e.X, f)
	case *Binary:
		walk(e.X, f)
		walk(e.Y, f)
	case *Call:
		for _, a := range e.Args {
			walk(a, f)
		}
	}
}

// Names returns the free names of e, sorted and unique, without the
// built-in constant pi.
func Names(e Expr) []string {
	seen := map[string]bool{}
	walk(e, func(e Expr) {
		if n, ok := e.(*Name); ok && n.Name != "pi" {
			seen[n.Name] = true
		}
	})
	names := make([]string, 0, len(seen))
	for n := range seen {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

// Check returns an *Error for the leftmost name in e that is neither pi
// nor one of known, and nil if there is none. src is the text e was
// parsed from; it only makes the message readable.
func Check(e Expr, src string, known ...string) error {
	ok := map[string]bool{"pi": true}
	for _, k := range known {
		ok[k] = true
	}
	var bad *Name
	walk(e, func(e Expr) {
		if n, isName := e.(*Name); isName && !ok[n.Name] && (bad == nil || n.At < bad.At) {
			bad = n
		}
	})
	if bad == nil {
		return nil
	}
	list := make([]string, 0, len(ok))
	for k := range ok {
		list = append(list, k)
	}
	sort.Strings(list)
	return &Error{Src: src, Col: bad.At, Text: bad.Name,
		Msg: fmt.Sprintf("unknown name %q (known: %s)", bad.Name, strings.Join(list, ", "))}
}
