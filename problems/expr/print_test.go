package expr_test

import (
	"math/rand/v2"
	"testing"

	"pinn/problems/expr"
)

// TestPrintRoundTrip builds random trees, which put every kind of node
// under every operator (signs in bases and exponents, sums under
// products, towers on either side), and checks that String() parses
// back to the same tree. The fuzzer mostly explores go/parser's errors;
// this explores the printer. The seed is fixed so failures reproduce.
func TestPrintRoundTrip(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for range 5000 {
		e := randomExpr(rng, 5)
		s := e.String()
		back, err := expr.Parse(s)
		if err != nil {
			t.Fatalf("%q does not parse: %v", s, err)
		}
		if !equal(e, back) {
			t.Fatalf("%q parses to a different tree, printed %q", s, back)
		}
	}
}

var (
	randomOps   = []byte("+-*/^")
	randomNames = []string{"t", "y", "dy", "pi", "α"}
	randomNums  = []float64{0, 1, 2, 0.5, 1e-7, 3e21, 123.456}
	randomFuncs = []string{"sin", "cos", "tan", "exp", "log", "sqrt", "tanh", "abs"}
)

func randomExpr(rng *rand.Rand, depth int) expr.Expr {
	if depth == 0 || rng.IntN(4) == 0 {
		if rng.IntN(2) == 0 {
			return &expr.Number{Value: randomNums[rng.IntN(len(randomNums))]}
		}
		return &expr.Name{Name: randomNames[rng.IntN(len(randomNames))]}
	}
	switch rng.IntN(5) {
	case 0:
		return &expr.Neg{X: randomExpr(rng, depth-1)}
	case 1:
		if rng.IntN(3) == 0 {
			return &expr.Call{Func: "pow", Args: []expr.Expr{randomExpr(rng, depth-1), randomExpr(rng, depth-1)}}
		}
		return &expr.Call{Func: randomFuncs[rng.IntN(len(randomFuncs))], Args: []expr.Expr{randomExpr(rng, depth-1)}}
	}
	return &expr.Binary{Op: randomOps[rng.IntN(len(randomOps))], X: randomExpr(rng, depth-1), Y: randomExpr(rng, depth-1)}
}
