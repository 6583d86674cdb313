package main

import (
	"encoding/json"
	"fmt"
	"io"
	"math"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"time"

	"pinn/graph"
	"pinn/problems"

	"github.com/urfave/cli/v2"
)

// benchFlags say what pinn bench times.
type benchFlags struct {
	sizes, derivatives string
	least              time.Duration
	json               bool
}

// benchCommand returns pinn bench, which times the executors against each
// other, bound to fresh options.
func benchCommand() *cli.Command {
	f := &benchFlags{}
	return &cli.Command{
		Name:  "bench",
		Usage: "time one Adam epoch with each executor, side by side",
		Description: "Times one Adam epoch (forward pass, derivatives, loss, gradient, update) of forum-final,\n" +
			"y' = -2y on [1, 5], with a tanh network, for each size and derivative mode: first with the\n" +
			"tape executor (Gorgonia's TapeMachine, the reference), then with the compiled one, and shows\n" +
			"the speed-up. Each case is warmed up with one epoch and then run in growing batches of epochs\n" +
			"until --time has been measured.\n\n" +
			"Examples:\n" +
			"   pinn bench\n" +
			"   pinn bench --sizes 41x8x2 --derivative symbolic --time 3s --json",
		Flags: []cli.Flag{
			&cli.StringFlag{Name: "sizes", Value: "41x8x2,1000x32x3,10000x64x3", Usage: "sizes PxWxL (collocation points x hidden width x hidden layers), comma-separated", Destination: &f.sizes},
			&cli.StringFlag{Name: "derivative", Value: strings.ReplaceAll(problems.ChoiceList(graph.Derivatives()), " ", ""),
				Usage: "derivative modes, comma-separated: " + problems.ChoiceList(graph.Derivatives()), Destination: &f.derivatives},
			&cli.DurationFlag{Name: "time", Value: time.Second, Usage: "least time measured per case and executor", Destination: &f.least},
			&cli.BoolFlag{Name: "json", Usage: "print one JSON array instead of a table", Destination: &f.json},
		},
		Action: func(c *cli.Context) error { return runBench(c, f) },
	}
}

// benchSize is the size of a benchmarked problem.
type benchSize struct{ points, width, layers int }

// String writes s as PxWxL.
func (s benchSize) String() string { return fmt.Sprintf("%dx%dx%d", s.points, s.width, s.layers) }

// benchResult is one case of pinn bench, as --json prints it.
type benchResult struct {
	Size       string  `json:"size"`
	Points     int     `json:"points"`
	Width      int     `json:"width"`
	Layers     int     `json:"layers"`
	Derivative string  `json:"derivative"`
	TapeNS     float64 `json:"tape_ns"`
	CompiledNS float64 `json:"compiled_ns"`
	Speedup    float64 `json:"speedup"`
}

// benchRow lays out a row of the table.
const benchRow = "%-32s%-13s%-12s%-12s%s\n"

// runBench times each case with the tape, then the compiled executor, and
// prints a row per case as it ends (or all of them as JSON at the end).
func runBench(c *cli.Context, f *benchFlags) error {
	if c.NArg() > 0 {
		return badInput("bench takes no arguments, got %q", c.Args().First())
	}
	sizes, err := parseSizes(f.sizes)
	if err != nil {
		return err
	}
	var modes []graph.Derivative
	for _, name := range strings.Split(f.derivatives, ",") {
		d, err := problems.ParseChoice("derivative", strings.TrimSpace(name), graph.Derivatives())
		if err != nil {
			return usageError{fmt.Errorf("--derivative: %w", err)}
		}
		modes = append(modes, d)
	}
	least := f.least
	if least <= 0 {
		return badInput("--time must be positive, got %v", least)
	}
	p, err := problems.Builtin("forum-final")
	if err != nil {
		return err
	}
	out, stderr, asJSON := c.App.Writer, c.App.ErrWriter, f.json
	progress := isTerminal(stderr)
	if !asJSON {
		fmt.Fprintf(out, "pinn bench: one Adam epoch of %s (%s, %s in [%g, %g]), tanh network, float64\n", p.Name, p.Equation(), p.Indep, p.T0, p.T1)
		fmt.Fprintf(out, "GOMAXPROCS %d, %s, kernels: %s\n\n", runtime.GOMAXPROCS(0), runtime.GOARCH, graph.Kernels())
		fmt.Fprintf(out, benchRow, "size (points x width x layers)", "derivative", "tape", "compiled", "speed-up")
	}
	results := []benchResult{}
	for _, s := range sizes {
		for _, mode := range modes {
			r := benchResult{Size: s.String(), Points: s.points, Width: s.width, Layers: s.layers, Derivative: string(mode)}
			for _, exec := range []graph.Executor{graph.Tape, graph.Compiled} {
				if progress {
					fmt.Fprintf(stderr, "\r\033[Kpinn bench: %s %s %s ...", s, mode, exec)
				}
				ns, err := timeEpoch(p, s, mode, exec, least)
				if progress {
					fmt.Fprint(stderr, "\r\033[K")
				}
				if err != nil {
					return fmt.Errorf("bench %s %s %s: %w", s, mode, exec, err)
				}
				if exec == graph.Tape {
					r.TapeNS = ns
				} else {
					r.CompiledNS = ns
				}
			}
			r.Speedup = r.TapeNS / r.CompiledNS
			results = append(results, r)
			if !asJSON {
				fmt.Fprintf(out, benchRow, r.Size, r.Derivative, formatNS(r.TapeNS), formatNS(r.CompiledNS), fmt.Sprintf("%.1fx", r.Speedup))
			}
		}
	}
	if asJSON {
		return writeJSON(out, results)
	}
	return nil
}

// writeJSON prints v as indented JSON.
func writeJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}

// parseSizes reads --sizes, like "41x8x2,1000x32x3".
func parseSizes(list string) ([]benchSize, error) {
	var sizes []benchSize
	for _, f := range strings.Split(list, ",") {
		f = strings.TrimSpace(f)
		var n []int
		for _, part := range strings.Split(f, "x") {
			v, err := strconv.Atoi(part)
			if err != nil || v < 1 {
				break
			}
			n = append(n, v)
		}
		if len(n) != 3 || n[1] > 4096 {
			return nil, badInput("--sizes: %q is not PxWxL, points x width x layers as positive integers (width up to 4096), like 41x8x2", f)
		}
		if n[0] < 2 {
			return nil, badInput("--sizes: %q has %d collocation point, want at least 2", f, n[0])
		}
		sizes = append(sizes, benchSize{n[0], n[1], n[2]})
	}
	return sizes, nil
}

// timeEpoch builds a trainer for p of size s and returns the nanoseconds of
// one Adam epoch with exec: after an epoch of warm-up, epochs run in growing
// batches until at least least has been measured.
func timeEpoch(p *problems.Problem, s benchSize, mode graph.Derivative, exec graph.Executor, least time.Duration) (float64, error) {
	cfg := graph.Config{Architecture: graph.Architecture{Hidden: slices.Repeat([]int{s.width}, s.layers), Activation: graph.Tanh, OutputActivation: graph.Tanh},
		Derivative: mode, Executor: exec}
	net, err := graph.NewNetwork(cfg.Architecture, 1, graph.NewRand(1))
	if err != nil {
		return 0, err
	}
	tr, err := graph.NewTrainer(p, net, cfg, p.Grid(s.points), graph.Options{})
	if err != nil {
		return 0, err
	}
	if err := tr.Adam(1, nil); err != nil { // the first epoch allocates
		return 0, err
	}
	var total time.Duration
	epochs := 0
	for batch := 1; total < least; batch *= 2 {
		if total > 0 { // no more than the time left needs, at the pace so far
			batch = min(batch, int(float64(least-total)/float64(total)*float64(epochs))+1)
		}
		start := time.Now()
		if err := tr.Adam(batch, nil); err != nil {
			return 0, err
		}
		total += time.Since(start)
		epochs += batch
	}
	return float64(total.Nanoseconds()) / float64(epochs), nil
}

// formatNS shows a duration in nanoseconds to three significant digits in
// ns, us, ms or s.
func formatNS(ns float64) string {
	units := []string{"ns", "us", "ms", "s"}
	i := 0
	for ; i < len(units)-1 && ns >= 999.5; i++ {
		ns /= 1000
	}
	v, _ := strconv.ParseFloat(strconv.FormatFloat(ns, 'g', 3, 64), 64) // 999.7 us is 1.00 ms
	return strconv.FormatFloat(v, 'f', max(0, 2-int(math.Floor(math.Log10(v)))), 64) + " " + units[i]
}
