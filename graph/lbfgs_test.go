package graph

import (
	"bytes"
	"errors"
	"math"
	"slices"
	"testing"

	"gonum.org/v1/gonum/floats"
	"gonum.org/v1/gonum/optimize"
	"gonum.org/v1/gonum/optimize/functions"
)

// function is a test function for L-BFGS: its value and gradient.
type function interface {
	Func(x []float64) float64
	Grad(grad, x []float64)
}

// minimiseLBFGS runs the trainer's L-BFGS on fn from x0, for at most
// iterations iterations with tolerance tol, and returns the iterates.
func minimiseLBFGS(t *testing.T, fn function, x0 []float64, iterations int, tol float64) [][]float64 {
	t.Helper()
	eval := func(x, grad []float64) (float64, error) {
		fn.Grad(grad, x)
		return fn.Func(x), nil
	}
	g := make([]float64, len(x0))
	f, _ := eval(x0, g)
	s := newLBFGS(x0, g, f, false)
	var iterates [][]float64
	x, grad := make([]float64, len(x0)), make([]float64, len(x0))
	if _, err := s.run(iterations, lbfgsStop{Tol: tol, Window: lbfgsWindow}, eval, x, grad, func() error {
		iterates = append(iterates, slices.Clone(s.X))
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	return iterates
}

// iterateRecorder records the points of gonum's major iterations.
type iterateRecorder [][]float64

func (*iterateRecorder) Init() error { return nil }

func (r *iterateRecorder) Record(loc *optimize.Location, op optimize.Operation, _ *optimize.Stats) error {
	if op == optimize.MajorIteration {
		*r = append(*r, slices.Clone(loc.X))
	}
	return nil
}

// rosenbrockStart is the standard start of the extended Rosenbrock function
// in n dimensions: -1.2, 1, -1.2, 1, ...
func rosenbrockStart(n int) []float64 {
	x := make([]float64, n)
	for i := range x {
		x[i] = 1
		if i%2 == 0 {
			x[i] = -1.2
		}
	}
	return x
}

// TestLBFGSMatchesGonum runs the trainer's L-BFGS and gonum's optimize.LBFGS
// with the trainer's settings (its line search, lineSearch, 15 pairs, the
// same stopping rule) side by side on the extended Rosenbrock function.
// The arithmetic is the same but not in the same order (the trainer's dot
// products keep partial sums), so the iterates agree to round-off at
// first, and round-off grows along the path: the first 10 iterates must
// agree within 1e-12 (measured: at most 3.6e-15), both runs must end
// within 1e-8 of the minimum at 1 (the bound of TestLBFGSMinimises), and
// take as many iterations within 5% (measured: 41 and 40, 93 and 93, 256
// and 257).
func TestLBFGSMatchesGonum(t *testing.T) {
	const tol = 1e-12
	for _, n := range []int{2, 10, 40} {
		x0 := rosenbrockStart(n)
		fn := functions.ExtendedRosenbrock{}
		ours := minimiseLBFGS(t, fn, x0, 10000, tol)
		var theirs iterateRecorder
		res, err := optimize.Minimize(optimize.Problem{Func: fn.Func, Grad: fn.Grad}, x0, &optimize.Settings{
			MajorIterations:   10000,
			GradientThreshold: 1e-300,
			Converger:         &optimize.FunctionConverge{Relative: tol, Iterations: lbfgsWindow},
			Recorder:          &theirs,
		}, &optimize.LBFGS{GradStopThreshold: math.NaN(), Linesearcher: &lineSearch{}})
		t.Logf("n = %d: %d iterations, gonum %d (%v)", n, len(ours), len(theirs)-1, err)
		// gonum records its start as an iteration.
		theirs = theirs[1:]
		if d := math.Abs(float64(len(ours) - len(theirs))); d > 0.05*float64(len(theirs)) {
			t.Errorf("n = %d: %d iterations, gonum's took %d", n, len(ours), len(theirs))
		}
		for k := range min(10, len(ours), len(theirs)) {
			if d := floats.Distance(ours[k], theirs[k], math.Inf(1)); !(d <= 1e-12) {
				t.Errorf("n = %d: iterate %d is %v, gonum's %v: %.2g apart", n, k+1, ours[k], theirs[k], d)
			}
		}
		for who, x := range map[string][]float64{"ours": ours[len(ours)-1], "gonum's": res.X} {
			if d := floats.Distance(x, slices.Repeat([]float64{1}, n), math.Inf(1)); !(d <= 1e-8) {
				t.Errorf("n = %d: %s run ended %.2g from the minimum", n, who, d)
			}
		}
	}
}

// TestLBFGSStopAnywhere stops a run after each of its iterations in turn
// and calls it again: the iterates are those of the run never stopped, bit
// for bit. The extended Rosenbrock function in 10 dimensions ends where the
// line search can make no more progress; Penalty II (gonum's
// optimize/functions, from 0.5, 0.5, 0.5, 0.5) with tolerance 1e-3 by the
// relative tolerance, so that a run stopped at the iteration where it
// converged must go no further.
func TestLBFGSStopAnywhere(t *testing.T) {
	for _, tt := range []struct {
		name string
		fn   function
		x0   []float64
		tol  float64
	}{
		{"rosenbrock-10", functions.ExtendedRosenbrock{}, rosenbrockStart(10), 1e-12},
		{"penalty-ii", functions.PenaltyII{}, []float64{0.5, 0.5, 0.5, 0.5}, 1e-3},
	} {
		t.Run(tt.name, func(t *testing.T) {
			whole := minimiseLBFGS(t, tt.fn, tt.x0, 10000, tt.tol)
			eval := func(x, grad []float64) (float64, error) {
				tt.fn.Grad(grad, x)
				return tt.fn.Func(x), nil
			}
			errStop := errors.New("stop")
			for k := 1; k <= len(whole); k++ {
				g := make([]float64, len(tt.x0))
				f, _ := eval(tt.x0, g)
				s := newLBFGS(tt.x0, g, f, false)
				var iterates [][]float64
				record := func() error {
					iterates = append(iterates, slices.Clone(s.X))
					if len(iterates) == k {
						return errStop
					}
					return nil
				}
				x, grad := make([]float64, len(tt.x0)), make([]float64, len(tt.x0))
				if stopped, err := s.run(10000, lbfgsStop{Tol: tt.tol, Window: lbfgsWindow}, eval, x, grad, record); !stopped || err != errStop {
					t.Fatalf("k = %d: run = %v, %v; want it stopped by record", k, stopped, err)
				}
				if stopped, err := s.run(10000, lbfgsStop{Tol: tt.tol, Window: lbfgsWindow}, eval, x, grad, record); stopped || err != nil {
					t.Fatalf("k = %d: the second run = %v, %v", k, stopped, err)
				}
				if len(iterates) != len(whole) {
					t.Fatalf("k = %d: %d iterations, the run never stopped took %d", k, len(iterates), len(whole))
				}
				for i := range whole {
					if !slices.Equal(iterates[i], whole[i]) {
						t.Fatalf("k = %d: iterate %d differs from the run never stopped", k, i+1)
					}
				}
			}
		})
	}
}

// quadratic is f(x) = (x - c)' A (x - c) / 2 with A symmetric positive
// definite, of minimum 0 at c.
type quadratic struct {
	a [][]float64
	c []float64
}

// newQuadratic returns a quadratic in n dimensions with A = Q D Q', Q a
// product of Householder reflections and D from 1 to cond, and c = 1, 2, ...
// n.
func newQuadratic(n int, cond float64) quadratic {
	q := quadratic{a: make([][]float64, n), c: make([]float64, n)}
	for i := range n {
		q.a[i] = make([]float64, n)
		q.c[i] = float64(i + 1)
		q.a[i][i] = math.Pow(cond, float64(i)/float64(n-1))
	}
	// A reflection H = I - 2 v v' / v'v on both sides keeps A symmetric
	// and its eigenvalues.
	v := make([]float64, n)
	for i := range v {
		v[i] = math.Sin(float64(3*i + 1))
	}
	vv := floats.Dot(v, v)
	av := make([]float64, n)
	for i := range n {
		av[i] = floats.Dot(q.a[i], v)
	}
	vav := floats.Dot(v, av)
	for i := range n {
		for j := range n {
			q.a[i][j] += -2*(v[i]*av[j]+av[i]*v[j])/vv + 4*v[i]*v[j]*vav/(vv*vv)
		}
	}
	return q
}

func (q quadratic) Grad(grad, x []float64) {
	d := slices.Clone(x)
	floats.Sub(d, q.c)
	for i := range grad {
		grad[i] = floats.Dot(q.a[i], d)
	}
}

func (q quadratic) Func(x []float64) float64 {
	g := make([]float64, len(x))
	q.Grad(g, x)
	d := slices.Clone(x)
	floats.Sub(d, q.c)
	return floats.Dot(g, d) / 2
}

// TestLBFGSMinimises checks that L-BFGS finds the known minima of the
// extended Rosenbrock function (gonum's optimize/functions) and of a
// quadratic.
func TestLBFGSMinimises(t *testing.T) {
	quad := newQuadratic(20, 1e3)
	for _, tt := range []struct {
		name string
		fn   function
		x0   []float64
		min  []float64
		// tol bounds the distance |x - min|_inf at the end.
		tol float64
	}{
		// The runs stop at round-off of f, which is about 1e-16 at
		// the last iterates, so |x - 1| of about sqrt(1e-16) = 1e-8
		// (f grows quadratically near the minimum); the Hessian's
		// largest eigenvalue is about 1000, which narrows it further.
		// Measured: 0 (n = 2), 2.2e-16 (n = 10).
		{"rosenbrock-2", functions.ExtendedRosenbrock{}, rosenbrockStart(2), []float64{1, 1}, 1e-8},
		{"rosenbrock-10", functions.ExtendedRosenbrock{}, rosenbrockStart(10), slices.Repeat([]float64{1}, 10), 1e-8},
		// Condition number 1e3: the relative stop at tol = 1e-12 leaves
		// f about 1e-12 f(x0) = 1e-12 * 1e4, so |x - c| up to
		// sqrt(2 f / lambda_min) = 1.4e-4 in the worst direction.
		// Measured: 2e-14.
		{"quadratic-20", quad, make([]float64, 20), quad.c, 1.4e-4},
	} {
		t.Run(tt.name, func(t *testing.T) {
			it := minimiseLBFGS(t, tt.fn, tt.x0, 10000, 1e-12)
			x := it[len(it)-1]
			dist := floats.Distance(x, tt.min, math.Inf(1))
			t.Logf("%d iterations, |x - min| = %.2g, f = %.3g", len(it), dist, tt.fn.Func(x))
			if !(dist <= tt.tol) {
				t.Errorf("L-BFGS ended at %v, %.2g from the minimum %v", x, dist, tt.min)
			}
		})
	}
}

// badRegion is sqrt(1 + x^2), whose value is NaN where |x| > 3. From 2.4
// the first step (of length 1) goes to 1.4, where the secant of the
// gradient is so flat that the quasi-Newton step lands near -6.0: the line
// search must step back from NaN.
type badRegion struct{ nans *int }

func (b badRegion) Func(x []float64) float64 {
	if math.Abs(x[0]) > 3 {
		*b.nans++
		return math.NaN()
	}
	return math.Sqrt(1 + x[0]*x[0])
}

func (badRegion) Grad(grad, x []float64) { grad[0] = x[0] / math.Sqrt(1+x[0]*x[0]) }

// TestLBFGSStepsBackFromNaN checks that a loss that is not finite at a
// trial point makes the line search step back, and L-BFGS still finds the
// minimum at 0.
func TestLBFGSStepsBackFromNaN(t *testing.T) {
	var nans int
	it := minimiseLBFGS(t, badRegion{&nans}, []float64{2.4}, 1000, 1e-12)
	x := it[len(it)-1][0]
	t.Logf("%d iterations, %d NaN trials, x = %.3g", len(it), nans, x)
	if nans == 0 {
		t.Fatal("no trial point was in the NaN region: the test does not test stepping back")
	}
	// f = 1 + x^2/2 near 0, so the relative stop at 1e-12 leaves x about
	// sqrt(2e-12) = 1.4e-6; round-off of f (1e-16) alone 1.4e-8.
	// Measured: 0 (the quasi-Newton step on this f is exact at 0).
	if !(math.Abs(x) <= 1.5e-6) {
		t.Errorf("L-BFGS ended at %g, want 0 within 1.5e-6", x)
	}
}

// TestLBFGSResume stops L-BFGS after k iterations on decay, saves its
// state, restores it into a fresh trainer with the same weights and loss
// history, and continues: the loss history and the final weights equal the
// run that was never stopped, bit for bit. Continuing the stopped trainer
// itself gives them too.
func TestLBFGSResume(t *testing.T) {
	const adamEpochs, iterations, tol = 200, 300, 1e-12
	whole, _ := adamTrained(t, "decay", adamEpochs)
	if err := whole.LBFGS(iterations, tol, nil); err != nil {
		t.Fatal(err)
	}
	if got := len(whole.history) - 1 - adamEpochs; got != iterations {
		t.Fatalf("the whole run took %d iterations, want %d: the test would not continue to the end", got, iterations)
	}
	for _, k := range []int{1, 2, 17, 150} {
		errStop := errors.New("stop")
		stopped, _ := adamTrained(t, "decay", adamEpochs)
		err := stopped.LBFGS(iterations, tol, func(epoch int, _ float64) error {
			if epoch == adamEpochs+k {
				return errStop
			}
			return nil
		})
		if err != errStop {
			t.Fatalf("k = %d: err = %v, want the progress function's", k, err)
		}
		var buf bytes.Buffer
		if err := stopped.saveLBFGS(&buf); err != nil {
			t.Fatal(err)
		}
		resumed, _ := adamTrained(t, "decay", adamEpochs)
		resumed.SetParameters(stopped.x)
		resumed.history = slices.Clone(stopped.history)
		copy(resumed.best, stopped.best)
		resumed.bestLoss = stopped.bestLoss
		if err := resumed.loadLBFGS(&buf); err != nil {
			t.Fatal(err)
		}
		for name, tr := range map[string]*Trainer{"resumed": resumed, "continued": stopped} {
			if err := tr.LBFGS(iterations, tol, nil); err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(tr.history, whole.history) {
				t.Errorf("k = %d, %s: the loss history differs from the run never stopped", k, name)
			}
			if !slices.Equal(tr.x, whole.x) {
				t.Errorf("k = %d, %s: the final weights differ from the run never stopped", k, name)
			}
		}
	}
}

// TestLBFGSLoadRefuses checks that an L-BFGS state is refused by a trainer
// of other weights or another size.
func TestLBFGSLoadRefuses(t *testing.T) {
	tr, _ := adamTrained(t, "decay", 10)
	if err := tr.LBFGS(5, 1e-12, func(int, float64) error { return errors.New("stop") }); err == nil {
		t.Fatal("L-BFGS was not stopped")
	}
	var buf bytes.Buffer
	if err := tr.saveLBFGS(&buf); err != nil {
		t.Fatal(err)
	}
	saved := buf.Bytes()
	other, _ := adamTrained(t, "decay", 11)
	if err := other.loadLBFGS(bytes.NewReader(saved)); err == nil {
		t.Error("a trainer at other weights accepted the L-BFGS state")
	}
	small, _ := adamTrained(t, "forum-final", 0)
	small.x = small.x[:len(small.x)-1]
	if err := small.loadLBFGS(bytes.NewReader(saved)); err == nil {
		t.Error("a trainer of another size accepted the L-BFGS state")
	}
}

// TestLBFGSAllocs checks that an L-BFGS iteration allocates nothing: runs
// of 10 and 110 iterations allocate the same (the run's state).
func TestLBFGSAllocs(t *testing.T) {
	tr, _ := adamTrained(t, "decay", 200)
	x0 := tr.Parameters()
	allocs := func(iterations int) float64 {
		return testing.AllocsPerRun(5, func() {
			tr.SetParameters(x0)
			tr.history = tr.history[:201]
			if err := tr.LBFGS(iterations, 1e-12, nil); err != nil {
				t.Fatal(err)
			}
			// The first new entry is the loss at x0.
			if got := len(tr.history) - 202; got != iterations {
				t.Fatalf("%d iterations, want %d", got, iterations)
			}
		})
	}
	few, many := allocs(10), allocs(110)
	t.Logf("allocations per run: %v (10 iterations), %v (110)", few, many)
	if many != few {
		t.Errorf("100 more iterations made %v more allocations", many-few)
	}
}

// TestLBFGSReportsIterations checks LastLBFGSIteration against what
// happened: the evaluations of the iterations add up to those the executor
// made, and the first step, along the negative gradient, moved the weights
// by its length times the gradient's norm.
func TestLBFGSReportsIterations(t *testing.T) {
	tr, c := adamTrained(t, "decay", 200)
	x0 := tr.Parameters()
	_, g0, err := tr.LossAndGradient()
	if err != nil {
		t.Fatal(err)
	}
	c.runs = 0
	var its []LBFGSIteration
	var x1 []float64
	if err := tr.LBFGS(50, 1e-12, func(int, float64) error {
		its = append(its, tr.LastLBFGSIteration())
		if x1 == nil {
			x1 = tr.Parameters()
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	evals := 0
	for k, it := range its {
		evals += it.Evaluations
		if !(it.Step > 0) || it.Evaluations < 1 {
			t.Errorf("iteration %d: step %g after %d evaluations", k+1, it.Step, it.Evaluations)
		}
	}
	// The trainer's loss was fresh after Adam: every evaluation was the
	// line search's. LossAndGradient above made one more.
	if evals != c.runs-1 {
		t.Errorf("the iterations report %d evaluations, the executor made %d", evals, c.runs-1)
	}
	// Tolerance: x1 = x0 + step (-g0) is rounded to x0's precision, and
	// subtracting x0 again leaves an error of eps |x0| per element; with
	// the weights of size 1 and a move of about 0.2 |g0| (the first step
	// is 0.177) that is near 1e-15 relative. 1e-13 leaves room for other
	// weights; measured: 2.3e-15.
	moved, want := floats.Distance(x1, x0, 2), its[0].Step*floats.Norm(g0, 2)
	if math.Abs(moved-want) > 1e-13*want {
		t.Errorf("the first iteration moved the weights by %.17g, step x |g| = %.17g", moved, want)
	}
	t.Logf("%d iterations, %d evaluations, first step %.3g, last %.3g; first move off by %.2g relative", len(its), evals, its[0].Step, its[len(its)-1].Step, math.Abs(moved-want)/want)
}

// TestBFGSSkipsCurvatureBelowZero takes a BFGS step whose gradient change
// has s.y <= 0, which the dense update skips: the next direction is the
// steepest descent, as at the start, not the zero one of an H never set.
// The next step, of s.y > 0, starts H at Gamma I and updates it: H then
// meets the secant equation H y = s (Nocedal and Wright 6.17); tolerance
// 1e-15, a few roundings of numbers of size 1.
func TestBFGSSkipsCurvatureBelowZero(t *testing.T) {
	s := newLBFGS([]float64{0, 0}, []float64{1, 2}, 5, true)
	s.update([]float64{1, 0}, []float64{0, 2}, 4) // s = (1, 0), y = (-1, 0)
	if step := s.direction(); !slices.Equal(s.dir, []float64{0, -2}) || step != 0.5 {
		t.Errorf("after s.y = -1: direction %v and step %g, want [0 -2] and 0.5", s.dir, step)
	}
	x, g := []float64{1, -1}, []float64{0.5, 1}
	s.update(x, g, 3) // s = (0, -1), y = (0.5, -1)
	st, yt := []float64{0, -1}, []float64{0.5, -1}
	for i := range 2 {
		if hy := floats.Dot(s.H[2*i:2*i+2], yt); math.Abs(hy-st[i]) > 1e-15 {
			t.Errorf("(H y)[%d] = %g, want s[%d] = %g", i, hy, i, st[i])
		}
	}
	if s.direction(); floats.Dot(s.dir, g) >= 0 {
		t.Errorf("direction %v is not one of descent for gradient %v", s.dir, g)
	}
}

// TestLineSearchTakesWeakWolfe checks lineSearch on phi(a) = (a - m)^2, a
// quadratic along the line with its minimum at m = 0.51: the full step
// a = 1 lowers phi from 0.2601 to 0.2401, more than 1e-4 of the slope's
// promise, and its slope 0.98 has risen above 0.9 of the first (-1.02)
// but exceeds 0.9 |-1.02| = 0.918 in size. So it meets the weak Wolfe
// conditions and not the strong ones: lineSearch must take it at once,
// where gonum's MoreThuente asks for another step.
func TestLineSearchTakesWeakWolfe(t *testing.T) {
	const m = 0.51
	phi := func(a float64) (float64, float64) { return (a - m) * (a - m), 2 * (a - m) }
	f0, g0 := phi(0)
	f1, g1 := phi(1)
	var ours lineSearch
	ours.Init(f0, g0, 1)
	if op, step, err := ours.Iterate(f1, g1); op != optimize.MajorIteration || step != 1 || err != nil {
		t.Errorf("lineSearch: Iterate at the full step = %v, %g, %v; want it taken (MajorIteration, 1)", op, step, err)
	}
	strong := optimize.MoreThuente{DecreaseFactor: lineDecrease, CurvatureFactor: lineCurvature}
	strong.Init(f0, g0, 1)
	if op, step, _ := strong.Iterate(f1, g1); op == optimize.MajorIteration {
		t.Errorf("MoreThuente took the full step (%g): the test does not tell weak from strong", step)
	}
}

// hugeSlope is f(x) = 1.5e308 (x1 + x2), finite with a finite gradient
// whose norm overflows, so that the first step 1/|g| is 0.
type hugeSlope struct{}

func (hugeSlope) Func(x []float64) float64 { return 1.5e308 * (x[0] + x[1]) }

func (hugeSlope) Grad(grad, _ []float64) { grad[0], grad[1] = 1.5e308, 1.5e308 }

// TestLBFGSHugeGradient checks that a gradient whose norm overflows ends
// the run where it is, with no error, instead of reaching the line search
// with a step of 0 (which makes gonum's MoreThuente panic).
func TestLBFGSHugeGradient(t *testing.T) {
	if it := minimiseLBFGS(t, hugeSlope{}, []float64{0, 0}, 100, 1e-12); len(it) != 0 {
		t.Errorf("%d iterations from a gradient of norm +Inf, want none", len(it))
	}
}

// twoLoop is Nocedal and Wright's algorithm 7.4 as the book writes it: the
// direction -H g from the pairs (S[k], Y[k]), k listed oldest first, with
// H0 = gamma I.
func twoLoop(g []float64, S, Y [][]float64, gamma float64) []float64 {
	q := slices.Clone(g)
	alpha := make([]float64, len(S))
	for i := len(S) - 1; i >= 0; i-- {
		alpha[i] = floats.Dot(S[i], q) / floats.Dot(S[i], Y[i])
		floats.AddScaled(q, -alpha[i], Y[i])
	}
	floats.Scale(gamma, q)
	for i := range S {
		beta := floats.Dot(Y[i], q) / floats.Dot(S[i], Y[i])
		floats.AddScaled(q, alpha[i]-beta, S[i])
	}
	floats.Scale(-1, q)
	return q
}

// TestLBFGSDirection checks the trainer's two-loop recursion, whose updates
// are fused with the next products and whose pairs sit in a ring, against
// twoLoop, for every number of pairs kept and every position of the ring's
// start, with the slots outside the pairs kept set to NaN so that reading
// one shows. Random pairs (y is s plus 30% noise), lengths around the
// kernels' 8- and 32-wide steps. Tolerance: both are 4 len(S) dot products and axpys deep
// in other orders, each rounding by n eps relative at most; 1e-12
// relative is far above that.
func TestLBFGSDirection(t *testing.T) {
	rng := NewRand(5)
	for _, n := range []int{1, 7, 33, 321} {
		for _, store := range []int{1, 2, lbfgsStore} {
			for length := 1; length <= store; length++ {
				for oldest := range store {
					x, g := make([]float64, n), make([]float64, n)
					for i := range g {
						g[i] = rng.Float64() - 0.5
					}
					s := newLBFGS(x, g, 1, false)
					s.S, s.Y, s.Rho = s.S[:store], s.Y[:store], s.Rho[:store]
					s.alpha = s.alpha[:store]
					var S, Y [][]float64 // oldest first
					for k := range store {
						for i := range n {
							s.S[k][i], s.Y[k][i] = math.NaN(), math.NaN()
						}
						s.Rho[k] = math.NaN()
					}
					for j := range length {
						k := (oldest + j) % store
						for i := range n {
							s.S[k][i] = rng.Float64() - 0.5
							s.Y[k][i] = s.S[k][i] + 0.3*(rng.Float64()-0.5)
						}
						s.Rho[k] = 1 / floats.Dot(s.S[k], s.Y[k])
						S, Y = append(S, s.S[k]), append(Y, s.Y[k])
					}
					s.Len, s.Oldest, s.Gamma = length, (oldest+length)%store, 0.7
					s.direction()
					want := twoLoop(g, S, Y, 0.7)
					if d := floats.Distance(s.dir, want, math.Inf(1)); !(d <= 1e-12*floats.Norm(want, math.Inf(1))) {
						t.Fatalf("n = %d, %d of %d pairs from slot %d: the direction is %.3g from the book's", n, length, store, oldest, d)
					}
				}
			}
		}
	}
}
