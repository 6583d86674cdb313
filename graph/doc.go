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
// Fit trains with one of two methods (Options.Method). March, the default,
// cuts the domain into windows that tile it and trains a fresh small
// network on each, with hard initial conditions taken from where the
// window before ends, correction networks on top where the first leaves a
// residual, and windows halved or doubled so that an estimate of the error
// each adds stays within Options.March.Goal (march.go); a Window holds each
// window's networks. Whole builds one network of the Config's Architecture
// (after that, the network's own architecture is the only one read) and
// trains it on the whole domain with Adam and/or L-BFGS. Either way Fit
// returns a Result whose Model is the trained solution: Model's methods
// (Predict, Evaluate, Residuals, HiddenActivity) are the only way to
// evaluate it, so none can be given the wrong initial-condition mode or
// window, and WriteTo and ReadModel save and load it (ModelFormat for one
// network, PiecewiseModelFormat for windows). Fit takes a context.Context: cancelling it, or
// an error from the Options.Progress callback, stops training at the end of
// the current Adam epoch or L-BFGS iteration, and Fit returns the weights of
// the lowest loss so far with the error wrapped. Trainer is the step-by-step
// interface Fit is built on.
//
// Conditions need not all be at t0. A boundary-value problem (conditions
// at both ends, or derivatives at t1) cannot march, since marching needs
// the whole state at t0: Fit trains it on the whole domain, building into
// the trial solution the conditions that can be (trial.go: values and
// slopes at t0, values at both ends, one end's value) and putting the
// others in the loss; BoundaryRecipe gives the settings that reach 1e-6
// by default. A problem with parameter ranges is a family: t and each
// range parameter, scaled onto [-1, 1], enter the first layer through rows
// of W1 of their own, so that dy/dt is still the symbolic derivative with
// respect to t's node; families march in windows of equal length
// (familymarch.go), and Model.PredictMember and Model.EvaluateFamily evaluate
// and score members.
//
// Whole-domain training and March are resumable state machines: a fresh
// run starts from the initial state and a resumed one from a Checkpoint's,
// and one loop advances either, so that Options.Resume continues a run bit
// for bit; Options.Checkpoint receives one every Options.CheckpointEvery,
// and WriteTo and ReadCheckpoint keep it in a file.
//
// Training runs the differentiated graph on one of two executors behind one
// interface (executor.go), which computes the loss and its gradient with
// respect to the flat parameter vector; one Adam (adam.go, Gorgonia's
// AdamSolver arithmetic) and one L-BFGS (lbfgs.go, gonum's iterates) work
// on that vector for both.
// Tape is Gorgonia's TapeMachine, the reference. Compiled (the default)
// compiles the graph into kernels writing into buffers allocated once and
// runs the collocation points in tiles on Options.Workers cores.
//
// The layout, one job per package:
//
//	graph                    the network, the derivative builders, the loss,
//	                         the trainer and optimisers, Fit, saved models
//	graph/internal/compiled  the Compiled executor: op recognition (ops.go),
//	                         folds (fold.go), scheduling into stages, tiles
//	                         and strips, the machine
//	graph/internal/f64       its float64 kernels: matrix product, pointwise
//	                         ops, tanh; Go assembly (AVX-512, or AVX2 and
//	                         FMA) with plain-Go fallbacks (forced by the
//	                         purego tag)
//
// The executor and its kernels are internal: they are how graph runs, not
// part of its API, and only graph imports them.
//
// DescribeGraph returns the graph a Trainer runs as plain data, each node
// with the stage of the build that added it (the network, the first pass,
// the residual and loss, the second pass) and what the Compiled executor
// makes of it; DerivativeFormulas writes the first pass's dy/dt as a formula
// in t and the weights. Neither runs the graph.
//
// Options.TraceEvery and Options.Trace (trace.go) report every so many
// steps what training looks like (TraceStep): the loss's terms, read from
// the training graph, the gradient's norm per layer, the dead units and
// L-BFGS's step; Trainer.Trace takes one at any time. A trace changes no
// number of the run.
//
// Every value the TapeMachine reports is read with G.Read: it reuses memory,
// so a node's Value after a run may hold another node's numbers.
package graph
