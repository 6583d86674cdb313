package experiments

import (
	"fmt"
	"testing"
)

// BenchmarkRunAll times the runner on what pinn reproduce runs (the
// thread's findings, ten seeds each, a few dozen points per fit) and on
// final-code with 2048 collocation points (16 tiles, which the compiled
// executor can spread over cores), four seeds: with as many runs at once as
// cores, each run's executor gets GOMAXPROCS / runs goroutines.
func BenchmarkRunAll(b *testing.B) {
	thread := []string{"original-bug", "original-bug-rectify", "relu-zero-gradients", "relu-zero-gradients-linear-output",
		"finite-difference-fix", "finite-difference-fix-linear-output", "final-code"}
	lookup := func(names ...string) []Experiment {
		var es []Experiment
		for _, n := range names {
			e, err := Lookup(n)
			if err != nil {
				b.Fatal(err)
			}
			es = append(es, e)
		}
		return es
	}
	large := lookup("final-code")
	large[0].Settings.Options.Points, large[0].Seeds = 2048, 4
	for _, c := range []struct {
		name string
		es   []Experiment
	}{{"reproduce", lookup(thread...)}, {"final-code/points=2048", large}} {
		b.Run(fmt.Sprintf("case=%s", c.name), func(b *testing.B) {
			for b.Loop() {
				if _, err := RunAll(c.es, Options{}); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
