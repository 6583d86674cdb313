package experiments

import (
	"context"
	"errors"
	"fmt"
	"time"
)

// StudyOptions says how RunStudy runs a study; the zero value runs every
// run, on every core.
type StudyOptions struct {
	// Workers is how many runs go at once; 0 means runtime.GOMAXPROCS(0).
	// The numbers do not depend on it.
	Workers int
	// Shard is the slice of the runs to run; the zero value is all of them.
	Shard Shard
	// Progress, if not nil, is called once before the first run and after
	// each; calls never overlap.
	Progress func(StudyProgress)
}

// StudyProgress is how far RunStudy has come with its shard's runs.
type StudyProgress struct {
	// Runs is the number of runs in the shard, and Before how many of them
	// had finished before (their files were there).
	Runs, Before int
	// Done counts the runs finished since, Failed those of them that
	// diverged or could not run.
	Done, Failed int
	// Elapsed is the time since RunStudy started.
	Elapsed time.Duration
}

// Left is the number of the shard's runs not finished yet.
func (p StudyProgress) Left() int { return p.Runs - p.Before - p.Done }

// RunStudy runs the runs of the shard that have no result in dir yet,
// workers at a time, and writes each one's result to dir as it finishes
// (see PrepareStudyDir), so that running it again carries on where it
// stopped. A run that diverges is written, marked, and counted as failed;
// one that cannot run is not written (a rerun tries it again), and the
// first such error is returned once the others have run. Errors writing
// results stop it at once. Cancelling ctx stops the runs at the end of
// their current epoch; those are not written.
func RunStudy(ctx context.Context, s *Study, dir string, opts StudyOptions) (StudyProgress, error) {
	start := time.Now()
	if err := PrepareStudyDir(dir, s); err != nil {
		return StudyProgress{}, err
	}
	var todo []StudyRun
	prog := StudyProgress{}
	for k, run := range s.Runs() {
		if !opts.Shard.Has(k) {
			continue
		}
		prog.Runs++
		_, done, err := readRun(dir, run)
		if err != nil {
			return prog, err
		}
		if done {
			prog.Before++
		} else {
			todo = append(todo, run)
		}
	}
	report := func() {
		if opts.Progress != nil {
			prog.Elapsed = time.Since(start)
			opts.Progress(prog)
		}
	}
	report()

	setups := make([]*setup, len(s.Combinations))
	for _, run := range todo {
		i := run.Combination
		if setups[i] == nil {
			var err error
			if setups[i], err = newSetup(s.Name, s.Problem, s.Combinations[i].Settings, s.Measure); err != nil {
				return prog, err
			}
		}
	}
	stop, cancel := context.WithCancel(ctx)
	defer cancel()
	var runErr, writeErr error
	execute(stop, len(todo), opts.Workers, func(k, workers int) (SeedResult, error) {
		run := todo[k]
		return runSeed(stop, setups[run.Combination], run.Seed, workers)
	}, func(k int, r SeedResult, err error) {
		run := todo[k]
		switch {
		case errors.Is(err, context.Canceled) && stop.Err() != nil:
			return // stopped, not failed
		case err != nil:
			prog.Failed++
			if runErr == nil {
				runErr = fmt.Errorf("experiments: %s: run %s (%s, seed %d): %w", s.Name, run.ID, s.Combinations[run.Combination].Label(), run.Seed, err)
			}
		default:
			if err := writeRun(dir, s, run, &r); err != nil {
				writeErr = err
				cancel()
				return
			}
			if r.Diverged != "" {
				prog.Failed++
			}
		}
		prog.Done++
		report()
	})
	switch {
	case writeErr != nil:
		return prog, writeErr
	case ctx.Err() != nil:
		return prog, ctx.Err()
	}
	return prog, runErr
}
