package experiments

import (
	"slices"
	"testing"

	"pinn/graph"
	"pinn/problems"
)

// TestSettingsResolveBoundary checks what a boundary-value problem trains
// with: graph.BoundaryRecipe when nothing but the problem is given, with
// the network settings given (hidden widths, activation, executor) and the
// seed; the old whole-domain defaults for the rest when a whole-domain
// setting is given, as for an inverse problem.
func TestSettingsResolveBoundary(t *testing.T) {
	p, err := problems.Builtin("bratu")
	if err != nil {
		t.Fatal(err)
	}
	recipeCfg, recipeOpts := graph.BoundaryRecipe()
	var s Settings
	s.Options.Seed = 4
	cfg, opts, err := s.Resolve(p)
	if err != nil || opts.Method != graph.Whole || opts.Corrections != recipeOpts.Corrections || !opts.ScaleOutput ||
		opts.Optimizer != graph.LBFGS || opts.Epochs != 0 || opts.Seed != 4 || cfg.IC != graph.HardIC || !slices.Equal(cfg.Hidden, recipeCfg.Hidden) {
		t.Errorf("nothing given: %v, config %+v, options %+v; want the recipe", err, cfg, opts)
	}
	for _, kv := range [][2]string{{"hidden", "32"}, {"activation", "sin"}, {"executor", "tape"}} {
		st, _ := LookupSetting(kv[0])
		if err := st.set(&s, kv[1]); err != nil {
			t.Fatal(err)
		}
	}
	cfg, opts, err = s.Resolve(p)
	if err != nil || opts.Corrections != recipeOpts.Corrections || !slices.Equal(cfg.Hidden, []int{32}) || cfg.Activation != graph.Sin || cfg.Executor != graph.Tape {
		t.Errorf("network given: %v, config %+v, options %+v; want the recipe with them", err, cfg, opts)
	}
	st, _ := LookupSetting("lbfgs-iters")
	if err := st.set(&s, "100"); err != nil {
		t.Fatal(err)
	}
	cfg, opts, err = s.Resolve(p)
	if err != nil || opts.Corrections != 0 || opts.ScaleOutput || opts.Optimizer != graph.Adam || cfg.IC == graph.HardIC {
		t.Errorf("lbfgs-iters given: %v, config %+v, options %+v; want the old defaults", err, cfg, opts)
	}
}
