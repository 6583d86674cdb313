package drawing

import (
	"math"
	"slices"
	"sort"

	"pinn/graph"
)

// The layout is layered, top to bottom, as Graphviz's dot lays out a
// directed graph (Sugiyama's method), kept small: each stage gets a band of
// rows of its own, in build order; within a band a box sits one row below
// the deepest box of its stage that it reads (a weight, read by only one
// op, one row above that op); an edge longer than one row bends through
// a point on each row it crosses; the order within a row comes from
// barycentre sweeps; and each box is pulled toward the boxes it is joined
// to without overlapping its neighbours.

// Sizes, in points.
const (
	boxGap    = 14.0 // between boxes in a row
	bendWidth = 6.0  // the room an edge's bend takes in a row
	rowGap    = 26.0 // between rows
	margin    = 12.0
	bandLabel = 92.0 // the column on the left that names the bands
	sweeps    = 12   // barycentre and placement passes
)

// point is a position in points, y downwards.
type point struct{ x, y float64 }

// band is the rows of one stage.
type band struct {
	stage  graph.Stage
	y0, y1 float64
}

// layout is where everything of a scene goes.
type layout struct {
	centre []point // of each box
	size   []point // width and height of each box
	routes [][]point
	bands  []band
	width  float64
	height float64 // of the drawing's graph part
}

// vertex is a box or the bend of an edge in a row.
type vertex struct {
	box   int // -1 for a bend
	rank  int
	width float64
	x     float64
	preds []int // vertices one row up joined to it
	succs []int
}

// layOut lays out the scene whose boxes have the given sizes.
func layOut(s *scene, size []point, boxHeight float64) *layout {
	ranks := rankBoxes(s)
	vs := make([]vertex, len(s.boxes))
	for i := range s.boxes {
		vs[i] = vertex{box: i, rank: ranks[i], width: size[i].x}
	}
	// Each edge as a chain of vertices, one per row it spans.
	chains := make([][]int, len(s.edges))
	for k, e := range s.edges {
		chain := []int{e.from}
		for r := ranks[e.from] + 1; r < ranks[e.to]; r++ {
			vs = append(vs, vertex{box: -1, rank: r, width: bendWidth})
			chain = append(chain, len(vs)-1)
		}
		chain = append(chain, e.to)
		for i := 1; i < len(chain); i++ {
			a, b := chain[i-1], chain[i]
			if vs[b].rank == vs[a].rank+1 {
				vs[a].succs = append(vs[a].succs, b)
				vs[b].preds = append(vs[b].preds, a)
			}
		}
		chains[k] = chain
	}
	rows := orderRows(vs)
	placeRows(vs, rows)
	l := &layout{centre: make([]point, len(s.boxes)), size: size}
	minX := math.Inf(1)
	for _, v := range vs {
		minX = min(minX, v.x-v.width/2)
	}
	y := func(rank int) float64 { return margin + float64(rank)*(boxHeight+rowGap) + boxHeight/2 }
	for i := range vs {
		vs[i].x += margin + bandLabel - minX
		l.width = max(l.width, vs[i].x+vs[i].width/2+margin)
	}
	for i := range s.boxes {
		l.centre[i] = point{vs[i].x, y(vs[i].rank)}
	}
	for _, chain := range chains {
		var route []point
		for i, v := range chain {
			p := point{vs[v].x, y(vs[v].rank)}
			switch {
			case i == 0:
				p.y += boxHeight / 2
			case i == len(chain)-1:
				p.y -= boxHeight / 2
			}
			route = append(route, p)
		}
		l.routes = append(l.routes, route)
	}
	l.height = y(len(rows)-1) + boxHeight/2 + margin
	for _, st := range graph.Stages() {
		lo, hi := math.MaxInt, -1
		for i, b := range s.boxes {
			if b.stage == st {
				lo, hi = min(lo, ranks[i]), max(hi, ranks[i])
			}
		}
		if hi >= 0 {
			l.bands = append(l.bands, band{stage: st, y0: y(lo) - boxHeight/2 - rowGap/3, y1: y(hi) + boxHeight/2 + rowGap/3})
		}
	}
	return l
}

// rankBoxes gives each box its row: the stages' bands one below the other,
// and within a band one row below the deepest box of the same stage read.
func rankBoxes(s *scene) []int {
	n := len(s.boxes)
	stageIndex := func(i int) int { return stageIndex(s.boxes[i].stage) }
	preds := make([][]int, n)
	succs := make([][]int, n)
	for _, e := range s.edges {
		if stageIndex(e.from) == stageIndex(e.to) && e.from != e.to {
			preds[e.to] = append(preds[e.to], e.from)
			succs[e.from] = append(succs[e.from], e.to)
		}
	}
	order := topological(n, preds, succs)
	local := make([]int, n)
	for _, i := range order {
		for _, p := range preds[i] {
			local[i] = max(local[i], local[p]+1)
		}
	}
	// A box that reads nothing in its stage moves down next to its readers.
	for k := len(order) - 1; k >= 0; k-- {
		i := order[k]
		if len(preds[i]) > 0 || len(succs[i]) == 0 {
			continue
		}
		r := math.MaxInt
		for _, c := range succs[i] {
			r = min(r, local[c]-1)
		}
		local[i] = max(local[i], r)
	}
	ranks := make([]int, n)
	start := 0
	for si := range graph.Stages() {
		deepest := -1
		for i := range n {
			if stageIndex(i) == si {
				ranks[i] = start + local[i]
				deepest = max(deepest, local[i])
			}
		}
		start += deepest + 1
	}
	return ranks
}

// topological orders the vertices so that each comes after its preds; the
// vertices of a cycle, which a drawing's collapsed boxes might form, come
// last in index order.
func topological(n int, preds, succs [][]int) []int {
	waiting := make([]int, n)
	var ready, order []int
	for i := range n {
		waiting[i] = len(preds[i])
		if waiting[i] == 0 {
			ready = append(ready, i)
		}
	}
	done := make([]bool, n)
	for len(ready) > 0 {
		i := ready[0]
		ready = ready[1:]
		order = append(order, i)
		done[i] = true
		for _, c := range succs[i] {
			if waiting[c]--; waiting[c] == 0 {
				ready = append(ready, c)
			}
		}
	}
	for i := range n {
		if !done[i] {
			order = append(order, i)
		}
	}
	return order
}

// orderRows orders each row's vertices by barycentre sweeps, down and up,
// from the order of the boxes in the graph.
func orderRows(vs []vertex) [][]int {
	nrows := 0
	for _, v := range vs {
		nrows = max(nrows, v.rank+1)
	}
	rows := make([][]int, nrows)
	for i, v := range vs {
		rows[v.rank] = append(rows[v.rank], i)
	}
	pos := make([]float64, len(vs))
	setPos := func(row []int) {
		for k, v := range row {
			pos[v] = float64(k)
		}
	}
	for _, row := range rows {
		setPos(row)
	}
	for sweep := range sweeps {
		down := sweep%2 == 0
		for k := range rows {
			r := k
			if !down {
				r = len(rows) - 1 - k
			}
			key := make(map[int]float64, len(rows[r]))
			for _, v := range rows[r] {
				nb := vs[v].preds
				if !down {
					nb = vs[v].succs
				}
				key[v] = pos[v]
				if len(nb) > 0 {
					sum := 0.0
					for _, u := range nb {
						sum += pos[u]
					}
					key[v] = sum / float64(len(nb))
				}
			}
			sort.SliceStable(rows[r], func(i, j int) bool { return key[rows[r][i]] < key[rows[r][j]] })
			setPos(rows[r])
		}
	}
	return rows
}

// placeRows gives each vertex its x: packed in row order, then pulled
// toward the mean of its neighbours, row by row, keeping boxGap between
// neighbours in a row.
func placeRows(vs []vertex, rows [][]int) {
	gap := func(a, b int) float64 {
		g := boxGap
		if vs[a].box < 0 || vs[b].box < 0 {
			g = boxGap / 2
		}
		return (vs[a].width+vs[b].width)/2 + g
	}
	for _, row := range rows {
		for k, v := range row {
			if k > 0 {
				vs[v].x = vs[row[k-1]].x + gap(row[k-1], v)
			}
		}
	}
	for sweep := range 2 * sweeps {
		down := sweep%2 == 0
		for k := range rows {
			r := k
			if !down {
				r = len(rows) - 1 - k
			}
			row := rows[r]
			want := make([]float64, len(row))
			for k, v := range row {
				nb := append(slices.Clone(vs[v].preds), vs[v].succs...)
				want[k] = vs[v].x
				if len(nb) > 0 {
					sum := 0.0
					for _, u := range nb {
						sum += vs[u].x
					}
					want[k] = sum / float64(len(nb))
				}
			}
			for k, v := range row {
				vs[v].x = want[k]
				if k > 0 {
					vs[v].x = max(vs[v].x, vs[row[k-1]].x+gap(row[k-1], v))
				}
			}
			for k := len(row) - 2; k >= 0; k-- {
				v := row[k]
				vs[v].x = min(vs[v].x, vs[row[k+1]].x-gap(v, row[k+1]))
			}
		}
	}
}
