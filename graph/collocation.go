package graph

import (
	"cmp"
	"slices"

	"pinn/problems"
)

// collocation manages the collocation points of a Fit: drawing them,
// drawing them again, refining them where the residual is largest, and
// restricting them to the current time window when marching.
type collocation struct {
	p       *problems.Problem
	opts    Options
	sampler *problems.Sampler
	points  []float64 // all points, ascending
	end     float64   // the window is [T0, end]
}

// stageEnd is the end of stage s's window.
func (c *collocation) stageEnd(s int) float64 {
	if s == c.opts.Stages {
		return c.p.T1
	}
	return c.p.T0 + (c.p.T1-c.p.T0)*float64(s)/float64(c.opts.Stages)
}

// inWindow returns the points in the current window, at least two.
func (c *collocation) inWindow() []float64 {
	n, _ := slices.BinarySearch(c.points, c.end)
	if n < len(c.points) && c.points[n] == c.end {
		n++
	}
	return c.points[:max(n, min(2, len(c.points)))]
}

// adam runs Adam from epoch done to epoch epochs of the stage,
// resampling and refining the points every so many epochs of it (at
// epochs done included, where a run resumed at the end of a chunk of
// epochs has not yet moved them); progress is the Trainer's.
func (c *collocation) adam(tr *Trainer, done, epochs int, progress func(epoch int, loss float64) error) error {
	for done < epochs {
		if done > 0 {
			if err := c.move(tr, done); err != nil {
				return err
			}
		}
		n := epochs - done
		for _, every := range []int{c.opts.ResampleEvery, c.opts.RefineEvery} {
			if every > 0 {
				n = min(n, every-done%every)
			}
		}
		if err := tr.Adam(n, progress); err != nil {
			return err
		}
		done += n
	}
	return nil
}

// move draws fresh points and adds refined ones where the stage's Adam
// epoch done calls for it.
func (c *collocation) move(tr *Trainer, done int) error {
	points := c.points
	if c.opts.ResampleEvery > 0 && done%c.opts.ResampleEvery == 0 {
		points = c.sampler.Points(c.opts.Points)
	}
	if c.opts.RefineEvery > 0 && done%c.opts.RefineEvery == 0 {
		worst, err := c.worst(tr, points)
		if err != nil {
			return err
		}
		points = slices.Compact(slices.Sorted(slices.Values(append(slices.Clone(points), worst...))))
	}
	if slices.Equal(points, c.points) {
		return nil
	}
	c.points = points
	return tr.SetPoints(c.inWindow())
}

// worst returns the RefinePoints points of largest squared residual (summed
// over the variables) among about 10 x Points candidates in the window that
// are not collocation points yet. The candidates are fresh with every call
// (see problems.Sampler.Fresh), so refinement never runs out of them; when
// none is new, worst returns none.
func (c *collocation) worst(tr *Trainer, current []float64) ([]float64, error) {
	candidates := slices.DeleteFunc(c.sampler.Fresh(10*c.opts.Points, c.p.T0, c.end), func(t float64) bool {
		_, found := slices.BinarySearch(current, t)
		return found
	})
	if len(candidates) == 0 {
		return nil, nil
	}
	r, err := tr.Model().Residuals(candidates)
	if err != nil {
		return nil, err
	}
	score := make([]float64, len(candidates))
	for _, ri := range r {
		for k, v := range ri {
			score[k] += v * v
		}
	}
	order := make([]int, len(candidates))
	for k := range order {
		order[k] = k
	}
	slices.SortStableFunc(order, func(a, b int) int { return cmp.Compare(score[b], score[a]) })
	worst := make([]float64, min(c.opts.RefinePoints, len(order)))
	for k := range worst {
		worst[k] = candidates[order[k]]
	}
	return worst, nil
}
