package experiments

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"math"
	"os"
	"path/filepath"

	"pinn/experiments/report"
)

// A study's directory holds the study file it runs, as NAME.toml (NAME is
// the study's name), and one file per finished run, runs/ID.json, each
// written whole (a temporary file, then renamed) by the one process that
// ran it. Processes that share the directory (the shards of a job array)
// never write the same file.
const runsDirName = "runs"

// ErrOtherStudy is wrapped by the error of a directory that holds the runs
// of another study.
var ErrOtherStudy = errors.New("experiments: the directory holds another study")

// PrepareStudyDir makes dir and dir/runs and puts the study's file into
// dir/NAME.toml: the first process to get there writes it (whole, and only
// if it is not there: a hard link of a complete temporary file); the
// others, and a rerun, check that theirs is the same, byte for byte. A
// directory with another study's file is refused (ErrOtherStudy).
func PrepareStudyDir(dir string, s *Study) error {
	if err := os.MkdirAll(filepath.Join(dir, runsDirName), 0o755); err != nil {
		return err
	}
	path := filepath.Join(dir, s.Name+".toml")
	others, err := filepath.Glob(filepath.Join(dir, "*.toml"))
	if err != nil {
		return err
	}
	for _, o := range others {
		if o != path {
			return fmt.Errorf("%w: %s holds %s", ErrOtherStudy, dir, filepath.Base(o))
		}
	}
	tmp, err := os.CreateTemp(dir, "."+filepath.Base(path)+".*.tmp")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	_, err = tmp.Write(s.Source)
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return err
	}
	if err := os.Link(tmp.Name(), path); err == nil || !errors.Is(err, fs.ErrExist) {
		return err
	}
	have, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	if !bytes.Equal(have, s.Source) {
		return fmt.Errorf("%w: %s is not the study file given; report it, or run into another directory", ErrOtherStudy, path)
	}
	return nil
}

// ErrNoStudy is wrapped by the error of a directory without a study.
var ErrNoStudy = errors.New("experiments: not a study's directory")

// ReadStudyDir reads the study of a directory that PrepareStudyDir made.
func ReadStudyDir(dir string) (*Study, error) {
	files, err := filepath.Glob(filepath.Join(dir, "*.toml"))
	if err != nil {
		return nil, err
	}
	if len(files) != 1 {
		return nil, fmt.Errorf("%w: %s holds %d study files, want 1", ErrNoStudy, dir, len(files))
	}
	data, err := os.ReadFile(files[0])
	if err != nil {
		return nil, err
	}
	return LoadStudy(files[0], data)
}

// runPath is where the result of a run is kept.
func runPath(dir string, r StudyRun) string {
	return filepath.Join(dir, runsDirName, r.ID+".json")
}

// runFile is the layout of a run's result file.
type runFile struct {
	Format   string        `json:"format"`
	ID       string        `json:"id"`
	Study    string        `json:"study"`
	Problem  string        `json:"problem"`
	Varied   object        `json:"varied"`
	Settings object        `json:"settings"`
	Seed     uint64        `json:"seed"`
	Epochs   int           `json:"epochs"`
	Diverged string        `json:"diverged,omitempty"`
	Seconds  report.Number `json:"seconds"`
	PerEpoch report.Number `json:"seconds_per_epoch"`
	Metrics  metrics       `json:"metrics"`
}

// metrics are a run's metrics as one JSON object, in order; a number JSON
// cannot hold (NaN, an infinity) is null, and read back as NaN.
type metrics []Metric

// MarshalJSON implements json.Marshaler.
func (ms metrics) MarshalJSON() ([]byte, error) {
	o := make(object, len(ms))
	for i, m := range ms {
		o[i] = field{m.Key, report.Number(m.Value)}
	}
	return json.Marshal(o)
}

// UnmarshalJSON implements json.Unmarshaler, keeping the order of the keys.
func (ms *metrics) UnmarshalJSON(b []byte) error {
	dec := json.NewDecoder(bytes.NewReader(b))
	if t, err := dec.Token(); err != nil || t != json.Delim('{') {
		return fmt.Errorf("metrics: want an object")
	}
	*ms = nil
	for dec.More() {
		t, err := dec.Token()
		if err != nil {
			return err
		}
		key, _ := t.(string)
		var v *float64
		if err := dec.Decode(&v); err != nil {
			return fmt.Errorf("metrics: %s: %w", key, err)
		}
		m := Metric{Key: key, Value: math.NaN()}
		if v != nil {
			m.Value = *v
		}
		*ms = append(*ms, m)
	}
	_, err := dec.Token()
	return err
}

// writeRun writes the result of a run of s into dir, whole.
func writeRun(dir string, s *Study, run StudyRun, r *SeedResult) error {
	c := &s.Combinations[run.Combination]
	f := runFile{Format: runFormat, ID: run.ID, Study: s.Name, Problem: s.Problem.Name, Varied: object{}, Settings: object{},
		Seed: run.Seed, Epochs: r.Epochs, Diverged: r.Diverged, Seconds: report.Number(r.Seconds),
		PerEpoch: report.Number(r.PerEpoch), Metrics: r.Metrics}
	for _, kv := range c.Varied {
		f.Varied = append(f.Varied, field{kv.Key, kv.Value})
	}
	for _, st := range settingTable {
		if c.Settings.Given(st.Key) {
			f.Settings = append(f.Settings, field{st.Key, st.Text(&c.Settings)})
		}
	}
	return report.WriteJSON(runPath(dir, run), f)
}

// readRun reads the result of a run from dir; ok is false when the run has
// not finished (no file, or one of another run).
func readRun(dir string, run StudyRun) (r SeedResult, ok bool, err error) {
	data, err := os.ReadFile(runPath(dir, run))
	if errors.Is(err, fs.ErrNotExist) {
		return r, false, nil
	}
	if err != nil {
		return r, false, err
	}
	var f struct {
		Format, ID, Diverged string
		Seed                 uint64
		Epochs               int
		Seconds              *float64
		PerEpoch             *float64 `json:"seconds_per_epoch"`
		Metrics              metrics
	}
	if err := json.Unmarshal(data, &f); err != nil || f.Format != runFormat || f.ID != run.ID || f.Seed != run.Seed {
		// Not a result of this run (a file from elsewhere): run it again.
		return r, false, nil
	}
	r = SeedResult{Seed: f.Seed, Epochs: f.Epochs, Diverged: f.Diverged, Metrics: f.Metrics, Seconds: math.NaN(), PerEpoch: math.NaN()}
	if f.Seconds != nil {
		r.Seconds = *f.Seconds
	}
	if f.PerEpoch != nil {
		r.PerEpoch = *f.PerEpoch
	}
	return r, true, nil
}
