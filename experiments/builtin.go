package experiments

import (
	"bytes"
	"embed"
	"fmt"
	"path"
	"slices"
	"strconv"
	"strings"

	"pinn/graph"
)

// builtinFiles are the study files built into pinn: the experiments, the
// comparisons and an example study.
//
//go:embed studies/*.toml
var builtinFiles embed.FS

// BuiltinStudies lists the names of the study files built into pinn: the
// experiments, the comparisons, then the example study.
func BuiltinStudies() []string {
	return append(append(Thread(), comparisonNames...), exampleStudy)
}

// exampleStudy is the built-in study the README shows.
const exampleStudy = "example"

// BuiltinSource returns the text of the built-in study file called name.
func BuiltinSource(name string) ([]byte, error) {
	if !slices.Contains(BuiltinStudies(), name) {
		return nil, fmt.Errorf("%w %q (want one of %s)", ErrUnknown, name, strings.Join(BuiltinStudies(), ", "))
	}
	return builtinFiles.ReadFile(path.Join("studies", name+".toml"))
}

// isBuiltinSource reports whether data is a built-in study file, byte for
// byte.
func isBuiltinSource(data []byte) bool {
	for _, name := range BuiltinStudies() {
		if src, err := BuiltinSource(name); err == nil && bytes.Equal(src, data) {
			return true
		}
	}
	return false
}

// loadBuiltin reads the built-in study called name. The built-in files may
// use what only they need: the thread's mistaken derivative, summed
// residuals, and the [finding] and [comparison] tables.
func loadBuiltin(name string) (*Study, error) {
	data, err := BuiltinSource(name)
	if err != nil {
		return nil, err
	}
	return loadStudy(name+".toml", data, true)
}

// mustLoadBuiltin reads a built-in study that the tests check loads.
func mustLoadBuiltin(name string) *Study {
	s, err := loadBuiltin(name)
	if err != nil {
		panic(err) // TestBuiltinStudies loads every one
	}
	return s
}

// asExperiment returns a built-in study of one combination as an experiment.
func (s *Study) asExperiment() Experiment {
	e := Experiment{Name: s.Name, Title: s.Title, Problem: s.Problem.Name,
		Settings: s.Combinations[0].Settings, Seeds: len(s.Seeds), Measure: s.Measure}
	if f := s.finding; f != nil {
		e.Quote, e.Claim, e.Columns, e.Table, e.Explain = f.quote, f.claim, f.columns, f.table, f.explain
	}
	return e
}

// asComparison returns a built-in study with a [comparison] table as a
// comparison. Its cases must be the modes a comparison trains, in order
// (symbolic, forward, fd-forward, then fd-central at each of its steps), so
// that the file run as a study and the comparison are the same runs.
func (s *Study) asComparison() (Comparison, error) {
	c := Comparison{Name: s.Name, Title: s.Title, Problem: s.Problem.Name, Settings: s.Fixed, Seed: s.Seeds[0],
		FDSteps: []float64{}, StudySteps: s.compare.steps}
	var want []string
	for i, m := range s.Combinations {
		cfg := m.Settings.Config
		if i >= 3 && cfg.Derivative == graph.FDCentral {
			c.FDSteps = append(c.FDSteps, cfg.FDStep)
		}
		want = append(want, m.Label())
	}
	var got []string
	for _, e := range c.modes(s.Problem) {
		cfg := e.Config()
		label := "derivative=" + string(cfg.Derivative)
		if cfg.Derivative == graph.FDCentral {
			label += " fd-step=" + strconv.FormatFloat(cfg.FDStep, 'g', -1, 64)
		}
		got = append(got, label)
	}
	if !slices.Equal(got, want) {
		return c, fmt.Errorf("experiments: %s: the cases %q are not the modes of a comparison, %q", s.Name, want, got)
	}
	return c, nil
}
