package compiled

import (
	"testing"

	G "gorgonia.org/gorgonia"
)

// TestPlacements compiles loss = mean(tanh(x W)^2) with its gradient with
// respect to W and checks what Placements reports of each node: x and W are
// inputs, tanh runs on tiles and lives only there (everything that reads it
// reads its rows in the same stage), the mean's sum and the gradient's Aᵀ B
// are sums over the tiles, and the division by the count runs whole. The
// gradient's chain multiplies by tanh's derivative 1 - h², built as 1 - h⊙h:
// its square is folded into the subtraction.
func TestPlacements(t *testing.T) {
	g := G.NewGraph()
	x := matrix(g, "x", rows, 2, func(i, j int) float64 { return float64(i+j) / rows })
	w := matrix(g, "W", 2, 3, func(i, j int) float64 { return float64(i-j) / 4 })
	h := G.Must(G.Tanh(G.Must(G.Mul(x, w))))
	loss := G.Must(G.Mean(G.Must(G.Square(h))))
	grads, err := G.Grad(loss, w)
	if err != nil {
		t.Fatal(err)
	}
	m, err := Compile(g, loss, grads, rows)
	if err != nil {
		t.Fatal(err)
	}
	ps := m.Placements()
	if len(ps) != len(m.nodes) {
		t.Fatalf("%d placements for %d nodes", len(ps), len(m.nodes))
	}
	byNode := map[*G.Node]Placement{}
	kinds := map[string]int{}
	for _, p := range ps {
		byNode[p.Node] = p
		kinds[p.Kind]++
		if (p.Kind == "input" || p.Kind == "constant" || p.Kind == "folded") != (p.Stage == -1) {
			t.Errorf("%v: kind %s in stage %d", p.Node, p.Kind, p.Stage)
		}
		if p.Stage >= m.Stages() {
			t.Errorf("%v: stage %d of %d", p.Node, p.Stage, m.Stages())
		}
		if p.Fallback {
			t.Errorf("%v runs through Gorgonia's Do", p.Node)
		}
	}
	for _, c := range []struct {
		n      *G.Node
		kind   string
		inTile bool
	}{{x, "input", false}, {w, "input", false}, {h, "tiled", true}, {grads[0], "reduction", false}} {
		if p := byNode[c.n]; p.Kind != c.kind || p.InTile != c.inTile {
			t.Errorf("%v: %s, in tile %t; want %s, %t", c.n, p.Kind, p.InTile, c.kind, c.inTile)
		}
	}
	if kinds["whole"] == 0 || kinds["reduction"] < 2 || kinds["folded"] == 0 {
		t.Errorf("kinds %v: want the mean's division whole, two sums over the tiles and a folded square", kinds)
	}
}
