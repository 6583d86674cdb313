//go:build unix

package main

import (
	"encoding/json"
	"math/rand/v2"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"syscall"
	"testing"
	"time"

	"pinn/graph"
)

// stop is a signal a test sends once a run's checkpoint has passed the
// fractions adam of its Adam epochs and lbfgs of its L-BFGS iterations.
type stop struct {
	sig         syscall.Signal
	adam, lbfgs float64
}

// checkpointEpoch returns the epoch of the checkpoint at path, or -1 while
// there is none.
func checkpointEpoch(path string) int {
	f, err := os.Open(path)
	if err != nil {
		return -1
	}
	defer f.Close()
	c, err := graph.ReadCheckpoint(f)
	if err != nil {
		return -1
	}
	return c.Epoch()
}

// results reads what a run wrote that must not depend on its having been
// stopped: loss.csv, solution.csv, trace.csv (if traced), the saved model,
// and result.json but for its times.
func results(t *testing.T, dir string) map[string]any {
	t.Helper()
	got := map[string]any{}
	for _, f := range []string{"run/loss.csv", "run/solution.csv", "m.json", "run/trace.csv"} {
		b, err := os.ReadFile(filepath.Join(dir, f))
		if err != nil && f != "run/trace.csv" {
			t.Fatal(err)
		}
		got[f] = string(b)
	}
	var r map[string]any
	b, err := os.ReadFile(filepath.Join(dir, "run", "result.json"))
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b, &r); err != nil {
		t.Fatal(err)
	}
	delete(r, "seconds")
	delete(r, "us_per_epoch")
	got["result.json"] = r
	return got
}

// TestKillAndResume runs a whole-domain run (Adam then L-BFGS, random
// points drawn afresh and refined, so that the sampler's state matters)
// and a marched run, traced: once never stopped, and once with a checkpoint every
// 20 ms, stopped twice (once in Adam and once in L-BFGS; twice on the way
// when marching) with SIGKILL or SIGTERM at a random moment after the
// checkpoint passed an epoch, and each time started again with the same
// command, which goes on from the checkpoint. The stopped run's loss.csv,
// solution.csv, saved model and result.json (but for its times) are those
// of the run never stopped, bit for bit, and nothing temporary is left.
func TestKillAndResume(t *testing.T) {
	if testing.Short() {
		t.Skip("two runs of a few seconds, twice")
	}
	rng := rand.New(rand.NewPCG(11, 0))
	for _, tt := range []struct {
		name  string
		args  []string
		stops []stop
	}{
		{"whole", []string{"train", "decay", "--hidden", "16,16", "--optimizer", "adam+lbfgs", "--epochs", "10000", "--lbfgs-iters", "20000",
			"--lbfgs-tol", "1e-16", "--sampling", "uniform", "--resample", "500", "--refine", "300", "--points", "40"},
			[]stop{{syscall.SIGKILL, 0.3, 0}, {syscall.SIGKILL, 1, 0.3}}},
		{"march", []string{"train", "lotka-volterra", "--goal", "1e-5", "--trace", "1000"},
			[]stop{{syscall.SIGTERM, 0, 0.25}, {syscall.SIGKILL, 0, 0.6}}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			outputs := []string{"--out", "run", "--save", "m.json"}
			whole := t.TempDir()
			if p := startPinn(t, whole, append(tt.args, outputs...)...); p.wait(t) != 0 {
				t.Fatalf("the run never stopped: %s", p.stderr.String())
			}
			want := results(t, whole)
			r := want["result.json"].(map[string]any)
			adam, lbfgs := r["epochs"].(float64), r["lbfgs_iterations"].(float64)
			if tt.name == "whole" && lbfgs < 2000 {
				t.Fatalf("%g L-BFGS iterations: too few to stop the run in them", lbfgs)
			}

			dir := t.TempDir()
			args := append(append(tt.args, outputs...), "--checkpoint", "run.ckpt", "--checkpoint-every", "20ms")
			ckpt := filepath.Join(dir, "run.ckpt")
			for _, stop := range tt.stops {
				p := startPinn(t, dir, args...)
				exited := make(chan int, 1)
				go func() {
					p.cmd.Wait()
					exited <- p.cmd.ProcessState.ExitCode()
				}()
				at := int(stop.adam*adam + stop.lbfgs*lbfgs)
				for start := time.Now(); checkpointEpoch(ckpt) < at; time.Sleep(2 * time.Millisecond) {
					if len(exited) > 0 || time.Since(start) > time.Minute {
						t.Fatalf("the run ended, or took a minute, before its checkpoint reached step %d: %s", at, p.stderr.String())
					}
				}
				time.Sleep(time.Duration(rng.IntN(40)) * time.Millisecond)
				p.cmd.Process.Signal(stop.sig)
				status := <-exited
				if stop.sig == syscall.SIGTERM && (status != 143 || !strings.Contains(p.stderr.String(), "; wrote run.ckpt, run and m.json")) {
					t.Errorf("after SIGTERM: status %d, stderr %q", status, p.stderr.String())
				}
				t.Logf("%v after step %d: status %d, the checkpoint at step %d", stop.sig, at, status, checkpointEpoch(ckpt))
			}
			p := startPinn(t, dir, args...)
			if status := p.wait(t); status != 0 {
				t.Fatalf("the last start: status %d, stderr %q", status, p.stderr.String())
			}
			if !strings.HasPrefix(p.stderr.String(), "pinn: going on from run.ckpt at ") {
				t.Errorf("the last start did not say it went on: %q", p.stderr.String())
			}
			got := results(t, dir)
			for k, w := range want {
				if g := got[k]; !reflect.DeepEqual(g, w) {
					t.Errorf("%s differs from the run never stopped", k)
					if s, ok := g.(string); ok {
						t.Logf("%d bytes against %d; first difference at byte %d", len(s), len(w.(string)), firstDiff(s, w.(string)))
					} else {
						t.Logf("%v\nagainst\n%v", g, w)
					}
				}
			}
			if l := leftovers(t, dir); len(l) > 0 {
				t.Errorf("left behind: %v", l)
			}
		})
	}
}

// firstDiff is the index of the first byte where a and b differ.
func firstDiff(a, b string) int {
	n := min(len(a), len(b))
	for i := range n {
		if a[i] != b[i] {
			return i
		}
	}
	return n
}
