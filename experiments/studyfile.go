package experiments

import (
	"cmp"
	"errors"
	"fmt"
	"path/filepath"
	"regexp"
	"slices"
	"strings"

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

// table returns the table at path (one key) of doc, nil when there is
// none, refusing keys of it that are not among allowed (what names them).
func (f *studyFile) table(doc map[string]any, path []string, what string, allowed ...string) (map[string]any, error) {
	v, ok := doc[path[0]]
	if !ok {
		return nil, nil
	}
	t, ok := v.(map[string]any)
	if !ok {
		return nil, f.errorf(path, "%s must be a table, got %s", path[0], describe(v))
	}
	return t, f.known(path, t, what, allowed...)
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
