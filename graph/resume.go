package graph

import (
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"

	"pinn/problems"
)

// The states a checkpoint holds, and how a run is put in one. Each is in
// exported fields for the checkpoint's encoding; check says what keeps a
// decoded one from fitting the run (its lengths and counts: a checkpoint
// that passes runs without a panic, whatever its numbers), restore puts the
// run in it.

// wholeState is a whole-domain run between two steps (see wholeRun).
type wholeState struct {
	Stage int
	// Points are all the collocation points, ascending.
	Points []float64
	// Source is the random source's state (rand.PCG's MarshalBinary),
	// Sampler the sampler's.
	Source  []byte
	Sampler problems.SamplerState
	Trainer *trainerState
	// Seconds and AdamSeconds are the training time so far and that of
	// the Adam epochs.
	Seconds, AdamSeconds float64
	// Corrections is the correction phase, once the stages are done.
	Corrections *correctionState
}

// correctionState is a correction phase (see correcting): Source is its
// random source's state, Scale the output scale of the correction in
// training, whose trainer is Trainer.
type correctionState struct {
	Source  []byte
	Kept    []ScaledNetwork
	Loss    float64
	History []float64
	Scale   float64
	Trainer *trainerState
}

// state returns the run's state.
func (r *wholeRun) state() *wholeState {
	src, _ := r.src.MarshalBinary() // a PCG's never fails
	s := &wholeState{Stage: r.stage, Points: slices.Clone(r.c.points), Source: src, Sampler: r.c.sampler.State(),
		Trainer: r.tr.state(), Seconds: r.elapsed(), AdamSeconds: r.adamSeconds}
	if k := r.corr; k != nil {
		src, _ := k.src.MarshalBinary()
		s.Corrections = &correctionState{Source: src, Kept: cloneNetworks(k.kept), Loss: k.loss, History: slices.Clone(k.history)}
		if k.tr != nil {
			s.Corrections.Scale, s.Corrections.Trainer = k.tr.cfg.outputScale, k.tr.state()
		}
	}
	return s
}

// cloneNetworks returns deep copies of ns.
func cloneNetworks(ns []ScaledNetwork) []ScaledNetwork {
	c := make([]ScaledNetwork, len(ns))
	for i, sn := range ns {
		c[i] = ScaledNetwork{Scale: sn.Scale, Network: sn.Network.Clone()}
	}
	return c
}

// check reports what keeps s from being a state of a whole-domain run of
// p with cfg and opts.
func (s *wholeState) check(p *problems.Problem, cfg Config, opts Options) error {
	if s == nil {
		return errors.New("it is of a marched run")
	}
	if s.Stage < 1 || s.Stage > opts.Stages {
		return fmt.Errorf("stage %d of %d", s.Stage, opts.Stages)
	}
	if len(s.Points) < 2 || !slices.IsSorted(s.Points) || !(s.Points[0] >= p.T0 && s.Points[len(s.Points)-1] <= p.T1) {
		return fmt.Errorf("%d collocation points, which must be at least 2, ascending, in [%g, %g]", len(s.Points), p.T0, p.T1)
	}
	if s.Trainer == nil {
		return errors.New("no trainer")
	}
	net, err := NewNetwork(cfg.Architecture, len(p.Vars), NewRand(0))
	if err != nil {
		return err
	}
	if err := s.Trainer.check(net.NumParams() + len(p.Unknown)); err != nil {
		return err
	}
	done := stageDone(s.Trainer.AdamSteps, opts.Epochs, s.Stage, opts.Stages)
	if epochs := share(opts.Epochs, s.Stage, opts.Stages); done < 0 || done > epochs || s.Trainer.LBFGS != nil && done < epochs {
		return fmt.Errorf("%d Adam epochs of stage %d's %d done, with L-BFGS under way: %t", done, s.Stage, epochs, s.Trainer.LBFGS != nil)
	}
	if c := s.Corrections; c != nil {
		switch {
		case s.Stage != opts.Stages || s.Trainer.LBFGS != nil:
			return fmt.Errorf("corrections in stage %d of %d, or with the first network's L-BFGS under way", s.Stage, opts.Stages)
		case len(c.Kept) > opts.Corrections || c.Trainer != nil && len(c.Kept) == opts.Corrections:
			return fmt.Errorf("%d corrections kept of at most %d, one more in training: %t", len(c.Kept), opts.Corrections, c.Trainer != nil)
		case c.Trainer != nil && (c.Scale == 0 || math.IsNaN(c.Scale) || math.IsInf(c.Scale, 0)):
			return fmt.Errorf("a correction in training with output scale %g", c.Scale)
		}
		if err := checkNetworks(p, c.Kept); err != nil {
			return fmt.Errorf("the corrections kept: %w", err)
		}
		if c.Trainer != nil {
			return c.Trainer.check(net.NumParams())
		}
	}
	return nil
}

// restore puts the run, fresh, in state s, which has passed check.
func (r *wholeRun) restore(s *wholeState) error {
	if err := r.src.UnmarshalBinary(s.Source); err != nil {
		return fmt.Errorf("%w: the random source: %w", ErrCheckpoint, err)
	}
	r.c.sampler.SetState(s.Sampler)
	r.stage, r.c.points = s.Stage, slices.Clone(s.Points)
	r.c.end = r.c.stageEnd(r.stage)
	if err := r.tr.SetPoints(r.c.inWindow()); err != nil {
		return err
	}
	r.tr.setState(s.Trainer)
	r.seconds, r.adamSeconds = s.Seconds, s.AdamSeconds
	c := s.Corrections
	if c == nil {
		return nil
	}
	src := newSource(0)
	if err := src.UnmarshalBinary(c.Source); err != nil {
		return fmt.Errorf("%w: the corrections' random source: %w", ErrCheckpoint, err)
	}
	r.corr = &correcting{src: src, rng: rand.New(src), kept: cloneNetworks(c.Kept), loss: c.Loss, history: slices.Clone(c.History)}
	if c.Trainer == nil {
		return nil
	}
	// The network's weights are the trainer's: draw them from a source of
	// their own, which leaves the corrections' where the checkpoint put it.
	net, err := NewNetwork(r.cfg.Architecture, len(r.p.Vars), NewRand(0))
	if err != nil {
		return err
	}
	if r.corr.tr, err = r.correctionTrainer(r.corrected(), net, c.Scale); err != nil {
		return err
	}
	r.corr.tr.setState(c.Trainer)
	return nil
}

// marchState is a marched run between two L-BFGS iterations (see marcher).
type marchState struct {
	Windows    []Window
	Attempts   []Attempt
	Loss       []float64
	T, H       float64
	Y, DY      []float64
	Scales     scalesState
	FirstTry   bool
	Halvings   int
	Best       *attemptState
	Iterations int
	// Source is the random source's state (rand.PCG's MarshalBinary).
	Source []byte
	// Current is the attempt under way.
	Current *attemptState
	Seconds float64
}

// scalesState is a scales.
type scalesState struct{ Y, DY, Rate float64 }

func (s scales) saved() scalesState    { return scalesState{Y: s.y, DY: s.dy, Rate: s.rate} }
func (s scalesState) restored() scales { return scales{y: s.Y, dy: s.DY, rate: s.Rate} }

// attemptState is an attempt: under way (an attemptRun, with its
// trainer's state if a network is in training) or done (a trained, the
// best at its time so far).
type attemptState struct {
	Window   Window
	Attempt  Attempt
	Scales   scalesState
	OutScale float64
	Trainer  *trainerState
}

// state returns the run's state.
func (m *marcher) state() *marchState {
	src, _ := m.src.MarshalBinary() // a PCG's never fails
	s := &marchState{Windows: cloneWindows(m.windows), Attempts: slices.Clone(m.attempts), Loss: slices.Clone(m.loss),
		T: m.t, H: m.h, Y: slices.Clone(m.y), DY: slices.Clone(m.dy), Scales: m.sc.saved(), FirstTry: m.firstTry,
		Halvings: m.halvings, Iterations: m.iterations, Source: src, Seconds: m.elapsed()}
	if m.best != nil {
		s.Best = &attemptState{Window: m.best.window.clone(), Attempt: m.best.attempt, Scales: m.best.scales.saved()}
	}
	if cur := m.cur; cur != nil {
		s.Current = &attemptState{Window: cur.w.clone(), Attempt: cur.a, Scales: cur.scales.saved(), OutScale: cur.outScale}
		if cur.tr != nil {
			s.Current.Trainer = cur.tr.state()
		}
	}
	return s
}

// cloneWindows returns deep copies of ws.
func cloneWindows(ws []Window) []Window {
	c := make([]Window, len(ws))
	for i, w := range ws {
		c[i] = w.clone()
	}
	return c
}

// check reports what keeps s from being a state of a marched run of p
// with cfg and opts.
func (s *marchState) check(p *problems.Problem, cfg Config, opts Options) error {
	if s == nil {
		return errors.New("it is of a whole-domain run")
	}
	n := len(p.Vars)
	finite := func(xs ...float64) bool {
		return !slices.ContainsFunc(xs, func(x float64) bool { return math.IsNaN(x) || math.IsInf(x, 0) })
	}
	slopes := 0
	if p.Order == 2 {
		slopes = n
	}
	switch {
	case !(s.T >= p.T0 && s.T < p.T1) || !(s.H > 0) || !finite(s.H):
		return fmt.Errorf("the next window [%g, %g + %g] is not in [%g, %g]", s.T, s.T, s.H, p.T0, p.T1)
	case len(s.Y) != n || len(s.DY) != slopes || !finite(s.Y...) || !finite(s.DY...):
		return fmt.Errorf("initial values %v and slopes %v for %d variables of order %d", s.Y, s.DY, n, p.Order)
	case s.Halvings < 0 || s.Iterations < 0:
		return fmt.Errorf("%d halvings, %d iterations", s.Halvings, s.Iterations)
	}
	if len(s.Windows) == 0 && s.T != p.T0 {
		return fmt.Errorf("no window accepted, but the next starts at %g", s.T)
	}
	if len(s.Windows) > 0 {
		d := p.Definition
		d.T1 = s.T
		reached, err := problems.New(d)
		if err != nil {
			return err
		}
		if err := checkWindows(reached, s.Windows); err != nil {
			return err
		}
	}
	for _, a := range []*attemptState{s.Best, s.Current} {
		if a == nil {
			continue
		}
		w := a.Window
		switch {
		case w.T0 != s.T || !(w.T1 > w.T0 && w.T1 <= p.T1):
			return fmt.Errorf("an attempt of the window [%g, %g], where the next window starts at %g", w.T0, w.T1, s.T)
		case !slices.Equal(w.Y0, s.Y) || !slices.Equal(w.DY0, s.DY):
			return errors.New("an attempt whose initial values are not those of its start")
		case len(w.Networks) > opts.March.Networks:
			return fmt.Errorf("an attempt of %d networks, of at most %d", len(w.Networks), opts.March.Networks)
		}
		if err := checkNetworks(p, w.Networks); err != nil {
			return err
		}
	}
	// The march keeps as its best only an attempt it can take.
	if b := s.Best; b != nil && (len(b.Window.Networks) == 0 || math.IsNaN(b.Attempt.Estimate/b.Attempt.Budget)) {
		return fmt.Errorf("a best attempt of %d networks, ratio %g", len(b.Window.Networks), b.Attempt.Estimate/b.Attempt.Budget)
	}
	if c := s.Current; c != nil {
		if len(c.Window.Networks) == opts.March.Networks || c.OutScale == 0 || !finite(c.OutScale) {
			return fmt.Errorf("the attempt under way has %d networks of %d, output scale %g", len(c.Window.Networks), opts.March.Networks, c.OutScale)
		}
		if c.Trainer != nil {
			net, err := NewNetwork(cfg.Architecture, len(p.Vars), NewRand(0))
			if err != nil {
				return err
			}
			return c.Trainer.check(net.NumParams())
		}
	}
	return nil
}

// restore puts the run, fresh, in state s, which has passed check.
func (m *marcher) restore(s *marchState) error {
	if err := m.src.UnmarshalBinary(s.Source); err != nil {
		return fmt.Errorf("%w: the random source: %w", ErrCheckpoint, err)
	}
	m.windows, m.attempts, m.loss = cloneWindows(s.Windows), slices.Clone(s.Attempts), slices.Clone(s.Loss)
	m.t, m.h, m.y, m.dy = s.T, s.H, slices.Clone(s.Y), slices.Clone(s.DY)
	m.sc, m.firstTry, m.halvings, m.iterations = s.Scales.restored(), s.FirstTry, s.Halvings, s.Iterations
	m.seconds = s.Seconds
	if b := s.Best; b != nil {
		m.best = &trained{window: b.Window.clone(), attempt: b.Attempt, scales: b.Scales.restored()}
		var err error
		if m.best.piece, err = m.best.window.model(m.p); err != nil {
			return err
		}
	}
	c := s.Current
	if c == nil {
		return nil
	}
	m.cur = &attemptRun{w: c.Window.clone(), a: c.Attempt, scales: c.Scales.restored(), outScale: c.OutScale}
	if c.Trainer == nil {
		return nil
	}
	wp, err := m.cur.w.problem(m.p)
	if err != nil {
		return err
	}
	// The network's weights are the trainer's: draw them from a source of
	// their own, which leaves the run's where the checkpoint put it.
	net, err := NewNetwork(m.cfg.Architecture, len(m.p.Vars), NewRand(0))
	if err != nil {
		return err
	}
	if m.cur.tr, err = m.windowTrainer(wp, net); err != nil {
		return err
	}
	m.cur.tr.setState(c.Trainer)
	return nil
}
