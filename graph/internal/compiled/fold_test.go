package compiled

import (
	"fmt"
	"testing"

	G "gorgonia.org/gorgonia"
)

// TestFoldChains builds each chain fold.go folds, on tiled inputs (rows x 3)
// and on a single row (computed whole): 1 - a², c - a⊙a, -(a⊙b), a⊙(-b),
// p + p for p = a⊙b, and (a⊙(-(b⊙c))) doubled, where the negated product
// folds first and the doubling then takes the outer product. The chains'
// results are outputs and must be the TapeMachine's bits (the folds are
// exact); the loss sums their squares (rounding only). Each chain folds the
// nodes it names away, seven in all per input shape.
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
		loss := squareSum(outputs[0])
		for _, o := range outputs[1:] {
			loss = G.Must(G.Add(loss, squareSum(o)))
		}
		what := fmt.Sprintf("chains on %d rows", r)
		m := againstTape(t, what, g, loss, outputs, exact, summed)
		folded := 0
		for _, mn := range m.nodes {
			if mn.kind == kindFolded {
				folded++
			}
		}
		if folded != 7 {
			t.Errorf("%s: %d nodes folded, want 7", what, folded)
		}
		noFallbacks(t, what, m)
	}
}
