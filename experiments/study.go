package experiments

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"slices"
	"strings"

	"pinn/problems"
)

// Study is a set of training runs on one problem: every combination of
// settings, each trained from every seed. A study file describes one (see
// LoadStudy); the built-in experiments and comparisons are study files too.
type Study struct {
	// Name identifies the study; Title says in a line what it is about.
	Name, Title string
	// Problem is the problem every run solves.
	Problem *problems.Problem
	// Fixed are the settings every combination shares: the [settings] table.
	Fixed Settings
	// Combinations are the settings of the runs, in the file's order: its
	// [[case]] tables, each with every combination of its [grid] (the last
	// key varying fastest).
	Combinations []Combination
	// Seeds are the seeds every combination runs with.
	Seeds []uint64
	// Measure says what each run measures besides the loss and the error.
	Measure Measure
	// Source is the study file as it was read.
	Source []byte

	// varied are the keys that vary (see Keys).
	varied []string

	// finding and comparison are a built-in study's: how its finding is
	// shown and explained, and the step study of a comparison.
	finding *findingSpec
	compare *comparisonSpec
}

// Combination is the settings of one combination of a study.
type Combination struct {
	// Varied are the settings that vary between the combinations (keys of
	// the grid and the cases), in the file's order, as key=value pairs.
	Varied []KeyValue
	// Settings are every setting of the runs: the fixed ones and the varied.
	Settings Settings
}

// KeyValue is a setting's key and its value as text.
type KeyValue struct{ Key, Value string }

// Label names the combination by what varies: "hidden=8,8 activation=tanh";
// "-" when nothing does.
func (c *Combination) Label() string {
	if len(c.Varied) == 0 {
		return "-"
	}
	parts := make([]string, len(c.Varied))
	for i, kv := range c.Varied {
		parts[i] = kv.Key + "=" + kv.Value
	}
	return strings.Join(parts, " ")
}

// Value returns the value of a varied setting, "" if it does not vary in c.
func (c *Combination) Value(key string) string {
	for _, kv := range c.Varied {
		if kv.Key == key {
			return kv.Value
		}
	}
	return ""
}

// Measure says what a run measures besides the loss, the error and the
// output.
type Measure struct {
	// Checkpoints are Adam epochs, before the last, after which the loss and
	// rel_l2 are recorded (loss_at_N and rel_l2_at_N).
	Checkpoints []int
	// Activity measures the fraction of exactly-zero parameter gradients and
	// of dead hidden units (zero at every point), before and after training.
	Activity bool
	// Scheme, if set, also scores each run against that scheme's solution of
	// the problem on the scoring grid.
	Scheme Scheme
	// Trace, if positive, traces the run of seed 1 every Trace steps
	// (graph.Options.TraceEvery), which pinn reproduce and experiments run
	// draw. Only the built-in studies take it. A trace changes no number,
	// so it is no part of a run's identity.
	Trace int
}

// StudyRun is one training run of a study: a combination and a seed.
type StudyRun struct {
	// ID names the run's result file: a hash of everything that decides its
	// numbers (the problem, the settings given, what is measured, the seed).
	ID string
	// Combination indexes Study.Combinations.
	Combination int
	Seed        uint64
}

// runFormat versions the identity of runs and the layout of their files.
const runFormat = "pinn-run/1"

// Runs returns every run of the study: each combination with each seed, in
// order.
func (s *Study) Runs() []StudyRun {
	runs := make([]StudyRun, 0, len(s.Combinations)*len(s.Seeds))
	for i := range s.Combinations {
		base := s.identity(i)
		for _, seed := range s.Seeds {
			sum := sha256.Sum256(fmt.Appendf([]byte(base), "seed=%d\n", seed))
			runs = append(runs, StudyRun{ID: hex.EncodeToString(sum[:8]), Combination: i, Seed: seed})
		}
	}
	return runs
}

// identity writes what decides the numbers of combination i's runs, but the
// seed. The study's name and title, and names of the problem, are left out:
// they change no number.
func (s *Study) identity(i int) string {
	d := s.Problem.Definition
	d.Name, d.Summary = "", ""
	def, err := json.Marshal(d)
	if err != nil {
		panic(err) // a Definition is plain data
	}
	m := s.Measure
	return fmt.Sprintf("%s\nproblem=%s\n%scheckpoints=%v\nactivity=%t\nscheme=%s\n",
		runFormat, def, s.Combinations[i].Settings.Canonical(), m.Checkpoints, m.Activity, m.Scheme)
}

// Keys lists the keys that vary between the combinations: the cases'
// then the grid's, in the file's order.
func (s *Study) Keys() []string { return slices.Clone(s.varied) }
