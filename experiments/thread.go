package experiments

// Experiments returns the table of named experiments: the forum thread's
// findings (see Thread), each with the thread's own settings, and variants
// that explain them. Each is a study file built into pinn (see
// BuiltinSource). Every call builds the table afresh, so a caller may change
// what it gets.
func Experiments() []Experiment {
	var es []Experiment
	for _, name := range Thread() {
		es = append(es, mustLoadBuiltin(name).asExperiment())
	}
	return es
}

// Thread returns, in the thread's order, the names of the experiments pinn
// reproduce runs: the four findings and the variants that explain them. The
// slice is the caller's.
func Thread() []string {
	return []string{
		"original-bug", "original-bug-rectify",
		"relu-zero-gradients", "relu-zero-gradients-linear-output",
		"finite-difference-fix", "finite-difference-fix-linear-output",
		"final-code",
	}
}
