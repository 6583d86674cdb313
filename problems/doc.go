// Package problems describes ordinary differential equations as data: the
// equation, its domain, initial conditions, default collocation grid and the
// known answer (an exact solution, or a reference from a classical adaptive
// integrator). A problem says what to solve; package graph says how.
//
// An initial-value problem of order 1 or 2 in the state variables y_i:
//
//	d^k y_i / dt^k = f_i(t, y, y', p),   t in [t0, t1],   k = Order
//	y_i(t0) = y0_i  (and y_i'(t0) = dy0_i when k = 2)
//
// The right-hand sides f_i are expressions (package expr) in the independent
// variable, the state variables, for k = 2 their first derivatives written
// d<name> (dy), and the named parameters p.
package problems
