// Package experiments runs studies of physics-informed networks, from a
// study file or built in, and writes what they find.
//
// A Study is a TOML file read by LoadStudy: a problem, the settings every
// run shares, the settings to vary and the seeds. Settings are one table
// (Setting) that pinn train's flags and a study's keys both read, so that
// the two have the same names, checks and defaults. RunStudy trains the
// study's runs (graph.Fit) on a pool of workers, which share the cores out
// between their runs' executors, and writes each finished run to a
// directory, skipping those already there; a Shard is a deterministic slice
// of the runs, for the tasks of a job array. ReadStudyReport summarises the
// directory per combination of settings.
//
// The built-in experiments and comparisons are study files too, embedded in
// the binary (BuiltinSource). An Experiment is one combination of settings
// over several seeds: a problem, a network, a loss, the training and the
// seeds. Experiments returns them, among them the forum thread's findings
// (Thread); RunAll trains every seed of every experiment with the same
// runner as RunStudy and collects each experiment's numbers (and each
// seed's trained graph.Model) into a Finding, with a verdict and an
// explanation computed from those numbers.
// A Comparison trains one network with each way of taking dy/dt and studies
// the finite-difference step on the symbolic-trained network:
//
//	forward:  (y(t+h) - y(t)) / h        error ~ h/2 |y''| + eps |y| / h
//	central:  (y(t+h) - y(t-h)) / 2h     error ~ h^2/6 |y'''| + eps |y| / h
//
// The report writers print findings and comparisons as text, JSON, or a
// Markdown report with CSV tables and PNG plots, and a study's report as
// text, JSON, CSV and a strip plot; package report writes the files and
// renders a single fit (a graph.Result).
package experiments
