package compiled

import (
	"fmt"
	"testing"

	G "gorgonia.org/gorgonia"
	"gorgonia.org/tensor"
)

// TestFoldChains builds each chain fold.go folds, on tiled inputs (rows x 3)
// and on a single row (computed whole): 1 - a², c - a⊙a, -(a⊙b), a⊙(-b),
// p + p for p = a⊙b, and (a⊙(-(b⊙c))) doubled, where the negated product
// folds first and the doubling then takes the outer product; and a copy
// run whole, the reshape of -a into one long vector (-a, on tiles, must
// then be kept whole for it). The chains' results are outputs and must
// be the TapeMachine's bits (the folds are exact); the loss sums their
// squares (rounding only). Each chain folds the nodes it names away, seven
// in all per input shape, and the reshape shares -a's buffer.
func TestFoldChains(t *testing.T) {
	for _, r := range []int{rows, 1} {
		g := G.NewGraph()
		in := func(name string, k float64) *G.Node {
			return matrix(g, fmt.Sprintf("%s%d", name, r), r, 3, func(i, j int) float64 { return k * float64(i-j+1) / rows })
		}
		a, b, c := in("a", 0.9), in("b", -1.3), in("c", 0.7)
		s := G.NewScalar(g, G.Float64, G.WithName("s"), G.WithValue(1.5))
		one := G.NewConstant(1.0)
		p := G.Must(G.HadamardProd(a, b))
		outputs := G.Nodes{
			G.Must(G.Sub(one, G.Must(G.Square(a)))),
			G.Must(G.Sub(s, G.Must(G.HadamardProd(b, b)))),
			G.Must(G.Neg(G.Must(G.HadamardProd(a, c)))),
			G.Must(G.HadamardProd(c, G.Must(G.Neg(b)))),
			G.Must(G.Add(p, p)),
		}
		q := G.Must(G.HadamardProd(a, G.Must(G.Neg(G.Must(G.HadamardProd(b, c))))))
		outputs = append(outputs, G.Must(G.Add(q, q)))
		long := G.Must(G.Reshape(G.Must(G.Neg(a)), tensor.Shape{3 * r}))
		outputs = append(outputs, long)
		loss := squareSum(outputs[0])
		loss = G.Must(G.Add(loss, G.Must(G.Sum(long))))
		for _, o := range outputs[1:] {
			loss = G.Must(G.Add(loss, squareSum(o)))
		}
		what := fmt.Sprintf("chains on %d rows", r)
		m := againstTape(t, what, g, loss, outputs, exact, summed)
		folded, aliases := 0, 0
		for _, mn := range m.nodes {
			switch mn.kind {
			case kindFolded:
				folded++
			case kindAlias:
				aliases++
				if &m.full[mn.args[0]][0] != &m.Output(len(outputs) - 1)[0] {
					t.Errorf("%s: the reshape does not share its argument's buffer", what)
				}
			}
		}
		if folded != 7 || aliases != 1 {
			t.Errorf("%s: %d nodes folded and %d aliases, want 7 and 1", what, folded, aliases)
		}
		noFallbacks(t, what, m)
	}
}
