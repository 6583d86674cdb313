// Package graph builds physics-informed neural networks (PINNs) as Gorgonia
// graphs and trains them.
//
// A network N maps the independent variable t to one output per state
// variable. The trial solution y(t) is N(t) itself (soft initial conditions,
// penalised in the loss) or a form that meets the initial conditions exactly
// (hard):
//
//	first order:   y(t) = y0 + (t - t0) N(t)
//	second order:  y(t) = y0 + y0' (t - t0) + (t - t0)^2 N(t)
//
// The loss is the mean squared ODE residual at the collocation points plus
// the weighted initial-condition misfit (and, for inverse problems, the data
// misfit):
//
//	L = mean((D y - f(t, y, y'))^2) + w_ic |y(t0) - y0|^2 + w_data mean((y(t_k) - y_k)^2)
//
// where D y is dy/dt (or d2y/dt2 for second-order problems), obtained in one
// of the ways Derivative names:
//
//   - Symbolic: Gorgonia differentiates the output node with respect to the
//     input node t, then a second pass differentiates the loss with respect to
//     the weights. Gorgonia v0.9.18 caches derivatives between passes and
//     silently returns wrong gradients on the second one; see forgetDerivatives.
//   - Forward: the tangent dy/dt (and d2y/dt2) is propagated through the layers
//     inside the graph, the cross-check of Symbolic.
//   - FDForward: the forum thread's finite difference on the grid,
//     diff(y)/diff(t), with the residual at the right-hand points.
//   - FDCentral: (y(t+h) - y(t-h)) / 2h with the network evaluated at shifted
//     inputs.
//
// Fit builds a network of the Config's Architecture (after that, the
// network's own architecture is the only one read), trains it and returns a
// Result whose Model is the trained solution: Model's methods (Predict,
// Evaluate, Residuals, HiddenActivity) are the only way to evaluate it, so
// none can be given the wrong initial-condition mode, and WriteTo and
// ReadModel save and load it. Fit takes a context.Context: cancelling it, or
// an error from the Options.Progress callback, stops training at the end of
// the current Adam epoch or L-BFGS iteration, and Fit returns the weights of
// the lowest loss so far with the error wrapped. Trainer is the step-by-step
// interface Fit is built on.
//
// Training runs the differentiated graph on one of two executors. Compiled
// (the default, see machine) compiles it into kernels writing into buffers
// allocated once, runs the collocation points in tiles on every core, and
// uses Go assembly for matrix products, tanh and pointwise arithmetic where
// the CPU has AVX2 and FMA (plain Go with the purego build tag). Tape is
// Gorgonia's TapeMachine and AdamSolver, the reference the Compiled executor
// is tested against.
//
// Every value the TapeMachine reports is read with G.Read: it reuses memory,
// so a node's Value after a run may hold another node's numbers.
package graph
