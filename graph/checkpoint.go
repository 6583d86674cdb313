package graph

import (
	"bufio"
	"bytes"
	"crypto/sha256"
	"encoding/gob"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"reflect"
	"runtime/debug"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"pinn/problems"
)

// CheckpointFormat names the layout of a checkpoint file (see
// Checkpoint.WriteTo); it changes only with a new name.
const CheckpointFormat = "pinn-checkpoint/1"

// ErrCheckpoint is wrapped by the errors of reading a checkpoint that is
// not one, is damaged or truncated, or does not fit the run resuming it.
var ErrCheckpoint = errors.New("graph: not a usable checkpoint")

// Checkpoint is a Fit run between two steps (Adam epochs or L-BFGS
// iterations): everything the run's next step reads, and what identifies
// the run. Options.Checkpoint receives them and Options.Resume continues
// one; WriteTo and ReadCheckpoint keep them in files.
//
// A run resumed from a checkpoint gives the result of the run never
// stopped, bit for bit, on any number of workers, when the executor's
// kernels (Kernels) are the same; with other kernels, as on a CPU with
// other instructions or in a purego build, it goes on from the same state
// but rounds differently from there.
type Checkpoint struct {
	file checkpointFile
}

// checkpointFile is a checkpoint as its file holds it, after the header
// line: gob-encoded, which keeps every float64 exactly (NaN and the
// infinities too, which JSON cannot hold).
type checkpointFile struct {
	// Run identifies the run (see identify).
	Run []runSetting
	// Kernels is Kernels() of the process that took it.
	Kernels string
	// Epoch is the steps taken: Adam epochs and L-BFGS iterations, the
	// epoch numbers Options.Progress sees.
	Epoch int
	// Trace holds the steps traced so far (see Options.TraceEvery).
	Trace []TraceStep
	// Whole or March holds the state of the run, by its method.
	Whole *wholeState
	March *marchState
}

// runSetting is one thing that decides a run's arithmetic, by name, with
// its value as JSON (which writes a float64 so that it reads back
// exactly).
type runSetting struct {
	Name, Value string
}

// Epoch is the number of steps the run had taken: Adam epochs and L-BFGS
// iterations, as Options.Progress numbers them.
func (c *Checkpoint) Epoch() int { return c.file.Epoch }

// Kernels names the kernels of the process that took the checkpoint (see
// the package's Kernels).
func (c *Checkpoint) Kernels() string { return c.file.Kernels }

// Method is the method of the run.
func (c *Checkpoint) Method() Method {
	if c.file.March != nil {
		return March
	}
	return Whole
}

// CheckpointMismatch is the error of resuming a run from a checkpoint of
// another: Setting names the first thing that differs, "Options.Epochs",
// "Config.Hidden", "Problem.RHS" (a field of problems.Definition) or
// "Build" (the module's version, the source revision and the Go version,
// where the build recorded them), and Checkpoint and Run give its value in
// each, as text.
type CheckpointMismatch struct {
	Setting         string
	Checkpoint, Run string
}

// Error names the first setting that differs and its two values.
func (e *CheckpointMismatch) Error() string {
	return fmt.Sprintf("graph: the checkpoint is of another run: %s %s, this run has %s", e.Setting, e.Checkpoint, e.Run)
}

// Unwrap returns ErrCheckpoint.
func (e *CheckpointMismatch) Unwrap() error { return ErrCheckpoint }

// Check reports whether the checkpoint can resume a Fit of problem p with
// cfg and opts: a *CheckpointMismatch when it is of another run, an error
// wrapping ErrCheckpoint when its state does not fit the run, and the
// errors Fit gives for cfg and opts themselves. Fit checks Options.Resume
// so; a caller can check before anything else is under way.
func (c *Checkpoint) Check(p *problems.Problem, cfg Config, opts Options) error {
	cfg, opts, err := resolve(p, cfg, opts)
	if err != nil {
		return err
	}
	return c.check(p, cfg, opts)
}

// check is Check of cfg and opts with their defaults.
func (c *Checkpoint) check(p *problems.Problem, cfg Config, opts Options) error {
	run := identify(p, cfg, opts)
	for i, s := range c.file.Run {
		if i == len(run) || s.Name != run[i].Name {
			return fmt.Errorf("%w: it lists %q where this run has %s", ErrCheckpoint, s.Name, nameAt(run, i))
		}
		if s.Value != run[i].Value {
			return &CheckpointMismatch{Setting: s.Name, Checkpoint: display(s.Value), Run: display(run[i].Value)}
		}
	}
	if len(run) != len(c.file.Run) {
		return fmt.Errorf("%w: it lists %d settings, this run has %d", ErrCheckpoint, len(c.file.Run), len(run))
	}
	if len(c.file.Trace) > 0 && opts.TraceEvery == 0 {
		return fmt.Errorf("%w: it holds %d steps traced, of a run that traces none", ErrCheckpoint, len(c.file.Trace))
	}
	var err error
	switch opts.Method {
	case Whole:
		err = c.file.Whole.check(p, cfg, opts)
	case March:
		err = c.file.March.check(p, cfg, opts)
	}
	if err != nil {
		return fmt.Errorf("%w: %w", ErrCheckpoint, err)
	}
	return nil
}

// nameAt is the name of run's setting i, or "nothing more".
func nameAt(run []runSetting, i int) string {
	if i < len(run) {
		return run[i].Name
	}
	return "nothing more"
}

// display is a setting's JSON value as a message shows it: a string
// without its quotes, a list without its brackets ("16,16"); quoted, as Go
// quotes it, where that would leave a line break or another control
// character in the message (a damaged file's).
func display(value string) string {
	d := value
	if s, err := strconv.Unquote(value); err == nil && strings.HasPrefix(value, `"`) {
		d = s
	} else if strings.HasPrefix(value, "[") && strings.HasSuffix(value, "]") {
		d = value[1 : len(value)-1]
	}
	if strings.ContainsFunc(d, unicode.IsControl) || !utf8.ValidString(d) {
		return strconv.Quote(d)
	}
	return d
}

// identify lists what decides the arithmetic of a Fit of p with cfg and
// opts (with their defaults), in the order a mismatch is looked for: the
// build, the method, the problem, the config, then the options. Every
// field counts but those that cannot change a number: Workers (the
// results are the same bits for any), Progress and the checkpoint
// options, and the problem's Summary. Observations count by a SHA-256 of
// their values.
func identify(p *problems.Problem, cfg Config, opts Options) []runSetting {
	run := []runSetting{{"Build", quote(buildVersion())}, {"Options.Method", quote(string(opts.Method))}}
	run = appendFields(run, "Problem", reflect.ValueOf(p.Definition), "Summary")
	run = appendFields(run, "Config", reflect.ValueOf(cfg))
	obs := opts.Observations
	run = appendFields(run, "Options", reflect.ValueOf(opts), "Method", "Workers", "Progress", "Resume", "Checkpoint", "CheckpointEvery", "Observations")
	digest := "none"
	if obs != nil {
		b, _ := json.Marshal(obs) // finite numbers only: ReadObservations refuses others
		digest = fmt.Sprintf("sha256:%x", sha256.Sum256(b))
	}
	return append(run, runSetting{"Options.Observations", quote(digest)})
}

// appendFields appends the exported fields of the struct v, named
// prefix.Field (fields of an embedded struct as v's own, of a struct
// field as prefix.Field.Sub), but those named in skip and functions.
func appendFields(run []runSetting, prefix string, v reflect.Value, skip ...string) []runSetting {
	t := v.Type()
	for i := range t.NumField() {
		f := t.Field(i)
		switch {
		case !f.IsExported() || f.Type.Kind() == reflect.Func || slices.Contains(skip, f.Name):
		case f.Anonymous && f.Type.Kind() == reflect.Struct:
			run = appendFields(run, prefix, v.Field(i))
		case f.Type.Kind() == reflect.Struct:
			run = appendFields(run, prefix+"."+f.Name, v.Field(i))
		default:
			b, err := json.Marshal(v.Field(i).Interface())
			if err != nil { // a number JSON cannot hold: NaN, an infinity
				b = []byte(quote(fmt.Sprint(v.Field(i).Interface())))
			}
			run = append(run, runSetting{prefix + "." + f.Name, string(b)})
		}
	}
	return run
}

// quote returns s as a JSON string.
func quote(s string) string {
	b, _ := json.Marshal(s)
	return string(b)
}

// modulePath is the path of the module this package belongs to.
var modulePath = strings.TrimSuffix(reflect.TypeFor[Checkpoint]().PkgPath(), "/graph")

// buildVersion says which build of this module runs: its version, the
// source revision where the toolchain recorded one (and whether the source
// had uncommitted changes), and the Go version. Another build may round
// differently, or keep other state.
func buildVersion() string {
	info, ok := debug.ReadBuildInfo()
	if !ok {
		return "unknown"
	}
	mod := &info.Main
	if mod.Path != modulePath {
		for _, d := range info.Deps {
			if d.Path == modulePath {
				mod = d
			}
		}
	}
	v := modulePath + " " + mod.Version
	if mod == &info.Main {
		for _, s := range info.Settings {
			if s.Key == "vcs.revision" || s.Key == "vcs.modified" {
				v += " " + s.Key + "=" + s.Value
			}
		}
	}
	return v + " " + info.GoVersion
}

// WriteTo writes the checkpoint: a header line naming the format, the
// length of what follows and its SHA-256, then the checkpoint, gob-encoded
// (see ReadCheckpoint).
func (c *Checkpoint) WriteTo(w io.Writer) (int64, error) {
	var body bytes.Buffer
	if err := gob.NewEncoder(&body).Encode(&c.file); err != nil {
		return 0, fmt.Errorf("graph: encoding the checkpoint: %w", err)
	}
	sum := sha256.Sum256(body.Bytes())
	n, err := fmt.Fprintf(w, "%s %d %x\n", CheckpointFormat, body.Len(), sum)
	if err != nil {
		return int64(n), err
	}
	m, err := w.Write(body.Bytes())
	return int64(n + m), err
}

// maxHeader bounds the header line ReadCheckpoint reads.
const maxHeader = 200

// ReadCheckpoint reads a checkpoint that WriteTo wrote. A file that is not
// one, is truncated, has anything after its end or does not match its
// checksum is an error wrapping ErrCheckpoint that says so; whether it fits
// a run is Check's to say.
func ReadCheckpoint(r io.Reader) (*Checkpoint, error) {
	br := bufio.NewReader(r)
	line, err := br.ReadSlice('\n')
	if len(line) > maxHeader || err != nil && err != io.EOF {
		return nil, fmt.Errorf("%w: it does not begin with a %s line", ErrCheckpoint, CheckpointFormat)
	}
	var length int64
	var sum string
	if f := strings.Fields(string(line)); len(f) != 3 || f[0] != CheckpointFormat {
		if len(line) == 0 {
			return nil, fmt.Errorf("%w: the file is empty", ErrCheckpoint)
		}
		return nil, fmt.Errorf("%w: it does not begin with a %s line", ErrCheckpoint, CheckpointFormat)
	} else if length, err = strconv.ParseInt(f[1], 10, 64); err != nil || length < 0 || len(f[2]) != 2*sha256.Size {
		return nil, fmt.Errorf("%w: its %s line is damaged", ErrCheckpoint, CheckpointFormat)
	} else {
		sum = f[2]
	}
	// Read at most one byte more than the header says, so that a damaged
	// length cannot make the reader allocate more than the file holds.
	body, err := io.ReadAll(io.LimitReader(br, length+1))
	switch {
	case err != nil:
		return nil, fmt.Errorf("%w: %w", ErrCheckpoint, err)
	case int64(len(body)) < length:
		return nil, fmt.Errorf("%w: the file is truncated: %d of %d bytes", ErrCheckpoint, len(body), length)
	case int64(len(body)) > length:
		return nil, fmt.Errorf("%w: the file goes on after its end", ErrCheckpoint)
	}
	if got := sha256.Sum256(body); hex.EncodeToString(got[:]) != sum {
		return nil, fmt.Errorf("%w: the file is damaged (its checksum does not match)", ErrCheckpoint)
	}
	return decodeCheckpoint(body)
}

// decodeCheckpoint decodes a checkpoint's body and checks what can be
// checked without the run: one state, of one method.
func decodeCheckpoint(body []byte) (*Checkpoint, error) {
	var c Checkpoint
	dec := gob.NewDecoder(bytes.NewReader(body))
	if err := dec.Decode(&c.file); err != nil {
		return nil, fmt.Errorf("%w: decoding it: %w", ErrCheckpoint, err)
	}
	if (c.file.Whole == nil) == (c.file.March == nil) || len(c.file.Run) == 0 || c.file.Epoch < 0 {
		return nil, fmt.Errorf("%w: it holds no run", ErrCheckpoint)
	}
	return &c, nil
}

// checkpointer takes the checkpoints of a Fit: it gives Options.Checkpoint
// one when it is due.
type checkpointer struct {
	save    func(*Checkpoint) error
	every   time.Duration
	last    time.Time
	run     []runSetting
	kernels string
}

// newCheckpointer returns the checkpointer of a Fit of p with cfg and
// opts; it takes none when opts.Checkpoint is nil.
func newCheckpointer(p *problems.Problem, cfg Config, opts Options) *checkpointer {
	ck := &checkpointer{save: opts.Checkpoint, every: opts.CheckpointEvery, last: time.Now()}
	if ck.every == 0 {
		ck.every = DefaultCheckpointEvery
	}
	if ck.save != nil {
		ck.run, ck.kernels = identify(p, cfg, opts), Kernels()
	}
	return ck
}

// due says whether to take a checkpoint at this step: always when training
// stops, otherwise once every's time has passed since the last. Without
// Options.Checkpoint it reads no clock; a nil checkpointer takes none.
func (ck *checkpointer) due(stopping bool) bool {
	return ck != nil && ck.save != nil && (stopping || time.Since(ck.last) >= ck.every)
}

// take writes the checkpoint due at this step (see write). A failure
// stops training: it is added to *stop, the error training is already
// stopping with, or, when that is nil, given to stopped, which names the
// step.
func (ck *checkpointer) take(stop *error, stopped func(how string, err error), epoch int, trace []TraceStep, whole *wholeState, march *marchState) {
	err := ck.write(epoch, trace, whole, march)
	switch {
	case err == nil:
	case *stop != nil:
		*stop = fmt.Errorf("%w (%w)", *stop, err)
	default:
		stopped("training stopped", err)
	}
}

// write gives Options.Checkpoint the checkpoint of a run, whole or
// marched, after epoch steps, of which those in trace were traced.
func (ck *checkpointer) write(epoch int, trace []TraceStep, whole *wholeState, march *marchState) error {
	err := ck.save(&Checkpoint{file: checkpointFile{Run: ck.run, Kernels: ck.kernels, Epoch: epoch, Trace: slices.Clone(trace), Whole: whole, March: march}})
	ck.last = time.Now()
	if err != nil {
		return fmt.Errorf("checkpoint: %w", err)
	}
	return nil
}
