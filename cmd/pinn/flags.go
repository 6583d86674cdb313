package main

import (
	"fmt"
	"math"
	"strconv"

	"pinn/experiments"
	"pinn/graph"
	"pinn/problems"

	"github.com/urfave/cli/v2"
)

// Every flag writes into a field of an options struct (its Destination) that
// the command's action reads, so that a misspelt field is a compile error
// where a misspelt c.String("name") would silently read "". The commands are
// built afresh for each run (see newApp), each with its own options.

// given reports whether the user gave the flag f.
func given(c *cli.Context, f cli.Flag) bool { return c.IsSet(f.Names()[0]) }

// fitDefaults are the defaults the network and training flags show and
// start from where a command's differ from the table's (experiments.Setting),
// and the usage texts where they differ from pinn train's.
type fitDefaults struct {
	// values and usage map a setting's key to its default, as flag text, and
	// to its usage.
	values, usage map[string]string
	seedUsage     string
}

// fitFlags binds the network, loss and training flags of pinn train, solve
// and compare to the settings they set: each flag is a setting of the table
// study files share (experiments.Setting), so the two read values alike.
type fitFlags struct {
	defaults fitDefaults
	settings experiments.Settings
	// bound holds, in the order of the flags, each setting with its flag.
	bound []boundSetting
	// mem is --max-memory, the limit of the run's memory estimate.
	mem *memoryFlag
}

// boundSetting is a setting's flag; a text setting's flag writes into text,
// which parse reads into the settings.
type boundSetting struct {
	setting experiments.Setting
	flag    cli.Flag
	text    *string
}

// newFitFlags returns the flags of a command with the table's defaults
// where d leaves them unset.
func newFitFlags(d fitDefaults) *fitFlags {
	if d.seedUsage == "" {
		d.seedUsage = "seed of every random choice"
	}
	return &fitFlags{defaults: d, mem: newMemoryFlag()}
}

// parse reads the flags into the settings and checks the values given, in
// the order of the flags.
func (f *fitFlags) parse(c *cli.Context) error {
	for _, b := range f.bound {
		key := b.setting.Key
		// A text setting whose default is a note, not a value, holds ""
		// until given.
		if b.text != nil && (*b.text != "" || given(c, b.flag)) {
			if err := b.setting.Parse(&f.settings, *b.text); err != nil {
				return badInput("--%s: %v", key, err)
			}
		}
		if given(c, b.flag) {
			if err := b.setting.Give(&f.settings); err != nil {
				return badInput("--%s %v", key, err)
			}
		}
	}
	return nil
}

// flag returns the flag of the setting called key, bound to f's settings.
func (f *fitFlags) flag(key string) cli.Flag {
	st, ok := experiments.LookupSetting(key)
	if !ok {
		panic("pinn: no setting " + key) // the flags below name only settings of the table
	}
	usage, def := st.Usage, st.Default
	if u, ok := f.defaults.usage[key]; ok {
		usage = u
	}
	if v, ok := f.defaults.values[key]; ok {
		def = v
	}
	b := boundSetting{setting: st}
	switch st.Kind {
	case experiments.IntSetting:
		v, _ := strconv.Atoi(def) // "" (no default) is 0; the table's tests parse the others
		b.flag = &cli.IntFlag{Name: key, Value: v, Usage: usage, DefaultText: st.DefaultNote, Destination: st.Int(&f.settings)}
	case experiments.FloatSetting:
		v, _ := strconv.ParseFloat(def, 64)
		b.flag = &cli.Float64Flag{Name: key, Value: v, Usage: usage, DefaultText: st.DefaultNote, Destination: st.Float(&f.settings)}
	case experiments.BoolSetting:
		b.flag = &cli.BoolFlag{Name: key, Usage: usage, DefaultText: st.DefaultNote, Destination: st.Bool(&f.settings)}
	default:
		b.text = new(string)
		b.flag = &cli.StringFlag{Name: key, Value: def, Usage: usage, DefaultText: st.DefaultNote, Destination: b.text}
	}
	f.bound = append(f.bound, b)
	return b.flag
}

// flags returns the flags of the settings called keys.
func (f *fitFlags) flags(keys ...string) []cli.Flag {
	fs := make([]cli.Flag, len(keys))
	for i, k := range keys {
		fs[i] = f.flag(k)
	}
	return fs
}

func (f *fitFlags) seedFlag() cli.Flag {
	return &cli.Uint64Flag{Name: "seed", Value: 1, Usage: f.defaults.seedUsage, Destination: &f.settings.Options.Seed}
}

// methodFlags choose how to train, and configure marching.
func (f *fitFlags) methodFlags() []cli.Flag {
	return f.flags("method", "fast", "goal", "corrections", "window-points", "window-iters", "windows", "window-params", "score-params")
}

// networkFlags configure the network and the loss.
func (f *fitFlags) networkFlags() []cli.Flag {
	return f.flags("hidden", "activation", "output-activation", "derivative", "fd-step", "ic", "scale-input")
}

// trainFlags configure the collocation points and the optimisers.
func (f *fitFlags) trainFlags() []cli.Flag {
	fs := f.flags("points", "sampling", "resample", "refine", "refine-points", "stages", "optimizer", "epochs", "lr", "lbfgs-iters", "lbfgs-tol")
	return append(fs, f.seedFlag(), f.flag("executor"), f.mem.flag)
}

// givenSetting reports whether the user gave the flag of the setting called
// key.
func (f *fitFlags) givenSetting(c *cli.Context, key string) bool {
	for _, b := range f.bound {
		if b.setting.Key == key {
			return given(c, b.flag)
		}
	}
	return false
}

// checkFDStep checks --fd-step against problem p and the config cfg the
// flags resolve to: a step that rounding loses (t + h == t in the domain)
// is refused, and one that the derivative mode does not use is ignored,
// which stderr says.
func (f *fitFlags) checkFDStep(c *cli.Context, p *problems.Problem, cfg graph.Config) error {
	if !f.givenSetting(c, "fd-step") {
		return nil
	}
	h, d := cfg.FDStep, cfg.Derivative
	// fd-forward takes a step only for the initial slope of a second-order
	// problem with soft initial conditions; on the grid it has none.
	if d != graph.FDCentral && !(d == graph.FDForward && p.Order == 2 && cfg.IC == graph.SoftIC) {
		fmt.Fprintf(c.App.ErrWriter, "pinn: --fd-step %g is ignored: --derivative %s takes no step (fd-central does)\n", h, d)
		return nil
	}
	if t := math.Max(math.Abs(p.T0), math.Abs(p.T1)); t+h == t {
		return badInput("--fd-step %g is lost to rounding: %s + h == %s at %s = %g (the step must be well above %.2g)", h, p.Indep, p.Indep, p.Indep, t, t*0x1p-52)
	}
	return nil
}
