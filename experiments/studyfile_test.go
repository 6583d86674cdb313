package experiments

import (
	"bytes"
	"errors"
	"fmt"
	"strings"
	"testing"
)

// badStudies are study files each with one thing wrong: the line and key
// the error must name and what it must say. FuzzLoadStudy starts from them.
var badStudies = []struct {
	name, src string
	line      int
	key, msg  string
}{
	{"syntax", "problem = \"decay\"\nepochs = = 3\n", 2, "", "unexpected character"},
	{"duplicate key", "problem = \"decay\"\nproblem = \"decay\"\n", 2, "", "already"},
	{"unknown key", "problem = \"decay\"\nseed = 3\n", 2, "seed", `unknown key "seed" (did you mean "seeds"?)`},
	{"bad name", "name = \"my study\"\nproblem = \"decay\"\n", 1, "name", `name "my study" is not letters`},
	{"title not text", "title = 3\nproblem = \"decay\"\n", 1, "title", "title must be one line of text, got the integer 3"},
	{"no problem", "seeds = 2\n", 0, "problem", "no problem: give problem = NAME"},
	{"unknown problem", "seeds = 2\nproblem = \"decy\"\n", 2, "problem", `unknown problem "decy"`},
	{"problem not text", "problem = 3\n", 1, "problem", "problem must be a built-in problem's name or a table"},
	{"problem key", "[problem]\nrhs = \"-y\"\ny0 = 1\nt2 = 3\n", 4, "problem.t2", `unknown problem key "t2" (did you mean "t0"?)`},
	{"no rhs", "[problem]\ny0 = 1\n", 1, "problem", "the problem needs rhs"},
	{"bad rhs", "[problem]\ny0 = 1\nrhs = \"t - z\"\n", 3, "problem.rhs", `unknown name "z"`},
	{"rhs not text", "[problem]\ny0 = 1\nrhs = [1]\n", 3, "problem.rhs.[0]", "rhs must be a list of text, got the integer 1"},
	{"no y0", "[problem]\nrhs = \"-y\"\n", 1, "problem", "the problem needs y0"},
	{"y0 count", "[problem]\nrhs = \"-y\"\ny0 = [1, 2]\n", 3, "problem.y0", "needs 1 initial value, have 2"},
	{"y0 not number", "[problem]\nrhs = \"-y\"\ny0 = [1, \"x\"]\n", 3, "problem.y0.[1]", `y0 must be a number, got text "x"`},
	{"order", "[problem]\nrhs = \"-y\"\ny0 = 1\norder = 3\n", 4, "problem.order", "order must be 1 or 2, got the integer 3"},
	{"domain", "[problem]\nrhs = \"-y\"\ny0 = 1\nt0 = 2\nt1 = 1\n", 5, "problem.t1", "domain [2, 1] is not an interval"},
	{"t1 infinite", "[problem]\nrhs = \"-y\"\ny0 = 1\nt1 = inf\n", 4, "problem.t1", "t1 must be a finite number, got +Inf"},
	{"param not table", "[problem]\nrhs = \"-a*y\"\ny0 = 1\nparam = \"a=1\"\n", 4, "problem.param", "param must be a table of NAME = VALUE"},
	{"param value", "[problem]\nrhs = \"-a*y\"\ny0 = 1\nparam = { a = true }\n", 4, "problem.param.a", "a must be a number, got true"},
	{"bad exact", "[problem]\nrhs = \"-y\"\ny0 = 1\nexact = \"exp(\"\n", 4, "problem.exact", "exact solution of y"},
	{"seeds zero", "problem = \"decay\"\nseeds = 0\n", 2, "seeds", "seeds must be a count from 1 to 100000"},
	{"seeds text", "problem = \"decay\"\nseeds = \"10\"\n", 2, "seeds", `seeds must be a count or a list of seeds, got text "10"`},
	{"seeds empty", "problem = \"decay\"\nseeds = []\n", 2, "seeds", "seeds must list from 1 to 100000 seeds, got 0"},
	{"seed negative", "problem = \"decay\"\nseeds = [1,\n  -2]\n", 3, "seeds.[1]", "a seed must be an integer from 0 up, got the integer -2"},
	{"seed twice", "problem = \"decay\"\nseeds = [3, 3]\n", 2, "seeds.[1]", "seed 3 is listed twice"},
	{"settings not table", "problem = \"decay\"\nsettings = 3\n", 2, "settings", "settings must be a table of settings"},
	{"unknown setting", "problem = \"decay\"\n[settings]\nactivaton = \"tanh\"\n", 3, "settings.activaton", `unknown setting "activaton" (did you mean "activation"?)`},
	{"seed setting", "problem = \"decay\"\n[settings]\nseed = 3\n", 3, "settings.seed", "seed is not a setting of a study: give seeds = N"},
	{"workers setting", "problem = \"decay\"\n[settings]\nworkers = 3\n", 3, "settings.workers", "workers is not a setting of a study"},
	{"epochs zero", "problem = \"decay\"\n[settings]\nepochs = 0\n", 3, "settings.epochs", "epochs must be positive, got 0"},
	{"epochs text", "problem = \"decay\"\n[settings]\nepochs = \"many\"\n", 3, "settings.epochs", `epochs must be an integer, got text "many"`},
	{"epochs float", "problem = \"decay\"\n[settings]\nepochs = 1e3\n", 3, "settings.epochs", "epochs must be an integer, got the number 1000"},
	{"points", "problem = \"decay\"\n[settings]\npoints = 1\n", 3, "settings.points", "points must be at least 2, got 1"},
	{"resample", "problem = \"decay\"\n[settings]\nresample = -5\n", 3, "settings.resample", "resample must not be negative, got -5"},
	{"lr zero", "problem = \"decay\"\n[settings]\nlr = 0\n", 3, "settings.lr", "lr must be a positive finite number, got 0"},
	{"lr infinite", "problem = \"decay\"\n[settings]\nlr = inf\n", 3, "settings.lr", "lr must be a positive finite number, got +Inf"},
	{"lr nan", "problem = \"decay\"\n[settings]\nlr = nan\n", 3, "settings.lr", "lr must be a positive finite number, got NaN"},
	{"lr text", "problem = \"decay\"\n[settings]\nlr = \"fast\"\n", 3, "settings.lr", `lr must be a number, got text "fast"`},
	{"fd-step", "problem = \"decay\"\n[settings]\nfd-step = -1\n", 3, "settings.fd-step", "fd-step must be a positive number, got -1"},
	{"scale-input", "problem = \"decay\"\n[settings]\nscale-input = 1\n", 3, "settings.scale-input", "scale-input must be true or false, got the integer 1"},
	{"activation", "problem = \"decay\"\n[settings]\nactivation = \"gelu\"\n", 3, "settings.activation", `activation: unknown activation "gelu" (want one of tanh,`},
	{"executor", "problem = \"decay\"\n[settings]\nexecutor = \"jit\"\n", 3, "settings.executor", `executor: unknown executor "jit" (want one of compiled, tape)`},
	{"optimizer", "problem = \"decay\"\n[settings]\noptimizer = 1\n", 3, "settings.optimizer", `optimizer must be text like "adam", got the integer 1`},
	{"hidden", "problem = \"decay\"\n[settings]\nhidden = \"8,x\"\n", 3, "settings.hidden", `hidden: "8,x" is not a list of widths from 1 to 4096`},
	{"hidden zero", "problem = \"decay\"\n[settings]\nhidden = [8, 0]\n", 3, "settings.hidden", `hidden: "8,0" is not a list of widths`},
	{"hidden empty", "problem = \"decay\"\n[settings]\nhidden = []\n", 3, "settings.hidden", "hidden must be text like \"16,16\", got an empty list"},
	{"thread derivative", "problem = \"decay\"\n[settings]\nderivative = \"wrt-prediction\"\n", 3, "settings.derivative", `derivative = "wrt-prediction" is only for the studies built into pinn`},
	{"thread setting", "problem = \"decay\"\n[settings]\nsum-residual = true\n", 3, "settings.sum-residual", "sum-residual is only for the studies built into pinn"},
	{"empty grid", "problem = \"decay\"\n[grid]\n", 2, "grid", "the grid is empty"},
	{"grid not list", "problem = \"decay\"\n[grid]\nlr = 0.1\n", 3, "grid.lr", "lr in [grid] must be a non-empty list of values, got the number 0.1"},
	{"grid empty list", "problem = \"decay\"\n[grid]\nlr = []\n", 3, "grid.lr", "lr in [grid] must be a non-empty list of values, got an empty list"},
	{"grid bad value", "problem = \"decay\"\n[grid]\nepochs = [\n  10,\n  0,\n]\n", 5, "grid.epochs.[1]", "epochs must be positive, got 0"},
	{"grid unknown", "problem = \"decay\"\n[grid]\nactivations = [\"tanh\"]\n", 3, "grid.activations", `unknown setting "activations" (did you mean "activation"?)`},
	{"grid twice", "problem = \"decay\"\n[grid]\nhidden = [\"8\", [8]]\n", 3, "grid.hidden.[1]", "hidden lists 8 twice"},
	{"grid and settings", "problem = \"decay\"\n[settings]\nlr = 0.1\n[grid]\nlr = [0.1, 0.01]\n", 5, "grid.lr", "lr is set in [settings] and varied in [grid]"},
	{"case not tables", "problem = \"decay\"\ncase = 3\n", 2, "case", "case must be tables of settings, written [[case]]"},
	{"empty case", "problem = \"decay\"\n[[case]]\nlr = 0.1\n[[case]]\n", 4, "case.[1]", "case 2 sets nothing"},
	{"case and grid", "problem = \"decay\"\n[grid]\nlr = [0.1, 0.01]\n[[case]]\nlr = 0.5\n", 5, "case.[0].lr", "lr is varied both in [grid] and in [[case]]"},
	{"case bad", "problem = \"decay\"\n[[case]]\nlr = 0.1\n[[case]]\nic = \"medium\"\n", 5, "case.[1].ic", `ic: unknown initial-condition mode "medium"`},
	{"case repeats", "problem = \"decay\"\n[[case]]\nhidden = 8\n[[case]]\nhidden = \"8\"\n", 5, "case.[1].hidden", "the combination hidden=8 repeats the one at line 3"},
	{"measure unknown", "problem = \"decay\"\n[measure]\nactivty = true\n", 3, "measure.activty", `unknown measurement "activty" (did you mean "activity"?)`},
	{"activity", "problem = \"decay\"\n[measure]\nactivity = \"yes\"\n", 3, "measure.activity", "activity must be true or false"},
	{"checkpoints", "problem = \"decay\"\n[measure]\ncheckpoints = 10\n", 3, "measure.checkpoints", "checkpoints must be a list of epochs"},
	{"trace", "problem = \"decay\"\n[measure]\ntrace = 10\n", 3, "measure.trace", "trace is only for the studies built into pinn (pinn train and solve take --trace)"},
	{"checkpoint negative", "problem = \"decay\"\n[measure]\ncheckpoints = [-1]\n", 3, "measure.checkpoints.[0]", "a checkpoint must be an epoch from 0 up"},
	{"checkpoint twice", "problem = \"decay\"\n[measure]\ncheckpoints = [5, 5]\n", 3, "measure.checkpoints.[1]", "checkpoint 5 is listed twice"},
	{"checkpoint late", "problem = \"decay\"\n[settings]\nepochs = 5\n[measure]\ncheckpoints = [5]\n", 5, "measure.checkpoints", "checkpoint 5 is not before the last Adam epoch: the runs have 5"},
	{"checkpoint late in grid", "problem = \"decay\"\n[grid]\nepochs = [50, 5]\n[measure]\ncheckpoints = [10]\n", 5, "measure.checkpoints", "the runs of epochs=5 have 5"},
	{"checkpoint lbfgs", "problem = \"decay\"\n[settings]\noptimizer = \"lbfgs\"\n[measure]\ncheckpoints = [10]\n", 5, "measure.checkpoints", "have 0"},
	{"checkpoint stages", "problem = \"decay\"\n[settings]\nstages = 2\n[measure]\ncheckpoints = [10]\n", 5, "measure.checkpoints", "checkpoints need stages = 1"},
	{"checkpoints marching", "problem = \"decay\"\n[measure]\ncheckpoints = [10]\n", 3, "measure.checkpoints", "checkpoints measure Adam epochs of one network: they need method = \"whole\""},
	{"activity marching", "problem = \"decay\"\n[measure]\nactivity = true\n", 3, "measure.activity", "activity measures one network: it needs method = \"whole\""},
	{"goal with epochs", "problem = \"decay\"\n[settings]\nepochs = 10\ngoal = 1e-8\n", 4, "settings.goal", "goal applies to marching, but epochs chooses whole-domain training"},
	{"march with epochs", "problem = \"decay\"\n[settings]\nmethod = \"march\"\n[grid]\nepochs = [10, 20]\n", 5, "grid.epochs", "epochs applies to whole-domain training, not to method march (epochs=10)"},
	{"method", "problem = \"decay\"\n[settings]\nmethod = \"both\"\n", 3, "settings.method", `method: unknown method "both" (want one of march, whole)`},
	{"scheme", "problem = \"decay\"\n[measure]\nscheme = \"euler\"\n", 3, "measure.scheme", `scheme: unknown scheme "euler" (want one of backward-euler)`},
	{"scheme order 2", "problem = \"oscillator\"\n[measure]\nscheme = \"backward-euler\"\n", 3, "measure.scheme", "scheme backward-euler needs a first-order problem in one variable"},
	{"finding", "problem = \"decay\"\n[finding]\nclaim = \"x\"\n", 2, "finding", "[finding] is only for the studies built into pinn"},
	{"comparison", "problem = \"decay\"\n[comparison]\nsteps = [0.1]\n", 2, "comparison", "[comparison] is only for the studies built into pinn"},
	{"too many combinations", "problem = \"decay\"\n[grid]\nepochs = [" + intList(1, 200) + "]\npoints = [" + intList(2, 200) + "]\n", 2, "grid", "more than 10000 combinations"},
	{"too many runs", "problem = \"decay\"\nseeds = 100000\n[grid]\nepochs = [" + intList(1, 20) + "]\n", 2, "seeds", "20 combinations of 100000 seeds make more than 1000000 runs"},
	{"too large", "problem = \"decay\"\n#" + strings.Repeat("x", 1<<20) + "\n", 0, "", "a study file is at most 1048576"},
}

// intList writes the integers from, from+1, ... (n of them) as a TOML list's
// elements.
func intList(from, n int) string {
	s := make([]string, n)
	for i := range s {
		s[i] = fmt.Sprint(from + i)
	}
	return strings.Join(s, ", ")
}

// TestLoadStudyRefuses checks that each bad study file is refused with a
// StudyError naming its line, its key and what is wrong.
func TestLoadStudyRefuses(t *testing.T) {
	for _, tt := range badStudies {
		t.Run(tt.name, func(t *testing.T) {
			s, err := LoadStudy("bad.toml", []byte(tt.src))
			var se *StudyError
			if !errors.As(err, &se) {
				t.Fatalf("got study %v, error %v; want a StudyError", s != nil, err)
			}
			if se.Line != tt.line || (tt.key != "" && se.Key != tt.key) || !strings.Contains(se.Msg, tt.msg) {
				t.Errorf("got line %d, key %q, %q\nwant line %d, key %q, %q", se.Line, se.Key, se.Msg, tt.line, tt.key, tt.msg)
			}
			prefix := fmt.Sprintf("experiments: bad.toml:%d: ", tt.line)
			if tt.line == 0 {
				prefix = "experiments: bad.toml: "
			}
			if !strings.HasPrefix(err.Error(), prefix) || strings.Contains(err.Error(), "\n") {
				t.Errorf("error %q: want one line starting %q", err, prefix)
			}
		})
	}
}

// TestLoadStudy reads a study with every part and checks what it holds.
func TestLoadStudy(t *testing.T) {
	src := `# widths and activations
title = "a test"
seeds = [3, 1]

[problem]
rhs = ["x*y", "-x"]
vars = "x, y"
t1 = 2
y0 = [1, 0]
param = { k = 2 }
exact = ["cos(t)", "-sin(t)"]

[settings]
epochs = 30
lr = 0.02
scale-input = false

[grid]
hidden = ["8", [4, 4]]
activation = ["tanh", "sin", "softplus"]

[[case]]
optimizer = "adam"

[[case]]
optimizer = "adam+lbfgs"
lbfgs-iters = 10

[measure]
checkpoints = [20, 0]
activity = true
`
	s, err := LoadStudy("dir/two-vars.toml", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	if s.Name != "two-vars" || s.Title != "a test" || s.Problem.Name != "two-vars" || len(s.Problem.Vars) != 2 || s.Problem.Params["k"] != 2 {
		t.Errorf("name %q, title %q, problem %+v", s.Name, s.Title, s.Problem.Definition)
	}
	if fmt.Sprint(s.Seeds) != "[3 1]" || fmt.Sprint(s.Measure.Checkpoints) != "[0 20]" || !s.Measure.Activity {
		t.Errorf("seeds %v, measure %+v", s.Seeds, s.Measure)
	}
	if got := s.Fixed.Canonical(); got != "scale-input=false\nepochs=30\nlr=0.02\n" {
		t.Errorf("fixed settings %q", got)
	}
	// Cases outermost, then the grid with its last key fastest.
	var labels []string
	for _, c := range s.Combinations {
		labels = append(labels, c.Label())
	}
	want := []string{
		"optimizer=adam hidden=8 activation=tanh", "optimizer=adam hidden=8 activation=sin",
		"optimizer=adam hidden=8 activation=softplus", "optimizer=adam hidden=4,4 activation=tanh",
		"optimizer=adam hidden=4,4 activation=sin", "optimizer=adam hidden=4,4 activation=softplus",
		"optimizer=adam+lbfgs lbfgs-iters=10 hidden=8 activation=tanh", "optimizer=adam+lbfgs lbfgs-iters=10 hidden=8 activation=sin",
		"optimizer=adam+lbfgs lbfgs-iters=10 hidden=8 activation=softplus", "optimizer=adam+lbfgs lbfgs-iters=10 hidden=4,4 activation=tanh",
		"optimizer=adam+lbfgs lbfgs-iters=10 hidden=4,4 activation=sin", "optimizer=adam+lbfgs lbfgs-iters=10 hidden=4,4 activation=softplus",
	}
	if strings.Join(labels, "\n") != strings.Join(want, "\n") {
		t.Errorf("combinations:\n%s\nwant\n%s", strings.Join(labels, "\n"), strings.Join(want, "\n"))
	}
	c := s.Combinations[9].Settings
	cfg, opts, err := c.Resolve(s.Problem)
	if err != nil {
		t.Fatal(err)
	}
	if fmt.Sprint(cfg.Hidden) != "[4 4]" || cfg.Activation != "tanh" || cfg.ScaleInput || opts.Optimizer != "adam+lbfgs" ||
		opts.LBFGSIterations != 10 || opts.Epochs != 30 || opts.LearningRate != 0.02 || opts.Points != 101 {
		t.Errorf("combination 9: %+v, %+v", cfg, opts)
	}
	if got := s.Keys(); strings.Join(got, " ") != "optimizer lbfgs-iters hidden activation" {
		t.Errorf("keys %v", got)
	}
	if n := len(s.Runs()); n != 24 {
		t.Errorf("%d runs, want 12 combinations x 2 seeds", n)
	}
}

// TestBuiltinStudies reads every built-in study: the experiments and
// comparisons as their tables use them, the example as a user would.
func TestBuiltinStudies(t *testing.T) {
	for _, name := range BuiltinStudies() {
		src, err := BuiltinSource(name)
		if err != nil {
			t.Fatal(err)
		}
		s, err := LoadStudy(name+".toml", src)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if s.Name != name || s.Title == "" {
			t.Errorf("%s: name %q, title %q", name, s.Name, s.Title)
		}
		if s.compare != nil {
			if _, err := s.asComparison(); err != nil {
				t.Error(err)
			}
		}
		if s.finding != nil {
			f := s.finding
			if len(s.Combinations) != 1 || f.claim == "" || f.explain == nil || len(f.columns) == 0 {
				t.Errorf("%s: %d combinations, finding %+v", name, len(s.Combinations), f)
			}
			for _, k := range []string{"hidden", "activation", "output-activation", "epochs", "lr"} {
				if !s.Fixed.Given(k) {
					t.Errorf("%s does not give %s", name, k)
				}
			}
		}
	}
	// A changed copy of a built-in study is a user's file.
	src, _ := BuiltinSource("original-bug")
	changed := strings.Replace(string(src), "seeds = 10", "seeds = 3", 1)
	if _, err := LoadStudy("mine.toml", []byte(changed)); err == nil || !strings.Contains(err.Error(), "only for the studies built into pinn") {
		t.Errorf("a changed built-in with the thread's derivative: %v", err)
	}
	if _, err := BuiltinSource("nope"); !errors.Is(err, ErrUnknown) {
		t.Errorf("BuiltinSource(nope) = %v", err)
	}
}

// TestRunIDs checks what a run's identity depends on: not how a value is
// written, nor the study's name; but every setting, the seed and the
// problem.
func TestRunIDs(t *testing.T) {
	ids := func(src string) []string {
		t.Helper()
		s, err := LoadStudy("s.toml", []byte(src))
		if err != nil {
			t.Fatal(err)
		}
		var ids []string
		for _, r := range s.Runs() {
			ids = append(ids, r.ID)
		}
		return ids
	}
	base := ids("problem = \"decay\"\nseeds = 2\n[settings]\nhidden = [8, 8]\nlr = 0.01\n")
	if base[0] == base[1] {
		t.Error("two seeds, one id")
	}
	// The identity of runs is a format: results already in a directory are
	// found by it, so it must not change by accident. This is seed 1's.
	if base[0] != "7c8ae15b9a782c73" {
		t.Errorf("id %s changed: results in existing directories would run again (bump runFormat if meant)", base[0])
	}
	same := ids("name = \"other\"\ntitle = \"t\"\nproblem = \"decay\"\nseeds = [1, 2]\n[settings]\nlr = 1e-2\nhidden = \"8, 8\"\n")
	if strings.Join(same, " ") != strings.Join(base, " ") {
		t.Errorf("the same runs written differently: %v, want %v", same, base)
	}
	for _, src := range []string{
		"problem = \"decay\"\nseeds = 2\n[settings]\nhidden = [8, 8]\nlr = 0.02\n",
		"problem = \"decay\"\nseeds = 2\n[settings]\nhidden = [8, 8]\nlr = 0.01\nepochs = 3000\n",
		"problem = \"forum-final\"\nseeds = 2\n[settings]\nhidden = [8, 8]\nlr = 0.01\n",
		"problem = \"decay\"\nseeds = 2\n[settings]\nhidden = [8, 8]\nlr = 0.01\n[measure]\nactivity = true\n",
	} {
		if got := ids(src); got[0] == base[0] || got[1] == base[1] {
			t.Errorf("%q: ids %v, the same as %v", src, got, base)
		}
	}
}

// FuzzLoadStudy feeds the loader any bytes: it refuses them with a
// StudyError on a line of the file, one line long, or returns a study
// whose runs are as many as its combinations times its seeds, each with an
// id of its own, and whose source reads back as the same study. The seed
// corpus is the built-in studies, the files above and testdata/fuzz.
func FuzzLoadStudy(f *testing.F) {
	for _, name := range BuiltinStudies() {
		src, err := BuiltinSource(name)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(src)
	}
	for _, tt := range badStudies {
		if len(tt.src) < 4096 {
			f.Add([]byte(tt.src))
		}
	}
	f.Add([]byte(smallStudy))
	f.Fuzz(func(t *testing.T, data []byte) {
		s, err := LoadStudy("f.toml", data)
		if err != nil {
			var se *StudyError
			if !errors.As(err, &se) {
				t.Fatalf("%T %v, want a StudyError", err, err)
			}
			if lines := bytes.Count(data, []byte("\n")) + 1; se.Line < 0 || se.Line > lines {
				t.Fatalf("line %d of a file of %d lines: %v", se.Line, lines, err)
			}
			if strings.Contains(err.Error(), "\n") {
				t.Fatalf("an error of more than one line: %q", err)
			}
			return
		}
		n := len(s.Combinations) * len(s.Seeds)
		if n < 1 || n > maxRuns || len(s.Combinations) > maxCombinations {
			t.Fatalf("%d combinations x %d seeds", len(s.Combinations), len(s.Seeds))
		}
		if n > 10_000 {
			return // hashing a million runs takes a second: the small ones show the same
		}
		runs := s.Runs()
		ids := map[string]bool{}
		for _, r := range runs {
			if ids[r.ID] {
				t.Fatalf("two runs with id %s", r.ID)
			}
			ids[r.ID] = true
		}
		again, err := LoadStudy("f.toml", s.Source)
		if err != nil {
			t.Fatalf("the study's source does not read back: %v", err)
		}
		for i, r := range again.Runs() {
			if r != runs[i] {
				t.Fatalf("run %d read back as %+v, was %+v", i, r, runs[i])
			}
		}
	})
}
