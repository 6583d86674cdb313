package graph

import (
	"errors"
	"fmt"
	"math"
	"slices"

	"pinn/problems"
)

// ScaledNetwork is one network of a marched window and the factor its
// output is multiplied by.
type ScaledNetwork struct {
	Scale   float64  `json:"scale"`
	Network *Network `json:"network"`
}

// Window is one piece of a marched solution (see March): networks trained
// on [T0, T1] alone, each seeing the window mapped onto [-1, 1], whose
// scaled outputs add up to the N(t) of the hard-constrained trial solution
// that takes the values Y0 (and, in a second-order problem, the slopes
// DY0) at T0:
//
//	y(t) = Y0 + (t - T0) N(t)                        (first order)
//	y(t) = Y0 + DY0 (t - T0) + (t - T0)^2 N(t)       (second order)
//	N(t) = sum_k Networks[k].Scale Networks[k].Network(t)
//
// Each network after the first was trained, with those before it frozen,
// to correct what they leave.
//
// A window of a family (problems with range parameters) has no Y0 or
// DY0: its networks take t and the range parameters, and its initial
// values for each member are where the window before ends for that member
// (the first window's, the problem's conditions).
type Window struct {
	T0       float64         `json:"t0"`
	T1       float64         `json:"t1"`
	Y0       []float64       `json:"y0,omitempty"`
	DY0      []float64       `json:"dy0,omitempty"`
	Networks []ScaledNetwork `json:"networks"`
}

// clone returns a deep copy of w.
func (w Window) clone() Window {
	c := w
	c.Y0, c.DY0 = slices.Clone(w.Y0), slices.Clone(w.DY0)
	c.Networks = make([]ScaledNetwork, len(w.Networks))
	for k, sn := range w.Networks {
		c.Networks[k] = ScaledNetwork{Scale: sn.Scale, Network: sn.Network.Clone()}
	}
	return c
}

// problem returns p restricted to the window, with the window's initial
// conditions in place of p's and no exact solution: what trains and
// evaluates a window never sees the solution it is scored against.
func (w *Window) problem(p *problems.Problem) (*problems.Problem, error) {
	d := p.Definition
	d.T0, d.T1, d.Y0, d.DY0, d.BC, d.Exact = w.T0, w.T1, w.Y0, w.DY0, nil, nil
	return problems.New(d)
}

// model returns the model of the window's networks on its part of p: the
// last network inside the trial solution, with those before it frozen
// under it. A family's window model is on p itself, anchored at T0 and
// evaluated at points that carry the initial values there (see
// Config.startAt).
func (w *Window) model(p *problems.Problem) (*Model, error) {
	if p.IsFamily() {
		last := len(w.Networks) - 1
		m := newModel(p, HardIC, w.Networks[last].Network, nil)
		t0 := w.T0
		m.scale, m.base, m.startAt = w.Networks[last].Scale, w.Networks[:last], &t0
		return m, nil
	}
	wp, err := w.problem(p)
	if err != nil {
		return nil, err
	}
	last := len(w.Networks) - 1
	m := newModel(wp, HardIC, w.Networks[last].Network, nil)
	m.scale, m.base = w.Networks[last].Scale, w.Networks[:last]
	return m, nil
}

// checkNetworks reports what keeps ns from being scaled networks of a
// solution of p: a missing or invalid network, one with the wrong number
// of outputs, a scale that is zero or not finite.
func checkNetworks(p *problems.Problem, ns []ScaledNetwork) error {
	for k, sn := range ns {
		if sn.Network == nil {
			return fmt.Errorf("network %d is missing", k+1)
		}
		if err := sn.Network.Validate(); err != nil {
			return fmt.Errorf("network %d: %w", k+1, err)
		}
		if sn.Network.Outputs() != len(p.Vars) {
			return fmt.Errorf("network %d has %d outputs for %d variables", k+1, sn.Network.Outputs(), len(p.Vars))
		}
		if err := fitsInputs(p, sn.Network); err != nil {
			return fmt.Errorf("network %d: %w", k+1, err)
		}
		if sn.Scale == 0 || math.IsNaN(sn.Scale) || math.IsInf(sn.Scale, 0) {
			return fmt.Errorf("network %d has scale %g", k+1, sn.Scale)
		}
	}
	return nil
}

// checkWindows reports what keeps ws from being a marched solution of p:
// windows that do not tile [T0, T1] in order, initial values of the wrong
// length or not finite, networks that do not fit the problem, scales that
// are zero or not finite.
func checkWindows(p *problems.Problem, ws []Window) error {
	if len(ws) == 0 {
		return errors.New("no windows")
	}
	finite := func(xs ...float64) bool {
		return !slices.ContainsFunc(xs, func(x float64) bool { return math.IsNaN(x) || math.IsInf(x, 0) })
	}
	n := len(p.Vars)
	start := p.T0
	for i, w := range ws {
		switch {
		case w.T0 != start:
			return fmt.Errorf("window %d starts at %g, want %g: the windows must tile [%g, %g] in order", i+1, w.T0, start, p.T0, p.T1)
		case !(w.T1 > w.T0) || !finite(w.T1):
			return fmt.Errorf("window %d is [%g, %g]", i+1, w.T0, w.T1)
		case p.IsFamily() && (len(w.Y0) > 0 || len(w.DY0) > 0):
			return fmt.Errorf("window %d of a family has initial values: its members' are where the window before ends", i+1)
		case !p.IsFamily() && (len(w.Y0) != n || !finite(w.Y0...)):
			return fmt.Errorf("window %d needs %d finite initial values, has %v", i+1, n, w.Y0)
		case !p.IsFamily() && p.Order == 2 && (len(w.DY0) != n || !finite(w.DY0...)):
			return fmt.Errorf("window %d needs %d finite initial slopes, has %v", i+1, n, w.DY0)
		case p.Order == 1 && len(w.DY0) > 0:
			return fmt.Errorf("window %d has initial slopes in a first-order problem", i+1)
		case len(w.Networks) == 0:
			return fmt.Errorf("window %d has no networks", i+1)
		}
		if err := checkNetworks(p, w.Networks); err != nil {
			return fmt.Errorf("window %d: %w", i+1, err)
		}
		start = w.T1
	}
	if start != p.T1 {
		return fmt.Errorf("the windows end at %g, the domain at %g", start, p.T1)
	}
	return nil
}
