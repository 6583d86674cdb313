package expr_test

import (
	"math"

	"pinn/problems/expr"
)

// equal reports whether a and b are the same tree, ignoring positions,
// which differ between a source and its canonical text.
func equal(a, b expr.Expr) bool {
	switch a := a.(type) {
	case *expr.Number:
		b, ok := b.(*expr.Number)
		return ok && math.Float64bits(a.Value) == math.Float64bits(b.Value)
	case *expr.Name:
		b, ok := b.(*expr.Name)
		return ok && a.Name == b.Name
	case *expr.Neg:
		b, ok := b.(*expr.Neg)
		return ok && equal(a.X, b.X)
	case *expr.Binary:
		b, ok := b.(*expr.Binary)
		return ok && a.Op == b.Op && equal(a.X, b.X) && equal(a.Y, b.Y)
	case *expr.Call:
		b, ok := b.(*expr.Call)
		if !ok || a.Func != b.Func || len(a.Args) != len(b.Args) {
			return false
		}
		for i := range a.Args {
			if !equal(a.Args[i], b.Args[i]) {
				return false
			}
		}
		return true
	}
	return false
}

// sameFloat reports whether x and y are equal or both NaN.
func sameFloat(x, y float64) bool {
	return x == y || math.IsNaN(x) && math.IsNaN(y)
}

// env binds every name of e to v.
func env(e expr.Expr, v float64) map[string]float64 {
	m := map[string]float64{}
	for _, n := range expr.Names(e) {
		m[n] = v
	}
	return m
}

// vars numbers the names of e for Compile and returns the values of env
// in that order.
func vars(e expr.Expr, env map[string]float64) (map[string]int, []float64) {
	idx := map[string]int{}
	var x []float64
	for i, n := range expr.Names(e) {
		idx[n] = i
		x = append(x, env[n])
	}
	return idx, x
}
