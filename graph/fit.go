package graph

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"time"

	"pinn/problems"
)

// Method names how Fit trains.
type Method string

// The training methods.
const (
	// March trains one small network after another on windows that tile
	// the domain, each from where the one before ends, and sizes the
	// windows so that an estimate of the error each adds stays within
	// Options.March.Goal (march.go describes the run, MarchOptions its
	// knobs).
	March Method = "march"
	// Whole trains one network on the whole domain with Adam and/or
	// L-BFGS (Options' other fields).
	Whole Method = "whole"
)

// Methods returns the training methods, a fresh slice on every call.
func Methods() []Method { return []Method{March, Whole} }

// DefaultMethod is the method of Options whose Method is "", except for
// problems with unknown parameters or observations, which March cannot
// learn from, and problems it cannot start (see CanMarch), such as
// boundary-value problems: those default to Whole.
const DefaultMethod = March

// Optimizer names the optimisers Fit runs, in order.
type Optimizer string

// The optimiser choices.
const (
	Adam          Optimizer = "adam"
	LBFGS         Optimizer = "lbfgs"
	AdamThenLBFGS Optimizer = "adam+lbfgs"
)

// Optimizers returns the optimiser choices, a fresh slice on every call.
func Optimizers() []Optimizer { return []Optimizer{Adam, LBFGS, AdamThenLBFGS} }

// The defaults of Options' zero fields.
const (
	DefaultOptimizer       = Adam
	DefaultEpochs          = 3000
	DefaultLearningRate    = 0.01
	DefaultLBFGSIterations = 20000
	DefaultLBFGSTolerance  = 1e-12
)

// Options says how to train; the zero value of each field means its
// default. Method chooses what else is read: March reads March, Whole the
// fields from Points to Observations; Seed, Workers, Progress and the trace
// serve both.
type Options struct {
	// Seed drives every random choice (initial weights, random points).
	Seed uint64
	// Method is how to train; "" means DefaultMethod (see there).
	Method Method
	// March says how March trains.
	March MarchOptions
	// Points is the number of collocation points; 0 means the problem's.
	Points int
	// Optimizer says which optimisers run; "" means DefaultOptimizer.
	Optimizer Optimizer
	// Epochs is the number of Adam steps; 0 means DefaultEpochs.
	Epochs int
	// LearningRate is Adam's step size; 0 means DefaultLearningRate.
	LearningRate float64
	// LBFGSIterations bounds L-BFGS; 0 means DefaultLBFGSIterations.
	LBFGSIterations int
	// LBFGSTolerance stops L-BFGS when 100 iterations lower the loss by less
	// than this fraction; 0 means DefaultLBFGSTolerance.
	LBFGSTolerance float64
	// Sampling places the collocation points; "" means
	// problems.DefaultSampling.
	Sampling problems.Sampling
	// ResampleEvery draws fresh collocation points every so many Adam
	// epochs; 0 never does.
	ResampleEvery int
	// RefineEvery adds, every so many Adam epochs, the RefinePoints points
	// (0 means Points/10) of largest residual among 10 x Points candidates,
	// fresh each time (see problems.Sampler.Fresh) so they never run out;
	// 0 never does.
	RefineEvery, RefinePoints int
	// Stages, above 1, marches in time: training runs on the growing
	// windows [t0, t0 + k (t1 - t0) / Stages], k = 1 ... Stages, in turn,
	// each with its share of the epochs and iterations, so that the early
	// solution is learned before the later one that depends on it; 0 means 1.
	Stages int
	// Observations are the data of an inverse problem, or nil.
	Observations *problems.Observations
	// ScaleOutput multiplies the network's output by the size of what it
	// has to learn: the larger of the root mean squares of the ODE
	// residual (at the collocation points) and of the conditions'
	// residuals, of the trial solution with no network.
	ScaleOutput bool
	// Corrections is how many correction networks are trained with
	// L-BFGS after the first network, each on top of the ones before it,
	// frozen, with its output scaled by the size of the residual they
	// leave (Wang and Lai, "Multi-stage neural networks", J. Comput.
	// Phys. 2024), as March corrects a window. One that does not lower the
	// loss is dropped, and ends the corrections. Not for unknown
	// parameters.
	Corrections int
	// Workers is how many goroutines the Compiled executor runs the tiles
	// of collocation points on; 0 means runtime.GOMAXPROCS(0). Callers that
	// run several fits at once divide the cores between them with it. The
	// results are the same bits for any value; the Tape executor ignores it.
	Workers int
	// ScoreValues is how many evenly spaced values of each range parameter
	// a family is scored at (problems.Problem.ScoreMembers); 0 means
	// problems.DefaultScoreValues. Both methods read it.
	ScoreValues int
	// Progress, if not nil, is called after every epoch (and L-BFGS
	// iteration, numbered on from the Adam epochs) with the loss after it,
	// as gonum's optimize.Recorder is: an error from it stops training (see
	// Fit).
	Progress func(epoch int, loss float64) error
	// TraceEvery, if positive, has Fit call Trace with the state of
	// training (see TraceStep) every TraceEvery steps, numbered as
	// Progress numbers them: for Whole at the initial weights, epoch 0,
	// too. Taking a trace changes no number of the run; 0 takes none.
	TraceEvery int
	Trace      func(TraceStep)
	// Resume, if not nil, continues the run the checkpoint holds instead
	// of starting afresh: Fit then gives the result the run would have
	// given had it never stopped, bit for bit (with the same kernels, see
	// Checkpoint). Fit refuses a checkpoint of another run, naming the
	// first difference (see Checkpoint.Check).
	Resume *Checkpoint
	// Checkpoint, if not nil, is given a checkpoint of the run at the end
	// of an epoch or L-BFGS iteration once CheckpointEvery has passed since
	// the last one (or the start), and when training stops early (see
	// Fit), before the best weights are restored. It runs on Fit's
	// goroutine, between two steps: taking a checkpoint changes nothing
	// in the run. An error from it stops training as Progress's does.
	Checkpoint func(*Checkpoint) error
	// CheckpointEvery is the least time between two checkpoints; 0 means
	// DefaultCheckpointEvery.
	CheckpointEvery time.Duration
}

// DefaultCheckpointEvery is the least time between two checkpoints when
// Options.CheckpointEvery is 0.
const DefaultCheckpointEvery = time.Minute

// WithDefaults returns o as Fit runs it on problem p: the method chosen
// and, of the fields that method reads, every zero one replaced by its
// default; for Whole, the epochs of an optimiser that does not run set to
// 0 (Epochs for LBFGS, LBFGSIterations for Adam).
func (o Options) WithDefaults(p *problems.Problem) Options {
	if o.Method == "" {
		o.Method = DefaultMethod
		if len(p.Unknown) > 0 || o.Observations != nil || CanMarch(p) != nil {
			o.Method = Whole
		}
	}
	if o.ScoreValues == 0 {
		o.ScoreValues = problems.DefaultScoreValues
	}
	if o.Method == March {
		if p.IsFamily() {
			o.March = o.March.familyDefaults(len(p.Ranges))
		}
		o.March = o.March.withDefaults()
		return o
	}
	if o.Points == 0 {
		o.Points = p.Points
	}
	if o.Optimizer == "" {
		o.Optimizer = DefaultOptimizer
	}
	if o.Epochs == 0 {
		o.Epochs = DefaultEpochs
	}
	if o.Optimizer == LBFGS {
		o.Epochs = 0
	}
	if o.LearningRate == 0 {
		o.LearningRate = DefaultLearningRate
	}
	if o.LBFGSIterations == 0 {
		o.LBFGSIterations = DefaultLBFGSIterations
	}
	if o.Optimizer == Adam {
		o.LBFGSIterations = 0
	}
	if o.LBFGSTolerance == 0 {
		o.LBFGSTolerance = DefaultLBFGSTolerance
	}
	if o.Sampling == "" {
		o.Sampling = p.PreferredSampling()
	}
	if o.Stages == 0 {
		o.Stages = 1
	}
	if o.RefinePoints == 0 {
		o.RefinePoints = max(o.Points/10, 1)
	}
	return o
}

// Result is a trained solution and how it was trained.
type Result struct {
	Config  Config
	Options Options
	// Model is the trained solution: the weights after the last step or,
	// when training was stopped (see Fit), those of the lowest loss
	// recorded since the collocation points last moved.
	Model *Model
	// Loss[k] is the loss after k steps (Adam epochs and L-BFGS
	// iterations, those of the corrections kept too); for March, the loss
	// history of every network trained, one after another, each from its
	// initial loss.
	Loss []float64
	// AdamEpochs is how many of those steps were Adam's.
	AdamEpochs int
	// Points are the collocation points at the end.
	Points []float64
	// Seconds is the training time; PerEpoch the time of one Adam epoch.
	Seconds, PerEpoch float64
	// Score compares the solution with the reference on the grid of
	// Options.Points points (for March, of the problem's points); for a
	// family, it is the worst member's of Family.
	Score Score
	// Family scores a family's solution member by member on that grid;
	// nil for a problem without range parameters.
	Family *FamilyScore
	// March records how March found the solution; nil for Whole.
	March *MarchRecord
	// Corrections is how many correction networks Whole kept (see
	// Options.Corrections).
	Corrections int
}

// wholeOnly names the first field of o or cfg that only whole-domain
// training reads and that is set; "" if none is.
func (o Options) wholeOnly(cfg Config) string {
	set := []struct {
		name string
		set  bool
	}{
		{"Options.Points", o.Points != 0},
		{"Options.Optimizer", o.Optimizer != ""},
		{"Options.Epochs", o.Epochs != 0},
		{"Options.LearningRate", o.LearningRate != 0},
		{"Options.LBFGSIterations", o.LBFGSIterations != 0},
		{"Options.LBFGSTolerance", o.LBFGSTolerance != 0},
		{"Options.Sampling", o.Sampling != ""},
		{"Options.ResampleEvery", o.ResampleEvery != 0},
		{"Options.RefineEvery", o.RefineEvery != 0},
		{"Options.RefinePoints", o.RefinePoints != 0},
		{"Options.Stages", o.Stages > 1},
		{"Options.Observations", o.Observations != nil},
		{"Options.ScaleOutput", o.ScaleOutput},
		{"Options.Corrections", o.Corrections != 0},
		{"Config.Derivative " + string(cfg.Derivative), cfg.Derivative != "" && cfg.Derivative != Symbolic},
		{"Config.FDStep", cfg.FDStep != 0},
		{"Config.IC " + string(cfg.IC), cfg.IC == SoftIC},
		{"Config.ICWeight", cfg.ICWeight != 0},
		{"Config.DataWeight", cfg.DataWeight != 0},
		{"Config.SumResidual", cfg.SumResidual},
		{"Config.OutputActivation " + string(cfg.OutputActivation), cfg.OutputActivation != "" && cfg.OutputActivation != Identity},
	}
	for _, f := range set {
		if f.set {
			return f.name
		}
	}
	return ""
}

// Fit trains problem p with the method opts.Method: fresh windows of
// networks (March) or a fresh network on the whole domain (Whole). Each
// method refuses the options only the other reads.
//
// Training stops early, at the end of an Adam epoch or L-BFGS iteration, when
// ctx is done or opts.Progress returns an error (called first, so that a
// Progress cancelling ctx stops at its epoch). Fit then returns the result
// with the weights of the lowest loss so far (March: the windows accepted so
// far, the solution on the part of the domain they cover, see
// MarchRecord.Reached) and an error wrapping ctx.Err() (context.Canceled,
// say) or Progress's error. A ctx done before training starts, or a March
// stopped before its first window, gives no result.
//
// On divergence Fit returns the result with the last good weights together
// with a *DivergedError; when March cannot meet its error budget it returns
// the windows accepted so far with an error wrapping ErrWindowTooShort.
func Fit(ctx context.Context, p *problems.Problem, cfg Config, opts Options) (*Result, error) {
	cfg, opts, err := resolve(p, cfg, opts)
	if err != nil {
		return nil, err
	}
	if p.IsFamily() && (opts.Resume != nil || opts.Checkpoint != nil) {
		return nil, fmt.Errorf("graph: %s is a family: its training is not checkpointed (Options.Resume, Options.Checkpoint)", p.Name)
	}
	if opts.Resume != nil {
		if err := opts.Resume.check(p, cfg, opts); err != nil {
			return nil, err
		}
	}
	if opts.Method == March {
		return fitMarch(ctx, p, cfg, opts)
	}
	return fitWhole(ctx, p, cfg, opts)
}

// resolve returns cfg and opts as Fit runs them on p: with the method
// chosen and their defaults. Each method refuses the options only the
// other reads.
func resolve(p *problems.Problem, cfg Config, opts Options) (Config, Options, error) {
	opts = opts.WithDefaults(p)
	switch opts.Method {
	case March:
		if field := opts.wholeOnly(cfg); field != "" {
			return cfg, opts, fmt.Errorf("graph: %s applies to whole-domain training (Method Whole), not to March", field)
		}
		if cfg.Hidden == nil {
			cfg.Hidden = DefaultMarchHidden()
			if p.IsFamily() {
				cfg.Hidden = DefaultFamilyHidden()
			}
		}
		cfg = cfg.withDefaults(p.Order)
		cfg.IC = HardIC
		return cfg, opts, nil
	case Whole:
		if opts.March != (MarchOptions{}) {
			return cfg, opts, errors.New("graph: Options.March applies to March, not to whole-domain training")
		}
		return cfg.withDefaults(p.Order), opts, nil
	}
	_, err := problems.ParseChoice("method", string(opts.Method), Methods())
	return cfg, opts, fmt.Errorf("graph: %w", err)
}

// fitWhole is Fit for Method Whole: cfg and opts have their defaults.
func fitWhole(ctx context.Context, p *problems.Problem, cfg Config, opts Options) (*Result, error) {
	if opts.Points < 2 {
		return nil, fmt.Errorf("graph: %d collocation points: need at least 2", opts.Points)
	}
	if opts.Epochs < 0 || opts.LBFGSIterations < 0 || opts.Stages < 1 || opts.Corrections < 0 {
		return nil, fmt.Errorf("graph: %d epochs, %d L-BFGS iterations, %d stages, %d corrections", opts.Epochs, opts.LBFGSIterations, opts.Stages, opts.Corrections)
	}
	if opts.Corrections > 0 && len(p.Unknown) > 0 {
		return nil, errCorrectionsUnknown
	}
	if opts.Workers < 0 {
		return nil, fmt.Errorf("graph: %d workers: want 0 (every core) or more", opts.Workers)
	}
	trace, err := newTracer(opts)
	if err != nil {
		return nil, err
	}
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("graph: training not started: %w", err)
	}
	r, err := newWholeRun(p, cfg, opts)
	if err != nil {
		return nil, err
	}
	// A fresh run traces its initial weights; a resumed one gives the
	// steps traced before its checkpoint was taken.
	var trainErr error
	if opts.Resume != nil {
		if err := r.restore(opts.Resume.file.Whole); err != nil {
			return nil, err
		}
		trace.resume(opts.Resume.file.Trace)
	} else {
		trainErr = trace.at(r.tr, 0, 0, 0)
	}
	ck := newCheckpointer(p, cfg, opts)
	tr := r.tr
	// stop is the error that stopped training early, if any.
	var stop error
	progress := func(epoch int, loss float64) error {
		if err := trace.at(tr, epoch, 0, 0); err != nil {
			return err
		}
		stopped := func(how string, err error) {
			if stop == nil {
				stop = fmt.Errorf("graph: %s at epoch %d: %w", how, epoch, err)
			}
		}
		if opts.Progress != nil {
			if err := opts.Progress(epoch, loss); err != nil {
				stopped("progress stopped training", err)
			}
		}
		if err := ctx.Err(); err != nil {
			stopped("training stopped", err)
		}
		if ck.due(stop != nil) {
			ck.take(&stop, stopped, epoch, trace.traced(), r.state(), nil)
		}
		return stop
	}
	res := &Result{Config: r.cfg, Options: opts}
	r.start = time.Now()
	if trainErr == nil && r.corr == nil {
		trainErr = r.run(progress)
	}
	res.Seconds = r.elapsed()
	res.AdamEpochs = tr.AdamEpochs()
	if res.AdamEpochs > 0 {
		res.PerEpoch = r.adamSeconds / float64(res.AdamEpochs)
	}
	var diverged *DivergedError
	switch {
	case trainErr != nil && trainErr == stop:
		tr.restoreBest()
	case trainErr != nil && !errors.As(trainErr, &diverged):
		return nil, trainErr
	}
	res.Points = r.c.points
	res.Model, res.Loss = tr.Model(), tr.Loss()
	if trainErr == nil && opts.Corrections > 0 {
		stopped := func(err error) bool { return err == stop }
		if res.Corrections, trainErr = r.correct(res, progress, stopped); trainErr != nil && !stopped(trainErr) {
			return nil, trainErr
		}
		res.Seconds = r.elapsed()
	}
	grid := p.Grid(opts.Points)
	if p.IsFamily() {
		grid = p.Grid(p.Points) // the members' grid in t, not the collocation points' number
	}
	if err := res.score(grid, opts.ScoreValues); err != nil {
		return nil, err
	}
	return res, trainErr
}

// wholeRun is a Fit with Method Whole under way: the trainer, the
// collocation points and their sampler, the random source they draw from,
// and the time stage. A fresh run is the state newWholeRun makes, a
// resumed one that state with a checkpoint's put in its place (restore);
// run advances either to the end, step by step, so that the two are one
// loop.
type wholeRun struct {
	p    *problems.Problem
	cfg  Config
	opts Options
	src  *rand.PCG
	c    *collocation
	tr   *Trainer
	// stage is the time stage being trained, 1 to Options.Stages.
	stage int
	// corr is the correction phase (Options.Corrections), nil until the
	// stages are done.
	corr *correcting
	// seconds is the training time before this call of Fit (a resumed
	// run's), start when this call's began; adamSeconds is the time of
	// the Adam epochs, this call's too.
	seconds, adamSeconds float64
	start                time.Time
}

// elapsed is the run's training time so far.
func (r *wholeRun) elapsed() float64 { return r.seconds + time.Since(r.start).Seconds() }

// newWholeRun returns a fresh run: a network drawn from the seed,
// collocation points drawn after it, at the start of stage 1.
func newWholeRun(p *problems.Problem, cfg Config, opts Options) (*wholeRun, error) {
	src := newSource(opts.Seed)
	rng := rand.New(src)
	net, err := NewFamilyNetwork(p, cfg.Architecture, rng)
	if err != nil {
		return nil, err
	}
	if cfg.ScaleInput {
		net.ScaleInput(p.T0, p.T1)
	}
	c := &collocation{p: p, opts: opts, sampler: p.NewSampler(opts.Sampling, rng)}
	var tr *Trainer
	if p.IsFamily() {
		// One set of points of the product domain: resampling,
		// refinement and stages move points in t alone, and output
		// scaling and corrections are measured on them.
		if opts.ResampleEvery > 0 || opts.RefineEvery > 0 || opts.Stages > 1 || opts.ScaleOutput || opts.Corrections > 0 {
			return nil, fmt.Errorf("graph: %s is a family: resampling, refinement, stages, output scaling and corrections are for problems of %s alone", p.Name, p.Indep)
		}
		inputs := c.sampler.Inputs(opts.Points)
		c.points = inputs[0]
		tr, err = NewFamilyTrainer(p, net, cfg, inputs, opts)
	} else {
		c.points = c.sampler.Points(opts.Points)
		c.end = c.stageEnd(1)
		if opts.ScaleOutput {
			if cfg.outputScale, err = scaleBefore(p, cfg, c.points); err != nil {
				return nil, err
			}
		}
		tr, err = NewTrainer(p, net, cfg, c.inWindow(), opts)
	}
	if err != nil {
		return nil, err
	}
	return &wholeRun{p: p, cfg: cfg, opts: opts, src: src, c: c, tr: tr, stage: 1}, nil
}

// run trains from where the run is to its end: in each stage the rest of
// its Adam epochs, then its L-BFGS run (or the rest of it), then the next
// stage's points. progress is the Trainer's.
func (r *wholeRun) run(progress func(epoch int, loss float64) error) error {
	o := r.opts
	for {
		done := stageDone(r.tr.AdamEpochs(), o.Epochs, r.stage, o.Stages)
		t := time.Now()
		err := r.c.adam(r.tr, done, share(o.Epochs, r.stage, o.Stages), progress)
		r.adamSeconds += time.Since(t).Seconds()
		if err != nil {
			return err
		}
		if err := r.tr.LBFGS(share(o.LBFGSIterations, r.stage, o.Stages), o.LBFGSTolerance, progress); err != nil {
			return err
		}
		if r.stage == o.Stages {
			return nil
		}
		r.stage++
		r.c.end = r.c.stageEnd(r.stage)
		if err := r.tr.SetPoints(r.c.inWindow()); err != nil {
			return err
		}
	}
}

// score sets the result's Score (and a family's Family) on the grid ts,
// values per range parameter of a family.
func (res *Result) score(ts []float64, values int) error {
	m := res.Model
	if !m.problem.IsFamily() {
		var err error
		res.Score, err = m.Evaluate(ts)
		return err
	}
	fs, err := m.EvaluateFamily(ts, values)
	if err != nil {
		return err
	}
	res.Family, res.Score = fs, fs.Scores[fs.Worst]
	return nil
}

// share is stage s's part of a budget split over k stages.
func share(total, s, k int) int { return total*s/k - total*(s-1)/k }

// stageDone is how much of stage s's share of a budget of total split over
// k stages is done when done of the whole budget is: the stages before
// have taken their shares, which add up to total (s-1) / k.
func stageDone(done, total, s, k int) int { return done - total*(s-1)/k }
