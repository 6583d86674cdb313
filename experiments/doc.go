// Package experiments runs named, table-driven studies of physics-informed
// networks and writes what they find.
//
// An Experiment is data: a problem, a network, a loss, Adam's settings and
// the seeds it runs over. Experiments returns them, among them the forum
// thread's findings (Thread); RunAll trains every seed of every experiment
// on a pool of workers, which share the cores out between their runs'
// executors, and collects each experiment's numbers (and each seed's
// trained graph.Model) into a Finding, with a verdict and an explanation
// computed from those numbers.
// A Comparison trains one network with each way of taking dy/dt and studies
// the finite-difference step on the symbolic-trained network:
//
//	forward:  (y(t+h) - y(t)) / h        error ~ h/2 |y''| + eps |y| / h
//	central:  (y(t+h) - y(t-h)) / 2h     error ~ h^2/6 |y'''| + eps |y| / h
//
// The report writers print findings and comparisons as text, JSON, or a
// Markdown report with CSV tables and PNG plots; package report writes the
// files and renders a single fit (a graph.Result).
package experiments
