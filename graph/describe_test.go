package graph

import (
	"testing"

	"pinn/problems"
)

// describe returns DescribeGraph's answer for a built-in problem and a
// network of the given hidden widths and activation on the problem's grid.
func describe(t *testing.T, problem string, hidden []int, act Activation, cfg Config) *TrainingGraph {
	t.Helper()
	p, err := problems.Builtin(problem)
	if err != nil {
		t.Fatal(err)
	}
	net, err := NewNetwork(Architecture{Hidden: hidden, Activation: act}, len(p.Vars), NewRand(1))
	if err != nil {
		t.Fatal(err)
	}
	tg, err := DescribeGraph(p, net, cfg, p.Grid(p.Points))
	if err != nil {
		t.Fatal(err)
	}
	return tg
}

// stageCounts counts the nodes and matrix products of each stage.
func stageCounts(tg *TrainingGraph) (nodes, matmuls map[Stage]int) {
	nodes, matmuls = map[Stage]int{}, map[Stage]int{}
	for _, n := range tg.Nodes {
		nodes[n.Stage]++
		if n.MatMul {
			matmuls[n.Stage]++
		}
	}
	return nodes, matmuls
}

// TestDescribeGraphStages checks the stages DescribeGraph records on the
// thread's first problem with a 1-2-1 tanh network. The matrix products are
// counted by hand: the network x W1 and h W2 at the collocation points and
// again at t0 for the initial condition (4); the first pass's two
// products with the transposed weights, dz2 W2ᵀ and dz1 W1ᵀ (2); none in the
// residual; and in the second pass one per weight matrix and path.
func TestDescribeGraphStages(t *testing.T) {
	tg := describe(t, "decay", []int{2}, Tanh, Config{})
	nodes, matmuls := stageCounts(tg)
	for _, s := range Stages() {
		if nodes[s] == 0 {
			t.Errorf("stage %s has no nodes", s)
		}
	}
	if matmuls[StageNetwork] != 4 || matmuls[StageFirstPass] != 2 || matmuls[StageLoss] != 0 || matmuls[StageSecondPass] < 4 {
		t.Errorf("matrix products per stage %v, want network 4, first pass 2, residual 0, second pass at least 4", matmuls)
	}
	seen := map[int64]GraphNode{}
	for _, n := range tg.Nodes {
		for _, a := range n.Args {
			if _, ok := seen[a]; !ok {
				t.Fatalf("node %d (%s) comes before its argument %d", n.ID, n.Op, a)
			}
		}
		seen[n.ID] = n
	}
	if s := seen[tg.DY[0]].Stage; s != StageFirstPass {
		t.Errorf("dy/dt is in stage %s", s)
	}
	if s := seen[tg.Loss].Stage; s != StageLoss {
		t.Errorf("the loss is in stage %s", s)
	}
	for k, id := range tg.Gradients {
		if s := seen[id].Stage; s != StageSecondPass {
			t.Errorf("the gradient of %s is in stage %s", seen[tg.Params[k]].Name, s)
		}
		if l, want := seen[id].Layer, seen[tg.Params[k]].Layer; l != want {
			t.Errorf("the gradient of %s is drawn in layer %d, its weight in %d", seen[tg.Params[k]].Name, l, want)
		}
	}
	kinds := map[string]int{}
	for _, n := range tg.Nodes {
		kinds[n.Executor.Kind]++
	}
	if kinds["tiled"] == 0 || kinds["reduction"] == 0 || tg.ExecutorStages < 2 {
		t.Errorf("executor kinds %v in %d stages: want tiled nodes and reductions in at least 2 stages", kinds, tg.ExecutorStages)
	}
}

// TestDescribeGraphMistakeNeverReadsTheWeights checks what the drawing of
// the thread's mistake shows: its first pass (the gradient of sum(y) with
// respect to y) reads no weight and has no matrix product.
func TestDescribeGraphMistakeNeverReadsTheWeights(t *testing.T) {
	tg := describe(t, "decay", []int{2}, ReLU, Config{Derivative: WRTPrediction})
	byID := map[int64]GraphNode{}
	for _, n := range tg.Nodes {
		byID[n.ID] = n
	}
	var visit func(id int64)
	visit = func(id int64) {
		n := byID[id]
		if n.Learnable {
			t.Errorf("dy/dt reads the weight %s", n.Name)
		}
		if n.MatMul {
			t.Errorf("dy/dt needs the matrix product %d (%s)", n.ID, n.Op)
		}
		if n.Stage == StageFirstPass {
			for _, a := range n.Args {
				visit(a)
			}
		}
	}
	visit(tg.DY[0])
}

// TestDescribeGraphSecondOrder checks that a second-order problem's first
// pass has nodes that only d2y/dt2 needs, in the symbolic and the forward
// modes.
func TestDescribeGraphSecondOrder(t *testing.T) {
	for _, mode := range []Derivative{Symbolic, Forward} {
		tg := describe(t, "oscillator", []int{2}, Tanh, Config{Derivative: mode})
		orders := map[int]int{}
		for _, n := range tg.Nodes {
			if n.Stage == StageFirstPass {
				orders[n.Order]++
			}
		}
		if orders[1] == 0 || orders[2] == 0 || len(tg.DDY) != 1 {
			t.Errorf("%s: first-pass nodes by order %v, %d d2y/dt2: want both orders", mode, orders, len(tg.DDY))
		}
	}
}
