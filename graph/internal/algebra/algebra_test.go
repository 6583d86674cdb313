package algebra_test

import (
	"testing"

	"pinn/graph/internal/algebra"
	"pinn/problems/expr"
)

func name(s string) expr.Expr { return &expr.Name{Name: s} }

// TestSimplification checks each rule on a small case; the expected texts
// are what expr prints.
func TestSimplification(t *testing.T) {
	x, w, tt := name("x"), name("w_1"), name("t")
	th := algebra.Call("tanh", algebra.Add(algebra.Mul(tt, w), name("b_1")))
	tests := []struct {
		got  expr.Expr
		want string
	}{
		{algebra.Add(algebra.Number(0), x), "x"},
		{algebra.Add(x, algebra.Number(0)), "x"},
		{algebra.Add(algebra.Number(2), algebra.Number(3)), "5"},
		{algebra.Add(x, algebra.Neg(w)), "x - w_1"},
		{algebra.Sub(algebra.Number(0), x), "-x"},
		{algebra.Sub(x, algebra.Neg(w)), "x + w_1"},
		{algebra.Mul(algebra.Number(1), x), "x"},
		{algebra.Mul(x, algebra.Number(0)), "0"},
		{algebra.Mul(algebra.Neg(x), algebra.Neg(w)), "w_1*x"},
		{algebra.Mul(algebra.Neg(x), algebra.Number(2)), "-2*x"},
		{algebra.Mul(th, th), "tanh(w_1*t + b_1)^2"},
		{algebra.Mul(algebra.Mul(th, w), name("v_1")), "v_1*w_1*tanh(w_1*t + b_1)"},
		{algebra.Neg(algebra.Neg(x)), "x"},
		{algebra.Neg(algebra.Mul(algebra.Number(3), x)), "-3*x"},
		{algebra.Div(x, algebra.Number(1)), "x"},
		{algebra.Div(algebra.Number(1), algebra.Number(4)), "0.25"},
		{algebra.Sub(algebra.Number(1), algebra.Mul(th, th)), "1 - tanh(w_1*t + b_1)^2"},
		{algebra.Add(algebra.Mul(w, th), algebra.Mul(x, th)), "tanh(w_1*t + b_1)*(w_1 + x)"},
		{algebra.Sub(algebra.Mul(w, x), algebra.Mul(x, tt)), "x*(w_1 - t)"},
		{algebra.Add(algebra.Mul(algebra.Mul(th, th), w), th), "tanh(w_1*t + b_1)*(w_1*tanh(w_1*t + b_1) + 1)"},
		{algebra.Add(x, x), "2*x"},
		{algebra.Add(algebra.Mul(w, x), tt), "w_1*x + t"},
	}
	for _, tc := range tests {
		if s := tc.got.String(); s != tc.want {
			t.Errorf("got %s, want %s", s, tc.want)
		}
		if _, err := expr.Parse(tc.got.String()); err != nil {
			t.Errorf("%s does not parse: %v", tc.got, err)
		}
	}
}
