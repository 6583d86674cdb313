// Package ode integrates systems of ordinary differential equations
// dy/dt = f(t, y) from an initial value, and solves boundary-value problems
// by shooting, to give reference solutions for problems without a closed
// form.
//
// The method is the explicit Runge-Kutta pair of Dormand and Prince, DOPRI5,
// as described by Hairer, Norsett and Wanner, "Solving Ordinary Differential
// Equations I", 2nd ed., Springer 1993, section II.5 and the dopri5 code of
// its appendix. Each step of size h from (t, y) computes seven stages
//
//	k_s = f(t + c_s h, y + h sum_{j<s} a_sj k_j),  s = 1..7,
//	y_1 = y + h sum_j b_j k_j                       (order 5),
//	err = h sum_j (b_j - bhat_j) k_j                (y_1 minus the order-4 solution).
//
// The last stage is evaluated at (t + h, y_1), so it is the first stage of
// the next step (FSAL): six evaluations per step. A step is accepted when
//
//	||err|| = sqrt(1/n sum_i (err_i / (AbsTol + RelTol max(|y_i|, |y_1i|)))^2) <= 1,
//
// and the next step size follows Hairer's stabilised controller
//
//	h_new = h min(10, max(0.2, 0.9 ||err||^-0.17 ||err_prev||^0.04)),
//
// never growing right after a rejection. The initial step is chosen by
// Hairer's algorithm (II.4) unless Settings.InitialStep is set. Requested
// output times are hit by shortening the step that would pass them (or
// stretching it by up to 1%, as dopri5 does at the end, to avoid a sliver),
// so every output is a full fifth-order step rather than an interpolant.
//
// Shoot solves two-point (or many-point) boundary-value problems by single
// shooting: Newton's method, with a central-difference Jacobian and a
// backtracking line search, on the initial state whose solution meets the
// conditions. Single shooting suits the small, well-conditioned problems a
// reference is needed for; a solution that grows like e^(20 t) defeats it,
// and Shoot then says so rather than return a poor answer.
package ode
