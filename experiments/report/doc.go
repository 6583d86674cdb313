// Package report writes what a run produced: CSV tables, JSON, Markdown and
// PNG plots. Every file is written whole: into a temporary file beside the
// target, then renamed over it, so a crash never leaves half a file.
//
// Fit renders one training run (a graph.Result) as text, as JSON and as
// files (solution and loss tables and plots); pinn train and solve only
// choose which.
package report
