package experiments

import (
	"cmp"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"

	"pinn/graph"
	"pinn/problems"
)

// Settings are the settings of one training run: the network, the loss, the
// collocation points and the optimisers. pinn train and pinn solve take them
// as flags and a study file as keys, through one table (see Setting), so
// that the two have the same names, the same parsing, the same checks and
// the same defaults. The zero value of each field means its default, as in
// graph.Config and graph.Options; Options.Seed, Workers, Observations and
// Progress are not settings.
type Settings struct {
	Config  graph.Config
	Options graph.Options
	// fast is the fast setting: Options.Method Whole with the old
	// defaults.
	fast bool
	// corrections is the corrections setting, Options.March.Networks - 1.
	corrections int
	// given has bit i set when settingTable[i] was given.
	given uint64
}

// SettingKind is the kind of value a setting takes.
type SettingKind int

// The kinds of setting values.
const (
	// IntSetting is an integer (Setting.Int points at it).
	IntSetting SettingKind = iota
	// FloatSetting is a number (Setting.Float points at it).
	FloatSetting
	// BoolSetting is on or off (Setting.Bool points at it).
	BoolSetting
	// TextSetting is text that Setting.Parse reads: a choice, or a list of
	// widths like 16,16.
	TextSetting
)

// Setting is one setting: a flag of pinn train (--Key) and a key of a study
// file's [settings] and [grid] tables.
type Setting struct {
	// Key is the flag's name and the study key.
	Key string
	// Usage says what the setting does, as the flag's help shows it.
	Usage string
	// Default is the default value as a flag's text ("" when DefaultNote
	// describes it instead).
	Default string
	// DefaultNote describes a default that is not a fixed value.
	DefaultNote string
	// Kind is the kind of value.
	Kind SettingKind

	index  int
	intp   func(*Settings) *int
	floatp func(*Settings) *float64
	boolp  func(*Settings) *bool
	// parse reads a TextSetting's value; builtin allows the values only the
	// built-in studies may use.
	parse func(s *Settings, text string, builtin bool) error
	// format writes a TextSetting's value as parse reads it.
	format func(s *Settings) string
	// check returns what is wrong with a given value, to follow the
	// setting's name ("must be positive, got 0"), or "".
	check func(s *Settings) string
	// builtin marks a setting only the built-in studies may give.
	builtin bool
	// list says a study may give the value as a list of integers (or one
	// integer), the flag's text being them joined by commas.
	list bool
	// whole, if not nil, says whether the value s holds is one only
	// training on the whole domain reads: given, it chooses method whole
	// (see Settings.Method).
	whole func(s *Settings) bool
	// march marks a setting only method march reads.
	march bool
	// example is a value to show in errors when Default is "".
	example string
}

// Int returns the integer s holds for an IntSetting (nil for other kinds).
func (st Setting) Int(s *Settings) *int {
	if st.intp == nil {
		return nil
	}
	return st.intp(s)
}

// Float returns the number s holds for a FloatSetting (nil for other kinds).
func (st Setting) Float(s *Settings) *float64 {
	if st.floatp == nil {
		return nil
	}
	return st.floatp(s)
}

// Bool returns the switch s holds for a BoolSetting (nil for other kinds).
func (st Setting) Bool(s *Settings) *bool {
	if st.boolp == nil {
		return nil
	}
	return st.boolp(s)
}

// Parse reads text, the value of a TextSetting, into s. Its error says what
// is wrong with the value, for the caller to prefix with the setting's name.
func (st Setting) Parse(s *Settings, text string) error {
	if st.parse == nil {
		return fmt.Errorf("%s is not a text setting", st.Key)
	}
	return st.parse(s, text, false)
}

// Give records that the setting was given (it then counts in the run's
// identity, and overrides a problem's default) and checks the value s
// holds. Its error follows the setting's name: "must be positive, got 0".
func (st Setting) Give(s *Settings) error {
	s.given |= 1 << st.index
	if st.check != nil {
		if msg := st.check(s); msg != "" {
			return fmt.Errorf("%s", msg)
		}
	}
	return nil
}

// Text returns the value s holds, as a flag would give it.
func (st Setting) Text(s *Settings) string {
	switch st.Kind {
	case IntSetting:
		return strconv.Itoa(*st.intp(s))
	case FloatSetting:
		return strconv.FormatFloat(*st.floatp(s), 'g', -1, 64)
	case BoolSetting:
		return strconv.FormatBool(*st.boolp(s))
	}
	return st.format(s)
}

// LookupSetting returns the setting called key; built-in-only settings are
// not found.
func LookupSetting(key string) (Setting, bool) {
	st, ok := lookupSetting(key)
	return st, ok && !st.builtin
}

func lookupSetting(key string) (Setting, bool) {
	i := slices.IndexFunc(settingTable, func(st Setting) bool { return st.Key == key })
	if i < 0 {
		return Setting{}, false
	}
	return settingTable[i], true
}

// SettingKeys lists the keys of the settings, in the order pinn train's
// help shows them.
func SettingKeys() []string {
	var keys []string
	for _, st := range settingTable {
		if !st.builtin {
			keys = append(keys, st.Key)
		}
	}
	return keys
}

// Given reports whether the setting called key was given.
func (s *Settings) Given(key string) bool {
	st, ok := lookupSetting(key)
	return ok && s.given&(1<<st.index) != 0
}

// MethodChoice is the training method of a run and what chose it.
type MethodChoice struct {
	Method graph.Method
	// By is the setting that chose Method: "method" or "fast" when given,
	// a whole-domain setting given without them, or "" (the default, or
	// Inverse).
	By string
	// Inverse says the problem's unknown parameters chose whole-domain
	// training: march cannot learn them.
	Inverse bool
	// Boundary says the problem's conditions chose whole-domain training
	// (graph.BoundaryRecipe): march cannot start from them (graph.CanMarch),
	// as from a boundary-value problem's.
	Boundary bool
}

// MethodConflict is a setting given that the run's method does not read.
type MethodConflict struct {
	// Key is the setting, Choice the method and what chose it.
	Key    string
	Choice MethodChoice
}

// Error says what is wrong, naming each setting by its key.
func (e *MethodConflict) Error() string { return e.Message(func(key string) string { return key }) }

// Message says what is wrong, naming each setting with name (a flag's
// "--key", say).
func (e *MethodConflict) Message(name func(key string) string) string {
	c := e.Choice
	switch {
	case c.Method == graph.March && e.Key == "method" && c.Boundary:
		return fmt.Sprintf("%s march needs the whole state at the start, which these conditions do not give (a boundary-value problem): use %s whole", name("method"), name("method"))
	case c.Method == graph.March && e.Key == "method":
		return fmt.Sprintf("%s march cannot learn unknown parameters (they are shared by every window): use %s whole", name("method"), name("method"))
	case c.Method == graph.March:
		return fmt.Sprintf("%s applies to whole-domain training, not to %s march", name(e.Key), name("method"))
	case c.Inverse:
		return fmt.Sprintf("%s applies to marching, but the problem's unknown parameters are learned on the whole domain", name(e.Key))
	case c.Boundary:
		return fmt.Sprintf("%s applies to marching, but the problem's conditions are met on the whole domain (a boundary-value problem)", name(e.Key))
	case c.By == "method":
		return fmt.Sprintf("%s applies to marching, not to %s whole", name(e.Key), name("method"))
	}
	return fmt.Sprintf("%s applies to marching, but %s chooses whole-domain training", name(e.Key), name(c.By))
}

// Method returns the training method of a run of these settings on p:
// method when given (fast is method whole); otherwise whole when a setting
// only whole-domain training reads is given (the first in the table's
// order chooses), or the problem has unknown parameters, or conditions
// march cannot start from (a boundary-value problem); otherwise march.
// A setting given that the method does not read is a *MethodConflict, and
// so is method march for a problem it cannot solve.
func (s *Settings) Method(p *problems.Problem) (MethodChoice, error) {
	c := MethodChoice{Method: graph.March}
	switch {
	case s.Options.Method != "":
		c = MethodChoice{Method: s.Options.Method, By: "method"}
		if s.fast && c.Method != graph.Whole {
			return c, &MethodConflict{Key: "fast", Choice: c}
		}
	case s.fast:
		c = MethodChoice{Method: graph.Whole, By: "fast"}
	default:
		for _, st := range settingTable {
			if st.whole != nil && s.Given(st.Key) && st.whole(s) {
				c = MethodChoice{Method: graph.Whole, By: st.Key}
				break
			}
		}
		switch {
		case c.Method == graph.March && len(p.Unknown) > 0:
			c = MethodChoice{Method: graph.Whole, Inverse: true}
		case c.Method == graph.March && graph.CanMarch(p) != nil:
			c = MethodChoice{Method: graph.Whole, Boundary: true}
		}
	}
	if c.Method == graph.March && len(p.Unknown) > 0 {
		return c, &MethodConflict{Key: "method", Choice: c}
	}
	if c.Method == graph.March && graph.CanMarch(p) != nil {
		c.Boundary = true
		return c, &MethodConflict{Key: "method", Choice: c}
	}
	for _, st := range settingTable {
		if !s.Given(st.Key) {
			continue
		}
		if c.Method == graph.March && st.whole != nil && st.whole(s) || c.Method == graph.Whole && st.march {
			return c, &MethodConflict{Key: st.Key, Choice: c}
		}
	}
	return c, nil
}

// Resolve returns the network and loss, and the training options, of a run
// of these settings on p, with its method (see Method). For march, only
// the settings given are read (the window networks' hidden widths and
// activation, the march settings, the executor) and the rest are March's
// defaults. For whole, scale-input, when not given, is the problem's, and
// an inverse problem with nothing but its equation given trains with Adam
// then L-BFGS and hard initial conditions, and a boundary-value problem
// with graph.BoundaryRecipe (with the hidden widths, activation, executor
// and seed given); every other zero option is its default
// (graph.Options.WithDefaults).
// score-params, read by either method, applies to families alone.
func (s *Settings) Resolve(p *problems.Problem) (graph.Config, graph.Options, error) {
	cfg, opts, err := s.resolve(p)
	if err != nil || !s.Given("score-params") {
		return cfg, opts, err
	}
	if !p.IsFamily() {
		return graph.Config{}, graph.Options{}, &FamilyOnly{Key: "score-params"}
	}
	opts.ScoreValues = s.Options.ScoreValues
	return cfg, opts, nil
}

// resolve is Resolve but for score-params.
func (s *Settings) resolve(p *problems.Problem) (graph.Config, graph.Options, error) {
	c, err := s.Method(p)
	if err != nil {
		return graph.Config{}, graph.Options{}, err
	}
	if c.Method == graph.March {
		cfg := graph.Config{Executor: s.Config.Executor}
		if s.Given("hidden") {
			cfg.Hidden = slices.Clone(s.Config.Hidden)
		}
		if s.Given("activation") {
			cfg.Activation = s.Config.Activation
		}
		opts := graph.Options{Seed: s.Options.Seed, Method: graph.March}
		if s.Given("goal") {
			opts.March.Goal = s.Options.March.Goal
		}
		if s.Given("window-points") {
			opts.March.Points = s.Options.March.Points
		}
		if s.Given("window-iters") {
			opts.March.Iterations = s.Options.March.Iterations
		}
		if s.Given("windows") || s.Given("window-params") {
			if !p.IsFamily() {
				key := "windows"
				if !s.Given(key) {
					key = "window-params"
				}
				return graph.Config{}, graph.Options{}, &FamilyOnly{Key: key}
			}
			opts.March.Windows, opts.March.ParamPoints = s.Options.March.Windows, s.Options.March.ParamPoints
		}
		if s.Given("corrections") {
			opts.March.Networks = s.corrections + 1
		}
		return cfg, opts.WithDefaults(p), nil
	}
	if c.Boundary {
		cfg, opts := graph.BoundaryRecipe()
		cfg.Executor, opts.Seed = s.Config.Executor, s.Options.Seed
		if s.Given("hidden") {
			cfg.Hidden = slices.Clone(s.Config.Hidden)
		}
		if s.Given("activation") {
			cfg.Activation = s.Config.Activation
		}
		return cfg, opts.WithDefaults(p), nil
	}
	cfg, opts := s.Config, s.Options
	if !s.Given("scale-input") {
		cfg.ScaleInput = p.ScaleInput
	}
	if c.Inverse {
		opts.Optimizer, cfg.IC = graph.AdamThenLBFGS, graph.HardIC
	}
	opts.Method, opts.March = graph.Whole, graph.MarchOptions{}
	return cfg, opts.WithDefaults(p), nil
}

// FamilyOnly is a setting given for a problem without range parameters
// that only a family's training reads.
type FamilyOnly struct {
	// Key is the setting.
	Key string
}

// Error says what is wrong, naming each setting by its key.
func (e *FamilyOnly) Error() string { return e.Message(func(key string) string { return key }) }

// Message says what is wrong, naming the setting with name (a flag's
// "--key", say).
func (e *FamilyOnly) Message(name func(key string) string) string {
	return fmt.Sprintf("%s applies to families (a --param given a range, NAME=LO:HI)", name(e.Key))
}

// Canonical writes the given settings as key=value lines in the table's
// order: equal settings give equal text, however they were written.
func (s *Settings) Canonical() string {
	var b strings.Builder
	for _, st := range settingTable {
		if s.given&(1<<st.index) != 0 {
			fmt.Fprintf(&b, "%s=%s\n", st.Key, st.Text(s))
		}
	}
	return b.String()
}

// adamEpochs returns the number of Adam epochs, given or the default.
func (s *Settings) adamEpochs() int { return cmp.Or(s.Options.Epochs, graph.DefaultEpochs) }

// learningRate returns Adam's learning rate, given or the default.
func (s *Settings) learningRate() float64 {
	return cmp.Or(s.Options.LearningRate, graph.DefaultLearningRate)
}

// maxWidth is the widest hidden layer a setting may ask for.
const maxWidth = 4096

// parseWidths reads "8,8" into hidden layer widths.
func parseWidths(text string) ([]int, error) {
	var ws []int
	for _, f := range strings.Split(text, ",") {
		w, err := strconv.Atoi(strings.TrimSpace(f))
		if err != nil || w < 1 || w > maxWidth {
			return nil, fmt.Errorf("%q is not a list of widths from 1 to %d, like 8,8", text, maxWidth)
		}
		ws = append(ws, w)
	}
	return ws, nil
}

func formatWidths(ws []int) string {
	s := make([]string, len(ws))
	for i, w := range ws {
		s[i] = strconv.Itoa(w)
	}
	return strings.Join(s, ",")
}

// choiceSetting is a TextSetting whose value is one of choices (and, in the
// built-in studies, of builtinChoices too); what names the kind of value in
// errors.
func choiceSetting[T ~string](key, what, usage string, def T, choices, builtinChoices []T, field func(*Settings) *T) Setting {
	return Setting{Key: key, Usage: usage, Default: string(def), Kind: TextSetting,
		parse: func(s *Settings, text string, builtin bool) error {
			allowed := choices
			if builtin {
				allowed = append(slices.Clone(choices), builtinChoices...)
			}
			v, err := problems.ParseChoice(what, text, allowed)
			if err != nil {
				// The error lists the choices a user has.
				_, err = problems.ParseChoice(what, text, choices)
				return err
			}
			*field(s) = v
			return nil
		},
		format: func(s *Settings) string { return string(*field(s)) },
	}
}

// positive checks an integer: above zero, or with zero allowed not below it.
func positive(field func(*Settings) *int, zero bool) func(*Settings) string {
	return func(s *Settings) string {
		switch v := *field(s); {
		case !zero && v <= 0:
			return fmt.Sprintf("must be positive, got %d", v)
		case zero && v < 0:
			return fmt.Sprintf("must not be negative, got %d", v)
		}
		return ""
	}
}

// positiveFloat checks a number: positive and finite. finite says so in the
// message, for settings whose default is a number (where +Inf is the
// likelier mistake).
func positiveFloat(field func(*Settings) *float64, finite bool) func(*Settings) string {
	return func(s *Settings) string {
		if v := *field(s); !(v > 0 && !math.IsInf(v, 0)) {
			if finite {
				return fmt.Sprintf("must be a positive finite number, got %v", v)
			}
			return fmt.Sprintf("must be a positive number, got %v", v)
		}
		return ""
	}
}

func intSetting(key, usage, def, note string, field func(*Settings) *int, check func(*Settings) string) Setting {
	return Setting{Key: key, Usage: usage, Default: def, DefaultNote: note, Kind: IntSetting, intp: field, check: check}
}

func floatSetting(key, usage, def, note string, field func(*Settings) *float64, check func(*Settings) string) Setting {
	return Setting{Key: key, Usage: usage, Default: def, DefaultNote: note, Kind: FloatSetting, floatp: field, check: check}
}

// settingTable is every setting, in the order of pinn train's flags; the
// built-in-only ones last.
var settingTable = indexed([]Setting{
	choiceSetting("method", "method", "march (small networks on windows that march across the domain, to --goal) or whole (one network on the whole domain)",
		"", graph.Methods(), nil, func(s *Settings) *graph.Method { return &s.Options.Method }).
		note("march; whole when a whole-domain setting is given, and for unknown parameters", string(graph.March)),
	{Key: "fast", Usage: "--method whole with the old defaults: one 16-16 network, 3000 Adam epochs, soft initial conditions",
		Default: "false", Kind: BoolSetting, boolp: func(s *Settings) *bool { return &s.fast }},
	marching(floatSetting("goal", "march: the relative error to aim at (a family's default: 1e-5)", strconv.FormatFloat(graph.DefaultGoal, 'g', -1, 64), "",
		func(s *Settings) *float64 { return &s.Options.March.Goal }, positiveFloat(func(s *Settings) *float64 { return &s.Options.March.Goal }, true))),
	marching(intSetting("corrections", "march: the most correction networks trained on a window on top of its first", strconv.Itoa(graph.DefaultMarchNetworks-1), "",
		func(s *Settings) *int { return &s.corrections }, positive(func(s *Settings) *int { return &s.corrections }, true))),
	marching(intSetting("window-points", "march: collocation points per window (a family's: values of t, default 16)", strconv.Itoa(graph.DefaultWindowPoints), "",
		func(s *Settings) *int { return &s.Options.March.Points }, func(s *Settings) string {
			if v := s.Options.March.Points; v < 2 {
				return fmt.Sprintf("must be at least 2, got %d", v)
			}
			return ""
		})),
	marching(intSetting("window-iters", "march: most L-BFGS iterations per network of a window (BFGS for a family)", strconv.Itoa(graph.DefaultWindowIterations), "",
		func(s *Settings) *int { return &s.Options.March.Iterations }, positive(func(s *Settings) *int { return &s.Options.March.Iterations }, false))),
	marching(intSetting("windows", "march, families: the number of equal windows", strconv.Itoa(graph.DefaultFamilyWindows), "",
		func(s *Settings) *int { return &s.Options.March.Windows }, positive(func(s *Settings) *int { return &s.Options.March.Windows }, false))),
	marching(intSetting("window-params", "march, families: values of each range parameter on a window's grid", "", "32 for one range parameter, 12 for two, 6 for more",
		func(s *Settings) *int { return &s.Options.March.ParamPoints }, func(s *Settings) string {
			if v := s.Options.March.ParamPoints; v < 2 {
				return fmt.Sprintf("must be at least 2, got %d", v)
			}
			return ""
		})),
	intSetting("score-params", "families: evenly spaced values of each range parameter the family is scored at", strconv.Itoa(problems.DefaultScoreValues), "",
		func(s *Settings) *int { return &s.Options.ScoreValues }, positive(func(s *Settings) *int { return &s.Options.ScoreValues }, false)),
	{Key: "hidden", Usage: "hidden layer widths, comma-separated (of each window's networks, marching)", Kind: TextSetting,
		DefaultNote: formatWidths(graph.DefaultMarchHidden()) + " marching (" + formatWidths(graph.DefaultFamilyHidden()) + " for a family), " + formatWidths(graph.DefaultHidden()) + " on the whole domain",
		parse: func(s *Settings, text string, _ bool) (err error) {
			s.Config.Hidden, err = parseWidths(text)
			return err
		},
		format: func(s *Settings) string { return formatWidths(s.Config.Hidden) }, list: true, example: "16,16"},
	choiceSetting("activation", "activation", "hidden activation: "+problems.ChoiceList(graph.Activations()),
		graph.DefaultActivation, graph.Activations(), nil, func(s *Settings) *graph.Activation { return &s.Config.Activation }),
	wholeWhen(choiceSetting("output-activation", "activation", "output activation: "+problems.ChoiceList(graph.Activations()),
		graph.DefaultOutputActivation, graph.Activations(), nil, func(s *Settings) *graph.Activation { return &s.Config.OutputActivation }),
		func(s *Settings) bool { return s.Config.OutputActivation != graph.Identity }),
	wholeWhen(choiceSetting("derivative", "derivative", "how dy/dt is taken: "+problems.ChoiceList(graph.Derivatives()),
		graph.DefaultDerivative, graph.Derivatives(), []graph.Derivative{graph.WRTPrediction},
		func(s *Settings) *graph.Derivative { return &s.Config.Derivative }),
		func(s *Settings) bool { return s.Config.Derivative != graph.Symbolic }),
	whole(floatSetting("fd-step", "finite-difference step h of fd-central", "", "6e-6, 1e-4 for second-order problems",
		func(s *Settings) *float64 { return &s.Config.FDStep }, positiveFloat(func(s *Settings) *float64 { return &s.Config.FDStep }, false))),
	wholeWhen(choiceSetting("ic", "initial-condition mode", "conditions: soft (in the loss) or hard (built into the trial solution where they can be: values and slopes at t0, values at both ends or at one; the others stay in the loss; march always is)",
		graph.DefaultIC, graph.ICModes(), nil, func(s *Settings) *graph.ICMode { return &s.Config.IC }),
		func(s *Settings) bool { return s.Config.IC == graph.SoftIC }),
	{Key: "scale-input", Usage: "map the domain onto [-1, 1] before the first layer (--scale-input=false turns it off; march maps each window)",
		DefaultNote: "on, but off for decay and forum-final", Kind: BoolSetting, boolp: func(s *Settings) *bool { return &s.Config.ScaleInput },
		whole: func(s *Settings) bool { return !s.Config.ScaleInput }},
	whole(intSetting("points", "number of collocation points", "", "the problem's grid", func(s *Settings) *int { return &s.Options.Points },
		func(s *Settings) string {
			if v := s.Options.Points; v < 2 {
				return fmt.Sprintf("must be at least 2, got %d", v)
			}
			return ""
		})),
	whole(choiceSetting("sampling", "sampling", "collocation points: grid, uniform (random) or sobol",
		problems.DefaultSampling, problems.Samplings(), nil, func(s *Settings) *problems.Sampling { return &s.Options.Sampling })),
	whole(intSetting("resample", "draw fresh collocation points every `K` Adam epochs", "", "never",
		func(s *Settings) *int { return &s.Options.ResampleEvery }, positive(func(s *Settings) *int { return &s.Options.ResampleEvery }, true))),
	whole(intSetting("refine", "every `K` Adam epochs, add the points of largest residual", "", "never",
		func(s *Settings) *int { return &s.Options.RefineEvery }, positive(func(s *Settings) *int { return &s.Options.RefineEvery }, true))),
	whole(intSetting("refine-points", "how many points each refinement adds", "", "a tenth of --points",
		func(s *Settings) *int { return &s.Options.RefinePoints }, positive(func(s *Settings) *int { return &s.Options.RefinePoints }, true))),
	whole(intSetting("stages", "whole-domain time stages: train on `K` growing windows [t0, t0 + k(t1-t0)/K] in turn, each with its share of the epochs", "1", "",
		func(s *Settings) *int { return &s.Options.Stages }, positive(func(s *Settings) *int { return &s.Options.Stages }, false))),
	whole(choiceSetting("optimizer", "optimizer", "adam, lbfgs, or adam+lbfgs (Adam, then L-BFGS)",
		graph.DefaultOptimizer, graph.Optimizers(), nil, func(s *Settings) *graph.Optimizer { return &s.Options.Optimizer })),
	whole(intSetting("epochs", "Adam epochs", strconv.Itoa(graph.DefaultEpochs), "",
		func(s *Settings) *int { return &s.Options.Epochs }, positive(func(s *Settings) *int { return &s.Options.Epochs }, false))),
	whole(floatSetting("lr", "Adam learning rate", strconv.FormatFloat(graph.DefaultLearningRate, 'g', -1, 64), "",
		func(s *Settings) *float64 { return &s.Options.LearningRate }, positiveFloat(func(s *Settings) *float64 { return &s.Options.LearningRate }, true))),
	whole(intSetting("lbfgs-iters", "most L-BFGS iterations", strconv.Itoa(graph.DefaultLBFGSIterations), "",
		func(s *Settings) *int { return &s.Options.LBFGSIterations }, positive(func(s *Settings) *int { return &s.Options.LBFGSIterations }, false))),
	whole(floatSetting("lbfgs-tol", "stop L-BFGS when 100 iterations lower the loss by less than this fraction", strconv.FormatFloat(graph.DefaultLBFGSTolerance, 'g', -1, 64), "",
		func(s *Settings) *float64 { return &s.Options.LBFGSTolerance }, positiveFloat(func(s *Settings) *float64 { return &s.Options.LBFGSTolerance }, true))),
	choiceSetting("executor", "executor", "what runs the training graph: compiled (the package's own executor) or tape (Gorgonia's TapeMachine, the reference)",
		graph.DefaultExecutor, graph.Executors(), nil, func(s *Settings) *graph.Executor { return &s.Config.Executor }),
	// The forum thread's finite-difference answer sums the squared
	// residuals; no flag offers it.
	{Key: "sum-residual", Usage: "sum the squared residuals instead of averaging them", Default: "false", Kind: BoolSetting,
		boolp: func(s *Settings) *bool { return &s.Config.SumResidual }, builtin: true, whole: always},
})

// always is the whole function of a setting only whole-domain training
// reads, whatever its value.
func always(*Settings) bool { return true }

// whole marks st as a setting only whole-domain training reads.
func whole(st Setting) Setting { return wholeWhen(st, always) }

// wholeWhen marks st as a setting whose values for which f is true only
// whole-domain training reads.
func wholeWhen(st Setting, f func(*Settings) bool) Setting {
	st.whole = f
	return st
}

// marching marks st as a setting only march reads.
func marching(st Setting) Setting {
	st.march = true
	return st
}

// note replaces st's default with a note describing it, and gives an
// example value for errors.
func (st Setting) note(text, example string) Setting {
	st.Default, st.DefaultNote, st.example = "", text, example
	return st
}

// indexed numbers the settings, for Settings.given, which has a bit for
// each of up to 64.
func indexed(table []Setting) []Setting {
	if len(table) > 64 {
		panic("experiments: more settings than Settings.given has bits")
	}
	for i := range table {
		table[i].index = i
	}
	return table
}
