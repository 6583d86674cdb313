package experiments

import (
	"cmp"
	"errors"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"

	"pinn/graph"
	"pinn/problems"
)

// measure reads the [measure] table.
func (f *studyFile) measure(doc map[string]any) (Measure, error) {
	var m Measure
	path := []string{"measure"}
	t, err := f.table(doc, path, "measurement", "checkpoints", "activity", "scheme", "trace")
	if t == nil || err != nil {
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
	if v, ok := t["trace"]; ok {
		n, ok := v.(int64)
		switch {
		case !f.builtin:
			return m, f.errorf(at("trace"), "trace is only for the studies built into pinn (pinn train and solve take --trace)")
		case !ok || n < 1 || n > math.MaxInt32:
			return m, f.errorf(at("trace"), "trace must be a positive number of steps, got %s", describe(v))
		}
		m.Trace = int(n)
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
			return settingValue{}, f.errorf(path, "%s must be text like %q, got %s", key, cmp.Or(st.Default, st.example), describe(v))
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

// checkCombinations checks what depends on several keys: each
// combination's settings against its method, and the measurements against
// each combination's settings.
func (f *studyFile) checkCombinations(s *Study) error {
	for i := range s.Combinations {
		c := &s.Combinations[i]
		if _, _, err := c.Settings.Resolve(s.Problem); err != nil {
			var conflict *MethodConflict
			if errors.As(err, &conflict) {
				path := []string{"grid", conflict.Key}
				if s.Fixed.Given(conflict.Key) {
					path = []string{"settings", conflict.Key}
				}
				return f.errorf(path, "%v%s", err, c.label())
			}
			return f.errorf([]string{"settings"}, "%v%s", err, c.label())
		}
	}
	m := s.Measure
	if m.Activity {
		for i := range s.Combinations {
			c := &s.Combinations[i]
			if _, opts, _ := c.Settings.Resolve(s.Problem); opts.Method == graph.March { // checked above
				return f.errorf([]string{"measure", "activity"}, "activity measures one network: it needs method = \"whole\"%s", c.label())
			}
		}
	}
	if m.Scheme != NoScheme && (s.Problem.Order != 1 || len(s.Problem.Vars) != 1) {
		return f.errorf([]string{"measure", "scheme"}, "scheme %s needs a first-order problem in one variable", m.Scheme)
	}
	if len(m.Checkpoints) == 0 {
		return nil
	}
	path := []string{"measure", "checkpoints"}
	for i := range s.Combinations {
		c := &s.Combinations[i]
		_, opts, _ := c.Settings.Resolve(s.Problem) // checked above
		if opts.Method == graph.March {
			return f.errorf(path, "checkpoints measure Adam epochs of one network: they need method = \"whole\"%s", c.label())
		}
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

// label names c in parentheses after a message when settings vary, and is
// "" when they do not.
func (c *Combination) label() string {
	if len(c.Varied) == 0 {
		return ""
	}
	return " (" + c.Label() + ")"
}
