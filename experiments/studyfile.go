package experiments

import (
	"cmp"
	"errors"
	"fmt"
	"math"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"pinn/problems"

	"github.com/pelletier/go-toml/v2"
	"github.com/pelletier/go-toml/v2/unstable"
)

// The limits of a study file, so that a mistyped number cannot ask for more
// than a machine holds before anything runs.
const (
	maxStudyBytes        = 1 << 20
	maxSeeds             = 100_000
	maxCombinations      = 10_000
	maxRuns              = 1_000_000
	defaultProblemPoints = 101 // pinn solve's grid
)

// studyName is what a study's name may be: it names its file in a study's
// directory and its Slurm jobs.
var studyName = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._-]*$`)

// StudyError is a study file refused: the file, the line of what is wrong
// (0 when it is the whole file), the key, and why.
type StudyError struct {
	File string
	Line int
	// Key is the dotted key, "" for the file itself.
	Key string
	Msg string
}

// Error implements error: "experiments: FILE:LINE: MSG".
func (e *StudyError) Error() string {
	if e.Line > 0 {
		return fmt.Sprintf("experiments: %s:%d: %s", e.File, e.Line, e.Msg)
	}
	return fmt.Sprintf("experiments: %s: %s", e.File, e.Msg)
}

// LoadStudy reads and checks a study file: file names it in errors (and,
// without a name key, names the study). Every key is checked before
// anything runs; the error is a *StudyError naming the line and the key.
//
// A study file is TOML:
//
//	name = "widths"            # optional: the file's name without .toml
//	title = "..."              # optional
//	problem = "decay"          # a built-in problem, or a [problem] table
//	seeds = 5                  # seeds 1 to 5, or a list: [1, 7, 9]; default 1
//	[settings]                 # every run's: pinn train's flags, without --
//	epochs = 2000
//	[grid]                     # every combination of these values runs
//	hidden = ["8", "16,16", [32, 32]]
//	activation = ["tanh", "sin"]
//	[[case]]                   # or combinations listed one by one (each
//	derivative = "fd-central"  # with every combination of the grid)
//	fd-step = 1e-3
//	[measure]                  # optional extra measurements
//	checkpoints = [100]        # loss and rel_l2 after these Adam epochs
//	activity = true            # zero gradients and dead units
//	scheme = "backward-euler"  # rel_l2 against the scheme's solution
//
// The [problem] table takes pinn solve's flags: rhs, vars, order, t0, t1,
// y0, dy0, param (a table of NAME = VALUE) and exact.
//
// A file that is, byte for byte, a built-in study (see BuiltinSource) is
// read as that study, with what only the built-in studies may use.
func LoadStudy(file string, data []byte) (*Study, error) {
	return loadStudy(file, data, isBuiltinSource(data))
}

// studyFile is a study file being read: its name, the line of each key,
// and whether it is built in.
type studyFile struct {
	name    string
	lines   map[string]int
	builtin bool
}

// errorf returns a StudyError at the line of the key path.
func (f *studyFile) errorf(path []string, format string, args ...any) error {
	return &StudyError{File: f.name, Line: f.line(path), Key: strings.Join(path, "."), Msg: fmt.Sprintf(format, args...)}
}

// line returns the line of the key path, or of the nearest key above it
// that has one.
func (f *studyFile) line(path []string) int {
	for n := len(path); n > 0; n-- {
		if l, ok := f.lines[strings.Join(path[:n], "\x00")]; ok {
			return l
		}
	}
	return 0
}

// keys returns a table's keys in the order of their lines.
func (f *studyFile) keys(path []string, table map[string]any) []string {
	keys := make([]string, 0, len(table))
	for k := range table {
		keys = append(keys, k)
	}
	slices.SortFunc(keys, func(a, b string) int {
		return cmp.Or(cmp.Compare(f.line(append(slices.Clip(path), a)), f.line(append(slices.Clip(path), b))), strings.Compare(a, b))
	})
	return keys
}

// known refuses a key of a table that is not among allowed, suggesting the
// nearest known one.
func (f *studyFile) known(path []string, table map[string]any, what string, allowed ...string) error {
	for _, k := range f.keys(path, table) {
		if !slices.Contains(allowed, k) {
			return f.errorf(append(slices.Clip(path), k), "unknown %s %q%s", what, k, suggest(k, allowed))
		}
	}
	return nil
}

// suggest returns " (did you mean "x"?)" for the known name nearest to
// name, when one is near.
func suggest(name string, known []string) string {
	best, dist := "", 3 // at most two edits away
	for _, k := range known {
		if d := editDistance(name, k); d < dist {
			best, dist = k, d
		}
	}
	if best == "" {
		return ""
	}
	return fmt.Sprintf(" (did you mean %q?)", best)
}

// editDistance is Levenshtein's distance between a and b.
func editDistance(a, b string) int {
	prev := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur := make([]int, len(b)+1)
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			sub := prev[j-1]
			if a[i-1] != b[j-1] {
				sub++
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, sub)
		}
		prev = cur
	}
	return prev[len(b)]
}

// describe names the TOML type of a value for errors.
func describe(v any) string {
	switch x := v.(type) {
	case string:
		return fmt.Sprintf("text %q", x)
	case int64:
		return fmt.Sprintf("the integer %d", x)
	case float64:
		return fmt.Sprintf("the number %v", x)
	case bool:
		return fmt.Sprintf("%t", x)
	case []any:
		if len(x) == 0 {
			return "an empty list"
		}
		return "a list"
	case map[string]any:
		return "a table"
	}
	return fmt.Sprintf("a %T", v)
}

func loadStudy(file string, data []byte, builtin bool) (*Study, error) {
	if len(data) > maxStudyBytes {
		return nil, &StudyError{File: file, Msg: fmt.Sprintf("%d bytes: a study file is at most %d", len(data), maxStudyBytes)}
	}
	var doc map[string]any
	if err := toml.Unmarshal(data, &doc); err != nil {
		var de *toml.DecodeError
		if errors.As(err, &de) {
			line, _ := de.Position()
			return nil, &StudyError{File: file, Line: line, Key: strings.Join(de.Key(), "."), Msg: strings.TrimPrefix(de.Error(), "toml: ")}
		}
		return nil, &StudyError{File: file, Msg: err.Error()}
	}
	f := &studyFile{name: file, lines: keyLines(data), builtin: builtin}
	top := []string{"name", "title", "problem", "seeds", "settings", "grid", "case", "measure", "finding", "comparison"}
	if err := f.known(nil, doc, "key", top...); err != nil {
		return nil, err
	}
	for _, k := range []string{"finding", "comparison"} {
		if _, ok := doc[k]; ok && !builtin {
			return nil, f.errorf([]string{k}, "[%s] is only for the studies built into pinn", k)
		}
	}
	s := &Study{Source: slices.Clone(data)}
	var err error
	if s.Name, err = f.text(doc, "name", strings.TrimSuffix(filepath.Base(file), filepath.Ext(file))); err != nil {
		return nil, err
	}
	if !studyName.MatchString(s.Name) {
		return nil, f.errorf([]string{"name"}, "the study's name %q is not letters, digits, '.', '_' and '-' (give one: name = \"my-study\")", s.Name)
	}
	if s.Title, err = f.text(doc, "title", ""); err != nil {
		return nil, err
	}
	if s.Problem, err = f.problem(doc, s.Name); err != nil {
		return nil, err
	}
	if s.Seeds, err = f.seeds(doc); err != nil {
		return nil, err
	}
	if s.Measure, err = f.measure(doc); err != nil {
		return nil, err
	}
	if s.Fixed, s.Combinations, s.varied, err = f.combinations(doc, len(s.Seeds)); err != nil {
		return nil, err
	}
	if err := f.checkCombinations(s); err != nil {
		return nil, err
	}
	if s.finding, err = f.finding(doc, s); err != nil {
		return nil, err
	}
	if s.compare, err = f.comparison(doc, s); err != nil {
		return nil, err
	}
	return s, nil
}

// keyLines returns the line of every key of a document that parses: dotted
// keys joined by NUL, the i-th table of an array of tables as "[i]", and
// the i-th value of an array as "[i]" after its key.
func keyLines(data []byte) map[string]int {
	lines := map[string]int{}
	var p unstable.Parser
	p.Reset(data)
	line := func(n *unstable.Node) int { return p.Shape(n.Raw).Start.Line }
	keyPath := func(prefix []string, it unstable.Iterator) ([]string, int) {
		path, at := slices.Clone(prefix), 0
		for it.Next() {
			n := it.Node()
			path = append(path, string(n.Data))
			if at == 0 {
				at = line(n)
			}
			lines[strings.Join(path, "\x00")] = cmp.Or(lines[strings.Join(path, "\x00")], at)
		}
		return path, at
	}
	var value func(path []string, n *unstable.Node, at int)
	value = func(path []string, n *unstable.Node, at int) {
		switch n.Kind {
		case unstable.Array:
			i := 0
			for it := n.Children(); it.Next(); {
				c := it.Node()
				if c.Kind == unstable.Comment {
					continue
				}
				elem := append(slices.Clip(path), fmt.Sprintf("[%d]", i))
				l := at
				if c.Raw.Length > 0 {
					l = line(c)
				}
				lines[strings.Join(elem, "\x00")] = l
				value(elem, c, l)
				i++
			}
		case unstable.InlineTable:
			for it := n.Children(); it.Next(); {
				if kv := it.Node(); kv.Kind == unstable.KeyValue {
					sub, l := keyPath(path, kv.Key())
					value(sub, kv.Value(), l)
				}
			}
		}
	}
	var table []string
	tables := map[string]int{} // how many tables each array of tables has
	for p.NextExpression() {
		e := p.Expression()
		switch e.Kind {
		case unstable.Table:
			table, _ = keyPath(nil, e.Key())
		case unstable.ArrayTable:
			path, l := keyPath(nil, e.Key())
			k := strings.Join(path, "\x00")
			table = append(path, fmt.Sprintf("[%d]", tables[k]))
			tables[k]++
			lines[strings.Join(table, "\x00")] = l
		case unstable.KeyValue:
			path, l := keyPath(table, e.Key())
			value(path, e.Value(), l)
		}
	}
	return lines
}

// text reads an optional text key.
func (f *studyFile) text(doc map[string]any, key, def string) (string, error) {
	v, ok := doc[key]
	if !ok {
		return def, nil
	}
	s, ok := v.(string)
	if !ok || strings.TrimSpace(s) == "" || strings.ContainsAny(s, "\n\r") {
		return "", f.errorf([]string{key}, "%s must be one line of text, got %s", key, describe(v))
	}
	return s, nil
}

// problem reads the problem: a built-in's name or a [problem] table.
func (f *studyFile) problem(doc map[string]any, name string) (*problems.Problem, error) {
	path := []string{"problem"}
	switch v := doc["problem"].(type) {
	case nil:
		return nil, &StudyError{File: f.name, Key: "problem", Msg: fmt.Sprintf("no problem: give problem = NAME (one of %s) or a [problem] table", strings.Join(problems.Names(), ", "))}
	case string:
		if !slices.Contains(problems.Names(), v) {
			return nil, f.errorf(path, "unknown problem %q (want one of %s)%s", v, strings.Join(problems.Names(), ", "), suggest(v, problems.Names()))
		}
		return problems.Builtin(v)
	case map[string]any:
		return f.problemTable(path, v, name)
	default:
		return nil, f.errorf(path, "problem must be a built-in problem's name or a table, got %s", describe(v))
	}
}

// problemTable reads a [problem] table: pinn solve's equation flags.
func (f *studyFile) problemTable(path []string, t map[string]any, name string) (*problems.Problem, error) {
	if err := f.known(path, t, "problem key", "rhs", "vars", "order", "t0", "t1", "y0", "dy0", "param", "exact"); err != nil {
		return nil, err
	}
	at := func(k string) []string { return append(slices.Clip(path), k) }
	d := problems.Definition{Name: name, Summary: "the problem of study " + name, Order: 1, T1: 1,
		Vars: []string{"y"}, Points: defaultProblemPoints, ScaleInput: true}
	var err error
	if d.RHS, err = f.texts(at("rhs"), t["rhs"], false); err != nil {
		return nil, err
	}
	if len(d.RHS) == 0 {
		return nil, f.errorf(path, "the problem needs rhs: one right-hand side per variable")
	}
	if v, ok := t["vars"]; ok {
		if d.Vars, err = f.texts(at("vars"), v, true); err != nil {
			return nil, err
		}
	}
	if v, ok := t["order"]; ok {
		n, ok := v.(int64)
		if !ok || (n != 1 && n != 2) {
			return nil, f.errorf(at("order"), "order must be 1 or 2, got %s", describe(v))
		}
		d.Order = int(n)
	}
	for _, k := range []struct {
		key string
		dst *float64
	}{{"t0", &d.T0}, {"t1", &d.T1}} {
		if v, ok := t[k.key]; ok {
			if *k.dst, err = f.number(at(k.key), v); err != nil {
				return nil, err
			}
		}
	}
	if d.Y0, err = f.numbers(at("y0"), t["y0"]); err != nil {
		return nil, err
	}
	if len(d.Y0) == 0 {
		return nil, f.errorf(path, "the problem needs y0: one initial value per variable")
	}
	if v, ok := t["dy0"]; ok {
		if d.DY0, err = f.numbers(at("dy0"), v); err != nil {
			return nil, err
		}
	}
	if d.Exact, err = f.texts(at("exact"), t["exact"], false); err != nil {
		return nil, err
	}
	if v, ok := t["param"]; ok {
		ps, ok := v.(map[string]any)
		if !ok {
			return nil, f.errorf(at("param"), "param must be a table of NAME = VALUE, like param = { a = 1.5, b = 1 }, got %s", describe(v))
		}
		d.Params = map[string]float64{}
		for _, k := range f.keys(at("param"), ps) {
			if d.Params[k], err = f.number(append(at("param"), k), ps[k]); err != nil {
				return nil, err
			}
		}
	}
	p, err := problems.New(d)
	if err != nil {
		// Point at the expression that is wrong when the error names one.
		key := path
		msg := err.Error()
		for _, k := range []struct{ says, key string }{
			{"right-hand side", "rhs"}, {"exact solution", "exact"}, {"initial value", "y0"},
			{"initial slope", "dy0"}, {"domain", "t1"}, {"variable", "vars"}, {"parameter", "param"}, {"order", "order"},
		} {
			if _, given := t[k.key]; given && strings.Contains(msg, k.says) {
				key = at(k.key)
				break
			}
		}
		return nil, f.errorf(key, "%v", err)
	}
	return p, nil
}

// texts reads text or a list of text; split splits text at commas, as pinn
// solve's --vars does.
func (f *studyFile) texts(path []string, v any, split bool) ([]string, error) {
	key := keyOf(path)
	switch x := v.(type) {
	case nil:
		return nil, nil
	case string:
		if !split {
			return []string{x}, nil
		}
		var out []string
		for _, s := range strings.Split(x, ",") {
			out = append(out, strings.TrimSpace(s))
		}
		return out, nil
	case []any:
		out := make([]string, len(x))
		for i, e := range x {
			s, ok := e.(string)
			if !ok {
				return nil, f.errorf(append(slices.Clip(path), fmt.Sprintf("[%d]", i)), "%s must be a list of text, got %s", key, describe(e))
			}
			out[i] = s
		}
		return out, nil
	}
	return nil, f.errorf(path, "%s must be text or a list of text, got %s", key, describe(v))
}

// number reads a finite number.
func (f *studyFile) number(path []string, v any) (float64, error) {
	var x float64
	switch n := v.(type) {
	case int64:
		x = float64(n)
	case float64:
		x = n
	default:
		return 0, f.errorf(path, "%s must be a number, got %s", keyOf(path), describe(v))
	}
	if math.IsNaN(x) || math.IsInf(x, 0) {
		return 0, f.errorf(path, "%s must be a finite number, got %v", keyOf(path), x)
	}
	return x, nil
}

// numbers reads a number or a list of numbers.
func (f *studyFile) numbers(path []string, v any) ([]float64, error) {
	switch x := v.(type) {
	case nil:
		return nil, nil
	case []any:
		out := make([]float64, len(x))
		for i, e := range x {
			var err error
			if out[i], err = f.number(append(slices.Clip(path), fmt.Sprintf("[%d]", i)), e); err != nil {
				return nil, err
			}
		}
		return out, nil
	}
	x, err := f.number(path, v)
	return []float64{x}, err
}

// seeds reads seeds: a count N (seeds 1 to N) or a list; default seed 1.
func (f *studyFile) seeds(doc map[string]any) ([]uint64, error) {
	path := []string{"seeds"}
	switch v := doc["seeds"].(type) {
	case nil:
		return []uint64{1}, nil
	case int64:
		if v < 1 || v > maxSeeds {
			return nil, f.errorf(path, "seeds must be a count from 1 to %d or a list of seeds, got %d", maxSeeds, v)
		}
		return SeedRange(int(v)), nil
	case []any:
		if len(v) == 0 || len(v) > maxSeeds {
			return nil, f.errorf(path, "seeds must list from 1 to %d seeds, got %d", maxSeeds, len(v))
		}
		seeds := make([]uint64, len(v))
		for i, e := range v {
			n, ok := e.(int64)
			at := append(slices.Clip(path), fmt.Sprintf("[%d]", i))
			if !ok || n < 0 {
				return nil, f.errorf(at, "a seed must be an integer from 0 up, got %s", describe(e))
			}
			if slices.Contains(seeds[:i], uint64(n)) {
				return nil, f.errorf(at, "seed %d is listed twice", n)
			}
			seeds[i] = uint64(n)
		}
		return seeds, nil
	default:
		return nil, f.errorf(path, "seeds must be a count or a list of seeds, got %s", describe(v))
	}
}

// measure reads the [measure] table.
func (f *studyFile) measure(doc map[string]any) (Measure, error) {
	var m Measure
	v, ok := doc["measure"]
	if !ok {
		return m, nil
	}
	path := []string{"measure"}
	t, ok := v.(map[string]any)
	if !ok {
		return m, f.errorf(path, "measure must be a table, got %s", describe(v))
	}
	if err := f.known(path, t, "measurement", "checkpoints", "activity", "scheme"); err != nil {
		return m, err
	}
	at := func(k string) []string { return append(slices.Clip(path), k) }
	if v, ok := t["checkpoints"]; ok {
		list, ok := v.([]any)
		if !ok || len(list) == 0 {
			return m, f.errorf(at("checkpoints"), "checkpoints must be a list of epochs, like [10, 100], got %s", describe(v))
		}
		for i, e := range list {
			n, ok := e.(int64)
			elem := append(at("checkpoints"), fmt.Sprintf("[%d]", i))
			if !ok || n < 0 || n > math.MaxInt32 {
				return m, f.errorf(elem, "a checkpoint must be an epoch from 0 up, got %s", describe(e))
			}
			if slices.Contains(m.Checkpoints, int(n)) {
				return m, f.errorf(elem, "checkpoint %d is listed twice", n)
			}
			m.Checkpoints = append(m.Checkpoints, int(n))
		}
		slices.Sort(m.Checkpoints)
	}
	if v, ok := t["activity"]; ok {
		if m.Activity, ok = v.(bool); !ok {
			return m, f.errorf(at("activity"), "activity must be true or false, got %s", describe(v))
		}
	}
	if v, ok := t["scheme"]; ok {
		text, ok := v.(string)
		if !ok {
			return m, f.errorf(at("scheme"), "scheme must be text, got %s", describe(v))
		}
		var err error
		if m.Scheme, err = problems.ParseChoice("scheme", text, []Scheme{BackwardEuler}); err != nil {
			return m, f.errorf(at("scheme"), "scheme: %v", err)
		}
	}
	return m, nil
}

// settingValue is one setting as a study file gives it: its canonical text
// (which Setting.set reads back) and where it is.
type settingValue struct {
	setting Setting
	text    string
	path    []string
}

// keyOf returns the key a path names: its last part that is not a list
// index (a grid value's key is its list's).
func keyOf(path []string) string {
	i := len(path) - 1
	for i > 0 && strings.HasPrefix(path[i], "[") {
		i--
	}
	return path[i]
}

// lookup returns the setting called key, at path.
func (f *studyFile) lookup(path []string, key string) (Setting, error) {
	st, ok := lookupSetting(key)
	switch {
	case key == "seed":
		return st, f.errorf(path, "seed is not a setting of a study: give seeds = N (or a list of seeds) at the top of the file")
	case key == "workers":
		return st, f.errorf(path, "workers is not a setting of a study: it is pinn study run's --workers flag")
	case ok && st.builtin && !f.builtin:
		return st, f.errorf(path, "%s is only for the studies built into pinn", key)
	case !ok:
		return st, f.errorf(path, "unknown setting %q%s", key, suggest(key, SettingKeys()))
	}
	return st, nil
}

// setting reads the value v of the key at path into s and checks it.
func (f *studyFile) setting(s *Settings, path []string, v any) (settingValue, error) {
	key := keyOf(path)
	st, err := f.lookup(path, key)
	if err != nil {
		return settingValue{}, err
	}
	switch st.Kind {
	case IntSetting:
		n, ok := v.(int64)
		if !ok || n < math.MinInt32 || n > math.MaxInt32 {
			return settingValue{}, f.errorf(path, "%s must be an integer, got %s", key, describe(v))
		}
		*st.Int(s) = int(n)
	case FloatSetting:
		// Not finite numbers are left to the setting's own check, which
		// names them as the flag's does.
		switch x := v.(type) {
		case int64:
			*st.Float(s) = float64(x)
		case float64:
			*st.Float(s) = x
		default:
			return settingValue{}, f.errorf(path, "%s must be a number, got %s", key, describe(v))
		}
	case BoolSetting:
		b, ok := v.(bool)
		if !ok {
			return settingValue{}, f.errorf(path, "%s must be true or false, got %s", key, describe(v))
		}
		*st.Bool(s) = b
	default:
		text, ok := settingText(v, st.list)
		if !ok {
			return settingValue{}, f.errorf(path, "%s must be text like %q, got %s", key, st.Default, describe(v))
		}
		if err := st.parse(s, text, f.builtin); err != nil {
			if !f.builtin && st.parse(&Settings{}, text, true) == nil {
				return settingValue{}, f.errorf(path, "%s = %q is only for the studies built into pinn", key, text)
			}
			return settingValue{}, f.errorf(path, "%s: %v", key, err)
		}
	}
	if err := st.Give(s); err != nil {
		return settingValue{}, f.errorf(path, "%s %v", key, err)
	}
	return settingValue{setting: st, text: st.Text(s), path: path}, nil
}

// settingText returns the flag text of a text setting's value: text as it
// is, and for a list setting (widths) an integer or a list of integers
// joined by commas.
func settingText(v any, list bool) (string, bool) {
	if s, ok := v.(string); ok {
		return s, true
	}
	if !list {
		return "", false
	}
	switch x := v.(type) {
	case int64:
		return strconv.FormatInt(x, 10), true
	case []any:
		parts := make([]string, len(x))
		for i, e := range x {
			n, ok := e.(int64)
			if !ok {
				return "", false
			}
			parts[i] = strconv.FormatInt(n, 10)
		}
		return strings.Join(parts, ","), len(x) > 0
	}
	return "", false
}

// settingsTable reads a table of settings (the [settings] table, or one
// [[case]]) into s.
func (f *studyFile) settingsTable(s *Settings, path []string, v any) ([]settingValue, error) {
	t, ok := v.(map[string]any)
	if !ok {
		return nil, f.errorf(path, "%s must be a table of settings, got %s", path[0], describe(v))
	}
	var values []settingValue
	for _, k := range f.keys(path, t) {
		sv, err := f.setting(s, append(slices.Clip(path), k), t[k])
		if err != nil {
			return nil, err
		}
		values = append(values, sv)
	}
	return values, nil
}

// axis is one key of the grid with its values.
type axis struct {
	key    string
	values []settingValue
}

// combinations reads [settings], [grid] and [[case]] into every combination.
func (f *studyFile) combinations(doc map[string]any, seeds int) (fixed Settings, combos []Combination, keys []string, err error) {
	if v, ok := doc["settings"]; ok {
		if _, err := f.settingsTable(&fixed, []string{"settings"}, v); err != nil {
			return fixed, nil, nil, err
		}
	}
	varied := func(path []string, key string) error {
		if fixed.Given(key) {
			return f.errorf(path, "%s is set in [settings] and varied in [%s]: give it in one place", key, path[0])
		}
		return nil
	}

	var axes []axis
	if v, ok := doc["grid"]; ok {
		path := []string{"grid"}
		t, ok := v.(map[string]any)
		if !ok || len(t) == 0 {
			return fixed, nil, nil, f.errorf(path, "the grid is empty: give each setting to vary a list of values, like activation = [\"tanh\", \"sin\"]")
		}
		for _, k := range f.keys(path, t) {
			at := append(slices.Clip(path), k)
			if _, err := f.lookup(at, k); err != nil {
				return fixed, nil, nil, err
			}
			list, ok := t[k].([]any)
			if !ok || len(list) == 0 {
				return fixed, nil, nil, f.errorf(at, "%s in [grid] must be a non-empty list of values, got %s", k, describe(t[k]))
			}
			if err := varied(at, k); err != nil {
				return fixed, nil, nil, err
			}
			a := axis{key: k}
			for i, e := range list {
				var scratch Settings
				sv, err := f.setting(&scratch, append(slices.Clip(at), fmt.Sprintf("[%d]", i)), e)
				if err != nil {
					return fixed, nil, nil, err
				}
				if slices.ContainsFunc(a.values, func(o settingValue) bool { return o.text == sv.text }) {
					return fixed, nil, nil, f.errorf(sv.path, "%s lists %s twice", k, sv.text)
				}
				a.values = append(a.values, sv)
			}
			axes = append(axes, a)
		}
	}

	cases := [][]settingValue{nil}
	if v, ok := doc["case"]; ok {
		list, ok := v.([]any)
		if !ok || len(list) == 0 {
			return fixed, nil, nil, f.errorf([]string{"case"}, "case must be tables of settings, written [[case]], got %s", describe(v))
		}
		cases = nil
		for i, e := range list {
			path := []string{"case", fmt.Sprintf("[%d]", i)}
			var scratch Settings
			values, err := f.settingsTable(&scratch, path, e)
			if err != nil {
				return fixed, nil, nil, err
			}
			if len(values) == 0 {
				return fixed, nil, nil, f.errorf(path, "case %d sets nothing", i+1)
			}
			for _, sv := range values {
				if err := varied(sv.path, sv.setting.Key); err != nil {
					return fixed, nil, nil, err
				}
				if slices.ContainsFunc(axes, func(a axis) bool { return a.key == sv.setting.Key }) {
					return fixed, nil, nil, f.errorf(sv.path, "%s is varied both in [grid] and in [[case]]: give it in one place", sv.setting.Key)
				}
			}
			cases = append(cases, values)
			for _, sv := range values {
				if !slices.Contains(keys, sv.setting.Key) {
					keys = append(keys, sv.setting.Key)
				}
			}
		}
	}
	for _, a := range axes {
		keys = append(keys, a.key)
	}

	n := len(cases)
	for _, a := range axes {
		if n > maxCombinations/len(a.values) {
			return fixed, nil, nil, f.errorf([]string{"grid"}, "more than %d combinations", maxCombinations)
		}
		n *= len(a.values)
	}
	if n > maxRuns/seeds {
		return fixed, nil, nil, f.errorf([]string{"seeds"}, "%d combinations of %d seeds make more than %d runs", n, seeds, maxRuns)
	}
	combos = make([]Combination, 0, n)
	seen := map[string]settingValue{}
	for _, c := range cases {
		idx := make([]int, len(axes))
		for {
			values := slices.Clone(c)
			for j, a := range axes {
				values = append(values, a.values[idx[j]])
			}
			combo := Combination{Settings: fixed}
			for _, sv := range values {
				if err := sv.setting.set(&combo.Settings, sv.text); err != nil {
					return fixed, nil, nil, f.errorf(sv.path, "%v", err) // values read back as they were written
				}
				combo.Varied = append(combo.Varied, KeyValue{sv.setting.Key, sv.text})
			}
			key := combo.Settings.Canonical()
			if prev, dup := seen[key]; dup && len(values) > 0 {
				last := values[len(values)-1]
				return fixed, nil, nil, f.errorf(last.path, "the combination %s repeats the one at line %d", combo.Label(), f.line(prev.path))
			}
			if len(values) > 0 {
				seen[key] = values[len(values)-1]
			}
			combos = append(combos, combo)
			// Next grid combination, the last axis fastest.
			j := len(axes) - 1
			for ; j >= 0; j-- {
				if idx[j]++; idx[j] < len(axes[j].values) {
					break
				}
				idx[j] = 0
			}
			if j < 0 {
				break
			}
		}
	}
	return fixed, combos, keys, nil
}

// set reads text, as Text writes it, into s, and marks the setting given.
func (st Setting) set(s *Settings, text string) error {
	var err error
	switch st.Kind {
	case IntSetting:
		*st.intp(s), err = strconv.Atoi(text)
	case FloatSetting:
		*st.floatp(s), err = strconv.ParseFloat(text, 64)
	case BoolSetting:
		*st.boolp(s), err = strconv.ParseBool(text)
	default:
		err = st.parse(s, text, true)
	}
	if err != nil {
		return err
	}
	return st.Give(s)
}

// checkCombinations checks what depends on several keys: the measurements
// against each combination's settings.
func (f *studyFile) checkCombinations(s *Study) error {
	m := s.Measure
	if m.Scheme != NoScheme && (s.Problem.Order != 1 || len(s.Problem.Vars) != 1) {
		return f.errorf([]string{"measure", "scheme"}, "scheme %s needs a first-order problem in one variable", m.Scheme)
	}
	if len(m.Checkpoints) == 0 {
		return nil
	}
	path := []string{"measure", "checkpoints"}
	for i := range s.Combinations {
		c := &s.Combinations[i]
		_, opts := c.Settings.Resolve(s.Problem)
		if opts.Stages != 1 {
			return f.errorf(path, "checkpoints need stages = 1: a run marching in time is not the same run cut short (%s)", c.Label())
		}
		if last := m.Checkpoints[len(m.Checkpoints)-1]; last >= opts.Epochs {
			runs := "the runs"
			if len(c.Varied) > 0 {
				runs += " of " + c.Label()
			}
			return f.errorf(path, "checkpoint %d is not before the last Adam epoch: %s have %d", last, runs, opts.Epochs)
		}
	}
	return nil
}

// findingSpec is how a built-in experiment's finding is shown and
// explained: the [finding] table.
type findingSpec struct {
	quote, claim string
	columns      []string
	table        bool
	explain      func(f *Finding) (verdict, explanation string)
}

// comparisonSpec is a built-in comparison's [comparison] table: the steps of
// the step study.
type comparisonSpec struct {
	steps []float64
}

// finding reads a built-in study's [finding] table.
func (f *studyFile) finding(doc map[string]any, s *Study) (*findingSpec, error) {
	v, ok := doc["finding"]
	if !ok {
		return nil, nil
	}
	path := []string{"finding"}
	t, ok := v.(map[string]any)
	if !ok {
		return nil, f.errorf(path, "finding must be a table")
	}
	if err := f.known(path, t, "finding key", "quote", "claim", "columns", "table", "explain"); err != nil {
		return nil, err
	}
	at := func(k string) []string { return append(slices.Clip(path), k) }
	spec := &findingSpec{}
	var err error
	if spec.quote, err = f.text(t, "quote", ""); err != nil {
		return nil, err
	}
	if spec.claim, err = f.text(t, "claim", ""); err != nil {
		return nil, err
	}
	if v, ok := t["table"]; ok {
		if spec.table, ok = v.(bool); !ok {
			return nil, f.errorf(at("table"), "table must be true or false")
		}
	}
	if v, ok := t["columns"]; ok {
		if spec.columns, err = f.texts(at("columns"), v, false); err != nil {
			return nil, err
		}
		keys := s.Measure.keys()
		for i, k := range spec.columns {
			if !slices.Contains(keys, k) {
				return nil, f.errorf(append(at("columns"), fmt.Sprintf("[%d]", i)), "column %q is not measured (the runs measure %s)", k, strings.Join(keys, ", "))
			}
		}
	}
	if v, ok := t["explain"]; ok {
		name, _ := v.(string)
		if spec.explain = explainers[name]; spec.explain == nil {
			return nil, f.errorf(at("explain"), "no explanation called %s", describe(v))
		}
	}
	return spec, nil
}

// comparison reads a built-in study's [comparison] table.
func (f *studyFile) comparison(doc map[string]any, s *Study) (*comparisonSpec, error) {
	v, ok := doc["comparison"]
	if !ok {
		return nil, nil
	}
	path := []string{"comparison"}
	t, ok := v.(map[string]any)
	if !ok {
		return nil, f.errorf(path, "comparison must be a table")
	}
	if err := f.known(path, t, "comparison key", "steps"); err != nil {
		return nil, err
	}
	if len(s.Seeds) != 1 {
		return nil, f.errorf([]string{"seeds"}, "a comparison trains every mode from one seed")
	}
	steps, err := f.numbers(append(path, "steps"), t["steps"])
	if err != nil {
		return nil, err
	}
	if len(steps) == 0 || slices.ContainsFunc(steps, func(h float64) bool { return !(h > 0) }) {
		return nil, f.errorf(append(path, "steps"), "steps must be a list of positive steps")
	}
	return &comparisonSpec{steps: steps}, nil
}

// keys returns the metric keys a run measures, in order.
func (m Measure) keys() []string {
	keys := []string{keyInitialLoss, keyFinalLoss, keyRelL2, keyMaxAbsErr, keyMaxAbsDeriv, keyMaxAbsOutput, keyYAtT0}
	for _, k := range m.Checkpoints {
		keys = append(keys, checkpointLoss(k), checkpointRelL2(k))
	}
	if m.Activity {
		keys = append(keys, keyZeroGradInit, keyZeroGradFinal, keyDeadInit, keyDeadFinal)
	}
	if m.Scheme != NoScheme {
		keys = append(keys, keySchemeRelL2)
	}
	return keys
}
