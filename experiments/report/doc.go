// Package report writes what a run produced: CSV tables, JSON, Markdown and
// PNG plots. Every file is written whole: into a temporary file beside the
// target, then renamed over it, so a crash never leaves half a file; only a
// regular file is ever replaced, and AbandonWrites removes the temporary
// files of a process that must exit at once. A Lock keeps two runs from
// writing into one place.
//
// Fit renders one training run (a graph.Result) as text, as JSON and as
// files (solution and loss tables and plots); pinn train and solve only
// choose which.
package report
