package experiments

import (
	"encoding/json"
	"math"
	"testing"

	"pinn/graph"
)

// TestCompare trains forum-final briefly with every mode and checks what the
// comparison is for: symbolic and forward agree, and the step study shows
// truncation error falling like h (forward) and h^2 (central) until
// round-off takes over.
func TestCompare(t *testing.T) {
	c, err := LookupComparison("derivatives-forum-final")
	if err != nil {
		t.Fatal(err)
	}
	c.Settings.Options.Epochs = 200
	r, err := Compare(c, nil)
	if err != nil {
		t.Fatal(err)
	}
	var modes []string
	for _, f := range r.Modes {
		d, h := r.Mode(f)
		modes = append(modes, string(d))
		if d == graph.FDCentral && h == 0 {
			t.Error("fd-central mode without a step")
		}
		if f.Seeds[0].PerEpoch <= 0 {
			t.Errorf("%s: no time per epoch", f.Experiment.Name)
		}
	}
	// symbolic, forward, fd-forward, then fd-central at 0.1 ... 1e-4 and 6e-6.
	if len(modes) != 8 || modes[0] != "symbolic" || modes[1] != "forward" || modes[2] != "fd-forward" || modes[7] != "fd-central" {
		t.Fatalf("modes %v", modes)
	}
	sym, fwd := r.Modes[0].Seeds[0].Value(keyFinalLoss), r.Modes[1].Seeds[0].Value(keyFinalLoss)
	// 1e-9: the same derivative two ways differs by rounding only (measured
	// 3e-14 relative after 2000 epochs).
	if math.Abs(sym-fwd) > 1e-9*sym {
		t.Errorf("symbolic loss %.17g, forward %.17g", sym, fwd)
	}
	step := func(h float64) StepError {
		for _, s := range r.Steps {
			if s.H == h {
				return s
			}
		}
		t.Fatalf("no step %g", h)
		return StepError{}
	}
	// Truncation: from h = 1e-2 to 1e-3 the error falls 10x (forward) and
	// 100x (central); 20% allows the next term of the Taylor series.
	if ratio := step(1e-2).Forward / step(1e-3).Forward; math.Abs(ratio-10) > 2 {
		t.Errorf("forward error falls %.3gx from h = 1e-2 to 1e-3, want about 10", ratio)
	}
	if ratio := step(1e-2).Central / step(1e-3).Central; math.Abs(ratio-100) > 20 {
		t.Errorf("central error falls %.3gx from h = 1e-2 to 1e-3, want about 100", ratio)
	}
	// The best steps sit near sqrt(eps) = 1.5e-8 and cbrt(eps) = 6e-6 (a
	// decade either way), and round-off makes h = 1e-12 far worse.
	fw, ce := r.Steps[r.BestForward], r.Steps[r.BestCentral]
	if fw.H < 1e-9 || fw.H > 1e-7 || ce.H < 1e-6 || ce.H > 1e-4 {
		t.Errorf("best steps %g (forward), %g (central)", fw.H, ce.H)
	}
	if last := r.Steps[len(r.Steps)-1]; last.Forward < 1e3*fw.Forward || last.Central < 1e3*ce.Central {
		t.Errorf("at h = 1e-12 the errors %g, %g are not far above the best %g, %g", last.Forward, last.Central, fw.Forward, ce.Forward)
	}
	b, err := json.Marshal(r)
	if err != nil {
		t.Fatal(err)
	}
	var got map[string]any
	if err := json.Unmarshal(b, &got); err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"problem", "modes", "steps", "best_forward_h", "best_central_h", "explanation"} {
		if got[k] == nil {
			t.Errorf("JSON lacks %s", k)
		}
	}
}
