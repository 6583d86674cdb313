package graph

import (
	"math"
	"slices"

	"pinn/problems"
	"pinn/problems/expr"
)

// trialPlan is how the hard trial solution of one variable meets the
// conditions that set its value, or its slope, at an end of the domain to
// a number. With N the network's output:
//
//	y = v + (t - p) N                           one end p, value v
//	y = v + s (t - p) + (t - p)^2 N             one end p, value v and slope s (second order)
//	y = A(t) + (t - a)(b - t) N                 both ends, values y_a and y_b
//
// where A is the line through (a, y_a) and (b, y_b). The first two are the
// initial-value trial solutions at p = t0; the third is the usual one of a
// two-point boundary-value problem (Lagaris, Likas and Fotiadis, 1998).
// Conditions the plan does not meet stay in the loss.
type trialPlan struct {
	kind trialKind
	// at is the end of a one-end plan, value and slope what it sets there.
	at, value, slope float64
	// withSlope says a one-end plan sets the slope too.
	withSlope bool
	// ya and yb are the values at t0 and t1 of a both-ends plan.
	ya, yb float64
	// conds indexes the problem's conditions the plan meets.
	conds []int
}

// trialKind says which form a trial solution takes.
type trialKind int

const (
	trialNone    trialKind = iota // y = N
	trialOneEnd                   // a value (and slope) at one end
	trialTwoEnds                  // values at both ends
)

// pinnedValue is a condition that sets the value (deriv 0) or slope (1) of
// a variable at an end of the domain to a number by itself.
type pinnedValue struct {
	cond  int
	value float64
}

// trialPlans returns the plan of each variable of p: the conditions that set
// one value by itself to an expression of known parameters, at t0 or t1,
// that the trial solution can meet, in this order of preference:
//
//  1. value and slope at t0 (a second-order initial-value problem),
//  2. values at t0 and t1,
//  3. value and slope at t1,
//  4. value at t0,
//  5. value at t1.
//
// For an initial-value problem given by Y0 and DY0 this is the trial
// solution marching and hard initial conditions have always used.
func trialPlans(p *problems.Problem) []trialPlan {
	known := map[string]float64{}
	for k, v := range p.Params {
		if !slices.Contains(p.Unknown, k) {
			known[k] = v
		}
	}
	m := len(p.Vars)
	// pins[i][end][deriv]: end 0 is t0, end 1 is t1.
	pins := make([][2][2]*pinnedValue, m)
	for k, c := range p.Conditions() {
		if c.Sets == nil {
			continue
		}
		v := c.Values[0]
		end := -1
		switch v.At {
		case p.T0:
			end = 0
		case p.T1:
			end = 1
		}
		if end < 0 || pins[v.Var][end][v.Deriv] != nil {
			continue
		}
		x, err := expr.Eval(c.Sets, known)
		if err != nil || math.IsNaN(x) || math.IsInf(x, 0) {
			continue // it names an unknown or range parameter: in the loss
		}
		pins[v.Var][end][v.Deriv] = &pinnedValue{cond: k, value: x}
	}
	plans := make([]trialPlan, m)
	for i := range plans {
		a, b := pins[i][0], pins[i][1]
		oneEnd := func(at float64, pin [2]*pinnedValue, withSlope bool) trialPlan {
			pl := trialPlan{kind: trialOneEnd, at: at, value: pin[0].value, conds: []int{pin[0].cond}}
			if withSlope {
				pl.withSlope, pl.slope = true, pin[1].value
				pl.conds = append(pl.conds, pin[1].cond)
			}
			return pl
		}
		switch {
		case p.Order == 2 && a[0] != nil && a[1] != nil:
			plans[i] = oneEnd(p.T0, a, true)
		case a[0] != nil && b[0] != nil:
			plans[i] = trialPlan{kind: trialTwoEnds, ya: a[0].value, yb: b[0].value, conds: []int{a[0].cond, b[0].cond}}
		case p.Order == 2 && b[0] != nil && b[1] != nil:
			plans[i] = oneEnd(p.T1, b, true)
		case a[0] != nil:
			plans[i] = oneEnd(p.T0, a, false)
		case b[0] != nil:
			plans[i] = oneEnd(p.T1, b, false)
		}
	}
	return plans
}

// trial builds the hard trial solution of variable i from the network
// output n (see trialPlan).
func (b *builder) trial(t, n jet, i int) (jet, error) {
	pl := b.trials[i]
	switch pl.kind {
	case trialOneEnd:
		tau, err := jetAffine(t, 1, -pl.at)
		if err != nil {
			return jet{}, err
		}
		if pl.withSlope {
			if tau, err = jetMul(tau, tau); err != nil {
				return jet{}, err
			}
		}
		y, err := jetMul(tau, n)
		if err != nil {
			return jet{}, err
		}
		if pl.withSlope && pl.slope != 0 {
			lin, err := jetAffine(t, pl.slope, -pl.slope*pl.at)
			if err != nil {
				return jet{}, err
			}
			if y, err = jetAdd(y, lin); err != nil {
				return jet{}, err
			}
		}
		return jetAffine(y, 1, pl.value)
	case trialTwoEnds:
		ta, tb := b.p.T0, b.p.T1
		u, err := jetAffine(t, 1, -ta)
		if err != nil {
			return jet{}, err
		}
		w, err := jetAffine(t, -1, tb)
		if err != nil {
			return jet{}, err
		}
		bubble, err := jetMul(u, w)
		if err != nil {
			return jet{}, err
		}
		y, err := jetMul(bubble, n)
		if err != nil {
			return jet{}, err
		}
		if pl.yb != pl.ya {
			slope := (pl.yb - pl.ya) / (tb - ta)
			lin, err := jetAffine(t, slope, -slope*ta)
			if err != nil {
				return jet{}, err
			}
			if y, err = jetAdd(y, lin); err != nil {
				return jet{}, err
			}
		}
		return jetAffine(y, 1, pl.ya)
	}
	return n, nil
}

// hardConditions returns the conditions that the trial solutions of plans
// meet, as a set of indices.
func hardConditions(plans []trialPlan) map[int]bool {
	met := map[int]bool{}
	for _, pl := range plans {
		for _, k := range pl.conds {
			met[k] = true
		}
	}
	return met
}
