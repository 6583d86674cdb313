package graph

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"math"
	"os"
	"reflect"
	"slices"
	"strings"
	"testing"

	"pinn/problems"
)

func mustProblem(t *testing.T, d problems.Definition) *problems.Problem {
	t.Helper()
	p, err := problems.New(d)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// march runs Fit with Method March and the given options on p.
func march(t *testing.T, p *problems.Problem, opts MarchOptions) (*Result, error) {
	t.Helper()
	return Fit(t.Context(), p, Config{}, Options{Seed: 1, Method: March, March: opts})
}

// TestMarchIgnoresExact checks issue 11's rule that the exact solution is
// for scoring only: marching with a wrong exact solution gives the same
// windows, attempts and loss history, bit for bit, and only the score
// differs.
func TestMarchIgnoresExact(t *testing.T) {
	d := problems.Definition{Name: "decay", Vars: []string{"y"}, Order: 1, RHS: []string{"-y"},
		T0: 0, T1: 2, Y0: []float64{1}, Points: 21, Exact: []string{"exp(-t)"}}
	right := mustProblem(t, d)
	d.Exact = []string{"exp(-3*t)"}
	wrong := mustProblem(t, d)
	a, err := march(t, right, MarchOptions{})
	if err != nil {
		t.Fatal(err)
	}
	b, err := march(t, wrong, MarchOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(a.Model.Windows(), b.Model.Windows()) || !reflect.DeepEqual(a.March, b.March) || !slices.Equal(a.Loss, b.Loss) {
		t.Fatal("a wrong exact solution changed the training")
	}
	// The same weights score 1e-7 against exp(-t) and O(1) against exp(-3t).
	t.Logf("rel_l2 %.3g against the right exact solution, %.3g against the wrong one", a.Score.RelL2, b.Score.RelL2)
	if a.Score.RelL2 > 1e-6 || b.Score.RelL2 < 0.1 {
		t.Errorf("rel_l2 %.3g (right) and %.3g (wrong), want <= 1e-6 and >= 0.1", a.Score.RelL2, b.Score.RelL2)
	}
}

// TestErrorEstimate checks the window error estimate against the error it
// stands for: the solution of e' = lambda e + r, e(0) = 0, the error of
// y' = lambda y + ... driven by a residual r.
//
//   - r = cos(w t), lambda = 0: e = sin(w t) / w, 2 pi k times smaller than
//     h max|r| over k periods: the sign changes the estimate relies on.
//   - r = 1, lambda = 3 (a growing solution): e = (exp(3t) - 1) / 3, which
//     the growth weight tracks and the plain integral (t) misses 6 times.
//
// Tolerance 1e-4 relative: the trapezoid rule on 2001 points, whose
// samples miss the sine's peak by up to (w dt)^2 / 8 = 4.4e-5 relative.
func TestErrorEstimate(t *testing.T) {
	const h, n, w = 1.0, 2001, 6 * math.Pi // three periods on [0, 1]
	dt := h / (n - 1)
	osc, one := make([]float64, n), make([]float64, n)
	for k := range osc {
		osc[k], one[k] = math.Cos(w*float64(k)*dt), 1
	}
	for _, tt := range []struct {
		name   string
		r      []float64
		lambda float64
		want   float64
	}{
		{"oscillating", osc, 0, 1 / w},
		{"growing", one, 3, (math.Exp(3) - 1) / 3},
	} {
		got := errorEstimate([][]float64{tt.r}, dt, tt.lambda)
		t.Logf("%s: estimate %.7g, true max |e| %.7g", tt.name, got, tt.want)
		if math.Abs(got-tt.want) > 1e-4*tt.want {
			t.Errorf("%s: estimate %.7g, true max |e| %.7g", tt.name, got, tt.want)
		}
	}
	if plain, want := errorEstimate([][]float64{one}, dt, 0), (math.Exp(3)-1)/3; plain > want/5 {
		t.Errorf("without the growth weight the estimate is %.3g of a true %.3g; the test no longer shows what the weight is for", plain, want)
	}
}

// TestGrowthRate checks the growth rate on exp(2t) (2), on a decay (0) and
// on a solution starting at zero below the floor. Tolerance 1e-12: ln of
// exact exponentials, a few roundings.
func TestGrowthRate(t *testing.T) {
	sol := func(f func(float64) float64) *problems.Solution {
		return &problems.Solution{T: []float64{0, 0.5, 1}, Y: [][]float64{{f(0), f(0.5), f(1)}}}
	}
	for _, tt := range []struct {
		name  string
		f     func(float64) float64
		floor float64
		want  float64
	}{
		{"growth", func(t float64) float64 { return math.Exp(2 * t) }, 0, 2},
		{"decay", func(t float64) float64 { return math.Exp(-t) }, 0, 0},
		{"from zero", func(t float64) float64 { return t }, 0.5, math.Log(2)},
	} {
		if got := growthRate(sol(tt.f), tt.floor); math.Abs(got-tt.want) > 1e-12 {
			t.Errorf("%s: rate %g, want %g", tt.name, got, tt.want)
		}
	}
}

// TestGrowthWeightMeetsGoal shows the growth weight at work on the
// held-out equation it was added for, y' = 2y on [0, 2]: with it March
// meets 1e-6. (Without it the research missed, 1.27e-6: the plain
// integral of the residual loses the amplification of early errors that
// TestErrorEstimate measures.)
func TestGrowthWeightMeetsGoal(t *testing.T) {
	p := mustProblem(t, problems.Definition{Name: "growth", Vars: []string{"y"}, Order: 1, RHS: []string{"2*y"},
		T0: 0, T1: 2, Y0: []float64{1}, Points: 101, Exact: []string{"exp(2*t)"}, ScaleInput: true})
	res, err := march(t, p, MarchOptions{})
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("rel_l2 %.3g in %d windows", res.Score.RelL2, len(res.Model.Windows()))
	if res.Score.RelL2 > 1e-6 {
		t.Errorf("rel_l2 %.3g, want <= 1e-6", res.Score.RelL2)
	}
}

// TestCorrectionStage shows what a window's correction network is for: on
// y' = -y over [0, 0.5], one 16-unit network trained with L-BFGS stops at
// a largest residual of 4.3e-5 on the check points (the plateau of its
// loss, measured), and a second one fitting what remains, its output
// scaled to the residual's size, lowers it 100 times (to 4.3e-7). The
// test asks for 10 times. The goal is set out of reach so that both
// networks train.
func TestCorrectionStage(t *testing.T) {
	p := mustProblem(t, problems.Definition{Name: "decay", Vars: []string{"y"}, Order: 1, RHS: []string{"-y"},
		T0: 0, T1: 0.5, Y0: []float64{1}, Points: 2})
	residual := func(networks int) float64 {
		m := &marcher{ctx: t.Context(), p: p, cfg: Config{Architecture: Architecture{Hidden: DefaultMarchHidden()}}.withDefaults(1),
			opts: MarchOptions{Goal: 1e-15, Networks: networks, CorrectionRatio: math.Inf(1)}.withDefaults(),
			rng:  NewRand(1), sc: scales{y: 1}, t: 0, h: 0.5, y: []float64{1}}
		if err := m.startAttempt(); err != nil {
			t.Fatal(err)
		}
		tw, err := m.trainWindow()
		if err != nil {
			t.Fatal(err)
		}
		if len(tw.window.Networks) != networks {
			t.Fatalf("%d networks trained, want %d", len(tw.window.Networks), networks)
		}
		return tw.attempt.Residual
	}
	one, two := residual(1), residual(2)
	t.Logf("largest residual: %.3g with one network, %.3g with a correction", one, two)
	if !(two < one/10) {
		t.Errorf("a correction took the residual from %.3g to %.3g, want at least 10 times lower", one, two)
	}
}

// TestOutputScale shows what scaling each window network's output by the
// right-hand side's size is for: y” = -4y from y = 5e4 meets 1e-6 with
// it, and without it no window meets its budget.
func TestOutputScale(t *testing.T) {
	if testing.Short() {
		t.Skip("two marches of a second or two")
	}
	p := mustProblem(t, problems.Definition{Name: "big", Vars: []string{"y"}, Order: 2, RHS: []string{"-4*y"},
		T0: 0, T1: 3, Y0: []float64{5e4}, DY0: []float64{0}, Points: 101, Exact: []string{"5e4*cos(2*t)"}})
	with, err := march(t, p, MarchOptions{})
	if err != nil {
		t.Fatal(err)
	}
	without, errWithout := march(t, p, MarchOptions{NoOutputScale: true})
	t.Logf("with the output scale: rel_l2 %.3g in %d windows; without: %v", with.Score.RelL2, len(with.Model.Windows()), errWithout)
	if with.Score.RelL2 > 1e-6 {
		t.Errorf("with the output scale rel_l2 %.3g, want <= 1e-6", with.Score.RelL2)
	}
	if !errors.Is(errWithout, ErrWindowTooShort) {
		t.Errorf("without the output scale: %v, want %v", errWithout, ErrWindowTooShort)
	}
	if without != nil && without.March.Reached >= p.T1 {
		t.Errorf("a failed march reached %g, the end of the domain", without.March.Reached)
	}
}

// TestMarchingSolvesLotkaVolterra shows what marching is for: trained on
// all of [0, 5] at once (Adam then L-BFGS, hard initial conditions, the
// README's recommended whole-domain settings with fewer iterations) the
// network loses the oscillation's phase, while March meets 1e-5.
func TestMarchingSolvesLotkaVolterra(t *testing.T) {
	if testing.Short() {
		t.Skip("seconds of training")
	}
	p := mustBuiltin(t, "lotka-volterra")
	whole, err := Fit(t.Context(), p, Config{IC: HardIC, ScaleInput: true}, Options{Method: Whole, Seed: 1, Optimizer: AdamThenLBFGS, Epochs: 1000, LBFGSIterations: 2000})
	if err != nil {
		t.Fatal(err)
	}
	marched, err := march(t, p, MarchOptions{})
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("whole domain: rel_l2 %.3g; marched: %.3g in %d windows", whole.Score.RelL2, marched.Score.RelL2, len(marched.Model.Windows()))
	if whole.Score.RelL2 < 0.1 || marched.Score.RelL2 > 1e-5 {
		t.Errorf("whole domain rel_l2 %.3g (want >= 0.1), marched %.3g (want <= 1e-5)", whole.Score.RelL2, marched.Score.RelL2)
	}
}

// TestMarchSingularRightHandSide checks y' = 1/y from y = 1: the old
// default, whole-domain training with soft initial conditions, dies at its
// first epoch because a fresh network outputs about 0, where 1/y is
// infinite; each window's trial solution starts at the window's initial
// value, so March's first loss is finite and it meets 1e-6.
func TestMarchSingularRightHandSide(t *testing.T) {
	p := mustProblem(t, problems.Definition{Name: "inverse", Vars: []string{"y"}, Order: 1, RHS: []string{"1/y"},
		T0: 0, T1: 2, Y0: []float64{1}, Points: 101, Exact: []string{"sqrt(1 + 2*t)"}, ScaleInput: true})
	var diverged *DivergedError
	if _, err := Fit(t.Context(), p, Config{ScaleInput: true}, Options{Method: Whole, Seed: 1}); !errors.As(err, &diverged) || diverged.Epoch != 0 {
		t.Errorf("whole-domain training: %v, want a divergence at epoch 0 (the contrast this test shows)", err)
	}
	res, err := march(t, p, MarchOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if res.Score.RelL2 > 1e-6 {
		t.Errorf("rel_l2 %.3g, want <= 1e-6", res.Score.RelL2)
	}
}

// TestMarchedModelFile writes a marched model and reads it back: the same
// windows, and the same predictions and residuals bit for bit, in the
// format PiecewiseModelFormat. A point on a window boundary belongs to the
// earlier window; one outside the domain is refused.
func TestMarchedModelFile(t *testing.T) {
	p := mustProblem(t, problems.Definition{Name: "osc", Vars: []string{"y"}, Order: 2, RHS: []string{"-y"},
		T0: 0, T1: 3, Y0: []float64{1}, DY0: []float64{0}, Points: 101})
	res, err := march(t, p, MarchOptions{FirstWindow: 0.5, Goal: 1e-4})
	if err != nil {
		t.Fatal(err)
	}
	ws := res.Model.Windows()
	if len(ws) < 2 {
		t.Fatalf("%d windows: the test needs a boundary", len(ws))
	}
	var buf bytes.Buffer
	if _, err := res.Model.WriteTo(&buf); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(buf.String(), `"format": "`+PiecewiseModelFormat+`"`) || strings.Contains(buf.String(), `"network": {`+"\n    \"widths\"") {
		t.Errorf("the file does not hold windows in %s", PiecewiseModelFormat)
	}
	back, err := ReadModel(&buf)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(back.Windows(), ws) {
		t.Fatal("the windows read back differ")
	}
	boundary := ws[0].T1
	ts := append(p.Grid(37), boundary)
	a, err := res.Model.Predict(ts)
	if err != nil {
		t.Fatal(err)
	}
	b, err := back.Predict(ts)
	if err != nil {
		t.Fatal(err)
	}
	ra, err := res.Model.Residuals(ts)
	if err != nil {
		t.Fatal(err)
	}
	rb, err := back.Residuals(ts)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(a, b) || !reflect.DeepEqual(ra, rb) {
		t.Error("predictions or residuals differ after a round trip")
	}
	first, err := res.Model.pieces[0].Predict([]float64{boundary})
	if err != nil {
		t.Fatal(err)
	}
	if got := a.Y[0][len(ts)-1]; got != first.Y[0][0] {
		t.Errorf("at the boundary %g the model gives %v, the first window %v", boundary, got, first.Y[0][0])
	}
	for _, tb := range []float64{-0.1, 3.5, math.NaN()} {
		if _, err := back.Predict([]float64{1, tb}); err == nil || !errors.Is(err, ErrOutsideDomain) {
			t.Errorf("t = %g: %v, want it refused as outside the domain", tb, err)
		}
	}
	if _, err := back.HiddenActivity(ts); err == nil || !strings.Contains(err.Error(), "networks per window") {
		t.Errorf("HiddenActivity of a marched model: %v", err)
	}
	if back.Network() != nil || back.NumParams() != res.Model.NumParams() || back.Architecture().Hidden[0] != 16 {
		t.Errorf("network %v, %d parameters, architecture %+v", back.Network(), back.NumParams(), back.Architecture())
	}
}

// TestReadModelRefusesBadWindows checks that a marched model file whose
// windows do not tile the domain, do not fit the problem or hold unusable
// numbers is refused with a message saying what is wrong.
func TestReadModelRefusesBadWindows(t *testing.T) {
	p := mustProblem(t, problems.Definition{Name: "osc", Vars: []string{"y"}, Order: 2, RHS: []string{"-y"},
		T0: 0, T1: 3, Y0: []float64{1}, DY0: []float64{0}, Points: 11})
	net := testNetwork(t, 1, Tanh, Identity, 1)
	window := func(t0, t1 float64) Window {
		return Window{T0: t0, T1: t1, Y0: []float64{1}, DY0: []float64{0}, Networks: []ScaledNetwork{{Scale: 1, Network: net}}}
	}
	good := []Window{window(0, 1), window(1, 3)}
	write := func(ws []Window) string {
		b, err := json.MarshalIndent(modelFile{Format: PiecewiseModelFormat, Problem: p.Definition, IC: HardIC, Windows: ws}, "", "  ")
		if err != nil {
			t.Fatal(err)
		}
		return string(b)
	}
	ok := write(good)
	if _, err := ReadModel(strings.NewReader(ok)); err != nil {
		t.Fatalf("the good file: %v", err)
	}
	edit := func(f func(ws []Window)) string {
		ws := []Window{good[0].clone(), good[1].clone()}
		f(ws)
		return write(ws)
	}
	tests := []struct{ name, file, msg string }{
		{"gap", edit(func(ws []Window) { ws[1].T0 = 1.5 }), "window 2 starts at 1.5, want 1"},
		{"short", edit(func(ws []Window) { ws[1].T1 = 2.5 }), "the windows end at 2.5, the domain at 3"},
		{"late start", edit(func(ws []Window) { ws[0].T0 = 0.5 }), "window 1 starts at 0.5, want 0"},
		{"backwards", edit(func(ws []Window) { ws[0].T1 = 0; ws[1].T0 = 0 }), "window 1 is [0, 0]"},
		{"values", edit(func(ws []Window) { ws[0].Y0 = []float64{1, 2} }), "window 1 needs 1 finite initial values"},
		{"slopes", edit(func(ws []Window) { ws[1].DY0 = nil }), "window 2 needs 1 finite initial slopes"},
		{"no networks", edit(func(ws []Window) { ws[1].Networks = nil }), "window 2 has no networks"},
		{"zero scale", edit(func(ws []Window) { ws[0].Networks[0].Scale = 0 }), "network 1 has scale 0"},
		{"outputs", edit(func(ws []Window) { ws[0].Networks[0].Network = testNetwork(t, 2, Tanh, Identity, 1) }), "network 1 has 2 outputs for 1 variables"},
		{"infinite scale", strings.Replace(ok, `"scale": 1`, `"scale": 1e999`, 1), "not a saved model"},
		{"no windows", strings.Replace(ok, `"windows": [`, `"windowz": [`, 1), "unknown field"},
		{"soft", strings.Replace(ok, `"ic": "hard"`, `"ic": "soft"`, 1), "meets its initial conditions hard"},
		{"network too", strings.Replace(ok, `"ic": "hard",`, `"ic": "hard", "network": {"widths": [1, 1]},`, 1), "holds windows, not a network"},
		{"windows in format 1", strings.Replace(ok, PiecewiseModelFormat, ModelFormat, 1), "holds a network, not windows"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ReadModel(strings.NewReader(tt.file))
			if err == nil || !strings.Contains(err.Error(), tt.msg) {
				t.Errorf("err = %v, want one saying %q", err, tt.msg)
			}
		})
	}
}

// TestMarchCancels stops a march from its progress callback, and by
// cancelling its context, after 9000 iterations, within Lotka-Volterra's
// third window (seed 1 accepts [0, 0.625] and [0.625, 1.25] by iteration
// 7871, then tries [1.25, 2.5]): Fit returns the windows accepted by then, a solution of the
// part of the domain they cover, and an error wrapping the cause.
// Continuing is not offered (issue 10), so the test checks the state only.
func TestMarchCancels(t *testing.T) {
	p := mustBuiltin(t, "lotka-volterra")
	const stop = 9000
	errStop := errors.New("enough")
	for _, tt := range []struct {
		name  string
		cause error
	}{{"progress", errStop}, {"context", context.Canceled}} {
		t.Run(tt.name, func(t *testing.T) {
			ctx, cancel := context.WithCancel(t.Context())
			defer cancel()
			last := 0
			progress := func(epoch int, _ float64) error {
				last = epoch
				if epoch == stop {
					if tt.cause == errStop {
						return errStop
					}
					cancel()
				}
				return nil
			}
			res, err := Fit(ctx, p, Config{}, Options{Seed: 1, Progress: progress})
			if !errors.Is(err, tt.cause) {
				t.Fatalf("err = %v, want one wrapping %v", err, tt.cause)
			}
			if last != stop || res == nil {
				t.Fatalf("stopped after iteration %d, want %d; result %v", last, stop, res)
			}
			ws := res.Model.Windows()
			r := res.March.Reached
			if len(ws) == 0 || ws[len(ws)-1].T1 != r || !(r < p.T1) || res.Model.Problem().T1 != r || res.March.End != p.T1 {
				t.Fatalf("%d windows ending at %g, reached %g, model domain ends at %g", len(ws), ws[len(ws)-1].T1, r, res.Model.Problem().T1)
			}
			// The loss history holds every iteration run, each network's
			// from its initial loss: stop iterations, and one start for each
			// network of the attempts recorded and of the one cut short (its
			// first network, and its correction if it got that far).
			networks := 0
			for _, a := range res.March.Attempts {
				networks += a.Networks
			}
			if got := len(res.Loss) - stop; got < networks+1 || got > networks+DefaultMarchNetworks {
				t.Errorf("%d losses for %d iterations of %d networks and an attempt cut short", len(res.Loss), stop, networks)
			}
			if !(res.Score.RelL2 <= 1e-5) || len(res.Score.Solution.T) != p.Points || res.Score.Solution.T[p.Points-1] != r {
				t.Errorf("rel_l2 %.3g on %d points ending at %g", res.Score.RelL2, len(res.Score.Solution.T), res.Score.Solution.T[len(res.Score.Solution.T)-1])
			}
			t.Logf("stopped at t = %g after %d windows: rel_l2 %.3g there", r, len(ws), res.Score.RelL2)
		})
	}
}

// TestMarchStoppedBeforeAWindow: a march stopped before its first window is
// accepted has no solution to return.
func TestMarchStoppedBeforeAWindow(t *testing.T) {
	p := mustBuiltin(t, "decay")
	errStop := errors.New("enough")
	res, err := Fit(t.Context(), p, Config{}, Options{Seed: 1, Progress: func(int, float64) error { return errStop }})
	if res != nil || !errors.Is(err, errStop) {
		t.Errorf("result %v, error %v; want none and %v", res, err, errStop)
	}
}

// TestFitRefusesOtherMethodsOptions checks that each method refuses what
// only the other reads, naming it, and unknown methods.
func TestFitRefusesOtherMethodsOptions(t *testing.T) {
	p := mustBuiltin(t, "decay")
	tests := []struct {
		cfg  Config
		opts Options
		msg  string
	}{
		{Config{}, Options{Epochs: 10}, "Options.Epochs applies to whole-domain training"},
		{Config{IC: SoftIC}, Options{}, "Config.IC soft applies to whole-domain training"},
		{Config{Derivative: FDCentral}, Options{}, "Config.Derivative fd-central applies"},
		{Config{}, Options{Method: Whole, March: MarchOptions{Goal: 1e-8}}, "Options.March applies to March"},
		{Config{}, Options{Method: "sideways"}, `unknown method "sideways"`},
		{Config{}, Options{March: MarchOptions{Points: 1}}, "1 points"},
	}
	for _, tt := range tests {
		if _, err := Fit(t.Context(), p, tt.cfg, tt.opts); err == nil || !strings.Contains(err.Error(), tt.msg) {
			t.Errorf("%+v, %+v: %v, want an error saying %q", tt.cfg, tt.opts, err, tt.msg)
		}
	}
	inverse := mustProblem(t, problems.Definition{Name: "inverse", Vars: []string{"y"}, Order: 1, RHS: []string{"-k*y"},
		Params: map[string]float64{"k": 1}, Unknown: []string{"k"}, T0: 0, T1: 2, Y0: []float64{1}, Points: 11})
	if _, err := Fit(t.Context(), inverse, Config{}, Options{Method: March}); err == nil || !strings.Contains(err.Error(), "cannot learn unknown parameters") {
		t.Errorf("marching an inverse problem: %v", err)
	}
	if got := (Options{}).WithDefaults(inverse).Method; got != Whole {
		t.Errorf("an inverse problem's default method is %s, want whole", got)
	}
}

// TestModelFormat1StillReads reads a model saved in ModelFormat before
// marching existed (pinn train oscillator --ic hard --hidden 8 --epochs 50
// --save) and checks its predictions against those pinn eval printed
// then, when evaluation ran on the TapeMachine, to compiledTol (it runs
// compiled now), and that writing it gives the same file back.
func TestModelFormat1StillReads(t *testing.T) {
	file, err := os.ReadFile("testdata/model-v1.json")
	if err != nil {
		t.Fatal(err)
	}
	m, err := ReadModel(bytes.NewReader(file))
	if err != nil {
		t.Fatal(err)
	}
	var then struct {
		T          []float64            `json:"t"`
		Solution   map[string][]float64 `json:"solution"`
		Derivative map[string][]float64 `json:"derivative"`
	}
	evalFile, err := os.ReadFile("testdata/model-v1-eval.json")
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(evalFile, &then); err != nil {
		t.Fatal(err)
	}
	now, err := m.Predict(then.T)
	if err != nil {
		t.Fatal(err)
	}
	okY, dY := closeSeries(now.Y[0], then.Solution["y"])
	okDY, dDY := closeSeries(now.DY[0], then.Derivative["y"])
	t.Logf("relative difference from the evaluation then: %.2g (values), %.2g (slopes)", dY, dDY)
	if !okY || !okDY {
		t.Errorf("predictions now %v, %v; then %v, %v", now.Y[0], now.DY[0], then.Solution["y"], then.Derivative["y"])
	}
	var buf bytes.Buffer
	if _, err := m.WriteTo(&buf); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(buf.Bytes(), file) {
		t.Errorf("written again, the file differs:\n%s", buf.String())
	}
}
