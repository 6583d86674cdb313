package graph

import (
	"fmt"

	G "gorgonia.org/gorgonia"
)

// Activation names the pointwise nonlinearity applied after a dense layer.
type Activation string

// The activations a network can use.
const (
	// Identity applies no nonlinearity (the default on the output layer).
	Identity Activation = "none"
	// Tanh is the hyperbolic tangent.
	Tanh Activation = "tanh"
	// Sigmoid is the logistic function 1/(1+exp(-x)).
	Sigmoid Activation = "sigmoid"
	// ReLU is max(x, 0) with derivative 0 at x = 0, as in Flux.
	ReLU Activation = "relu"
	// Rectify is Gorgonia's own ReLU: its derivative at x = 0 is 1.
	Rectify Activation = "rectify"
	// Sin is the sine.
	Sin Activation = "sin"
	// Softplus is log(1 + exp(x)).
	Softplus Activation = "softplus"
)

// Activations returns every activation, in the order help texts show them,
// a fresh slice on every call.
func Activations() []Activation {
	return []Activation{Tanh, Sigmoid, ReLU, Rectify, Sin, Softplus, Identity}
}

// apply builds act(z).
func (a Activation) apply(z *G.Node) (*G.Node, error) {
	switch a {
	case Identity:
		return z, nil
	case Tanh:
		return G.Tanh(z)
	case Sigmoid:
		return G.Sigmoid(z)
	case ReLU:
		// x * [x > 0]: the comparison is not differentiable, so Gorgonia's
		// derivative is [x > 0], which is 0 at x = 0 as Flux's relu.
		s, err := a.step(z)
		if err != nil {
			return nil, err
		}
		return G.HadamardProd(z, s)
	case Rectify:
		return G.Rectify(z)
	case Sin:
		return G.Sin(z)
	case Softplus:
		return G.Softplus(z)
	}
	return nil, fmt.Errorf("graph: unknown activation %q", a)
}

// step builds the 0/1 indicator used by ReLU ([z > 0]) and Rectify ([z >= 0]).
func (a Activation) step(z *G.Node) (*G.Node, error) {
	zero := G.NewConstant(0.0)
	if a == Rectify {
		return G.Gte(z, zero, true)
	}
	return G.Gt(z, zero, true)
}

// derivatives builds act'(z) and act”(z) from z and y = act(z); a nil node
// stands for zero. Only the derivatives up to order are built.
func (a Activation) derivatives(z, y *G.Node, order int) (d1, d2 *G.Node, err error) {
	if order == 0 {
		return nil, nil, nil
	}
	one := G.NewConstant(1.0)
	switch a {
	case Identity:
		return one, nil, nil
	case ReLU, Rectify:
		d1, err = a.step(z)
		return d1, nil, err
	case Tanh:
		// tanh' = 1 - y^2, tanh'' = -2 y (1 - y^2)
		var y2 *G.Node
		if y2, err = G.Square(y); err == nil {
			d1, err = G.Sub(one, y2)
		}
		if err == nil && order > 1 {
			d2, err = mulAll(G.NewConstant(-2.0), y, d1)
		}
	case Sigmoid:
		// s' = s (1 - s), s'' = s' (1 - 2 s)
		var oms *G.Node
		if oms, err = G.Sub(one, y); err == nil {
			d1, err = G.HadamardProd(y, oms)
		}
		if err == nil && order > 1 {
			var omts *G.Node
			if omts, err = G.Sub(oms, y); err == nil {
				d2, err = G.HadamardProd(d1, omts)
			}
		}
	case Sin:
		// sin' = cos, sin'' = -sin
		if d1, err = G.Cos(z); err == nil && order > 1 {
			d2, err = G.Neg(y)
		}
	case Softplus:
		// softplus' = sigmoid, softplus'' = sigmoid (1 - sigmoid)
		if d1, err = G.Sigmoid(z); err == nil && order > 1 {
			var oms *G.Node
			if oms, err = G.Sub(one, d1); err == nil {
				d2, err = G.HadamardProd(d1, oms)
			}
		}
	default:
		return nil, nil, fmt.Errorf("graph: unknown activation %q", a)
	}
	return d1, d2, err
}

// mulAll multiplies its factors elementwise (a scalar factor scales). It
// never calls G.Mul, which turns two matrices into a matrix product.
func mulAll(factors ...*G.Node) (*G.Node, error) {
	p := factors[0]
	for _, f := range factors[1:] {
		var err error
		if p, err = G.HadamardProd(p, f); err != nil {
			return nil, err
		}
	}
	return p, nil
}
