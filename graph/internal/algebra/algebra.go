// Package algebra builds expression trees (package expr's) that simplify
// as they are built, by rules that are exact in real arithmetic: adding 0,
// multiplying by 1 or 0, folding constants, gathering a product's numbers,
// signs and repeated factors (x*x = x^2), and ordering its factors: numbers,
// then indexed names (weights such as w_1), then other names (t), then the
// rest; and taking the factors two terms of a sum share out of both
// (a*c + b*c = (a + b)*c). graph writes the derivatives it builds as
// formulas with it.
package algebra

import (
	"math"
	"sort"
	"strings"

	"pinn/problems/expr"
)

// Number returns v as an expression; the parser makes negative numbers
// Neg, so does Number.
func Number(v float64) expr.Expr {
	if v < 0 || (v == 0 && math.Signbit(v)) {
		return &expr.Neg{X: &expr.Number{Value: -v}}
	}
	return &expr.Number{Value: v}
}

// numberValue returns e's value if e is a number or a negated one.
func numberValue(e expr.Expr) (float64, bool) {
	switch e := e.(type) {
	case *expr.Number:
		return e.Value, true
	case *expr.Neg:
		if v, ok := numberValue(e.X); ok {
			return -v, true
		}
	}
	return 0, false
}

// Add returns a + b.
func Add(a, b expr.Expr) expr.Expr {
	x, aNum := numberValue(a)
	y, bNum := numberValue(b)
	switch {
	case aNum && bNum:
		return Number(x + y)
	case aNum && x == 0:
		return b
	case bNum && y == 0:
		return a
	}
	if nb, ok := b.(*expr.Neg); ok {
		return Sub(a, nb.X)
	}
	if na, ok := a.(*expr.Neg); ok {
		return Sub(b, na.X)
	}
	if c, ra, rb, ok := commonFactor(a, b); ok {
		return Mul(c, Add(ra, rb))
	}
	return &expr.Binary{Op: '+', X: a, Y: b}
}

// Sub returns a - b.
func Sub(a, b expr.Expr) expr.Expr {
	x, aNum := numberValue(a)
	y, bNum := numberValue(b)
	switch {
	case aNum && bNum:
		return Number(x - y)
	case bNum && y == 0:
		return a
	case aNum && x == 0:
		return Neg(b)
	}
	if nb, ok := b.(*expr.Neg); ok {
		return Add(a, nb.X)
	}
	if c, ra, rb, ok := commonFactor(a, b); ok {
		return Mul(c, Sub(ra, rb))
	}
	return &expr.Binary{Op: '-', X: a, Y: b}
}

// Neg returns -a.
func Neg(a expr.Expr) expr.Expr {
	if v, ok := numberValue(a); ok {
		return Number(-v)
	}
	switch a := a.(type) {
	case *expr.Neg:
		return a.X
	case *expr.Binary:
		if a.Op == '*' {
			return Mul(Number(-1), a)
		}
	}
	return &expr.Neg{X: a}
}

// Div returns a / b.
func Div(a, b expr.Expr) expr.Expr {
	x, aNum := numberValue(a)
	y, bNum := numberValue(b)
	switch {
	case aNum && bNum:
		return Number(x / y)
	case aNum && x == 0:
		return Number(0)
	case bNum && y == 1:
		return a
	}
	return &expr.Binary{Op: '/', X: a, Y: b}
}

// Call returns the call f(x) of a function of one argument.
func Call(f string, x expr.Expr) expr.Expr {
	return &expr.Call{Func: f, Args: []expr.Expr{x}}
}

// power is a factor of a product: base^exp.
type power struct {
	base expr.Expr
	key  string // base's text, which identifies it
	exp  float64
}

// product is a product as Mul keeps it: a coefficient and powers.
type product struct {
	coef float64
	ps   []power
}

// factors multiplies e, taken apart into numbers and powers, into p.
func (p *product) factors(e expr.Expr, exp float64) {
	if v, ok := numberValue(e); ok {
		p.coef *= math.Pow(v, exp)
		return
	}
	switch e := e.(type) {
	case *expr.Neg:
		p.coef = -p.coef
		p.factors(e.X, exp)
		return
	case *expr.Binary:
		if e.Op == '*' {
			p.factors(e.X, exp)
			p.factors(e.Y, exp)
			return
		}
		if v, ok := numberValue(e.Y); ok && e.Op == '^' {
			p.factors(e.X, exp*v)
			return
		}
	}
	key := e.String()
	for i := range p.ps {
		if p.ps[i].key == key {
			p.ps[i].exp += exp
			return
		}
	}
	p.ps = append(p.ps, power{base: e, key: key, exp: exp})
}

func productOf(es ...expr.Expr) *product {
	p := &product{coef: 1}
	for _, e := range es {
		p.factors(e, 1)
	}
	return p
}

// Mul returns a*b as one product with its numbers multiplied into one
// coefficient, its sign in front, equal factors gathered into powers and the
// factors ordered.
func Mul(a, b expr.Expr) expr.Expr { return productOf(a, b).expr() }

// expr writes the product out.
func (p *product) expr() expr.Expr {
	coef := p.coef
	var ps []power
	for _, f := range p.ps {
		if f.exp != 0 {
			ps = append(ps, f)
		}
	}
	if coef == 0 {
		return Number(0)
	}
	sort.SliceStable(ps, func(i, j int) bool {
		ri, rj := factorRank(ps[i].base), factorRank(ps[j].base)
		if ri != rj {
			return ri < rj
		}
		return ri < 2 && ps[i].key < ps[j].key
	})
	var factors []expr.Expr
	if math.Abs(coef) != 1 || len(ps) == 0 {
		factors = append(factors, Number(math.Abs(coef)))
	}
	for _, f := range ps {
		var x expr.Expr = f.base
		if f.exp != 1 {
			x = &expr.Binary{Op: '^', X: f.base, Y: Number(f.exp)}
		}
		factors = append(factors, x)
	}
	// The sign goes on the first factor, -a*b, which reads better than
	// -(a*b) and has the same value.
	if coef < 0 {
		factors[0] = Neg(factors[0])
	}
	e := factors[0]
	for _, x := range factors[1:] {
		e = &expr.Binary{Op: '*', X: e, Y: x}
	}
	return e
}

// commonFactor takes the factors a and b share (not numbers) out of both:
// a = c*ra, b = c*rb. ok is false when they share none.
func commonFactor(a, b expr.Expr) (c, ra, rb expr.Expr, ok bool) {
	pa, pb := productOf(a), productOf(b)
	common := &product{coef: 1}
	for i := range pa.ps {
		for j := range pb.ps {
			f, g := &pa.ps[i], &pb.ps[j]
			if f.key != g.key || f.exp <= 0 || g.exp <= 0 {
				continue
			}
			e := min(f.exp, g.exp)
			common.ps = append(common.ps, power{base: f.base, key: f.key, exp: e})
			f.exp -= e
			g.exp -= e
		}
	}
	if len(common.ps) == 0 {
		return nil, nil, nil, false
	}
	return common.expr(), pa.expr(), pb.expr(), true
}

// factorRank orders a product's factors: weights (names with an index),
// then other names (the independent variable), then everything else.
func factorRank(e expr.Expr) int {
	n, ok := e.(*expr.Name)
	switch {
	case ok && strings.Contains(n.Name, "_"):
		return 0
	case ok:
		return 1
	}
	return 2
}
