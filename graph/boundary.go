package graph

// The settings of BoundaryRecipe.
const (
	// DefaultBoundaryIterations bounds L-BFGS on each network of the
	// boundary-value recipe.
	DefaultBoundaryIterations = 4000
	// DefaultBoundaryCorrections is how many correction networks the
	// boundary-value recipe trains on top of the first.
	DefaultBoundaryCorrections = 2
)

// DefaultBoundaryHidden returns the hidden layer widths of the
// boundary-value recipe's networks: one layer of 16.
func DefaultBoundaryHidden() []int { return []int{16} }

// BoundaryRecipe returns the settings with which whole-domain training
// solves a boundary-value problem (or any problem March cannot start, see
// CanMarch) to about 1e-6 or better: a 1-16-m tanh network seeing its input
// scaled, inside a trial solution that meets the conditions it can (hard:
// values at both ends, or at one end with the others in the loss),
// its output scaled to the residual of the trial solution without it
// (Options.ScaleOutput), trained with L-BFGS alone on the problem's grid
// for up to DefaultBoundaryIterations iterations, then up to
// DefaultBoundaryCorrections correction networks, each trained the same
// way on top of the ones before (Options.Corrections). pinn train and
// solve use it when nothing but the problem is given; set Seed, Workers,
// Progress and Executor as for any Fit.
func BoundaryRecipe() (Config, Options) {
	cfg := Config{Architecture: Architecture{Hidden: DefaultBoundaryHidden()}, IC: HardIC, ScaleInput: true}
	opts := Options{Method: Whole, Optimizer: LBFGS, LBFGSIterations: DefaultBoundaryIterations,
		ScaleOutput: true, Corrections: DefaultBoundaryCorrections}
	return cfg, opts
}
