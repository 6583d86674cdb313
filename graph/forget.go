package graph

import (
	"errors"
	"reflect"
	"unsafe"

	G "gorgonia.org/gorgonia"
)

// errNoDerivField means the Gorgonia in use no longer keeps its derivative
// cache where forgetDerivatives expects it; see that function.
var errNoDerivField = errors.New("graph: gorgonia.Node has no field deriv of type *Node; " +
	"this module needs gorgonia.org/gorgonia v0.9.18 (see forgetDerivatives)")

// derivOffset is the offset of Gorgonia's unexported Node.deriv field, or -1.
var derivOffset = func() uintptr {
	f, ok := reflect.TypeOf(G.Node{}).FieldByName("deriv")
	if !ok || f.Type != reflect.TypeOf((*G.Node)(nil)) {
		return ^uintptr(0)
	}
	return f.Offset
}()

// forgetDerivatives clears the derivative every node of g remembers.
//
// Gorgonia v0.9.18's Backpropagate stores each node's derivative in the node
// (the unexported field deriv) and, when it meets that node again in a later
// Grad call, reuses it instead of differentiating ("skipping - previously
// differentiated"). A PINN differentiates twice, dy/dt first and then the
// loss with respect to the weights, so without this the second pass silently
// returns wrong gradients (TestNaiveDoubleGradIsWrong shows one). The field is
// unexported, so it is cleared through its offset; if Gorgonia changes the
// struct this returns an error rather than doing nothing.
func forgetDerivatives(g *G.ExprGraph) error {
	if derivOffset == ^uintptr(0) {
		return errNoDerivField
	}
	for _, n := range g.AllNodes() {
		*(**G.Node)(unsafe.Add(unsafe.Pointer(n), derivOffset)) = nil
	}
	return nil
}

// gradient returns d(sum(y))/dx, a node shaped like x, built by Gorgonia's
// symbolic differentiation from a clean derivative cache. Because the rows of
// a PINN's input are independent, row i of the result is dy_i/dx_i.
func gradient(y, x *G.Node) (*G.Node, error) {
	s, err := G.Sum(y)
	if err != nil {
		return nil, err
	}
	gs, err := grads(s, x)
	if err != nil {
		return nil, err
	}
	return gs[0], nil
}

// grads is G.Grad from a clean derivative cache.
func grads(cost *G.Node, wrt ...*G.Node) (G.Nodes, error) {
	if err := forgetDerivatives(cost.Graph()); err != nil {
		return nil, err
	}
	return G.Grad(cost, wrt...)
}
