package expr

import (
	"slices"
	"strconv"
)

// Precedence levels for printing, loosest first. They mirror the
// grammar in the package documentation, so the printer adds exactly the
// parentheses that Parse needs to rebuild the same tree.
const (
	precSum = iota + 1
	precProduct
	precUnary
	precPower
	precAtom
)

func prec(e Expr) int {
	switch e := e.(type) {
	case *Neg:
		return precUnary
	case *Binary:
		switch e.Op {
		case '+', '-':
			return precSum
		case '*', '/':
			return precProduct
		case '^':
			return precPower
		}
	}
	return precAtom
}

// String returns the number in Go syntax, with the fewest digits that
// read back to the same float64.
func (n *Number) String() string { return string(appendExpr(nil, n)) }

// String returns the name.
func (n *Name) String() string { return n.Name }

// String returns the negation, such as -x or -(a + b).
func (n *Neg) String() string { return string(appendExpr(nil, n)) }

// String returns the operation with only the parentheses it needs,
// spaces around + and - and none around *, / and ^, as in a*x - b^2.
func (n *Binary) String() string { return string(appendExpr(nil, n)) }

// String returns the call, such as pow(t, 2).
func (n *Call) String() string { return string(appendExpr(nil, n)) }

// appendExpr appends the canonical text of e to b.
func appendExpr(b []byte, e Expr) []byte {
	switch e := e.(type) {
	case *Number:
		return strconv.AppendFloat(b, e.Value, 'g', -1, 64)
	case *Name:
		return append(b, e.Name...)
	case *Neg:
		b = append(b, '-')
		mark := len(b)
		b = appendOperand(b, e.X, prec(e.X) < precUnary)
		if len(b) > mark && b[mark] == '-' {
			b = slices.Insert(b, mark, ' ') // "--" would read as Go's decrement
		}
		return b
	case *Binary:
		p := prec(e)
		switch p {
		case precSum: // left-associative: a - (b - c) needs its parentheses
			b = appendOperand(b, e.X, false)
			b = append(b, ' ', e.Op, ' ')
			return appendOperand(b, e.Y, prec(e.Y) <= precSum)
		case precProduct: // the right operand may carry a sign: a*-b
			b = appendOperand(b, e.X, prec(e.X) < precProduct)
			b = append(b, e.Op)
			return appendOperand(b, e.Y, prec(e.Y) <= precProduct)
		default: // power: base is an atom, exponent may carry a sign: 2^-x
			b = appendOperand(b, e.X, prec(e.X) < precAtom)
			b = append(b, e.Op)
			return appendOperand(b, e.Y, prec(e.Y) < precUnary)
		}
	case *Call:
		b = append(b, e.Func...)
		b = append(b, '(')
		for i, a := range e.Args {
			if i > 0 {
				b = append(b, ", "...)
			}
			b = appendExpr(b, a)
		}
		return append(b, ')')
	}
	return append(b, "<nil>"...)
}

func appendOperand(b []byte, e Expr, paren bool) []byte {
	if !paren {
		return appendExpr(b, e)
	}
	b = append(b, '(')
	b = appendExpr(b, e)
	return append(b, ')')
}
