package experiments

import (
	"context"
	"fmt"
	"runtime"
	"sync"

	"pinn/problems"
)

// Options says how experiments are run; the zero value of each field means
// its default.
type Options struct {
	// Seeds lists the seeds every experiment runs with; nil means 1, 2, ...
	// up to the experiment's own Seeds.
	Seeds []uint64
	// Workers is how many runs go at once; 0 means runtime.GOMAXPROCS(0).
	// The cores are shared out between them: each run's executor works on
	// GOMAXPROCS / (runs at once) of them, at least one.
	Workers int
	// Progress, if not nil, is called after each run (one seed of one
	// experiment) with the runs done and the total; calls never overlap.
	Progress func(done, total int)
}

// SeedRange returns the seeds 1, 2, ..., n.
func SeedRange(n int) []uint64 {
	s := make([]uint64, n)
	for i := range s {
		s[i] = uint64(i + 1)
	}
	return s
}

// Run runs one experiment over its seeds; see RunAll.
func Run(e Experiment, opts Options) (*Finding, error) {
	fs, err := RunAll([]Experiment{e}, opts)
	if err != nil {
		return nil, err
	}
	return fs[0], nil
}

// RunAll runs the experiments, all their seeds sharing one pool of workers,
// and returns one finding per experiment, in order. Each run builds its own
// graph from its own seed, so the numbers do not depend on the number of
// workers or the order runs finish in. The runs at once divide the cores
// between them (graph.Options.Workers), rather than each spreading its
// executor over all of them. A run that diverges is kept and marked; any
// other failure stops everything and is returned.
func RunAll(es []Experiment, opts Options) ([]*Finding, error) {
	setups := make([]*setup, len(es))
	findings := make([]*Finding, len(es))
	type job struct{ exp, seed int }
	var jobs []job
	for i := range es {
		e := &es[i]
		if err := e.check(); err != nil {
			return nil, err
		}
		p, err := problems.Builtin(e.Problem)
		if err != nil {
			return nil, fmt.Errorf("experiments: %s: %w", e.Name, err)
		}
		s, err := newSetup(e.Name, p, e.Settings, e.Measure)
		if err != nil {
			return nil, err
		}
		seeds := opts.Seeds
		if seeds == nil {
			seeds = SeedRange(e.Seeds)
		}
		if len(seeds) == 0 {
			return nil, fmt.Errorf("experiments: %s: no seeds to run", e.Name)
		}
		setups[i] = s
		findings[i] = &Finding{Experiment: *e, Problem: p, Points: s.ts, Reference: s.ref,
			Scheme: s.scheme, Seeds: make([]SeedResult, len(seeds))}
		for j, seed := range seeds {
			findings[i].Seeds[j].Seed = seed
			jobs = append(jobs, job{i, j})
		}
	}

	errs := make([]error, len(jobs))
	// A failed run stops runs from starting; those running finish.
	skip, stop := context.WithCancel(context.Background())
	defer stop()
	done := 0
	execute(skip, len(jobs), opts.Workers, func(k, workers int) (SeedResult, error) {
		j := jobs[k]
		return runSeed(context.Background(), setups[j.exp], findings[j.exp].Seeds[j.seed].Seed, workers)
	}, func(k int, r SeedResult, err error) {
		j := jobs[k]
		if err != nil {
			errs[k] = err
			stop()
		} else {
			findings[j.exp].Seeds[j.seed] = r
		}
		done++
		if opts.Progress != nil {
			opts.Progress(done, len(jobs))
		}
	})
	for _, err := range errs {
		if err != nil {
			return nil, err // the first in job order, whichever finished first
		}
	}
	for _, f := range findings {
		f.summarise()
	}
	return findings, nil
}

// execute runs the runs 0 ... n-1, workers at a time (0 means
// runtime.GOMAXPROCS(0)), the cores shared out between them: run gets the
// number of goroutines its executor may use. finished is called after
// each run, never two at once. Once ctx is done the runs not yet started
// are not started, and finished is not called for them.
func execute(ctx context.Context, n, workers int, run func(k, workers int) (SeedResult, error), finished func(k int, r SeedResult, err error)) {
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	workers = max(min(workers, n), 1)
	fitWorkers := max(1, runtime.GOMAXPROCS(0)/workers)
	next := make(chan int)
	var mu sync.Mutex // serialises finished
	var wg sync.WaitGroup
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for k := range next {
				if ctx.Err() != nil {
					continue
				}
				r, err := run(k, fitWorkers)
				mu.Lock()
				finished(k, r, err)
				mu.Unlock()
			}
		}()
	}
	for k := range n {
		next <- k
	}
	close(next)
	wg.Wait()
}
