package experiments

import (
	"bytes"
	"encoding/json"
	"errors"
	"testing"
)

// short returns an experiment of the table cut to a few epochs, for tests.
func short(t *testing.T, name string, epochs int) Experiment {
	t.Helper()
	e, err := Lookup(name)
	if err != nil {
		t.Fatal(err)
	}
	e.Settings.Options.Epochs = epochs
	return e
}

// TestWorkersDoNotChangeResults runs the same experiments on one and on
// three workers: the JSON of the findings must be byte for byte the same.
func TestWorkersDoNotChangeResults(t *testing.T) {
	es := []Experiment{short(t, "final-code", 30), short(t, "relu-zero-gradients-linear-output", 60)}
	var out [2][]byte
	for i, workers := range []int{1, 3} {
		var calls []int
		fs, err := RunAll(es, Options{Seeds: SeedRange(4), Workers: workers, Progress: func(done, total int) {
			calls = append(calls, done)
			if total != 8 {
				t.Errorf("progress total %d, want 8 runs", total)
			}
		}})
		if err != nil {
			t.Fatal(err)
		}
		if len(calls) != 8 || calls[7] != 8 {
			t.Errorf("progress calls %v, want 1 to 8", calls)
		}
		if out[i], err = json.Marshal(FindingsReport{fs}); err != nil {
			t.Fatal(err)
		}
	}
	if !bytes.Equal(out[0], out[1]) {
		t.Errorf("1 and 3 workers give different findings:\n%s\n%s", out[0], out[1])
	}
}

// TestMeasuringDoesNotChangeTraining checks that checkpoints (training in
// chunks) and activity measurements (extra runs of the graph) leave the
// loss history bit for bit as one uninterrupted run.
func TestMeasuringDoesNotChangeTraining(t *testing.T) {
	plain := short(t, "relu-zero-gradients-linear-output", 40)
	plain.Activity, plain.Checkpoints = false, nil
	measured := plain
	measured.Activity, measured.Checkpoints = true, []int{0, 7, 25}
	var losses [2][]float64
	for i, e := range []Experiment{plain, measured} {
		f, err := Run(e, Options{Seeds: []uint64{5}})
		if err != nil {
			t.Fatal(err)
		}
		losses[i] = f.Seeds[0].Loss
	}
	if len(losses[0]) != 41 || len(losses[1]) != 41 {
		t.Fatalf("histories of %d and %d losses, want 41", len(losses[0]), len(losses[1]))
	}
	for k := range losses[0] {
		if losses[0][k] != losses[1][k] {
			t.Fatalf("epoch %d: loss %v plain, %v measured", k, losses[0][k], losses[1][k])
		}
	}
}

// TestExperimentsTable checks the table itself: unique names, every entry
// runnable, the thread's findings present.
func TestExperimentsTable(t *testing.T) {
	seen := map[string]bool{}
	for _, n := range Names() {
		if seen[n] {
			t.Errorf("name %s twice", n)
		}
		seen[n] = true
	}
	for _, e := range Experiments() {
		if err := e.check(); err != nil {
			t.Error(err)
		}
		if e.Title == "" || e.Claim == "" || e.Explain == nil {
			t.Errorf("%s lacks a title, claim or explanation", e.Name)
		}
		for _, k := range e.Columns {
			if label(k) == k && meaning(k) == "" {
				t.Errorf("%s: column %s has no label", e.Name, k)
			}
		}
	}
	for _, n := range append([]string{"original-bug", "relu-zero-gradients", "finite-difference-fix", "final-code"}, Thread()...) {
		if _, err := Lookup(n); err != nil {
			t.Error(err)
		}
	}
	if _, err := Lookup("nope"); !errors.Is(err, ErrUnknown) {
		t.Errorf("Lookup(nope) = %v, want ErrUnknown", err)
	}
}

// TestRunRefuses checks the errors of experiments that cannot run.
func TestRunRefuses(t *testing.T) {
	good := short(t, "final-code", 20)
	if _, err := Run(good, Options{Seeds: []uint64{1}}); err != nil {
		t.Fatalf("the experiment the cases change does not run: %v", err)
	}
	tests := []struct {
		name   string
		change func(e *Experiment)
		opts   Options
	}{
		{"no hidden layers", func(e *Experiment) { e.Settings.Config.Hidden = nil }, Options{}},
		{"negative epochs", func(e *Experiment) { e.Settings.Options.Epochs = -1 }, Options{}},
		{"checkpoint past the end", func(e *Experiment) { e.Checkpoints = []int{20} }, Options{}},
		{"unknown problem", func(e *Experiment) { e.Problem = "nope" }, Options{}},
		{"no seeds", func(e *Experiment) { e.Seeds = 0 }, Options{}},
		{"negative learning rate", func(e *Experiment) { e.Settings.Options.LearningRate = -0.1 }, Options{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := good
			tt.change(&e)
			if _, err := Run(e, tt.opts); err == nil {
				t.Error("ran")
			}
		})
	}
}

// TestDivergedRunIsKept drives Adam at an absurd learning rate: the run is
// kept with fewer epochs and marked, not turned into an error.
func TestDivergedRunIsKept(t *testing.T) {
	e := short(t, "final-code", 50)
	e.Settings.Config.OutputActivation, e.Settings.Config.Activation = "none", "none"
	e.Settings.Options.LearningRate, e.Checkpoints = 1e100, []int{40}
	f, err := Run(e, Options{Seeds: []uint64{1}})
	if err != nil {
		t.Fatal(err)
	}
	r := f.Seeds[0]
	if r.Diverged == "" || r.Epochs >= 40 {
		t.Fatalf("diverged %q after %d epochs", r.Diverged, r.Epochs)
	}
	if b, err := json.Marshal(r); err != nil || !bytes.Contains(b, []byte(`"loss_at_40":null`)) {
		t.Errorf("JSON %s, %v: want loss_at_40 null", b, err)
	}
	if f.Verdict == "" || f.Explanation == "" {
		t.Error("no explanation for a diverged run")
	}
}

// TestTablesAreCopies changes what the table functions return, down to a
// network's widths: the next calls must not see it.
func TestTablesAreCopies(t *testing.T) {
	es := Experiments()
	es[0].Name, es[0].Settings.Config.Hidden[0], es[0].Columns[0] = "changed", 99, "changed"
	cs := Comparisons()
	cs[0].Name, cs[0].Settings.Config.Hidden[0] = "changed", 99
	Thread()[0] = "changed"
	DefaultFDSteps()[0] = 99
	DefaultStudySteps()[0] = 99
	if e := Experiments()[0]; e.Name != "original-bug" || e.Config().Hidden[0] != 16 || e.Columns[0] != keyInitialLoss {
		t.Errorf("Experiments()[0] = %s, hidden %v, columns %v", e.Name, e.Config().Hidden, e.Columns)
	}
	if c := Comparisons()[0]; c.Name != "derivatives-forum-final" || c.Config().Hidden[0] != 8 {
		t.Errorf("Comparisons()[0] = %s, hidden %v", c.Name, c.Config().Hidden)
	}
	if n := Thread()[0]; n != "original-bug" {
		t.Errorf("Thread()[0] = %s", n)
	}
	if h := DefaultFDSteps()[0]; h != 1e-1 {
		t.Errorf("DefaultFDSteps()[0] = %g", h)
	}
	if h := DefaultStudySteps()[0]; h != 1e-1 {
		t.Errorf("DefaultStudySteps()[0] = %g", h)
	}
}
