package graph

import (
	"context"
	"errors"
	"slices"
	"testing"

	"pinn/problems"
)

// lossOf returns the loss a model's weights give on the collocation points
// of res, evaluated afresh.
func lossOf(t *testing.T, res *Result) float64 {
	t.Helper()
	tr, err := NewTrainer(res.Model.problem, res.Model.net, res.Config, res.Points, Options{Observations: res.Options.Observations})
	if err != nil {
		t.Fatal(err)
	}
	l, _, err := tr.LossAndGradient()
	if err != nil {
		t.Fatal(err)
	}
	return l
}

// checkStopped checks a Fit stopped after epoch stop: the loss history ends
// there, and the model holds the weights of its lowest loss (exactly: the
// same arithmetic on the same weights and points).
func checkStopped(t *testing.T, res *Result, stop int) {
	t.Helper()
	if res == nil || res.Model == nil {
		t.Fatal("stopped Fit returned no model")
	}
	if len(res.Loss) != stop+1 {
		t.Fatalf("%d losses after stopping at epoch %d, want %d", len(res.Loss), stop, stop+1)
	}
	if got, want := lossOf(t, res), slices.Min(res.Loss); got != want {
		t.Errorf("the model's weights give loss %v, the lowest recorded is %v", got, want)
	}
}

// TestCancelStops cancels the context from the progress callback at epoch
// 15: training stops there, in Adam or in L-BFGS, with the model of the
// lowest loss. On decay with Adam at 0.01 the loss is lowest at epoch 11
// (0.0582, then rising to 0.154 at epoch 14), so the model is not the last
// epoch's; L-BFGS only lowers the loss, so there it is.
func TestCancelStops(t *testing.T) {
	p, err := problems.Builtin("decay")
	if err != nil {
		t.Fatal(err)
	}
	const stop = 15
	for _, tt := range []struct {
		name       string
		cfg        Config
		opts       Options
		adamEpochs int
	}{
		{"adam", Config{}, Options{Method: Whole, Seed: 1, Epochs: 50}, stop},
		{"lbfgs", Config{IC: HardIC}, Options{Method: Whole, Seed: 2, Epochs: 10, Optimizer: AdamThenLBFGS}, 10},
	} {
		t.Run(tt.name, func(t *testing.T) {
			ctx, cancel := context.WithCancel(t.Context())
			defer cancel()
			tt.opts.Progress = func(epoch int, _ float64) error {
				if epoch == stop {
					cancel()
				}
				return nil
			}
			res, err := Fit(ctx, p, tt.cfg, tt.opts)
			if !errors.Is(err, context.Canceled) {
				t.Fatalf("err = %v, want one wrapping context.Canceled", err)
			}
			checkStopped(t, res, stop)
			if res.AdamEpochs != tt.adamEpochs {
				t.Errorf("%d Adam epochs, want %d", res.AdamEpochs, tt.adamEpochs)
			}
			best := slices.Index(res.Loss, slices.Min(res.Loss))
			if tt.name == "adam" && best == stop {
				t.Errorf("the lowest loss is at the last epoch, %d: the test no longer tells the best weights from the last", best)
			}
		})
	}
}

// TestProgressErrorStops stops training by returning an error from the
// progress callback: Fit returns it wrapped, with the best model so far.
func TestProgressErrorStops(t *testing.T) {
	p, err := problems.Builtin("decay")
	if err != nil {
		t.Fatal(err)
	}
	errEnough := errors.New("enough")
	const stop = 12
	res, err := Fit(t.Context(), p, Config{}, Options{Method: Whole, Seed: 1, Epochs: 50, Progress: func(epoch int, _ float64) error {
		if epoch == stop {
			return errEnough
		}
		return nil
	}})
	if !errors.Is(err, errEnough) {
		t.Fatalf("err = %v, want one wrapping %v", err, errEnough)
	}
	checkStopped(t, res, stop)
}

// TestCancelledBeforeFit gives Fit a context already cancelled: nothing is
// trained.
func TestCancelledBeforeFit(t *testing.T) {
	p, err := problems.Builtin("decay")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	res, err := Fit(ctx, p, Config{}, Options{Method: Whole, Seed: 1, Epochs: 50})
	if !errors.Is(err, context.Canceled) || res != nil {
		t.Errorf("Fit = %v, %v; want no result and an error wrapping context.Canceled", res, err)
	}
}
