// Package problems describes ordinary differential equations as data: the
// equation, its domain, its conditions, default collocation grid and the
// known answer (an exact solution, or a reference from a classical adaptive
// integrator, with shooting for boundary-value problems). A problem says
// what to solve; package graph says how.
//
// A problem of order 1 or 2 in the state variables y_i:
//
//	d^k y_i / dt^k = f_i(t, y, y', p),   t in [t0, t1],   k = Order
//	g_j(y(s_1), y'(s_1), ..., y(s_n), y'(s_n), p) = 0,   j = 1 ... k m
//
// The right-hand sides f_i are expressions (package expr) in the independent
// variable, the state variables, for k = 2 their first derivatives written
// d<name> (dy), and the named parameters p. The conditions g_j are
// equations typed like "y(0) = 1", "dy(1) = 0" or "y(1) + 2*dy(1) = 3", at
// points s of [t0, t1]; a condition may use derivatives of order up to
// k - 1. Y0 and DY0 are a shorthand for the conditions y_i(t0) = y0_i and
// y_i'(t0) = dy0_i. When every condition is at t0 the problem is an
// initial-value problem, otherwise a boundary-value problem
// (Problem.IsBoundaryValue).
//
// A family (Definition.Ranges) lets parameters range over intervals
// instead of taking one value: its solution is a function of t and of
// them, sampled on the product domain (Sampler.Inputs, Sobol points by
// default), scored at evenly spaced members (Problem.ScoreMembers), and
// evaluated only inside the ranges (Problem.CheckMember).
package problems
