package compiled

import (
	"fmt"
	"runtime"
	"sync"
	"sync/atomic"

	G "gorgonia.org/gorgonia"
)

// tileRows is how many collocation points one tile holds. A tile's
// intermediate values (a few dozen rows-by-width buffers) then stay in the
// core's cache, where the whole-array tensors of the TapeMachine stream
// through memory once per op.
const tileRows = 128

// stripElems is about how many numbers a strip of a tile holds per node
// (4 KiB): the nodes that act row by row run strip by strip, so that a
// value read only by such nodes is consumed from the core's first-level
// cache, in a strip-sized buffer, soon after it is computed.
const stripElems = 512

// maxChunks bounds how many partial sums a reduction over the points keeps:
// the tiles are grouped into at most this many chunks, each summed by one
// worker in tile order, and the chunks are added in order. The grouping
// depends only on the number of points, so results do not depend on the
// number of workers.
const maxChunks = 16

// nodeKind says when and how the machine computes a node.
type nodeKind int

const (
	kindInput    nodeKind = iota // read from the Gorgonia node's value
	kindConstant                 // computed once, when the machine is built
	kindGlobal                   // computed whole, once per run
	kindTiled                    // computed tile by tile, row by row
	kindReduce                   // summed over the tiles of its arguments
	kindFolded                   // read by nothing once folded into its readers
	kindAlias                    // a copy of its argument, which it shares the buffer of
)

// mnode is one node of the compiled program.
type mnode struct {
	node  *G.Node
	args  []int
	kind  nodeKind
	stage int // even stages run whole nodes, odd stages run tiles
	fn    kernel
	// generic says fn runs the Gorgonia op's own Do (see Machine.generic):
	// the only kernel that can fail.
	generic bool
	// rowArg[j] says argument j is row-aligned with a tiled node: a tile
	// sees only its rows.
	rowArg []bool
	// prepare, if not nil, runs once per run before the tiles of the
	// node's stage (to lay out an argument that every tile reads).
	prepare func()
	// accumulates says fn adds into its output, which is zeroed first.
	accumulates bool
	// wholeTile says the node is a product summed over the rows of its
	// arguments (Aᵀ B): it runs once per tile, after the tile's strips,
	// on arguments held whole for the tile.
	wholeTile bool
	// pointwise names the op of a pointwise node: the unary function
	// ("neg", "tanh") or the binary operator ("+", "⊙"); repeatsRow says
	// the node repeats its first argument, a single row, down every row
	// (Repeat0); scale, when not 0, says the node is the product of two
	// arguments as large as itself, times scale. See fold.go.
	pointwise  string
	repeatsRow bool
	scale      float64
	size       int // number of elements
	cols       int // elements per row, for nodes a tile sees by rows
	// local is the node's slot in a worker's tile buffers and temp its
	// slot in a worker's strip buffers, or -1. A tiled node lives in
	// full (materialized for a later stage or the caller), in a tile
	// buffer (when a wholeTile node reads it), or else in a strip buffer.
	local, temp int
}

// tileOp is what a tile runs for one node. A tiled stage's ops are kept
// together, in order and apart from the nodes, so that running a strip
// reads a few contiguous records.
type tileOp struct {
	fn kernel
	// in says where the node's arguments' numbers are (n of them), out
	// where it writes its rows.
	in  [maxArgs]view
	n   int
	out view
	// partial holds a reduction's chunk sums (nil for other nodes), size
	// numbers per chunk.
	partial []float64
	size    int
}

// wholeOp is what a stage of whole nodes runs for one node, kept apart from
// the nodes as tileOp is.
type wholeOp struct {
	fn   kernel
	out  []float64
	args [][]float64
	// clear says fn adds into out, which is zeroed first.
	clear bool
}

// maxArgs bounds the arguments of a node that runs on tiles: every such
// kernel reads one or two.
const maxArgs = 2

// view says where a tile finds the numbers of a node.
type view struct {
	at   place
	buf  []float64 // the buffer, for whole and fullRows
	slot int       // the worker's buffer, for stripRows and tileRows
	cols int       // numbers per row
}

// place is where a view's numbers are.
type place int

const (
	whole      place = iota // all of buf: not split by rows
	fullRows                // rows of buf, which holds every point's
	stripRows               // a worker's strip buffer, which holds the strip's rows alone
	tileRowsAt              // a worker's tile buffer, which holds the tile's rows
)

// Machine runs a differentiated loss graph without Gorgonia's TapeMachine:
// it compiles the nodes the loss and the requested outputs need into a
// program of kernels writing into buffers allocated once. See the package
// documentation.
type Machine struct {
	// Workers is how many goroutines run the tiles of a run; 0 means
	// runtime.GOMAXPROCS(0), read at each run. More than the number of
	// chunks of tiles (at most 16) brings nothing. The results do not
	// depend on it. Set it between runs, not during one.
	Workers int

	rows   int // collocation points: the rows a tile splits
	nodes  []mnode
	stages [][]int // node indices, per stage
	// rowNodes is how many nodes at the start of each tiled stage run
	// strip by strip; the rest are wholeTile. strips is the rows of a
	// strip, per stage. ops are a tiled stage's nodes as a tile runs them,
	// wholeOps another stage's.
	rowNodes, strips []int
	ops              [][]tileOp
	wholeOps         [][]wholeOp
	full             [][]float64
	// partial holds each reduction's per-chunk sums; with one chunk it is
	// the reduction's own buffer, which the tiles then add into directly.
	partial [][]float64
	chunks  [][2]int // tile index ranges
	slots   []int    // sizes of the per-worker tile buffers
	temps   []int    // sizes of the per-worker strip buffers
	scalars []scalarInput
	loss    int
	outputs []int
	workers []*worker
	crew    *crew        // the helper goroutines, once a run needs them
	next    atomic.Int64 // the next chunk to run
	scratch []float64    // for kernels run whole
	// err is the error of the generic kernel that failed in this run. Only
	// generic kernels set it, and they run whole, never on tiles (schedule
	// checks), so it is written by one goroutine at a time.
	err error
}

// scalarInput is a scalar input node, copied into the machine on each run.
type scalarInput struct {
	index int
	value *G.F64
}

// worker holds one goroutine's tile and strip buffers.
type worker struct {
	slots   [][]float64
	temps   [][]float64
	args    [][]float64
	scratch []float64
}

// Compile builds the program that computes the scalar node loss of g and the
// output nodes (the loss's gradient, for training), where g's collocation
// input has the given number of rows: nodes with that many rows are split
// into tiles.
func Compile(g *G.ExprGraph, loss *G.Node, outputs G.Nodes, rows int) (*Machine, error) {
	for _, n := range append(G.Nodes{loss}, outputs...) {
		if gn, _ := g.Node(n.ID()).(*G.Node); gn != n {
			return nil, fmt.Errorf("compiled: node %s is not in the graph", n.Name())
		}
	}
	m := &Machine{rows: rows}
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
		m.nodes = append(m.nodes, mnode{node: n, args: args, size: n.Shape().TotalSize(), local: -1, temp: -1})
	}
	for _, n := range append(G.Nodes{loss}, outputs...) {
		visit(n)
	}
	m.loss = index[loss.ID()]
	for _, n := range outputs {
		m.outputs = append(m.outputs, index[n.ID()])
	}
	m.full = make([][]float64, len(m.nodes))
	m.partial = make([][]float64, len(m.nodes))
	for i := range m.nodes {
		if err := m.classify(i); err != nil {
			return nil, fmt.Errorf("compiled: compiling %v (%v): %w", m.nodes[i].node, m.nodes[i].node.Op(), err)
		}
	}
	m.fold()
	if err := m.schedule(); err != nil {
		return nil, err
	}
	return m, nil
}

// rowAligned says whether node i has one row per collocation point.
func (m *Machine) rowAligned(i int) bool {
	s := m.nodes[i].node.Shape()
	return m.rows > 0 && (len(s) == 1 || len(s) == 2) && s[0] == m.rows
}

// classify decides node i's kind and kernel (schedule decides its stage).
// A node whose arguments are all constants is computed now.
func (m *Machine) classify(i int) error {
	mn := &m.nodes[i]
	if mn.node.Op() == nil {
		mn.kind = kindInput
		return m.input(i)
	}
	if v, ok, err := m.constantValue(i); ok || err != nil {
		if err != nil {
			return err
		}
		mn.kind, m.full[i] = kindConstant, v
		return nil
	}
	constant := len(mn.args) > 0
	for _, a := range mn.args {
		constant = constant && m.nodes[a].kind == kindConstant
	}
	fn, rowArg, reduce := m.native(i)
	if fn == nil {
		fn, rowArg, reduce, mn.generic = m.generic(i), nil, false, true
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

// Fallbacks lists the nodes whose op the machine has no kernel for, which
// run through the Gorgonia op's own Do (at each run, or once when the
// machine is built if their arguments are constants).
func (m *Machine) Fallbacks() G.Nodes {
	var ns G.Nodes
	for _, mn := range m.nodes {
		if mn.generic {
			ns = append(ns, mn.node)
		}
	}
	return ns
}

// argsFull returns node i's arguments' whole buffers.
func (m *Machine) argsFull(i int) [][]float64 {
	mn := &m.nodes[i]
	args := make([][]float64, len(mn.args))
	for j, a := range mn.args {
		args[j] = m.full[a]
	}
	return args
}

// schedule assigns stages, decides which tiled nodes live in full, and lays
// out the buffers. It refuses a generic kernel on tiles, which would break
// the rule that keeps err race-free.
func (m *Machine) schedule() error {
	materialize := make([]bool, len(m.nodes))
	for _, i := range append([]int{m.loss}, m.outputs...) {
		materialize[i] = true
	}
	last := 0
	for i := range m.nodes {
		mn := &m.nodes[i]
		if mn.kind == kindInput || mn.kind == kindConstant || mn.kind == kindFolded {
			continue
		}
		if mn.generic && mn.kind != kindGlobal {
			return fmt.Errorf("compiled: %v (%v) would run Gorgonia's Do on tiles", mn.node, mn.node.Op())
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
		case kindGlobal, kindAlias:
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
		case kindInput, kindConstant, kindFolded:
			continue
		case kindAlias:
			m.full[i] = m.full[mn.args[0]]
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
		switch mn := &m.nodes[i]; {
		case mn.kind == kindReduce && len(m.chunks) == 1:
			m.partial[i] = m.full[i]
		case mn.kind == kindReduce:
			m.partial[i] = make([]float64, len(m.chunks)*mn.size)
		}
	}
	m.orderStrips()
	m.assignSlots()
	m.ops = make([][]tileOp, len(m.stages))
	m.wholeOps = make([][]wholeOp, len(m.stages))
	for s := 0; s < len(m.stages); s += 2 {
		for _, i := range m.stages[s] {
			mn := &m.nodes[i]
			m.wholeOps[s] = append(m.wholeOps[s], wholeOp{fn: mn.fn, out: m.full[i], args: m.argsFull(i), clear: mn.accumulates})
		}
	}
	for s := 1; s < len(m.stages); s += 2 {
		for _, i := range m.stages[s] {
			mn := &m.nodes[i]
			if len(mn.args) > maxArgs {
				return fmt.Errorf("compiled: %v (%v) would run on tiles with %d arguments", mn.node, mn.node.Op(), len(mn.args))
			}
			op := tileOp{fn: mn.fn, n: len(mn.args), out: m.rowView(i), size: mn.size}
			if mn.kind == kindReduce {
				op.partial = m.partial[i]
			}
			for j, a := range mn.args {
				op.in[j] = view{at: whole, buf: m.full[a]}
				if mn.rowArg[j] {
					op.in[j] = m.rowView(a)
				}
			}
			m.ops[s] = append(m.ops[s], op)
		}
	}
	return nil
}

// orderStrips puts the wholeTile nodes of each tiled stage after the others
// (nothing in a stage reads them: their sums are ready in the next), and
// chooses the rows of a stage's strips: about stripElems numbers for the
// widest node, a multiple of 8 rows and at least 16 (so that the matrix
// kernels' blocks of 8, or of 6 and 4, fill them), at most a tile.
func (m *Machine) orderStrips() {
	m.rowNodes = make([]int, len(m.stages))
	m.strips = make([]int, len(m.stages))
	for s := 1; s < len(m.stages); s += 2 {
		var rowwise, whole []int
		cols := 1
		for _, i := range m.stages[s] {
			mn := &m.nodes[i]
			if mn.wholeTile {
				whole = append(whole, i)
				continue
			}
			rowwise = append(rowwise, i)
			cols = max(cols, mn.cols)
			for j, a := range mn.args {
				if mn.rowArg[j] {
					cols = max(cols, m.nodes[a].size/m.rows)
				}
			}
		}
		m.stages[s] = append(rowwise, whole...)
		m.rowNodes[s] = len(rowwise)
		m.strips[s] = min(tileRows, max(16, stripElems/cols&^7))
	}
}

// assignSlots gives each tile-local node a worker buffer: a tile buffer
// when a wholeTile node of its stage reads it, else a strip buffer, which
// is reused once the last node reading it in the stage has run. Buffers of
// either kind are shared between stages.
func (m *Machine) assignSlots() {
	for s := 1; s < len(m.stages); s += 2 {
		stage := m.stages[s]
		wholeRead := map[int]bool{}
		lastUse := map[int]int{}
		for pos, i := range stage {
			for _, a := range m.nodes[i].args {
				if m.nodes[i].wholeTile {
					wholeRead[a] = true
				} else {
					lastUse[a] = pos
				}
			}
		}
		freeSlots, freeTemps := bySize(m.slots), bySize(m.temps)
		for pos, i := range stage {
			mn := &m.nodes[i]
			if mn.kind == kindTiled && m.full[i] == nil {
				if wholeRead[i] {
					mn.local = take(freeSlots, &m.slots, tileRows*mn.cols)
				} else {
					mn.temp = take(freeTemps, &m.temps, m.strips[s]*mn.cols)
				}
			}
			if mn.wholeTile {
				continue
			}
			for _, a := range mn.args {
				if am := &m.nodes[a]; am.temp >= 0 && am.stage == s && lastUse[a] == pos {
					size := m.temps[am.temp]
					freeTemps[size] = append(freeTemps[size], am.temp)
					lastUse[a] = -1 // freed once, even when read twice here
				}
			}
		}
	}
}

// bySize lists the indices of buffers of the given sizes by size.
func bySize(sizes []int) map[int][]int {
	free := map[int][]int{}
	for i, n := range sizes {
		free[n] = append(free[n], i)
	}
	return free
}

// take returns the index of a free buffer of the given size, removing it
// from free, or of a new one added to sizes.
func take(free map[int][]int, sizes *[]int, size int) int {
	if f := free[size]; len(f) > 0 {
		free[size] = f[:len(f)-1]
		return f[len(f)-1]
	}
	*sizes = append(*sizes, size)
	return len(*sizes) - 1
}

// Run computes the loss, which it returns, and the outputs, which it leaves
// in the buffers Output returns. It reads the input nodes' values as they
// are now.
func (m *Machine) Run() (float64, error) {
	m.err = nil
	for _, s := range m.scalars {
		m.full[s.index][0] = float64(*s.value)
	}
	for s, ops := range m.wholeOps {
		if s%2 == 0 {
			for k := range ops {
				op := &ops[k]
				if op.clear {
					clear(op.out)
				}
				op.fn(op.out, op.args, &m.scratch)
			}
		} else {
			m.runTiles(s)
		}
		if m.err != nil {
			return 0, m.err
		}
	}
	return m.full[m.loss][0], nil
}

// Output returns the buffer of the k-th output node, row-major, as the last
// run left it. The machine owns it; the next run overwrites it.
func (m *Machine) Output(k int) []float64 { return m.full[m.outputs[k]] }

// runTiles runs the tiled stage s: each chunk of tiles on one worker, then
// the reductions' chunk sums added in order.
func (m *Machine) runTiles(s int) {
	stage := m.stages[s]
	for _, i := range stage {
		clear(m.partial[i])
		if p := m.nodes[i].prepare; p != nil {
			p()
		}
	}
	nw := 1 // one chunk runs on the calling goroutine, without asking for more
	if len(m.chunks) > 1 {
		if nw = m.Workers; nw <= 0 {
			nw = runtime.GOMAXPROCS(0)
		}
		nw = min(nw, len(m.chunks))
	}
	for len(m.workers) < nw {
		w := &worker{args: make([][]float64, maxArgs)}
		for _, size := range m.slots {
			w.slots = append(w.slots, make([]float64, size))
		}
		for _, size := range m.temps {
			w.temps = append(w.temps, make([]float64, size))
		}
		m.workers = append(m.workers, w)
	}
	m.next.Store(0)
	if nw > 1 {
		c := m.helpers(nw - 1)
		c.m = m
		c.done.Add(nw - 1)
		for w := 1; w < nw; w++ {
			c.jobs <- job{w, s}
		}
		m.work(m.workers[0], s)
		c.done.Wait()
		c.m = nil
	} else {
		m.work(m.workers[0], s)
	}
	for _, i := range stage {
		if m.nodes[i].kind != kindReduce || len(m.chunks) == 1 {
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

// crew is a machine's helper goroutines, which run chunks of tiles beside
// the goroutine that called Run. They are started once and kept, so that a
// run starts no goroutine and allocates nothing. Only during a tiled stage
// does the crew point to its machine (m), and jobs hold no pointer: between
// runs the machine can become unreachable, and its cleanup then closes
// jobs, which ends the helpers.
type crew struct {
	jobs chan job
	m    *Machine       // the machine, while a stage runs
	done sync.WaitGroup // the jobs of the stage being run
	n    int            // helpers started
}

// job is one helper's share of a tiled stage: chunks of tiles of stage s,
// run with the buffers of the machine's worker w until none is left.
type job struct{ w, s int }

// helpers returns the machine's crew with at least n helper goroutines,
// starting it on the first run that needs one. Helpers beyond a run's needs
// (Workers lowered since) wait for a later run.
func (m *Machine) helpers(n int) *crew {
	if m.crew == nil {
		m.crew = &crew{jobs: make(chan job, maxChunks)} // a run never waits to hand out a job
		runtime.AddCleanup(m, func(c *crew) { close(c.jobs) }, m.crew)
	}
	for ; m.crew.n < n; m.crew.n++ {
		go m.crew.help()
	}
	return m.crew
}

// help runs jobs until the machine's cleanup closes them.
func (c *crew) help() {
	for j := range c.jobs {
		c.m.work(c.m.workers[j.w], j.s)
		c.done.Done()
	}
}

// work runs chunks of tiles of stage s until none is left.
func (m *Machine) work(w *worker, s int) {
	for {
		c := int(m.next.Add(1)) - 1
		if c >= len(m.chunks) {
			return
		}
		for t := m.chunks[c][0]; t < m.chunks[c][1]; t++ {
			m.runTile(w, s, c, t)
		}
	}
}

// runTile runs the nodes of stage s on tile t (in chunk c): those that act
// row by row strip by strip, then the wholeTile ones on the whole tile.
func (m *Machine) runTile(w *worker, s, c, t int) {
	r0, r1 := t*tileRows, min((t+1)*tileRows, m.rows)
	ops, strip := m.ops[s], m.strips[s]
	for s0 := r0; s0 < r1; s0 += strip {
		w.runRows(ops[:m.rowNodes[s]], c, r0, s0, min(s0+strip, r1))
	}
	w.runRows(ops[m.rowNodes[s]:], c, r0, r0, r1)
}

// runRows runs ops on rows [s0, s1) of the tile that starts at row r0, in
// chunk c.
func (w *worker) runRows(ops []tileOp, c, r0, s0, s1 int) {
	args := w.args
	for k := range ops {
		op := &ops[k]
		for j := range op.n {
			args[j] = w.rows(&op.in[j], r0, s0, s1)
		}
		if op.partial != nil {
			op.fn(op.partial[c*op.size:(c+1)*op.size], args[:op.n], &w.scratch)
		} else {
			op.fn(w.rows(&op.out, r0, s0, s1), args[:op.n], &w.scratch)
		}
	}
}

// rowView returns the view of row-aligned node i: its full buffer, strip
// buffer or tile buffer.
func (m *Machine) rowView(i int) view {
	mn := &m.nodes[i]
	v := view{cols: mn.size / m.rows}
	switch {
	case m.full[i] != nil:
		v.at, v.buf = fullRows, m.full[i]
	case mn.temp >= 0:
		v.at, v.slot = stripRows, mn.temp
	default:
		v.at, v.slot = tileRowsAt, mn.local
	}
	return v
}

// rows returns the numbers of v for rows [s0, s1) of the tile that starts
// at row r0 (all of them for a whole view).
func (w *worker) rows(v *view, r0, s0, s1 int) []float64 {
	switch v.at {
	case whole:
		return v.buf
	case fullRows:
		return v.buf[s0*v.cols : s1*v.cols]
	case stripRows:
		return w.temps[v.slot][:(s1-s0)*v.cols]
	}
	return w.slots[v.slot][(s0-r0)*v.cols : (s1-r0)*v.cols]
}

// BufferBytes is the memory the machine's own buffers take: whole nodes,
// chunk sums and every worker's tile buffers (not the inputs' values, which
// are the Gorgonia nodes').
func (m *Machine) BufferBytes() int {
	n := 0
	for i, b := range m.full {
		if k := m.nodes[i].kind; k != kindInput && k != kindAlias {
			n += len(b)
		}
	}
	for _, b := range m.partial {
		if len(m.chunks) > 1 {
			n += len(b)
		}
	}
	for _, w := range m.workers {
		for _, b := range w.slots {
			n += len(b)
		}
		for _, b := range w.temps {
			n += len(b)
		}
	}
	return 8 * n
}
