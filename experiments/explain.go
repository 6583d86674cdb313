package experiments

import (
	"fmt"
	"math"
	"strings"
)

// Each explain function turns a finding's numbers into a verdict (one line
// for summary tables) and an explanation (a few sentences). Every number in
// them is measured or computed from the problem, never typed in.

// explainers are the explanations a built-in study's [finding] table names.
var explainers = map[string]func(f *Finding) (verdict, explanation string){
	"original-bug":        explainOriginalBug,
	"rectify":             explainRectify,
	"relu-zero-gradients": explainReluZeroGradients,
	"relu-linear-output":  explainReluLinearOutput,
	"finite-difference":   explainFiniteDifference,
	"final-code":          explainFinalCode,
}

// stuckAt reports whether a run ended with every output exactly 0 and the
// loss exactly at want.
func stuckAt(want float64) func(r *SeedResult) bool {
	return func(r *SeedResult) bool {
		return r.Value(keyMaxAbsOutput) == 0 && r.Value(keyFinalLoss) == want
	}
}

// median formats the median of a metric with its range over the seeds.
func (f *Finding) median(key string) string {
	s := f.Stat(key)
	if s.Min == s.Max {
		return num(s.Median)
	}
	return fmt.Sprintf("%s (%s to %s)", num(s.Median), num(s.Min), num(s.Max))
}

func pct(v float64) string { return fmt.Sprintf("%.0f%%", 100*v) }

// pctRange formats the median of a fraction with its range, in percent.
func (f *Finding) pctRange(key string) string {
	s := f.Stat(key)
	if s.Min == s.Max {
		return pct(s.Median)
	}
	return fmt.Sprintf("%s (%s to %s)", pct(s.Median), pct(s.Min), pct(s.Max))
}

// ofSeeds says "3 of 10 seeds", "none of the 10 seeds" or "all 10 seeds".
func ofSeeds(k, n int) string {
	switch {
	case k == 0:
		return fmt.Sprintf("none of the %d seeds", n)
	case k == n && n > 1:
		return fmt.Sprintf("all %d seeds", n)
	}
	return fmt.Sprintf("%d of %d seeds", k, n)
}

// fraction writes p/q in lowest terms.
func fraction(p, q int) string {
	a, b := p, q
	for b != 0 {
		a, b = b, a%b
	}
	return fmt.Sprintf("%d/%d", p/a, q/a)
}

func explainMedians(f *Finding) (string, string) {
	v := fmt.Sprintf("loss %s, rel_l2 %s (medians)", num(f.Stat(keyFinalLoss).Median), num(f.Stat(keyRelL2).Median))
	return v, fmt.Sprintf("Over %d seeds the final loss is %s and rel_l2 %s.", len(f.Seeds), f.median(keyFinalLoss), f.median(keyRelL2))
}

// explainOriginalBug: with d = 1 the loss is mean((1 + y)^2) + (y(t0) - 1)^2;
// a relu output is at least 0, and at y = 0 everywhere both terms are 1.
func explainOriginalBug(f *Finding) (string, string) {
	n := len(f.Seeds)
	stuck := f.Count(stuckAt(2))
	fromStart := f.Count(func(r *SeedResult) bool { return stuckAt(2)(r) && r.Value(keyInitialLoss) == 2 })
	verdict := fmt.Sprintf("loss exactly 2 and every output 0 in %d of %d seeds", stuck, n)
	var b strings.Builder
	fmt.Fprintf(&b, "%d of %d seeds end with every output exactly 0 and the loss exactly 2, as the thread says; "+
		"%d of them are there from the first epoch. ", stuck, n, fromStart)
	if stuck < n {
		fmt.Fprintf(&b, "The other %d end elsewhere (final loss %s over all seeds). ", n-stuck, f.median(keyFinalLoss))
	}
	b.WriteString("The mistaken \"derivative\" is all ones, so the residual term is mean((1 + y)^2), which a relu " +
		"output can lower only as far as y = 0, where it is 1; the initial-condition term (y(0) - 1)^2 is then 1 too. " +
		"Once the output relu is 0 at every point every gradient is 0 and nothing moves again. The initial-condition " +
		"term cannot pull y(0) up either: with zero biases every unit sits exactly at 0 at t = 0, where relu's " +
		"derivative is 0.")
	return verdict, b.String()
}

// explainRectify: Rectify's derivative at 0 is 1, so the initial-condition
// term reaches the weights through t = 0. A relu output that is a at t0 and
// 0 at the other n-1 points has loss (1 + a)^2/n + (n - 1)/n + (a - 1)^2,
// smallest at a = (n - 1)/(n + 1), where it is 4/(n + 1) + (n - 1)/n, which
// is (n^2 + 4n - 1)/(n(n + 1)).
func explainRectify(f *Finding) (string, string) {
	n, m := len(f.Seeds), len(f.Points)
	pts := float64(m)
	a := (pts - 1) / (pts + 1)
	best := 4/(pts+1) + (pts-1)/pts
	reached := func(r *SeedResult) bool { return math.Abs(r.Value(keyFinalLoss)-best) < 1e-3 }
	atBest := f.Count(reached)
	var y0 []float64
	for i := range f.Seeds {
		if reached(&f.Seeds[i]) {
			y0 = append(y0, f.Seeds[i].Value(keyYAtT0))
		}
	}
	stuck := f.Count(stuckAt(2))
	verdict := fmt.Sprintf("loss %s = %.4g with y(0) = %s, the best a relu output can do, in %d of %d seeds; exactly 2 in %d",
		fraction(m*m+4*m-1, m*(m+1)), best, fraction(m-1, m+1), atBest, n, stuck)
	var b strings.Builder
	fmt.Fprintf(&b, "Gorgonia's Rectify has derivative 1 at 0 where Flux's relu has 0. With zero biases every unit "+
		"sits exactly at 0 at t = 0, so the initial-condition term now sends gradient through it: %s end "+
		"within 1e-3 of loss %.4g", ofSeeds(atBest, n), best)
	if len(y0) > 0 {
		y := summarise(keyYAtT0, y0)
		fmt.Fprintf(&b, ", with y(0) from %s to %s", num(y.Min), num(y.Max))
	}
	fmt.Fprintf(&b, " and y = 0 at the other %d points. ", m-1)
	fmt.Fprintf(&b, "With the all-ones \"derivative\" that is the best any relu output can do: y = a at t = 0 and 0 "+
		"elsewhere gives loss (1 + a)^2/%d + %d/%d + (a - 1)^2, smallest at a = %s = %.4g, where it is "+
		"4/%d + %d/%d = %s = %.4g. It is no solution of dy/dt = -y: rel_l2 %s. ",
		m, m-1, m, fraction(m-1, m+1), a, m+1, m-1, m, fraction(m*m+4*m-1, m*(m+1)), best, f.median(keyRelL2))
	fmt.Fprintf(&b, "%d seeds lose the output relu at every point first and stay at exactly 2, as with Flux's relu.", stuck)
	return verdict, b.String()
}

// explainReluZeroGradients: y = 0 solves dy/dt = -y, so a dead relu output
// leaves only the initial-condition misfit (0 - 1)^2 = 1.
func explainReluZeroGradients(f *Finding) (string, string) {
	n := len(f.Seeds)
	allZeroEnd := f.Count(func(r *SeedResult) bool { return r.Value(keyZeroGradFinal) == 1 })
	allZeroStart := f.Count(func(r *SeedResult) bool { return r.Value(keyZeroGradInit) == 1 })
	verdict := fmt.Sprintf("every gradient exactly 0 after training in %d of %d seeds (loss %s, rel_l2 %s)",
		allZeroEnd, n, num(f.Stat(keyFinalLoss).Median), num(f.Stat(keyRelL2).Median))
	var b strings.Builder
	fmt.Fprintf(&b, "The thread's claim holds. At the initial weights %s of the parameter gradients are "+
		"exactly 0 and %s of the hidden units are dead (0 at all %d points: with zero biases and t >= 0, a "+
		"first-layer unit with a negative weight never switches on); in %d of %d seeds the output relu is already "+
		"0 everywhere, so every gradient is 0 from the start. ",
		f.pctRange(keyZeroGradInit), f.pctRange(keyDeadInit), len(f.Points), allZeroStart, n)
	fmt.Fprintf(&b, "After training %d of %d seeds have every gradient exactly 0 and %d every output 0. y = 0 solves "+
		"dy/dt = -y exactly, so the residual vanishes and the loss is the initial-condition misfit (0 - 1)^2 = 1 "+
		"(final loss %s, rel_l2 %s).", allZeroEnd, n, f.ZeroOutputSeeds, f.median(keyFinalLoss), f.median(keyRelL2))
	return verdict, b.String()
}

// explainReluLinearOutput: the same network without the output relu.
func explainReluLinearOutput(f *Finding) (string, string) {
	verdict := fmt.Sprintf("trains to rel_l2 %.3g, yet %s of its gradients are exactly 0 (medians)",
		f.Stat(keyRelL2).Median, pct(f.Stat(keyZeroGradFinal).Median))
	return verdict, fmt.Sprintf("Without the relu on its output the same network does train: rel_l2 %s and final "+
		"loss %s. Still, after training %s of its parameter gradients are exactly 0 and %s of its hidden "+
		"units are dead, so relu's zero gradients cost it most of its capacity; it is the output relu that stops "+
		"training altogether. A relu network is piecewise linear, so its dy/dt is piecewise constant, and the "+
		"equation's -y is matched only on average.",
		f.median(keyRelL2), f.median(keyFinalLoss), f.pctRange(keyZeroGradFinal), f.pctRange(keyDeadFinal))
}

// explainFiniteDifference: the loss is zero exactly on the backward Euler
// solution, whose own distance from the exact solution is the floor.
func explainFiniteDifference(f *Finding) (string, string) {
	if f.Scheme == nil {
		return explainMedians(f)
	}
	n := len(f.Seeds)
	sc := f.Scheme
	h := f.Points[1] - f.Points[0]
	last := len(f.Points) - 1
	closer := f.Count(func(r *SeedResult) bool { return r.Value(keySchemeRelL2) < r.Value(keyRelL2) })
	verdict := fmt.Sprintf("rel_l2 %.3g from the exact solution, %.3g from backward Euler (medians); closer to backward Euler in %d of %d seeds",
		f.Stat(keyRelL2).Median, f.Stat(keySchemeRelL2).Median, closer, n)
	var b strings.Builder
	fmt.Fprintf(&b, "The finite-difference loss is 0 exactly when y(t0) = y0 and (y_k - y_{k-1})/%.3g = f(t_k, y_k) "+
		"at every point: backward (implicit) Euler with step %.3g", h, h)
	if r, ok := constantRatio(sc.Y); ok {
		fmt.Fprintf(&b, ", here y_k = %.4g y_{k-1} = y_{k-1}/%.4g,", r, 1/r)
	}
	fmt.Fprintf(&b, " which ends at %.4g instead of the exact %.4g (rel_l2 %.3g between the two). A network that "+
		"drives this loss to 0 converges to backward Euler, not to the exact solution. ",
		sc.Y[last], f.Reference.Y[0][last], sc.RelL2)
	fmt.Fprintf(&b, "After %d epochs at lr %g the loss is %s; the network is %s from the exact solution and %s "+
		"from backward Euler (rel_l2), closer to backward Euler in %s.",
		f.Experiment.Epochs(), f.Experiment.LearningRate(), f.median(keyFinalLoss), f.median(keyRelL2), f.median(keySchemeRelL2), ofSeeds(closer, n))
	if f.Experiment.Config().OutputActivation == "tanh" {
		b.WriteString(" With tanh on the output, y(t0) = 1 needs an infinitely large pre-activation, so the " +
			"loss falls slowly and the network has not yet reached either; finite-difference-fix-linear-output " +
			"is the same run with a linear output.")
	}
	return verdict, b.String()
}

// explainFinalCode compares the checkpoint at epoch 10 with the end.
func explainFinalCode(f *Finding) (string, string) {
	e := &f.Experiment
	if len(e.Checkpoints) == 0 {
		return explainMedians(f)
	}
	k := e.Checkpoints[0]
	lossK, relK := checkpointLoss(k), checkpointRelL2(k)
	verdict := fmt.Sprintf("epoch %d: loss %.3g, rel_l2 %.3g; epoch %d: loss %.3g, rel_l2 %.3g (medians)", k,
		f.Stat(lossK).Median, f.Stat(relK).Median, e.Epochs(), f.Stat(keyFinalLoss).Median, f.Stat(keyRelL2).Median)
	var b strings.Builder
	good := f.Count(func(r *SeedResult) bool { return r.Value(relK) < 0.1 })
	fmt.Fprintf(&b, "After %d epochs of Adam at %g the loss is %s and rel_l2 %s: ", k, e.LearningRate(), f.median(lossK), f.median(relK))
	if good == len(f.Seeds) {
		fmt.Fprintf(&b, "every seed is within 10%% of the exact solution, as the thread says. ")
	} else {
		fmt.Fprintf(&b, "%s within 10%% of the exact solution, so \"fantastic results in %d epochs\" is not what "+
			"these seeds give (the thread's own Flux weights cannot be reproduced). ", ofSeeds(good, len(f.Seeds))+" are", k)
	}
	ref := f.Reference.Y[0]
	fmt.Fprintf(&b, "After %d epochs the loss is %s and rel_l2 %s, with max |y - exact| %s. The relative error "+
		"stays large because the %s solution falls from %.3g to %.2g across the domain, so a small absolute error "+
		"near the right end is large against the solution there.",
		e.Epochs(), f.median(keyFinalLoss), f.median(keyRelL2), f.median(keyMaxAbsErr), exactName(f.Problem), ref[0], ref[len(ref)-1])
	return verdict, b.String()
}

// constantRatio returns r if y_k = r y_{k-1} at every step (to 1e-12).
func constantRatio(y []float64) (float64, bool) {
	r := y[1] / y[0]
	for k := 2; k < len(y); k++ {
		if math.Abs(y[k]/y[k-1]-r) > 1e-12 {
			return 0, false
		}
	}
	return r, true
}
