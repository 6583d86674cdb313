package graph

import (
	"errors"
	"fmt"
	"maps"
	"math"
	"slices"
	"strings"

	"pinn/problems"
	"pinn/problems/expr"

	G "gorgonia.org/gorgonia"
)

// errFamily refuses what needs the range parameters' values of a family's
// model when only times are given.
var errFamily = errors.New("graph: the model solves a family: give the range parameters' values too (PredictMember, PredictInputs)")

// PredictInputs returns the solution and its first derivative with
// respect to t (symbolic) at the points inputs, given as columns: the
// values of t, then for a family those of each range parameter in
// RangeNames order (problems.Sampler.Inputs' layout), so that every point
// may belong to another member. The solution's T is inputs[0]. Columns
// of other lengths than t's are refused, and so are range values outside
// the trained ranges (an error wrapping problems.ErrMember).
func (m *Model) PredictInputs(inputs [][]float64) (*problems.Solution, error) {
	if !m.problem.IsFamily() {
		if len(inputs) != 1 {
			return nil, fmt.Errorf("graph: %d columns of points, problem %s needs 1 (%s)", len(inputs), m.problem.Name, m.problem.Indep)
		}
		return m.Predict(inputs[0])
	}
	n := len(m.problem.Vars)
	out, err := m.familyEval(inputs, 2*n, func(piece *Model, cols [][]float64) ([][]float64, error) {
		return piece.evaluate("predict", cols, predictNodes)
	})
	if err != nil {
		return nil, err
	}
	return &problems.Solution{T: inputs[0], Y: out[:n], DY: out[n:]}, nil
}

// familyEval evaluates a family's model with eval at the points inputs,
// which must be in the domain: the network itself, or for a marched
// model each window's piece at the points in the window (as scatter
// assigns them), which then carry, for each point's member, the initial
// values where the window starts (see chainStarts). Row r of the result
// at point k is row r of eval's there.
func (m *Model) familyEval(inputs [][]float64, rows int, eval func(piece *Model, cols [][]float64) ([][]float64, error)) ([][]float64, error) {
	p := m.problem
	if len(inputs) != 1+len(p.Ranges) {
		return nil, fmt.Errorf("graph: %d columns of points, the family %s needs %d: %s and %s", len(inputs), p.Name, 1+len(p.Ranges), p.Indep, strings.Join(p.RangeNames(), ", "))
	}
	if len(inputs[0]) == 0 {
		return nil, errNoPoints
	}
	if err := m.checkMembers(inputs); err != nil {
		return nil, err
	}
	if m.windows == nil {
		return eval(m, inputs)
	}
	// The distinct members, each point's, and the last window each member
	// has a point in: its chain of starts need not go further.
	index := map[[problems.MaxRanges]uint64]int{}
	var members [][]float64 // columns, one value per distinct member
	var last []int
	of := make([]int, len(inputs[0]))
	for k := range inputs[0] {
		w, err := m.windowOf(inputs[0][k])
		if err != nil {
			return nil, err
		}
		var key [problems.MaxRanges]uint64 // the values' bits: a map key without allocating
		for j, c := range inputs[1:] {
			key[j] = math.Float64bits(c[k])
		}
		i, ok := index[key]
		if !ok {
			i = len(index)
			index[key] = i
			if members == nil {
				members = make([][]float64, len(inputs)-1)
			}
			for j, c := range inputs[1:] {
				members[j] = append(members[j], c[k])
			}
			last = append(last, w)
		}
		of[k], last[i] = i, max(last[i], w)
	}
	starts, err := m.chainStarts(members, last, len(m.windows))
	if err != nil {
		return nil, err
	}
	return m.scatter(inputs[0], rows, func(i int, idx []int) ([][]float64, error) {
		cols := make([][]float64, len(inputs)+len(starts[i]))
		for j := range cols {
			cols[j] = make([]float64, len(idx))
		}
		for q, k := range idx {
			for j, c := range inputs {
				cols[j][q] = c[k]
			}
			for j, c := range starts[i] {
				cols[len(inputs)+j][q] = c[of[k]]
			}
		}
		return eval(m.pieces[i], cols)
	})
}

// checkMembers checks that the range parameters' columns of inputs (see
// PredictInputs) are as long as t's and name members of the family: the
// network was trained inside the ranges alone, so that outside them it
// would extrapolate. The first point outside is refused as PredictMember
// refuses its member (an error wrapping problems.ErrMember).
func (m *Model) checkMembers(inputs [][]float64) error {
	p := m.problem
	names := p.RangeNames()
	for j, c := range inputs[1:] {
		if len(c) != len(inputs[0]) {
			return fmt.Errorf("graph: %d values of %s for %d of %s", len(c), names[j], len(inputs[0]), p.Indep)
		}
	}
	for j, c := range inputs[1:] {
		r := p.Ranges[names[j]]
		for k, v := range c {
			if v >= r.Lo && v <= r.Hi {
				continue
			}
			member := make(map[string]float64, len(names))
			for i, name := range names {
				member[name] = inputs[1+i][k]
			}
			return fmt.Errorf("graph: point %d: %w", k+1, p.CheckMember(member))
		}
	}
	return nil
}

// chainStarts returns, for the members given as columns of range
// parameter values (RangeNames order, one value per member), the initial
// values at the start of each of the first n windows of a marched family
// (n may be one more than it has: the start of the window after the
// last): starts[i] holds window i's columns, each variable's value there
// and, second order, each slope. Window 0's are the problem's conditions;
// window i's are where window i-1 ends. When last is not nil, member q's
// starts are worked out up to window last[q] only (the later ones are left
// zero), to save evaluating the windows it does not need.
func (m *Model) chainStarts(members [][]float64, last []int, n int) ([][][]float64, error) {
	first, err := initialColumns(m.problem, members)
	if err != nil {
		return nil, err
	}
	// The start of a first-order member is its value alone: the
	// derivative need not be built.
	what, build := "values", func(b *builder, a at) (G.Nodes, error) { return b.values(a) }
	if m.problem.Order == 2 {
		what, build = "predict", predictNodes
	}
	starts := [][][]float64{first}
	for i := 1; i < n; i++ {
		prev := starts[i-1]
		var sub []int // the members that need window i's start
		for q := range members[0] {
			if last == nil || last[q] >= i {
				sub = append(sub, q)
			}
		}
		next := make([][]float64, len(prev))
		for j := range next {
			next[j] = make([]float64, len(members[0]))
		}
		starts = append(starts, next)
		if len(sub) == 0 {
			continue
		}
		cols := make([][]float64, 1+len(members)+len(prev))
		for j := range cols {
			cols[j] = make([]float64, len(sub))
		}
		for r, q := range sub {
			cols[0][r] = m.windows[i-1].T1
			for j, c := range members {
				cols[1+j][r] = c[q]
			}
			for j, c := range prev {
				cols[1+len(members)+j][r] = c[q]
			}
		}
		out, err := m.pieces[i-1].evaluate(what, cols, build)
		if err != nil {
			return nil, err
		}
		for j := range next {
			for r, q := range sub {
				next[j][q] = out[j][r]
			}
		}
	}
	return starts, nil
}

// initialColumns returns the initial values of the family p at T0 (and
// slopes, second order) for the members given as columns (see
// chainStarts), from its conditions.
func initialColumns(p *problems.Problem, members [][]float64) ([][]float64, error) {
	ys, dys, ok := p.InitialValues()
	if !ok {
		return nil, fmt.Errorf("%w: %s: the initial conditions must set every state's value at %s = %g by itself", ErrUnsupported, p.Name, p.Indep, p.T0)
	}
	exprs := ys
	if p.Order == 2 {
		exprs = append(slices.Clone(ys), dys...)
	}
	names := p.RangeNames()
	env := maps.Clone(p.Params)
	if env == nil {
		env = map[string]float64{}
	}
	cols := make([][]float64, len(exprs))
	for i, e := range exprs {
		cols[i] = make([]float64, len(members[0]))
		for k := range cols[i] {
			for j, name := range names {
				env[name] = members[j][k]
			}
			v, err := expr.Eval(e, env)
			if err == nil && (math.IsNaN(v) || math.IsInf(v, 0)) {
				err = fmt.Errorf("it is %g", v)
			}
			if err != nil {
				return nil, fmt.Errorf("graph: initial value %s of member %v: %w", e, env, err)
			}
			cols[i][k] = v
		}
	}
	return cols, nil
}

// PredictMember returns the solution of the family's member given by
// member, a value for every range parameter inside its range (see
// problems.Problem.CheckMember, whose error it wraps), and its first
// derivative, at the points ts.
func (m *Model) PredictMember(ts []float64, member map[string]float64) (*problems.Solution, error) {
	inputs, err := m.memberInputs(ts, member)
	if err != nil {
		return nil, err
	}
	return m.PredictInputs(inputs)
}

// memberInputs returns the points ts of the member as columns.
func (m *Model) memberInputs(ts []float64, member map[string]float64) ([][]float64, error) {
	if err := m.problem.CheckMember(member); err != nil {
		return nil, err
	}
	inputs := [][]float64{ts}
	for _, k := range m.problem.RangeNames() {
		c := make([]float64, len(ts))
		for i := range c {
			c[i] = member[k]
		}
		inputs = append(inputs, c)
	}
	return inputs, nil
}

// residualsInputs returns the ODE residual of a family's model at the
// points inputs (see PredictInputs): out[i][k] is variable i's at point k.
func (m *Model) residualsInputs(inputs [][]float64) ([][]float64, error) {
	return m.familyEval(inputs, len(m.problem.Vars), func(piece *Model, cols [][]float64) ([][]float64, error) {
		return piece.evaluate("residuals", cols, residualNodes)
	})
}

// EvaluateMember scores the family's member given by member at the points
// ts against its reference (see problems.Problem.Reference), with the
// model's learned parameter values.
func (m *Model) EvaluateMember(member map[string]float64, ts []float64) (Score, error) {
	sol, err := m.PredictMember(ts, member)
	if err != nil {
		return Score{}, err
	}
	params := maps.Clone(m.unknown)
	if params == nil {
		params = map[string]float64{}
	}
	maps.Copy(params, member)
	ref, err := m.problem.Reference(ts, params)
	if err != nil {
		return Score{}, err
	}
	return scoreAgainst(sol, ref), nil
}

// FamilyScore is a family's solution scored member by member.
type FamilyScore struct {
	// Members are the members scored (problems.Problem.ScoreMembers) and
	// Scores their scores, in the same order.
	Members []map[string]float64
	Scores  []Score
	// Worst indexes the member of the largest rel_l2 (a NaN counts as
	// the largest).
	Worst int
}

// EvaluateFamily scores a family's model at the points ts of each of its
// evenly spaced members, values per range parameter (see
// problems.Problem.ScoreMembers).
func (m *Model) EvaluateFamily(ts []float64, values int) (*FamilyScore, error) {
	members, err := m.problem.ScoreMembers(values)
	if err != nil {
		return nil, err
	}
	fs := &FamilyScore{Members: members, Scores: make([]Score, len(members))}
	for i, member := range members {
		if fs.Scores[i], err = m.EvaluateMember(member, ts); err != nil {
			return nil, fmt.Errorf("graph: member %v: %w", member, err)
		}
		if w := fs.Scores[fs.Worst].RelL2; math.IsNaN(fs.Scores[i].RelL2) && !math.IsNaN(w) || fs.Scores[i].RelL2 > w {
			fs.Worst = i
		}
	}
	return fs, nil
}
