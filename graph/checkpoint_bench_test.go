package graph

import (
	"errors"
	"os"
	"path/filepath"
	"testing"
	"time"

	"pinn/problems"
)

// BenchmarkCheckpoint measures the cost of a checkpoint, what Fit pays
// every Options.CheckpointEvery: taking the run's state and writing it
// whole to a file (a temporary file renamed into place, as pinn's
// report.WriteFile does), and its size. The runs are stopped part way: at
// 10000 points x 64 x 3 layers on forum-final, in Adam at epoch 100 and in
// L-BFGS at epoch 250 (with its 15 pairs of steps), and Lotka-Volterra
// marched with the defaults, at L-BFGS iteration 10000 (of about 35000).
//
//	go test ./graph -run '^$' -bench Checkpoint$ -benchtime 20x -count 6
func BenchmarkCheckpoint(b *testing.B) {
	forum, err := problems.Builtin("forum-final")
	if err != nil {
		b.Fatal(err)
	}
	lv, err := problems.Builtin("lotka-volterra")
	if err != nil {
		b.Fatal(err)
	}
	big := Config{Architecture: Architecture{Hidden: []int{64, 64, 64}}}
	bigOpts := Options{Method: Whole, Seed: 1, Points: 10000, Optimizer: AdamThenLBFGS, Epochs: 100, LBFGSIterations: 1000}
	for _, bb := range []struct {
		name string
		p    *problems.Problem
		cfg  Config
		opts Options
		at   int
	}{
		{"whole/size=10000x64x3/adam", forum, big, bigOpts, 100},
		{"whole/size=10000x64x3/lbfgs", forum, big, bigOpts, 250},
		{"march/lotka-volterra", lv, Config{}, Options{Method: March, Seed: 1}, 10000},
	} {
		b.Run(bb.name, func(b *testing.B) {
			cfg, opts, err := resolve(bb.p, bb.cfg, bb.opts)
			if err != nil {
				b.Fatal(err)
			}
			// The run, stopped and put in the checkpoint's state, takes
			// it again as Fit does.
			take := restoredRun(b, bb.p, cfg, opts, stoppedAt(b, bb.p, bb.cfg, bb.opts, bb.at, nil))
			path := filepath.Join(b.TempDir(), "run.ckpt")
			var size int64
			for b.Loop() {
				f, err := os.CreateTemp(filepath.Dir(path), ".run.ckpt.*.tmp")
				if err != nil {
					b.Fatal(err)
				}
				if size, err = take().WriteTo(f); err != nil {
					b.Fatal(err)
				}
				if err := f.Close(); err != nil {
					b.Fatal(err)
				}
				if err := os.Rename(f.Name(), path); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(size)/(1<<20), "MiB")
			b.ReportMetric(float64(b.Elapsed().Milliseconds())/float64(b.N), "ms/checkpoint")
		})
	}
}

// BenchmarkCheckpointOverhead measures what keeping checkpoints costs an
// epoch when none is due (the clock read that says so), side by side with
// a run that keeps none: 20000 Adam epochs of decay with a 4-unit network,
// whose epochs are the shortest there are. Run the two in turn, so that
// a machine's changing load falls on both alike:
//
//	go test -c -o graph.test ./graph
//	for i in 1 2 3 4 5 6 7 8; do for on in off on; do
//		./graph.test -test.run '^$' -test.bench CheckpointOverhead/checkpoints=$on
//	done; done
func BenchmarkCheckpointOverhead(b *testing.B) {
	p, err := problems.Builtin("decay")
	if err != nil {
		b.Fatal(err)
	}
	const epochs = 20000
	for _, on := range []bool{false, true} {
		name := "checkpoints=off"
		if on {
			name = "checkpoints=on"
		}
		b.Run(name, func(b *testing.B) {
			opts := Options{Method: Whole, Seed: 1, Epochs: epochs, Workers: 1}
			if on {
				opts.Checkpoint = func(*Checkpoint) error { return errors.New("a checkpoint was due") }
				opts.CheckpointEvery = time.Hour
			}
			for b.Loop() {
				if _, err := Fit(b.Context(), p, Config{Architecture: Architecture{Hidden: []int{4}}}, opts); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*epochs), "ns/epoch")
		})
	}
}
