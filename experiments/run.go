package experiments

import (
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

// setup is what every seed of one experiment shares, read-only.
type setup struct {
	e      *Experiment
	p      *problems.Problem
	ts     []float64
	ref    *problems.Solution
	scheme *SchemeResult
}

func newSetup(e *Experiment) (*setup, error) {
	if err := e.check(); err != nil {
		return nil, err
	}
	p, err := problems.Builtin(e.Problem)
	if err != nil {
		return nil, fmt.Errorf("experiments: %s: %w", e.Name, err)
	}
	n := e.Points
	if n == 0 {
		n = p.Points
	}
	s := &setup{e: e, p: p, ts: p.Grid(n)}
	if s.ref, err = p.Reference(s.ts, nil); err != nil {
		return nil, err
	}
	if e.Scheme != NoScheme {
		if s.scheme, err = solveScheme(e.Scheme, p, s.ts, s.ref); err != nil {
			return nil, fmt.Errorf("experiments: %s: %w", e.Name, err)
		}
	}
	return s, nil
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
	workers := opts.Workers
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	setups := make([]*setup, len(es))
	findings := make([]*Finding, len(es))
	type job struct{ exp, seed int }
	var jobs []job
	for i := range es {
		s, err := newSetup(&es[i])
		if err != nil {
			return nil, err
		}
		seeds := opts.Seeds
		if seeds == nil {
			seeds = SeedRange(es[i].Seeds)
		}
		if len(seeds) == 0 {
			return nil, fmt.Errorf("experiments: %s: no seeds to run", es[i].Name)
		}
		setups[i] = s
		findings[i] = &Finding{Experiment: es[i], Problem: s.p, Points: s.ts, Reference: s.ref,
			Scheme: s.scheme, Seeds: make([]SeedResult, len(seeds))}
		for j, seed := range seeds {
			findings[i].Seeds[j].Seed = seed
			jobs = append(jobs, job{i, j})
		}
	}

	errs := make([]error, len(jobs))
	next := make(chan int)
	var mu sync.Mutex // serialises Progress and guards done and failed
	done, failed := 0, false
	var wg sync.WaitGroup
	workers = min(workers, len(jobs))
	fitWorkers := max(1, runtime.GOMAXPROCS(0)/max(workers, 1))
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for k := range next {
				mu.Lock()
				skip := failed
				mu.Unlock()
				if skip {
					continue
				}
				j := jobs[k]
				r := &findings[j.exp].Seeds[j.seed]
				res, err := runSeed(setups[j.exp], r.Seed, fitWorkers)
				if err == nil {
					*r = res
				}
				mu.Lock()
				errs[k], failed = err, failed || err != nil
				done++
				if opts.Progress != nil {
					opts.Progress(done, len(jobs))
				}
				mu.Unlock()
			}
		}()
	}
	for k := range jobs {
		next <- k
	}
	close(next)
	wg.Wait()
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
