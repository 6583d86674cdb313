package graph

import (
	"fmt"
	"math"

	"pinn/problems/expr"

	G "gorgonia.org/gorgonia"
)

// exprEnv gives the names of an expression their meaning in a graph: nodes
// (t, the state variables, unknown parameters) or numbers (known
// parameters; pi is built in).
type exprEnv struct {
	nodes  map[string]*G.Node
	consts map[string]float64
}

// constant reports whether every name in e is a number.
func (env exprEnv) constant(e expr.Expr) bool {
	for _, n := range expr.Names(e) {
		if _, ok := env.consts[n]; !ok {
			return false
		}
	}
	return true
}

// buildExpr turns a parsed expression into nodes. Parts that depend on no
// node are evaluated once and enter the graph as constants.
func buildExpr(e expr.Expr, env exprEnv) (*G.Node, error) {
	if env.constant(e) {
		v, err := expr.Eval(e, env.consts)
		if err != nil {
			return nil, err
		}
		return G.NewConstant(v), nil
	}
	switch e := e.(type) {
	case *expr.Name:
		n, ok := env.nodes[e.Name]
		if !ok {
			return nil, fmt.Errorf("graph: no value for %q", e.Name)
		}
		return n, nil
	case *expr.Neg:
		x, err := buildExpr(e.X, env)
		if err != nil {
			return nil, err
		}
		return G.Neg(x)
	case *expr.Binary:
		x, err := buildExpr(e.X, env)
		if err != nil {
			return nil, err
		}
		if e.Op == '^' {
			return power(x, e.Y, env)
		}
		y, err := buildExpr(e.Y, env)
		if err != nil {
			return nil, err
		}
		switch e.Op {
		case '+':
			return G.Add(x, y)
		case '-':
			return G.Sub(x, y)
		case '*':
			return G.HadamardProd(x, y)
		case '/':
			return G.HadamardDiv(x, y)
		}
	case *expr.Call:
		if e.Func == "pow" {
			x, err := buildExpr(e.Args[0], env)
			if err != nil {
				return nil, err
			}
			return power(x, e.Args[1], env)
		}
		x, err := buildExpr(e.Args[0], env)
		if err != nil {
			return nil, err
		}
		switch e.Func {
		case "sin":
			return G.Sin(x)
		case "cos":
			return G.Cos(x)
		case "tan":
			s, err := G.Sin(x)
			if err != nil {
				return nil, err
			}
			c, err := G.Cos(x)
			if err != nil {
				return nil, err
			}
			return G.HadamardDiv(s, c)
		case "exp":
			return G.Exp(x)
		case "log":
			return G.Log(x)
		case "sqrt":
			return G.Sqrt(x)
		case "tanh":
			return G.Tanh(x)
		case "abs":
			return G.Abs(x)
		}
	}
	return nil, fmt.Errorf("graph: cannot build %s", e)
}

// power builds x^y. A constant integer exponent becomes products (so that a
// negative base is fine and no logarithm enters the graph), 0.5 a square
// root; anything else is Gorgonia's Pow.
func power(x *G.Node, y expr.Expr, env exprEnv) (*G.Node, error) {
	if env.constant(y) {
		p, err := expr.Eval(y, env.consts)
		if err != nil {
			return nil, err
		}
		switch {
		case p == 0.5:
			return G.Sqrt(x)
		case p == math.Trunc(p) && math.Abs(p) <= 64:
			return integerPower(x, int(p))
		}
	}
	yn, err := buildExpr(y, env)
	if err != nil {
		return nil, err
	}
	return G.Pow(x, yn)
}

// integerPower builds x^n by repeated squaring.
func integerPower(x *G.Node, n int) (*G.Node, error) {
	switch {
	case n < 0:
		p, err := integerPower(x, -n)
		if err != nil {
			return nil, err
		}
		return G.HadamardDiv(G.NewConstant(1.0), p)
	case n == 0:
		return G.NewConstant(1.0), nil // as math.Pow: x^0 = 1 for every x
	case n == 1:
		return x, nil
	case n == 2:
		return G.Square(x)
	case n%2 == 1:
		p, err := integerPower(x, n-1)
		if err != nil {
			return nil, err
		}
		return G.HadamardProd(p, x)
	}
	h, err := integerPower(x, n/2)
	if err != nil {
		return nil, err
	}
	return G.Square(h)
}
