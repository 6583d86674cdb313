package graph

import (
	G "gorgonia.org/gorgonia"
)

// jet is a quantity together with its derivatives with respect to t up to
// order (0, 1 or 2), all nodes of one shape; a nil derivative stands for
// zero. A jet of order 0 is a plain value, so one set of functions builds both
// the network (Symbolic, FD*) and its tangent propagation (Forward).
type jet struct {
	v, d1, d2 *G.Node
	order     int
}

// add returns a + b for nodes of which either may be nil (zero).
func add(a, b *G.Node) (*G.Node, error) {
	switch {
	case a == nil:
		return b, nil
	case b == nil:
		return a, nil
	}
	return G.Add(a, b)
}

// mul returns a .* b for nodes of which either may be nil (zero).
func mul(a, b *G.Node) (*G.Node, error) {
	if a == nil || b == nil {
		return nil, nil
	}
	return G.HadamardProd(a, b)
}

// matmul returns a W for a node a that may be nil (zero).
func matmul(a, w *G.Node) (*G.Node, error) {
	if a == nil {
		return nil, nil
	}
	return G.Mul(a, w)
}

// jetAdd returns a + b.
func jetAdd(a, b jet) (j jet, err error) {
	j.order = max(a.order, b.order)
	if j.v, err = add(a.v, b.v); err != nil {
		return
	}
	if j.d1, err = add(a.d1, b.d1); err != nil {
		return
	}
	j.d2, err = add(a.d2, b.d2)
	return
}

// jetMul returns a .* b by the product rule:
//
//	(ab)' = a'b + ab',  (ab)'' = a''b + 2a'b' + ab''
func jetMul(a, b jet) (j jet, err error) {
	j.order = max(a.order, b.order)
	if j.v, err = mul(a.v, b.v); err != nil {
		return
	}
	var p, q *G.Node
	if p, err = mul(a.d1, b.v); err != nil {
		return
	}
	if q, err = mul(a.v, b.d1); err != nil {
		return
	}
	if j.d1, err = add(p, q); err != nil {
		return
	}
	if j.order < 2 {
		return
	}
	var cross *G.Node
	if cross, err = mul(a.d1, b.d1); err != nil {
		return
	}
	if cross != nil {
		if cross, err = G.HadamardProd(G.NewConstant(2.0), cross); err != nil {
			return
		}
	}
	if p, err = mul(a.d2, b.v); err != nil {
		return
	}
	if q, err = mul(a.v, b.d2); err != nil {
		return
	}
	if p, err = add(p, q); err != nil {
		return
	}
	j.d2, err = add(p, cross)
	return
}

// jetAffine returns c a + s for constants c and s.
func jetAffine(a jet, c, s float64) (j jet, err error) {
	j.order = a.order
	scale := func(n *G.Node) (*G.Node, error) {
		if n == nil || c == 1 {
			return n, nil
		}
		return G.HadamardProd(G.NewConstant(c), n)
	}
	if j.v, err = scale(a.v); err != nil {
		return
	}
	if s != 0 {
		if j.v, err = G.Add(j.v, G.NewConstant(s)); err != nil {
			return
		}
	}
	if j.d1, err = scale(a.d1); err != nil {
		return
	}
	j.d2, err = scale(a.d2)
	return
}

// jetDense returns a W + b for weights W and a bias row b that do not depend
// on t.
func jetDense(a jet, w, b *G.Node) (jet, error) { return jetDensePlus(a, w, b, nil) }

// jetDensePlus returns a W + c + b for weights W, a node c (the shape of
// a W; nil for none) and a bias row b, none of which depends on t. It adds
// in that order, so that a network with a second input differs from one
// without by the term c alone.
func jetDensePlus(a jet, w, b, c *G.Node) (j jet, err error) {
	j.order = a.order
	var aw *G.Node
	if aw, err = G.Mul(a.v, w); err != nil {
		return
	}
	if c != nil {
		if aw, err = G.Add(aw, c); err != nil {
			return
		}
	}
	if j.v, err = G.BroadcastAdd(aw, b, nil, []byte{0}); err != nil {
		return
	}
	if j.d1, err = matmul(a.d1, w); err != nil {
		return
	}
	j.d2, err = matmul(a.d2, w)
	return
}

// jetActivate returns act(a) by the chain rule:
//
//	y' = act'(z) z',  y'' = act''(z) z'^2 + act'(z) z''
func jetActivate(a jet, act Activation) (j jet, err error) {
	j.order = a.order
	if j.v, err = act.apply(a.v); err != nil {
		return
	}
	order := a.order
	if order == 0 || act == Identity {
		j.d1, j.d2 = a.d1, a.d2
		return
	}
	var f1, f2 *G.Node
	if f1, f2, err = act.derivatives(a.v, j.v, order); err != nil {
		return
	}
	if j.d1, err = mul(f1, a.d1); err != nil {
		return
	}
	if order < 2 {
		return
	}
	var sq, p, q *G.Node
	if sq, err = mul(a.d1, a.d1); err != nil {
		return
	}
	if p, err = mul(f2, sq); err != nil {
		return
	}
	if q, err = mul(f1, a.d2); err != nil {
		return
	}
	j.d2, err = add(p, q)
	return
}
