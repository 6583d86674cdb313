package graph

import (
	"errors"
	"fmt"
	"maps"
	"math"

	"pinn/problems"
)

// errFamily refuses what needs the range parameters' values of a family's
// model when only times are given.
var errFamily = errors.New("graph: the model solves a family: give the range parameters' values too (PredictMember, PredictInputs)")

// PredictInputs returns the solution and its first derivative with
// respect to t (symbolic) at the points inputs, given as columns: the
// values of t, then for a family those of each range parameter in
// RangeNames order (problems.Sampler.Inputs' layout), so that every point
// may belong to another member. The solution's T is inputs[0].
func (m *Model) PredictInputs(inputs [][]float64) (*problems.Solution, error) {
	if !m.problem.IsFamily() {
		if len(inputs) != 1 {
			return nil, fmt.Errorf("graph: %d columns of points, problem %s needs 1 (%s)", len(inputs), m.problem.Name, m.problem.Indep)
		}
		return m.Predict(inputs[0])
	}
	n := len(m.problem.Vars)
	out, err := m.runOnce("predict", inputs, predictNodes)
	if err != nil {
		return nil, err
	}
	return &problems.Solution{T: inputs[0], Y: out[:n], DY: out[n:]}, nil
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

// residualsInputs returns the ODE residual at the points inputs (see
// PredictInputs): out[i][k] is variable i's at point k.
func (m *Model) residualsInputs(inputs [][]float64) ([][]float64, error) {
	return m.runOnce("residuals", inputs, residualNodes)
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
	return score(sol, ref), nil
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
