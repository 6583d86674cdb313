package compiled

// fold rewrites the compiled program before it is scheduled, folding nodes
// into their one reader where a single kernel computes what the two
// computed, bit for bit, in one pass over the numbers:
//
//   - an addition of a row repeated down the points (a bias, as
//     BroadcastAdd builds it) reads the row itself and adds it to each row
//     (f64.AddRowTo): the repeat is not written out;
//   - a copy run whole (Reshape, or Repeat once) shares its argument's
//     buffer (kindAlias) instead of copying it: kernels never write their
//     arguments, so both hold the same numbers whenever either is read;
//   - c - a⊙a and c - a² for a single number c (tanh's derivative 1 - y²
//     is built so) square and subtract in one pass (f64.SubSquareTo);
//   - -(a⊙b), a⊙(-b) and p + p for a product p = a⊙b become the product
//     times -1 or 2 (f64.MulScaleTo): negating and doubling a rounded
//     product are exact, so they give what the chain of nodes gave.
//
// A folded node is left as kindFolded and never runs, nor does an alias.
// Only nodes of one
// kind (global, or tiled) fold into each other, and only where the folded
// node has no other reader, is not an output, and its arguments are as
// large as it is (no single number standing for all).
func (m *Machine) fold() {
	readers := make([]int, len(m.nodes))
	for i := range m.nodes {
		for _, a := range m.nodes[i].args {
			readers[a]++
		}
	}
	for _, i := range append([]int{m.loss}, m.outputs...) {
		readers[i]++
	}
	for i := range m.nodes {
		mn := &m.nodes[i]
		if mn.kind != kindTiled && mn.kind != kindGlobal {
			continue
		}
		switch mn.pointwise {
		case "copy":
			if mn.kind == kindGlobal {
				mn.kind = kindAlias
			}
		case "+":
			if p := mn.args[0]; p == mn.args[1] && m.foldable(i, p, readers, 2) && m.nodes[p].scale != 0 {
				m.takeProduct(i, p, 2*m.nodes[p].scale)
				continue
			}
			m.foldRowRepeat(i, readers)
		case "-":
			if s := mn.args[1]; m.nodes[mn.args[0]].size == 1 && m.foldable(i, s, readers, 1) && m.squares(s) {
				sm := &m.nodes[s]
				mn.args[1], mn.rowArg = sm.args[0], []bool{false, sm.rowArg != nil && sm.rowArg[0]}
				if mn.kind == kindGlobal {
					mn.rowArg = nil
				}
				mn.fn, mn.pointwise, sm.kind = subSquareKernel, "", kindFolded
				readers[sm.args[0]] -= len(sm.args) - 1 // a⊙a read it twice
			}
		case "neg":
			if p := mn.args[0]; m.foldable(i, p, readers, 1) && m.nodes[p].scale != 0 {
				m.takeProduct(i, p, -m.nodes[p].scale)
			}
		case "⊙":
			if mn.scale == 0 {
				continue
			}
			for j, n := range mn.args {
				if nm := &m.nodes[n]; m.foldable(i, n, readers, 1) && nm.pointwise == "neg" && m.nodes[nm.args[0]].size == mn.size {
					mn.args[j], nm.kind = nm.args[0], kindFolded
					if mn.rowArg != nil {
						mn.rowArg[j] = nm.rowArg[0]
					}
					mn.scale = -mn.scale
					mn.fn = scaledProductKernel(mn.scale)
					break
				}
			}
		}
	}
}

// foldable says node a can fold into node i, its only reader (reading it
// n times): of the same kind, not an output.
func (m *Machine) foldable(i, a int, readers []int, n int) bool {
	return readers[a] == n && m.nodes[a].kind == m.nodes[i].kind
}

// squares says node s is a⊙a or a².
func (m *Machine) squares(s int) bool {
	sm := &m.nodes[s]
	return sm.pointwise == "square" || sm.scale == 1 && sm.args[0] == sm.args[1]
}

// takeProduct makes node i the product node p computed, times scale, and
// folds p away.
func (m *Machine) takeProduct(i, p int, scale float64) {
	mn, pm := &m.nodes[i], &m.nodes[p]
	mn.args, mn.rowArg = append([]int(nil), pm.args...), append([]bool(nil), pm.rowArg...)
	if pm.rowArg == nil {
		mn.rowArg = nil
	}
	mn.scale, mn.fn, mn.pointwise, pm.kind = scale, scaledProductKernel(scale), "⊙", kindFolded
}

// foldRowRepeat lets the addition i read a row repeated down the points
// (or a row's copy, run whole) as the row itself, added to each row, and
// folds the repeat away if nothing else reads it.
func (m *Machine) foldRowRepeat(i int, readers []int) {
	mn := &m.nodes[i]
	tiled := mn.kind == kindTiled
	for j, a := range mn.args {
		am := &m.nodes[a]
		other := mn.args[1-j]
		if am.kind != mn.kind || !am.repeatsRow || m.nodes[other].size != mn.size || tiled && !(mn.rowArg[j] && mn.rowArg[1-j]) {
			continue
		}
		mn.args[j], mn.fn, mn.pointwise = am.args[0], addRowKernel(1-j, j), ""
		if tiled {
			mn.rowArg[j] = false
		}
		if readers[a]--; readers[a] == 0 {
			am.kind = kindFolded
		}
		return
	}
}
