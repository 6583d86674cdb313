package graph

import (
	"bytes"
	"context"
	"encoding/gob"
	"errors"
	"math"
	"reflect"
	"strconv"
	"testing"
	"time"

	"pinn/problems"
)

// resumeCase is a run to stop and resume.
type resumeCase struct {
	name string
	p    *problems.Problem
	cfg  Config
	opts Options
	// every is how many steps apart the checkpoints resumed are: the
	// steps at which the points move, for whole-domain runs, so that the
	// checkpoints taken just before they move are resumed.
	every int
}

// resumeCases are runs whose every piece of state matters, two of them
// traced (the steps traced before a checkpoint must come again): whole-domain
// runs with Adam then L-BFGS, time stages, random and Sobol points that
// are drawn again and refined (the random source, the Sobol index and the
// count of fresh candidate sets), a boundary-value problem trained with
// its output scaled and 3 correction networks on top (measured: all 3
// kept), and a march that rejects windows, halves
// them, trains correction networks, accepts its best attempt over budget
// after two halvings and grows the windows again (a 6-unit network with 8
// points and 150 iterations on y' = 1/y, measured: 6 attempts, 950
// iterations).
func resumeCases(t *testing.T) []resumeCase {
	decay, err := problems.Builtin("decay")
	if err != nil {
		t.Fatal(err)
	}
	robin, err := problems.Builtin("robin")
	if err != nil {
		t.Fatal(err)
	}
	inverse := mustProblem(t, problems.Definition{Name: "inverse", Vars: []string{"y"}, Order: 1, RHS: []string{"1/y"},
		T0: 0, T1: 2, Y0: []float64{1}, Points: 21})
	small := Config{Architecture: Architecture{Hidden: []int{6}}}
	cases := []resumeCase{
		{"whole/uniform-resample-refine-stages", decay, small, Options{Method: Whole, Seed: 3, Points: 20, Optimizer: AdamThenLBFGS,
			Epochs: 60, LBFGSIterations: 60, Sampling: problems.SampleUniform, ResampleEvery: 25, RefineEvery: 10, Stages: 2, TraceEvery: 4}, 5},
		{"whole/sobol-refine", decay, small, Options{Method: Whole, Seed: 4, Points: 16, Optimizer: AdamThenLBFGS,
			Epochs: 40, LBFGSIterations: 40, Sampling: problems.SampleSobol, RefineEvery: 7, RefinePoints: 3}, 7},
		{"whole/grid-refine-lbfgs", decay, Config{Architecture: small.Architecture, IC: HardIC}, Options{Method: Whole, Seed: 5, Points: 12,
			Optimizer: AdamThenLBFGS, Epochs: 30, LBFGSIterations: 50, RefineEvery: 6}, 6},
		{"whole/boundary-corrections", robin, Config{Architecture: small.Architecture, IC: HardIC, ScaleInput: true}, Options{Method: Whole, Seed: 1,
			Optimizer: LBFGS, LBFGSIterations: 40, ScaleOutput: true, Corrections: 3}, 7},
		{"march", inverse, small, Options{Method: March, Seed: 1, March: MarchOptions{Points: 8, Iterations: 150, Goal: 1e-4, FloorHalvings: 2}, TraceEvery: 50}, 47},
	}
	for i := range cases {
		if cases[i].opts.TraceEvery > 0 {
			cases[i].opts.Trace = func(TraceStep) {}
		}
	}
	return cases
}

// sameResult reports how b differs from a, the run never stopped: its loss
// history, weights (the model file), collocation points, Adam epochs,
// score and march record, bit for bit.
func sameResult(t *testing.T, what string, a, b *Result) {
	t.Helper()
	bits := func(x, y []float64) bool {
		if len(x) != len(y) {
			return false
		}
		for i := range x {
			if math.Float64bits(x[i]) != math.Float64bits(y[i]) {
				return false
			}
		}
		return true
	}
	file := func(r *Result) []byte {
		var buf bytes.Buffer
		if _, err := r.Model.WriteTo(&buf); err != nil {
			t.Fatal(err)
		}
		return buf.Bytes()
	}
	switch {
	case !bits(a.Loss, b.Loss):
		t.Errorf("%s: the loss history differs (%d and %d entries)", what, len(a.Loss), len(b.Loss))
	case !bytes.Equal(file(a), file(b)):
		t.Errorf("%s: the model differs", what)
	case !bits(a.Points, b.Points) || a.AdamEpochs != b.AdamEpochs:
		t.Errorf("%s: %d points after %d Adam epochs, want %d after %d", what, len(b.Points), b.AdamEpochs, len(a.Points), a.AdamEpochs)
	case a.Score.RelL2 != b.Score.RelL2 || a.Score.MaxAbsErr != b.Score.MaxAbsErr || a.Score.MaxAbsDerivErr != b.Score.MaxAbsDerivErr:
		t.Errorf("%s: score %+v, want %+v", what, b.Score, a.Score)
	case !reflect.DeepEqual(a.March, b.March) || a.Corrections != b.Corrections:
		t.Errorf("%s: the march record or the corrections kept differ", what)
	}
}

// roundTrip writes a checkpoint to bytes and reads it back.
func roundTrip(t *testing.T, c *Checkpoint) *Checkpoint {
	t.Helper()
	var buf bytes.Buffer
	if _, err := c.WriteTo(&buf); err != nil {
		t.Fatal(err)
	}
	back, err := ReadCheckpoint(&buf)
	if err != nil {
		t.Fatal(err)
	}
	return back
}

// TestResumeBitForBit runs each case through once, taking a checkpoint at
// every step (CheckpointEvery of a nanosecond), which must change nothing;
// then resumes from every every-th checkpoint, through its file, and from
// the checkpoint a stop writes at a few steps, and from a resumed run
// stopped again: each gives the result of the run never stopped, bit for
// bit.
func TestResumeBitForBit(t *testing.T) {
	for _, tc := range resumeCases(t) {
		t.Run(tc.name, func(t *testing.T) {
			// fit runs the case, tracing it; same checks a result against
			// the run never stopped, trace and all.
			var traced []TraceStep
			fit := func(opts Options) (*Result, error) {
				traced = nil
				opts.Trace = func(s TraceStep) { traced = append(traced, s) }
				return Fit(t.Context(), tc.p, tc.cfg, opts)
			}
			whole, err := fit(tc.opts)
			if err != nil {
				t.Fatal(err)
			}
			wholeTrace := traced
			if tc.opts.Corrections > 0 && whole.Corrections != tc.opts.Corrections {
				t.Fatalf("%d corrections kept of %d: the test would not resume every one", whole.Corrections, tc.opts.Corrections)
			}
			same := func(what string, res *Result) {
				t.Helper()
				sameResult(t, what, whole, res)
				if !reflect.DeepEqual(traced, wholeTrace) {
					t.Errorf("%s: %d steps traced, not the %d of the run never stopped", what, len(traced), len(wholeTrace))
				}
			}
			steps := len(whole.Loss) - 1
			if tc.opts.Method == March {
				steps = whole.March.Iterations()
			}
			var taken []*Checkpoint
			opts := tc.opts
			opts.CheckpointEvery = time.Nanosecond
			opts.Checkpoint = func(c *Checkpoint) error {
				if c.Epoch()%tc.every == 0 {
					taken = append(taken, roundTrip(t, c))
				}
				return nil
			}
			checkpointed, err := fit(opts)
			if err != nil {
				t.Fatal(err)
			}
			same("with a checkpoint at every step", checkpointed)
			if len(taken) < steps/tc.every/2 {
				t.Fatalf("%d checkpoints taken of %d steps", len(taken), steps)
			}
			for _, c := range taken {
				restoresWhole(t, tc, c)
				opts := tc.opts
				opts.Resume = c
				resumed, err := fit(opts)
				if err != nil {
					t.Fatalf("resumed at step %d: %v", c.Epoch(), err)
				}
				same("resumed at step "+strconv.Itoa(c.Epoch()), resumed)
			}

			// Stopped at step k, the run writes a checkpoint; resumed and
			// stopped again at 2k, another; resumed from that, it ends
			// where the run never stopped does.
			for _, k := range []int{1, steps / 3, steps - 1} {
				c := roundTrip(t, stoppedAt(t, tc.p, tc.cfg, tc.opts, k, nil))
				if 2*k < steps {
					c = roundTrip(t, stoppedAt(t, tc.p, tc.cfg, tc.opts, 2*k, c))
				}
				opts := tc.opts
				opts.Resume = c
				resumed, err := fit(opts)
				if err != nil {
					t.Fatal(err)
				}
				same("stopped at step "+strconv.Itoa(c.Epoch()), resumed)
			}
		})
	}
}

var errStop = errors.New("stop")

// stoppedAt runs a Fit of p with cfg and opts (from the checkpoint
// resume, if not nil), stopped by its progress function at step k, and
// returns the checkpoint the stop wrote.
func stoppedAt(tb testing.TB, p *problems.Problem, cfg Config, opts Options, k int, resume *Checkpoint) *Checkpoint {
	tb.Helper()
	var last *Checkpoint
	opts.Resume = resume
	opts.Progress = func(epoch int, _ float64) error {
		if epoch == k {
			return errStop
		}
		return nil
	}
	opts.Checkpoint = func(c *Checkpoint) error { last = c; return nil }
	if _, err := Fit(tb.Context(), p, cfg, opts); !errors.Is(err, errStop) {
		tb.Fatalf("stopping at step %d: %v", k, err)
	}
	if last == nil || last.Epoch() != k {
		tb.Fatalf("stopped at step %d, the checkpoint is of step %v", k, last)
	}
	return last
}

// restoredRun puts a fresh run of p with cfg and opts (with their
// defaults) in the state of checkpoint c, as Fit does, and returns what
// takes that run's checkpoint again, as Fit does.
func restoredRun(tb testing.TB, p *problems.Problem, cfg Config, opts Options, c *Checkpoint) func() *Checkpoint {
	tb.Helper()
	run := identify(p, cfg, opts)
	take := func(whole *wholeState, march *marchState) *Checkpoint {
		return &Checkpoint{file: checkpointFile{Run: run, Kernels: Kernels(), Epoch: c.Epoch(), Trace: c.file.Trace, Whole: whole, March: march}}
	}
	if opts.Method == March {
		y0, dy0, err := initialState(p)
		if err != nil {
			tb.Fatal(err)
		}
		m := newMarcher(tb.Context(), p, cfg, opts, nil, y0, dy0)
		if err := m.restore(c.file.March); err != nil {
			tb.Fatal(err)
		}
		m.start = time.Now()
		return func() *Checkpoint { return take(nil, m.state()) }
	}
	r, err := newWholeRun(p, cfg, opts)
	if err != nil {
		tb.Fatal(err)
	}
	if err := r.restore(c.file.Whole); err != nil {
		tb.Fatal(err)
	}
	r.start = time.Now()
	return func() *Checkpoint { return take(r.state(), nil) }
}

// restoresWhole checks that a run put in the state of checkpoint c, read
// back from its file, has every piece of that state: the checkpoint it
// takes is c, but for the time taken.
func restoresWhole(t *testing.T, tc resumeCase, c *Checkpoint) {
	t.Helper()
	cfg, opts, err := resolve(tc.p, tc.cfg, tc.opts)
	if err != nil {
		t.Fatal(err)
	}
	got := restoredRun(t, tc.p, cfg, opts, c)().file
	if got.Whole != nil {
		got.Whole.Seconds = c.file.Whole.Seconds
	} else {
		got.March.Seconds = c.file.March.Seconds
	}
	// Compared as the checkpoint holds them: their encodings.
	enc := func(f checkpointFile) []byte {
		var buf bytes.Buffer
		if err := gob.NewEncoder(&buf).Encode(f); err != nil {
			t.Fatal(err)
		}
		return buf.Bytes()
	}
	if !bytes.Equal(enc(got), enc(c.file)) {
		t.Fatalf("step %d: restored, the run's state is\n%+v\n%+v\nnot the checkpoint's\n%+v\n%+v", c.Epoch(), got.Whole, got.March, c.file.Whole, c.file.March)
	}
}

// TestCheckpointSignal cancels a run's context, as a signal does: the run
// stops at the end of its step with a checkpoint of it, before the best
// weights are restored (so an L-BFGS run under way is in it).
func TestCheckpointSignal(t *testing.T) {
	tc := resumeCases(t)[0]
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	const at = 100 // in the L-BFGS run of stage 2
	var last *Checkpoint
	opts := tc.opts
	opts.Progress = func(epoch int, _ float64) error {
		if epoch == at {
			cancel()
		}
		return nil
	}
	opts.Checkpoint = func(c *Checkpoint) error { last = c; return nil }
	if _, err := Fit(ctx, tc.p, tc.cfg, opts); !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v, want context.Canceled", err)
	}
	if last == nil || last.Epoch() != at || last.file.Whole.Trainer.LBFGS == nil || last.file.Whole.Stage != 2 {
		t.Fatalf("the checkpoint is not of L-BFGS in stage 2 at epoch %d: %+v", at, last)
	}
}

// TestCheckpointErrorStops checks that an error from Options.Checkpoint
// stops training as Progress's does, with the result so far.
func TestCheckpointErrorStops(t *testing.T) {
	cases := resumeCases(t)
	for _, tc := range []resumeCase{cases[2], cases[len(cases)-1]} {
		opts := tc.opts
		opts.CheckpointEvery = time.Nanosecond
		opts.Checkpoint = func(c *Checkpoint) error {
			if c.Epoch() == 5 {
				return errStop
			}
			return nil
		}
		res, err := Fit(t.Context(), tc.p, tc.cfg, opts)
		if !errors.Is(err, errStop) {
			t.Errorf("%s: err = %v, want the checkpoint's", tc.name, err)
		}
		if tc.opts.Method == Whole && (res == nil || len(res.Loss) != 6) {
			t.Errorf("%s: stopped at epoch 5 with %v", tc.name, res)
		}
	}
}

// TestCheckpointRefusesOtherRuns resumes a checkpoint with settings that
// change the arithmetic: each is refused, naming the first that differs,
// before any training. Another number of workers or other kernels is not
// refused: the results do not depend on the first, and the second only
// rounds differently (see Checkpoint).
func TestCheckpointRefusesOtherRuns(t *testing.T) {
	cases := resumeCases(t)
	whole, march := cases[0], cases[len(cases)-1]
	c := stoppedAt(t, whole.p, whole.cfg, whole.opts, 30, nil)
	forum, _ := problems.Builtin("forum-final")
	for _, tt := range []struct {
		name      string
		p         *problems.Problem
		cfg       Config
		change    func(o *Options)
		setting   string
		ck, run   string
		marchedCk bool
	}{
		{"hidden", whole.p, Config{Architecture: Architecture{Hidden: []int{7}}}, nil, "Config.Hidden", "6", "7", false},
		{"seed", whole.p, whole.cfg, func(o *Options) { o.Seed = 4 }, "Options.Seed", "3", "4", false},
		{"epochs", whole.p, whole.cfg, func(o *Options) { o.Epochs = 61 }, "Options.Epochs", "60", "61", false},
		{"trace", whole.p, whole.cfg, func(o *Options) { o.TraceEvery = 5 }, "Options.TraceEvery", "4", "5", false},
		{"refine", whole.p, whole.cfg, func(o *Options) { o.RefinePoints = 3 }, "Options.RefinePoints", "2", "3", false},
		{"problem", forum, whole.cfg, nil, "Problem.Name", "decay", "forum-final", false},
		{"method", march.p, march.cfg, func(o *Options) { *o = march.opts }, "Options.Method", "whole", "march", false},
		{"executor", whole.p, Config{Architecture: whole.cfg.Architecture, Executor: Tape}, nil, "Config.Executor", "compiled", "tape", false},
	} {
		opts := whole.opts
		if tt.change != nil {
			tt.change(&opts)
		}
		opts.Resume = c
		_, err := Fit(t.Context(), tt.p, tt.cfg, opts)
		var mismatch *CheckpointMismatch
		if !errors.As(err, &mismatch) || *mismatch != (CheckpointMismatch{tt.setting, tt.ck, tt.run}) || !errors.Is(err, ErrCheckpoint) {
			t.Errorf("%s: err = %v, want the checkpoint's %s %s against %s", tt.name, err, tt.setting, tt.ck, tt.run)
		}
	}
	opts := whole.opts
	opts.Workers = 1
	opts.Resume = roundTrip(t, c)
	opts.Resume.file.Kernels = "other kernels"
	if _, err := Fit(t.Context(), whole.p, whole.cfg, opts); err != nil {
		t.Errorf("other workers and kernels: %v", err)
	}
}

// TestReadCheckpointRefusesDamage reads a checkpoint cut short at every
// length, with each byte changed in turn, with bytes after its end, and
// files that are not checkpoints: each is refused with an error wrapping
// ErrCheckpoint, and none is read.
func TestReadCheckpointRefusesDamage(t *testing.T) {
	tc := resumeCases(t)[1]
	c := stoppedAt(t, tc.p, tc.cfg, tc.opts, 50, nil)
	var buf bytes.Buffer
	if _, err := c.WriteTo(&buf); err != nil {
		t.Fatal(err)
	}
	good := buf.Bytes()
	t.Logf("a checkpoint of %d parameters, %d points, %d losses in an L-BFGS run: %d bytes",
		len(c.file.Whole.Trainer.X), len(c.file.Whole.Points), len(c.file.Whole.Trainer.History), len(good))
	refused := func(what string, data []byte) {
		t.Helper()
		if got, err := ReadCheckpoint(bytes.NewReader(data)); !errors.Is(err, ErrCheckpoint) || got != nil {
			t.Fatalf("%s: read %v, err = %v", what, got != nil, err)
		}
	}
	for n := range len(good) {
		refused("cut at byte "+strconv.Itoa(n), good[:n])
	}
	for i := range good {
		damaged := bytes.Clone(good)
		damaged[i] ^= 0x10
		refused("byte "+strconv.Itoa(i)+" changed", damaged)
	}
	refused("with a byte after its end", append(bytes.Clone(good), '\n'))
	refused("a model file", []byte(`{"format": "pinn-model/1"}`))
	refused("a header claiming a huge body", []byte(CheckpointFormat+" 9000000000000000000 "+string(bytes.Repeat([]byte("0"), 64))+"\n"))
	if _, err := ReadCheckpoint(bytes.NewReader(good)); err != nil {
		t.Errorf("the checkpoint itself: %v", err)
	}
}

// TestCheckpointingAllocatesNothingPerEpoch checks that a run keeping
// checkpoints allocates nothing more per epoch than one that keeps none,
// while none is due: runs of 200 and 2000 epochs allocate about as many
// times more with checkpoints (about 160, the run's identity, taken once)
// as without. Tolerance: the count of a Fit varies by up to 20 from run to
// run (measured; building Gorgonia's graphs), where one allocation per
// epoch would add 1800.
func TestCheckpointingAllocatesNothingPerEpoch(t *testing.T) {
	p, err := problems.Builtin("decay")
	if err != nil {
		t.Fatal(err)
	}
	allocs := func(epochs int, checkpoints bool) float64 {
		opts := Options{Method: Whole, Seed: 1, Epochs: epochs, Workers: 1}
		if checkpoints {
			opts.Checkpoint = func(*Checkpoint) error { t.Fatal("a checkpoint was taken"); return nil }
			opts.CheckpointEvery = time.Hour
		}
		return testing.AllocsPerRun(3, func() {
			if _, err := Fit(t.Context(), p, Config{Architecture: Architecture{Hidden: []int{4}}}, opts); err != nil {
				t.Fatal(err)
			}
		})
	}
	few, many := allocs(200, true)-allocs(200, false), allocs(2000, true)-allocs(2000, false)
	t.Logf("allocations for checkpoints: %v in 200 epochs, %v in 2000", few, many)
	if math.Abs(many-few) > 100 {
		t.Errorf("1800 epochs more made %v more allocations with checkpoints than without", many-few)
	}
}

// TestCheckpointRefusesBestWithoutNetworks resumes a march from a crafted
// checkpoint whose best attempt has no networks but a ratio under the
// floor, after enough halvings to take it: the run would accept a window
// with no solution in it. It is refused before any training, wrapping
// ErrCheckpoint. (A first network that diverged leaves an attempt with no
// networks, but the march never keeps one as its best.)
func TestCheckpointRefusesBestWithoutNetworks(t *testing.T) {
	cases := resumeCases(t)
	march := cases[len(cases)-1]
	c := roundTrip(t, stoppedAt(t, march.p, march.cfg, march.opts, march.every, nil))
	s := c.file.March
	s.Current = nil
	s.Halvings = march.opts.March.FloorHalvings
	s.Best = &attemptState{
		Window:  Window{T0: s.T, T1: math.Min(s.T+s.H, march.p.T1), Y0: s.Y, DY0: s.DY},
		Attempt: Attempt{Estimate: 1e-300, Budget: 1},
		Scales:  s.Scales,
	}
	opts := march.opts
	opts.Resume = c
	if _, err := Fit(t.Context(), march.p, march.cfg, opts); !errors.Is(err, ErrCheckpoint) {
		t.Errorf("err = %v, want the checkpoint refused", err)
	}
}

// TestCheckpointRefusesDenseLBFGS resumes a whole-domain run from a
// crafted checkpoint whose L-BFGS state carries a dense inverse Hessian,
// as only BFGS keeps: no checkpointed run trains with BFGS (a family's,
// the one user of it, is not checkpointed), and the state would turn the
// run's L-BFGS into BFGS. It is refused before any training, wrapping
// ErrCheckpoint.
func TestCheckpointRefusesDenseLBFGS(t *testing.T) {
	tc := resumeCases(t)[1]
	c := roundTrip(t, stoppedAt(t, tc.p, tc.cfg, tc.opts, 50, nil))
	s := c.file.Whole.Trainer.LBFGS
	if s == nil {
		t.Fatal("the checkpoint has no L-BFGS run under way")
	}
	s.H = make([]float64, len(s.X)*len(s.X))
	opts := tc.opts
	opts.Resume = c
	if _, err := Fit(t.Context(), tc.p, tc.cfg, opts); !errors.Is(err, ErrCheckpoint) {
		t.Errorf("err = %v, want the checkpoint refused", err)
	}
}
