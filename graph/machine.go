package graph

import (
	"fmt"
	"reflect"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"

	G "gorgonia.org/gorgonia"
	"gorgonia.org/tensor"
)

// tileRows is how many collocation points one tile holds. A tile's
// intermediate values (a few dozen rows-by-width buffers) then stay in the
// core's cache, where the whole-array tensors of the TapeMachine stream
// through memory once per op.
const tileRows = 128

// maxChunks bounds how many partial sums a reduction over the points keeps:
// the tiles are grouped into at most this many chunks, each summed by one
// worker in tile order, and the chunks are added in order. The grouping
// depends only on the number of points, so results do not depend on the
// number of cores.
const maxChunks = 16

// nodeKind says when and how the machine computes a node.
type nodeKind int

const (
	kindInput    nodeKind = iota // read from the Gorgonia node's value
	kindConstant                 // computed once, when the machine is built
	kindGlobal                   // computed whole, once per run
	kindTiled                    // computed tile by tile, row by row
	kindReduce                   // summed over the tiles of its arguments
)

// mnode is one node of the compiled program.
type mnode struct {
	node  *G.Node
	args  []int
	kind  nodeKind
	stage int // even stages run whole nodes, odd stages run tiles
	fn    kernel
	// rowArg[j] says argument j is row-aligned with a tiled node: a tile
	// sees only its rows.
	rowArg []bool
	// prepare, if not nil, runs once per run before the tiles of the
	// node's stage (to lay out an argument that every tile reads).
	prepare func()
	// accumulates says fn adds into its output, which is zeroed first.
	accumulates bool
	size        int // number of elements
	cols        int // elements per row, for nodes a tile sees by rows
	// fullArgs are the arguments' whole buffers, for running it whole.
	fullArgs [][]float64
	// local is the node's slot in a worker's tile buffers, or -1 when the
	// node lives in full (materialized for a later stage or the caller).
	local int
}

// machine runs a differentiated loss graph without Gorgonia's TapeMachine:
// it compiles the nodes the loss and the gradients need into a program of
// kernels writing into buffers allocated once. Nodes that act row by row on
// the collocation points run tile by tile, in parallel, so that a tile's
// intermediate values stay in cache; sums over the points are accumulated
// per tile. Ops it has no kernel for run through the op's own Do.
type machine struct {
	rows   int // collocation points: the rows a tile splits
	nodes  []mnode
	stages [][]int // node indices, per stage
	full   [][]float64
	// partial holds each reduction's per-chunk sums.
	partial [][]float64
	chunks  [][2]int // tile index ranges
	slots   []int    // sizes of the per-worker tile buffers
	scalars []scalarInput
	loss    int
	grads   []int
	workers []*worker
	next    atomic.Int64 // the next chunk to run
	scratch []float64    // for kernels run whole
	err     error
}

// scalarInput is a scalar input node, copied into the machine on each run.
type scalarInput struct {
	index int
	value *G.F64
}

// worker holds one goroutine's tile buffers.
type worker struct {
	slots   [][]float64
	args    [][]float64
	scratch []float64
}

// compileMachine builds the program that computes loss and the gradient
// nodes of g, whose collocation input has the given number of rows.
func compileMachine(g *G.ExprGraph, loss *G.Node, grads G.Nodes, rows int) (*machine, error) {
	m := &machine{rows: rows}
	if rows < 2 {
		m.rows = 0 // nothing to split
	}
	// The nodes in an order where arguments come first; g.From lists a
	// node's arguments in order, repeats included.
	index := map[int64]int{}
	var visit func(n *G.Node)
	visit = func(n *G.Node) {
		if _, ok := index[n.ID()]; ok {
			return
		}
		var args []int
		if n.Op() != nil {
			it := g.From(n.ID())
			for it.Next() {
				c := it.Node().(*G.Node)
				visit(c)
				args = append(args, index[c.ID()])
			}
		}
		index[n.ID()] = len(m.nodes)
		m.nodes = append(m.nodes, mnode{node: n, args: args, size: n.Shape().TotalSize(), local: -1})
	}
	for _, n := range append(G.Nodes{loss}, grads...) {
		visit(n)
	}
	m.loss = index[loss.ID()]
	for _, n := range grads {
		m.grads = append(m.grads, index[n.ID()])
	}
	m.full = make([][]float64, len(m.nodes))
	m.partial = make([][]float64, len(m.nodes))
	for i := range m.nodes {
		if err := m.classify(i); err != nil {
			return nil, fmt.Errorf("graph: compiling %v (%v): %w", m.nodes[i].node, m.nodes[i].node.Op(), err)
		}
	}
	m.schedule()
	return m, nil
}

// rowAligned says whether node i has one row per collocation point.
func (m *machine) rowAligned(i int) bool {
	s := m.nodes[i].node.Shape()
	return m.rows > 0 && (len(s) == 1 || len(s) == 2) && s[0] == m.rows
}

// classify decides node i's kind and kernel (schedule decides its stage).
func (m *machine) classify(i int) error {
	mn := &m.nodes[i]
	n := mn.node
	op := n.Op()
	if op == nil {
		mn.kind = kindInput
		switch v := n.Value().(type) {
		case *tensor.Dense:
			data, ok := v.Data().([]float64)
			if !ok {
				return fmt.Errorf("input %v is not float64", n)
			}
			m.full[i] = data
		case *G.F64:
			m.full[i] = []float64{float64(*v)}
			m.scalars = append(m.scalars, scalarInput{index: i, value: v})
		default:
			return fmt.Errorf("input %v has a value of type %T", n, n.Value())
		}
		return nil
	}
	name := op.String()
	constant := len(mn.args) > 0
	for _, a := range mn.args {
		constant = constant && m.nodes[a].kind == kindConstant
	}
	switch {
	case strings.HasPrefix(name, "const "):
		return m.constant(i, n.Value())
	case strings.HasPrefix(name, "SizeOf"):
		size, err := sizeOf(op, m.nodes[mn.args[0]].node.Shape())
		if err != nil {
			return err
		}
		return m.constant(i, G.NewF64(float64(size)))
	}
	fn, rowArg, reduce := m.native(i)
	if fn == nil {
		fn = m.generic(i)
	}
	mn.fn = fn
	if constant {
		out := make([]float64, mn.size)
		mn.fn(out, m.argsFull(i), &m.scratch) // a reduction adds into zeros
		if m.err != nil {
			return m.err
		}
		mn.kind, m.full[i] = kindConstant, out
		return nil
	}
	mn.accumulates = reduce
	switch {
	case rowArg == nil:
		mn.kind = kindGlobal
	case reduce:
		mn.kind = kindReduce
	default:
		mn.kind = kindTiled
		mn.cols = mn.size / m.rows
	}
	mn.rowArg = rowArg
	return nil
}

// constant makes node i a constant holding v.
func (m *machine) constant(i int, v G.Value) error {
	data, err := valueData(v)
	if err != nil {
		return err
	}
	m.nodes[i].kind, m.full[i] = kindConstant, data
	return nil
}

// sizeOf is Gorgonia's sizeOp: the length of an axis of shape.
func sizeOf(op G.Op, shape tensor.Shape) (int, error) {
	name := op.String()
	if v, ok := strings.CutPrefix(name, "SizeOf="); ok {
		return strconv.Atoi(v)
	}
	axis := reflect.ValueOf(op).FieldByName("axis")
	if !axis.IsValid() || !axis.CanInt() || int(axis.Int()) >= len(shape) {
		return 0, fmt.Errorf("cannot read the axis of %s", name)
	}
	return shape[axis.Int()], nil
}

// valueData returns the numbers of a Gorgonia value.
func valueData(v G.Value) ([]float64, error) {
	switch v := v.(type) {
	case *tensor.Dense:
		if d, ok := v.Data().([]float64); ok {
			return append([]float64(nil), d...), nil
		}
		if d, ok := v.Data().(float64); ok {
			return []float64{d}, nil
		}
	case *G.F64:
		return []float64{float64(*v)}, nil
	}
	return nil, fmt.Errorf("value of type %T is not float64", v)
}

// native returns the machine's own kernel for node i, or nil. rowArg is
// non-nil when the node can run on tiles: it marks the row-aligned
// arguments; reduce says the node sums over those rows.
func (m *machine) native(i int) (fn kernel, rowArg []bool, reduce bool) {
	mn := &m.nodes[i]
	n := mn.node
	name := n.Op().String()
	shape := n.Shape()
	argShape := func(j int) tensor.Shape { return m.nodes[mn.args[j]].node.Shape() }
	rowsOut := m.rowAligned(i)
	fields := strings.Fields(name)
	switch t := strings.TrimPrefix(fmt.Sprintf("%T", n.Op()), "*"); {
	case t == "gorgonia.elemUnaryOp" && len(mn.args) == 1:
		if fn = unaryKernel(name); fn != nil && rowsOut && m.rowAligned(mn.args[0]) {
			rowArg = []bool{true}
		}
		return fn, rowArg, false
	case t == "gorgonia.elemBinOp" && len(mn.args) == 2 && len(fields) == 2:
		a, b := m.nodes[mn.args[0]].size, m.nodes[mn.args[1]].size
		if !(a == b || a == 1 || b == 1) || max(a, b) != mn.size {
			return nil, nil, false
		}
		if fn = binaryKernel(fields[0]); fn == nil {
			return nil, nil, false
		}
		if rowsOut {
			rowArg = []bool{a > 1 && m.rowAligned(mn.args[0]), b > 1 && m.rowAligned(mn.args[1])}
			if !rowArg[0] && !rowArg[1] || a > 1 && !rowArg[0] || b > 1 && !rowArg[1] {
				rowArg = nil
			}
		}
		return fn, rowArg, false
	case t == "gorgonia.linAlgBinOp" && len(mn.args) == 2 && len(argShape(0)) == 2 && len(argShape(1)) == 2 && len(shape) == 2:
		transA, transB := strings.HasPrefix(name, "Aᵀ"), strings.HasSuffix(name, "Bᵀ")
		if !strings.HasPrefix(name, "A") || !strings.Contains(name, " × B") {
			return nil, nil, false
		}
		k, ldb := argShape(0)[1], argShape(1)[1]
		switch {
		case transA && !transB && m.rowAligned(mn.args[0]) && m.rowAligned(mn.args[1]):
			return matMul(true, false, k, ldb, true), []bool{true, true}, true
		case !transA && transB && rowsOut && m.rowAligned(mn.args[0]):
			fn, prepare := matMulTransB(k, argShape(1)[0])
			mn.prepare = func() { prepare(m.full[mn.args[1]]) }
			return fn, []bool{true, false}, false
		case !transA && rowsOut && m.rowAligned(mn.args[0]):
			return matMul(false, transB, k, ldb, false), []bool{true, false}, false
		}
		return matMul(transA, transB, k, ldb, false), nil, false
	case t == "gorgonia.sumOp" && len(mn.args) == 1:
		in := argShape(0)
		along := strings.Trim(strings.TrimPrefix(name, "Σ"), "[]")
		switch {
		case len(in) == 2 && along == "0 1" || len(in) == 1 && along == "0":
			fn = reduceAll
		case len(in) == 2 && along == "0":
			fn = reduceRows(in[1])
		case len(in) == 2 && along == "1":
			fn = sumCols(in[1])
			if rowsOut && m.rowAligned(mn.args[0]) {
				rowArg = []bool{true}
			}
			return fn, rowArg, false
		default:
			return nil, nil, false
		}
		if m.rowAligned(mn.args[0]) {
			return fn, []bool{true}, true
		}
		return fn, nil, true
	case t == "gorgonia.repeatOp" && len(mn.args) == 2 && len(shape) == 2:
		in := argShape(0)
		along := reflect.Indirect(reflect.ValueOf(n.Op())).FieldByName("along")
		if len(in) != 2 || !along.IsValid() || !along.CanInt() {
			return nil, nil, false
		}
		switch {
		case in.TotalSize() == mn.size:
			fn = copyKernel
			if rowsOut && m.rowAligned(mn.args[0]) {
				rowArg = []bool{true, false}
			}
		case along.Int() == 0 && in[0] == 1:
			fn = repeatRowsKernel
			if rowsOut {
				rowArg = []bool{false, false}
			}
		case along.Int() == 1 && in[1] == 1:
			fn = repeatColsKernel(shape[1])
			if rowsOut && m.rowAligned(mn.args[0]) {
				rowArg = []bool{true, false}
			}
		}
		return fn, rowArg, false
	case t == "gorgonia.reshapeOp" && len(mn.args) == 1:
		if rowsOut && m.rowAligned(mn.args[0]) {
			rowArg = []bool{true}
		}
		return copyKernel, rowArg, false
	case t == "gorgonia.sliceOp" && len(mn.args) == 1, t == "gorgonia.sliceIncrOp" && len(mn.args) == 2:
		return m.sliceKernel(i), nil, false
	}
	return nil, nil, false
}

// sliceKernel returns the kernel of a slice of a row range of a matrix or
// vector (and of the sliceIncrOp that differentiates it), or nil.
func (m *machine) sliceKernel(i int) kernel {
	mn := &m.nodes[i]
	op := reflect.Indirect(reflect.ValueOf(mn.node.Op()))
	along := op.FieldByName("along")
	s, ok := mn.node.Op().(tensor.Slice)
	inner := op.FieldByName("Slice")
	base := m.nodes[mn.args[0]].node.Shape()
	if !ok || !inner.IsValid() || inner.IsNil() || !along.IsValid() || !along.CanInt() || along.Int() != 0 || s.Step() != 1 || len(base) == 0 {
		return nil
	}
	cols := base.TotalSize() / base[0]
	lo, hi := s.Start()*cols, s.End()*cols
	if hi <= lo || hi > base.TotalSize() {
		return nil
	}
	if len(mn.args) == 1 {
		return func(out []float64, args [][]float64, _ *[]float64) { copy(out, args[0][lo:hi]) }
	}
	return func(out []float64, args [][]float64, _ *[]float64) {
		clear(out)
		incr := args[1]
		dst := out[lo:hi]
		for j := range dst {
			dst[j] = incr[min(j, len(incr)-1)]
		}
	}
}

// generic returns a kernel that runs node i's op through its Do, on values
// wrapping the arguments' buffers (built on the first call).
func (m *machine) generic(i int) kernel {
	mn := &m.nodes[i]
	op := mn.node.Op()
	var vals []G.Value
	var bufs [][]float64
	return func(out []float64, args [][]float64, _ *[]float64) {
		if vals == nil || !sameBuffers(bufs, args) {
			vals, bufs = make([]G.Value, len(args)), args
			for j, a := range args {
				shape := m.nodes[mn.args[j]].node.Shape()
				if shape.IsScalar() {
					f := G.NewF64(a[0])
					vals[j] = f
					continue
				}
				vals[j] = tensor.New(tensor.WithShape(shape.Clone()...), tensor.WithBacking(a))
			}
		}
		for j, a := range args {
			if f, ok := vals[j].(*G.F64); ok {
				*f = G.F64(a[0])
			}
		}
		v, err := op.Do(vals...)
		if err != nil {
			m.err = fmt.Errorf("graph: %v: %w", op, err)
			return
		}
		d, err := valueData(v)
		if err != nil || len(d) != len(out) {
			m.err = fmt.Errorf("graph: %v gave %d numbers where %d were expected (%v)", op, len(d), len(out), err)
			return
		}
		copy(out, d)
	}
}

func sameBuffers(a, b [][]float64) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if len(a[i]) != len(b[i]) || len(a[i]) > 0 && &a[i][0] != &b[i][0] {
			return false
		}
	}
	return true
}

// argsFull returns node i's arguments' whole buffers.
func (m *machine) argsFull(i int) [][]float64 {
	mn := &m.nodes[i]
	args := make([][]float64, len(mn.args))
	for j, a := range mn.args {
		args[j] = m.full[a]
	}
	return args
}

// schedule assigns stages, decides which tiled nodes live in full, and lays
// out the buffers.
func (m *machine) schedule() {
	materialize := make([]bool, len(m.nodes))
	for _, i := range append([]int{m.loss}, m.grads...) {
		materialize[i] = true
	}
	last := 0
	for i := range m.nodes {
		mn := &m.nodes[i]
		if mn.kind == kindInput || mn.kind == kindConstant {
			continue
		}
		// A tiled argument read by rows can be computed in the same tile;
		// one read whole must be complete first: a later stage, in full.
		whole := func(j int) bool { return mn.rowArg == nil || !mn.rowArg[j] }
		s := 0
		for j, a := range mn.args {
			am := &m.nodes[a]
			switch {
			case am.kind == kindTiled && !whole(j):
				s = max(s, am.stage)
			case am.kind == kindTiled:
				s = max(s, am.stage+1)
			default:
				s = max(s, am.stage)
			}
		}
		switch mn.kind {
		case kindGlobal:
			s += s % 2 // even
		case kindTiled, kindReduce:
			if s%2 == 0 {
				s++
			}
		}
		mn.stage = s
		for j, a := range mn.args {
			am := &m.nodes[a]
			if am.kind == kindTiled && (whole(j) || am.stage != s) {
				materialize[a] = true
			}
		}
		if mn.kind == kindReduce {
			mn.stage = s + 1 // its sum is ready in the stage after
		}
		last = max(last, mn.stage)
	}
	m.stages = make([][]int, last+1)
	for i := range m.nodes {
		mn := &m.nodes[i]
		switch mn.kind {
		case kindInput, kindConstant:
			continue
		case kindReduce:
			m.stages[mn.stage-1] = append(m.stages[mn.stage-1], i)
			m.full[i] = make([]float64, mn.size)
			continue
		}
		m.stages[mn.stage] = append(m.stages[mn.stage], i)
		if mn.kind != kindTiled || materialize[i] {
			m.full[i] = make([]float64, mn.size)
		}
	}
	if m.rows > 0 {
		tiles := (m.rows + tileRows - 1) / tileRows
		chunks := min(tiles, maxChunks)
		for c := range chunks {
			m.chunks = append(m.chunks, [2]int{c * tiles / chunks, (c + 1) * tiles / chunks})
		}
	}
	for i := range m.nodes {
		if mn := &m.nodes[i]; mn.kind == kindReduce {
			m.partial[i] = make([]float64, len(m.chunks)*mn.size)
		}
	}
	for i := range m.nodes {
		m.nodes[i].fullArgs = m.argsFull(i)
	}
	m.assignSlots()
}

// assignSlots gives each tile-local node a worker buffer, reusing a buffer
// once the last node reading it in the stage has run.
func (m *machine) assignSlots() {
	lastUse := make([]int, len(m.nodes))
	for s := 1; s < len(m.stages); s += 2 {
		for pos, i := range m.stages[s] {
			for _, a := range m.nodes[i].args {
				lastUse[a] = pos
			}
		}
		free := map[int][]int{} // by size
		for pos, i := range m.stages[s] {
			mn := &m.nodes[i]
			if mn.kind == kindTiled && m.full[i] == nil {
				size := tileRows * mn.cols
				if f := free[size]; len(f) > 0 {
					mn.local, free[size] = f[len(f)-1], f[:len(f)-1]
				} else {
					mn.local = len(m.slots)
					m.slots = append(m.slots, size)
				}
			}
			for _, a := range mn.args {
				if am := &m.nodes[a]; am.local >= 0 && am.stage == s && lastUse[a] == pos {
					size := tileRows * am.cols
					free[size] = append(free[size], am.local)
					lastUse[a] = -1 // freed once, even when read twice here
				}
			}
		}
	}
}

// run computes the loss and the gradients, which it returns in the buffers
// of the gradient nodes (see gradient).
func (m *machine) run() (float64, error) {
	m.err = nil
	for _, s := range m.scalars {
		m.full[s.index][0] = float64(*s.value)
	}
	for s, stage := range m.stages {
		if s%2 == 0 {
			for _, i := range stage {
				mn := &m.nodes[i]
				if mn.accumulates {
					clear(m.full[i])
				}
				mn.fn(m.full[i], mn.fullArgs, &m.scratch)
			}
		} else {
			m.runTiles(stage)
		}
		if m.err != nil {
			return 0, m.err
		}
	}
	return m.full[m.loss][0], nil
}

// gradient returns the buffer of the k-th gradient node.
func (m *machine) gradient(k int) []float64 { return m.full[m.grads[k]] }

// runTiles runs a tiled stage: each chunk of tiles on one worker, then the
// reductions' chunk sums added in order.
func (m *machine) runTiles(stage []int) {
	for _, i := range stage {
		clear(m.partial[i])
		if p := m.nodes[i].prepare; p != nil {
			p()
		}
	}
	nw := min(runtime.GOMAXPROCS(0), len(m.chunks))
	for len(m.workers) < nw {
		w := &worker{}
		for _, size := range m.slots {
			w.slots = append(w.slots, make([]float64, size))
		}
		m.workers = append(m.workers, w)
	}
	m.next.Store(0)
	if nw > 1 {
		var wg sync.WaitGroup
		for _, w := range m.workers[1:nw] {
			wg.Add(1)
			go func() {
				defer wg.Done()
				m.work(w, stage)
			}()
		}
		m.work(m.workers[0], stage)
		wg.Wait()
	} else {
		m.work(m.workers[0], stage)
	}
	for _, i := range stage {
		if m.nodes[i].kind != kindReduce {
			continue
		}
		out, size := m.full[i], m.nodes[i].size
		clear(out)
		for c := range m.chunks {
			for j, x := range m.partial[i][c*size : (c+1)*size] {
				out[j] += x
			}
		}
	}
}

// work runs chunks of tiles of the stage until none is left.
func (m *machine) work(w *worker, stage []int) {
	for {
		c := int(m.next.Add(1)) - 1
		if c >= len(m.chunks) {
			return
		}
		for t := m.chunks[c][0]; t < m.chunks[c][1]; t++ {
			m.runTile(w, stage, c, t)
		}
	}
}

// runTile runs the nodes of a stage on tile t (in chunk c).
func (m *machine) runTile(w *worker, stage []int, c, t int) {
	r0, r1 := t*tileRows, min((t+1)*tileRows, m.rows)
	rowsOf := func(i, cols int) []float64 {
		if mn := &m.nodes[i]; mn.local >= 0 && m.full[i] == nil {
			return w.slots[mn.local][:(r1-r0)*cols]
		}
		return m.full[i][r0*cols : r1*cols]
	}
	for _, i := range stage {
		mn := &m.nodes[i]
		w.args = w.args[:0]
		for j, a := range mn.args {
			if mn.rowArg[j] {
				w.args = append(w.args, rowsOf(a, m.nodes[a].size/m.rows))
			} else {
				w.args = append(w.args, m.full[a])
			}
		}
		if mn.kind == kindReduce {
			mn.fn(m.partial[i][c*mn.size:(c+1)*mn.size], w.args, &w.scratch)
		} else {
			mn.fn(rowsOf(i, mn.cols), w.args, &w.scratch)
		}
	}
}

// bufferBytes is the memory the machine's own buffers take: whole nodes,
// chunk sums and every worker's tile buffers (not the inputs' values, which
// are the Gorgonia nodes').
func (m *machine) bufferBytes() int {
	n := 0
	for i, b := range m.full {
		if m.nodes[i].kind != kindInput {
			n += len(b)
		}
	}
	for _, b := range m.partial {
		n += len(b)
	}
	for _, w := range m.workers {
		for _, b := range w.slots {
			n += len(b)
		}
	}
	return 8 * n
}
