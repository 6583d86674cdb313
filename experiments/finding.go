package experiments

import (
	"encoding/json"
	"math"

	"pinn/experiments/report"
	"pinn/graph"
	"pinn/problems"
)

// SeedResult is what one seed's run measured.
type SeedResult struct {
	Seed uint64
	// Metrics in the order they are shown: final_loss, rel_l2, ... (see
	// Finding.Keys).
	Metrics []Metric
	// Epochs is the number of epochs run (fewer than asked if it diverged).
	Epochs int
	// Diverged says why training stopped early; "" if it did not.
	Diverged string
	// Loss[k] is the loss after k epochs.
	Loss []float64
	// Model is the trained solution.
	Model *graph.Model
	// Solution is the network's solution on the collocation grid.
	Solution *problems.Solution
	// Seconds is the training time and PerEpoch the time of one epoch.
	Seconds, PerEpoch float64
	// Trace is the run's trace, for seed 1 when the experiment measures
	// one (Measure.Trace); nil otherwise.
	Trace *report.Trace
}

// Value returns the metric called key, or NaN if the run did not measure it.
func (r *SeedResult) Value(key string) float64 {
	for _, m := range r.Metrics {
		if m.Key == key {
			return m.Value
		}
	}
	return math.NaN()
}

// MarshalJSON writes the seed and its metrics as one flat object, in order.
func (r SeedResult) MarshalJSON() ([]byte, error) {
	o := object{{"seed", r.Seed}, {"epochs", r.Epochs}}
	for _, m := range r.Metrics {
		o = append(o, field{m.Key, report.Number(m.Value)})
	}
	if r.Diverged != "" {
		o = append(o, field{"diverged", r.Diverged})
	}
	return json.Marshal(o)
}

// SchemeResult compares a finite-difference scheme's solution on the grid
// with the exact solution.
type SchemeResult struct {
	Scheme Scheme
	// Y is the scheme's solution of the first variable on the grid.
	Y []float64
	// RelL2 is the scheme's rel_l2 against the exact solution.
	RelL2 float64
}

// Finding is an experiment's result over all its seeds.
type Finding struct {
	Experiment Experiment
	Problem    *problems.Problem
	// Points are the collocation points and Reference the exact solution there.
	Points    []float64
	Reference *problems.Solution
	// Seeds holds one result per seed, in seed order.
	Seeds []SeedResult
	// Keys lists the metrics every seed measured, in order.
	Keys []string
	// Summary holds one Stat per key.
	Summary []Stat
	// ZeroOutputSeeds counts the seeds whose output is exactly 0 at every
	// point.
	ZeroOutputSeeds int
	// Scheme is set when the experiment is scored against a scheme.
	Scheme *SchemeResult
	// Verdict is one line on what was measured; Explanation says why.
	Verdict, Explanation string
}

// Stat returns the summary of the metric called key.
func (f *Finding) Stat(key string) Stat {
	for _, s := range f.Summary {
		if s.Key == key {
			return s
		}
	}
	return Stat{Key: key, Min: math.NaN(), Median: math.NaN(), Max: math.NaN()}
}

// Count returns how many seeds satisfy ok.
func (f *Finding) Count(ok func(r *SeedResult) bool) int {
	n := 0
	for i := range f.Seeds {
		if ok(&f.Seeds[i]) {
			n++
		}
	}
	return n
}

// summarise fills Keys, Summary, ZeroOutputSeeds and the explanation.
func (f *Finding) summarise() {
	f.Keys = nil
	for _, m := range f.Seeds[0].Metrics {
		f.Keys = append(f.Keys, m.Key)
	}
	f.Summary = nil
	for _, k := range f.Keys {
		values := make([]float64, len(f.Seeds))
		for i := range f.Seeds {
			values[i] = f.Seeds[i].Value(k)
		}
		f.Summary = append(f.Summary, summarise(k, values))
	}
	f.ZeroOutputSeeds = f.Count(func(r *SeedResult) bool { return r.Value(keyMaxAbsOutput) == 0 })
	explain := f.Experiment.Explain
	if explain == nil {
		explain = explainMedians
	}
	f.Verdict, f.Explanation = explain(f)
}

// MarshalJSON writes the finding with its settings, per-seed numbers, the
// summary (min, median, max of each metric) and the explanation.
func (f *Finding) MarshalJSON() ([]byte, error) {
	e, p := &f.Experiment, f.Problem
	o := object{
		{"id", e.Name}, {"title", e.Title},
		{"thread_says", e.Quote}, {"claim", e.Claim},
		{"problem", p.Name}, {"equation", p.Equation()}, {"initial_conditions", p.InitialConditions()},
		{"points", len(f.Points)},
		{"network", widths(e.Config().Hidden, len(p.Vars))}, {"activation", e.Config().Activation},
		{"output_activation", e.Config().OutputActivation}, {"derivative", e.Config().Derivative},
		{"loss", e.Loss(p.Indep)}, {"epochs", e.Epochs()}, {"lr", e.LearningRate()},
		{"seeds", f.Seeds},
	}
	summary := object{}
	for _, s := range f.Summary {
		summary = append(summary, field{s.Key, object{
			{"min", report.Number(s.Min)}, {"median", report.Number(s.Median)}, {"max", report.Number(s.Max)}}})
	}
	summary = append(summary, field{"zero_output_seeds", f.ZeroOutputSeeds})
	o = append(o, field{"summary", summary})
	if f.Scheme != nil {
		o = append(o, field{"scheme", object{{"name", f.Scheme.Scheme}, {"rel_l2_vs_exact", report.Number(f.Scheme.RelL2)}}})
	}
	if e.Table {
		o = append(o, field{"table", f.table()})
	}
	o = append(o, field{"verdict", f.Verdict}, field{"explanation", f.Explanation})
	return json.Marshal(o)
}

// solutionTable is the first seed's solution at every point, as the
// thread's final code prints it.
type solutionTable struct {
	Seed      uint64          `json:"seed"`
	T         []float64       `json:"t"`
	Exact     []report.Number `json:"exact"`
	Predicted []report.Number `json:"predicted"`
}

func (f *Finding) table() solutionTable {
	r := &f.Seeds[0]
	t := solutionTable{Seed: r.Seed, T: f.Points}
	for k := range f.Points {
		t.Exact = append(t.Exact, report.Number(f.Reference.Y[0][k]))
		t.Predicted = append(t.Predicted, report.Number(r.Solution.Y[0][k]))
	}
	return t
}

// field and object write a JSON object whose keys keep their order (a map
// would sort them).
type field struct {
	Key   string
	Value any
}

type object []field

// MarshalJSON implements json.Marshaler.
func (o object) MarshalJSON() ([]byte, error) {
	buf := []byte{'{'}
	for i, f := range o {
		if i > 0 {
			buf = append(buf, ',')
		}
		k, err := json.Marshal(f.Key)
		if err != nil {
			return nil, err
		}
		v, err := json.Marshal(f.Value)
		if err != nil {
			return nil, err
		}
		buf = append(append(append(buf, k...), ':'), v...)
	}
	return append(buf, '}'), nil
}
