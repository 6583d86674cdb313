package graph_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"strings"
	"testing"

	"pinn/graph"
	"pinn/problems"
)

// fuzzRun is a run the checkpoints of FuzzReadCheckpoint are of.
type fuzzRun struct {
	p    *problems.Problem
	cfg  graph.Config
	opts graph.Options
}

// fuzzRuns returns a whole-domain run (Adam then L-BFGS, random points
// drawn again and refined) and a marched one, small enough to resume a few
// steps of thousands of times a second.
func fuzzRuns(f *testing.F) []fuzzRun {
	decay, err := problems.Builtin("decay")
	if err != nil {
		f.Fatal(err)
	}
	small := graph.Config{Architecture: graph.Architecture{Hidden: []int{3}}}
	return []fuzzRun{
		{decay, small, graph.Options{Method: graph.Whole, Seed: 1, Points: 8, Optimizer: graph.AdamThenLBFGS, Epochs: 10,
			LBFGSIterations: 20, Sampling: problems.SampleUniform, ResampleEvery: 4, RefineEvery: 3}},
		{decay, small, graph.Options{Method: graph.March, Seed: 1, March: graph.MarchOptions{Points: 4, Iterations: 20, Goal: 1e-3}}},
	}
}

// withHeader returns body behind the header line that makes it a
// checkpoint file that passes the checksum.
func withHeader(body []byte) []byte {
	return append(fmt.Appendf(nil, "%s %d %x\n", graph.CheckpointFormat, len(body), sha256.Sum256(body)), body...)
}

// FuzzReadCheckpoint checks, for any file, that ReadCheckpoint (what pinn
// --resume reads) does not panic and refuses with a one-line error wrapping
// graph.ErrCheckpoint, and that a checkpoint it reads is either refused by
// Check, in one line, or resumes a few steps of the run it fits without a
// panic. With body set, the input is the part after the header line and
// gets a header that matches it, so that the fuzzer reaches the decoder
// and the checks of the state past the checksum. Seeds are checkpoints of
// the two fuzzRuns, stopped in Adam, in L-BFGS and in a march, whole and
// as bodies, in testdata/fuzz/FuzzReadCheckpoint and here. An input that
// resumes a run takes milliseconds, so minimizing the new ones the fuzzer
// finds for the default minute stalls it: run it as
//
//	go test ./graph -run '^$' -fuzz FuzzReadCheckpoint -fuzztime 3m -fuzzminimizetime 2s
func FuzzReadCheckpoint(f *testing.F) {
	runs := fuzzRuns(f)
	for _, seed := range []struct {
		run, at int
	}{{0, 5}, {0, 17}, {1, 12}} {
		r := runs[seed.run]
		var file bytes.Buffer
		opts := r.opts
		opts.Progress = func(epoch int, _ float64) error {
			if epoch == seed.at {
				return errors.New("stop")
			}
			return nil
		}
		opts.Checkpoint = func(c *graph.Checkpoint) error {
			_, err := c.WriteTo(&file)
			return err
		}
		if _, err := graph.Fit(context.Background(), r.p, r.cfg, opts); err == nil || file.Len() == 0 {
			f.Fatalf("run %d was not stopped at step %d with a checkpoint: %v", seed.run, seed.at, err)
		}
		f.Add(file.Bytes(), false)
		_, body, _ := bytes.Cut(file.Bytes(), []byte("\n"))
		f.Add(body, true)
	}
	f.Fuzz(func(t *testing.T, data []byte, body bool) {
		if body {
			data = withHeader(data)
		}
		c, err := graph.ReadCheckpoint(bytes.NewReader(data))
		if err != nil {
			if strings.Contains(err.Error(), "\n") || !errors.Is(err, graph.ErrCheckpoint) {
				t.Fatalf("error on more than one line, or not ErrCheckpoint: %q", err)
			}
			return
		}
		for _, r := range runs {
			if err := c.Check(r.p, r.cfg, r.opts); err != nil {
				if strings.Contains(err.Error(), "\n") {
					t.Fatalf("error on more than one line: %q", err)
				}
				continue
			}
			opts := r.opts
			opts.Resume = c
			steps := 0
			opts.Progress = func(int, float64) error {
				if steps++; steps == 3 {
					return errors.New("enough")
				}
				return nil
			}
			graph.Fit(context.Background(), r.p, r.cfg, opts) // any error: no panic is the test
		}
	})
}
