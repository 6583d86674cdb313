package experiments

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"

	"pinn/graph"
)

// smallStudy is a study of 8 short runs (2 x 2 combinations, 2 seeds) that
// measures everything a run can: checkpoints, activity and a scheme.
const smallStudy = `title = "a small study for tests"
problem = "decay"
seeds = 2

[settings]
epochs = 30
lr = 0.05

[grid]
hidden = ["4", "6,6"]
activation = ["tanh", "relu"]

[measure]
checkpoints = [0, 10]
activity = true
scheme = "backward-euler"
`

func loadSmall(t *testing.T) *Study {
	t.Helper()
	s, err := LoadStudy("small.toml", []byte(smallStudy))
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// runFiles returns the run files of a study's directory, by name.
func runFiles(t *testing.T, dir string) map[string][]byte {
	t.Helper()
	entries, err := os.ReadDir(filepath.Join(dir, runsDirName))
	if err != nil {
		t.Fatal(err)
	}
	files := map[string][]byte{}
	for _, e := range entries {
		if !strings.HasSuffix(e.Name(), ".json") || strings.HasPrefix(e.Name(), ".") {
			t.Errorf("%s left in runs/", e.Name())
			continue
		}
		if files[e.Name()], err = os.ReadFile(filepath.Join(dir, runsDirName, e.Name())); err != nil {
			t.Fatal(err)
		}
	}
	return files
}

// withoutTimes returns a run file or a report's JSON with the training
// times taken out: everything else must be the same bit for bit however a
// study was run.
func withoutTimes(t *testing.T, b []byte) string {
	t.Helper()
	var v any
	if err := json.Unmarshal(b, &v); err != nil {
		t.Fatal(err)
	}
	var strip func(v any)
	strip = func(v any) {
		switch x := v.(type) {
		case map[string]any:
			delete(x, "seconds")
			delete(x, "seconds_per_epoch")
			for _, e := range x {
				strip(e)
			}
		case []any:
			for _, e := range x {
				strip(e)
			}
		}
	}
	strip(v)
	out, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(out)
}

func reportJSON(t *testing.T, dir string) string {
	t.Helper()
	r, err := ReadStudyReport(dir)
	if err != nil {
		t.Fatal(err)
	}
	b, err := json.Marshal(r)
	if err != nil {
		t.Fatal(err)
	}
	return withoutTimes(t, b)
}

// TestShardsCoverEveryRunOnce splits studies of 1 to 23 runs into 1 to 7
// shards: every run is in exactly one shard.
func TestShardsCoverEveryRunOnce(t *testing.T) {
	for _, runs := range []int{1, 5, 6, 23} {
		s, err := LoadStudy("s.toml", fmt.Appendf(nil, "problem = \"decay\"\nseeds = %d\n", runs))
		if err != nil {
			t.Fatal(err)
		}
		all := s.Runs()
		for n := 1; n <= 7; n++ {
			seen := map[string]int{}
			for i := range n {
				for k, r := range all {
					if (Shard{Index: i, Count: n}).Has(k) {
						seen[r.ID]++
					}
				}
			}
			for _, r := range all {
				if seen[r.ID] != 1 {
					t.Errorf("%d runs in %d shards: run %s (seed %d) is in %d shards", runs, n, r.ID, r.Seed, seen[r.ID])
				}
			}
			if len(seen) != len(all) {
				t.Errorf("%d runs in %d shards: the shards hold %d runs", runs, n, len(seen))
			}
		}
	}
}

func TestParseShard(t *testing.T) {
	for _, tt := range []struct {
		text string
		want Shard
		ok   bool
	}{
		{"0/4", Shard{0, 4}, true}, {"3/4", Shard{3, 4}, true}, {" 1 / 2 ", Shard{1, 2}, true}, {"0/1", Shard{0, 1}, true},
		{"4/4", Shard{}, false}, {"-1/4", Shard{}, false}, {"1/0", Shard{}, false}, {"1", Shard{}, false}, {"a/b", Shard{}, false}, {"", Shard{}, false},
	} {
		got, err := ParseShard(tt.text)
		if (err == nil) != tt.ok || got != tt.want {
			t.Errorf("ParseShard(%q) = %v, %v", tt.text, got, err)
		}
	}
}

func TestShardFromEnv(t *testing.T) {
	for _, tt := range []struct {
		env    map[string]string
		shards int
		want   Shard
		err    string
	}{
		{env: nil, want: Shard{}},
		{env: map[string]string{"SLURM_ARRAY_TASK_ID": "7", "SLURM_ARRAY_TASK_MIN": "5", "SLURM_ARRAY_TASK_MAX": "8", "SLURM_ARRAY_TASK_COUNT": "4"}, want: Shard{2, 4}},
		{env: map[string]string{"SLURM_ARRAY_TASK_ID": "0", "SLURM_ARRAY_TASK_MIN": "0", "SLURM_ARRAY_TASK_MAX": "0", "SLURM_ARRAY_TASK_COUNT": "1"}, want: Shard{0, 1}},
		// --array=0-6:2 has tasks 0, 2, 4, 6: task - min is no shard index.
		{env: map[string]string{"SLURM_ARRAY_TASK_ID": "2", "SLURM_ARRAY_TASK_MIN": "0", "SLURM_ARRAY_TASK_MAX": "6", "SLURM_ARRAY_TASK_COUNT": "4"}, err: "consecutive task ids"},
		{env: map[string]string{"SLURM_ARRAY_TASK_ID": "2", "SLURM_ARRAY_TASK_MIN": "0", "SLURM_ARRAY_TASK_COUNT": "4"}, err: `SLURM_ARRAY_TASK_MAX="" is not a task number`},
		{env: map[string]string{"JOB_COMPLETION_INDEX": "3"}, shards: 4, want: Shard{3, 4}},
		// --shards reads Kubernetes' index, even inside a Slurm job.
		{env: map[string]string{"JOB_COMPLETION_INDEX": "0", "SLURM_ARRAY_TASK_ID": "2"}, shards: 2, want: Shard{0, 2}},
		{env: map[string]string{"JOB_COMPLETION_INDEX": "4"}, shards: 4, err: "not below --shards 4"},
		{env: map[string]string{"JOB_COMPLETION_INDEX": "x"}, shards: 4, err: "not a task number"},
		{env: nil, shards: 4, err: "needs JOB_COMPLETION_INDEX"},
	} {
		got, _, err := ShardFromEnv(func(k string) string { return tt.env[k] }, tt.shards)
		if tt.err != "" {
			if err == nil || !strings.Contains(err.Error(), tt.err) {
				t.Errorf("%v, --shards %d: error %v, want %q", tt.env, tt.shards, err, tt.err)
			}
			continue
		}
		if err != nil || got != tt.want {
			t.Errorf("%v, --shards %d: %v, %v; want %v", tt.env, tt.shards, got, err, tt.want)
		}
	}
}

// TestShardsMergeToOneReport runs the small study whole on one worker, and
// again as four shards at once, each with two workers, into one directory:
// every run file and the report are the same, times aside, and each shard
// wrote only its own runs.
func TestShardsMergeToOneReport(t *testing.T) {
	s := loadSmall(t)
	whole := t.TempDir()
	prog, err := RunStudy(context.Background(), s, whole, StudyOptions{Workers: 1})
	if err != nil || prog.Done != 8 || prog.Before != 0 || prog.Left() != 0 {
		t.Fatalf("whole study: %+v, %v", prog, err)
	}
	split := t.TempDir()
	var wg sync.WaitGroup
	progs := make([]StudyProgress, 4)
	errs := make([]error, 4)
	for i := range 4 {
		wg.Go(func() {
			progs[i], errs[i] = RunStudy(context.Background(), s, split, StudyOptions{Workers: 2, Shard: Shard{i, 4}})
		})
	}
	wg.Wait()
	for i := range 4 {
		if errs[i] != nil || progs[i].Runs != 2 || progs[i].Done != 2 {
			t.Errorf("shard %d: %+v, %v", i, progs[i], errs[i])
		}
	}
	a, b := runFiles(t, whole), runFiles(t, split)
	if len(a) != 8 || len(b) != 8 {
		t.Fatalf("%d and %d run files, want 8", len(a), len(b))
	}
	for name, data := range a {
		if withoutTimes(t, data) != withoutTimes(t, b[name]) {
			t.Errorf("%s differs:\n%s\n%s", name, data, b[name])
		}
	}
	if ra, rb := reportJSON(t, whole), reportJSON(t, split); ra != rb {
		t.Errorf("reports differ:\n%s\n%s", ra, rb)
	}
	// Shard i's runs are runs i and i+4 of the study.
	runs := s.Runs()
	for i := range 4 {
		dir := t.TempDir()
		if _, err := RunStudy(context.Background(), s, dir, StudyOptions{Shard: Shard{i, 4}}); err != nil {
			t.Fatal(err)
		}
		files := runFiles(t, dir)
		for _, k := range []int{i, i + 4} {
			if _, ok := files[runs[k].ID+".json"]; !ok || len(files) != 2 {
				t.Errorf("shard %d wrote %d files, not run %d", i, len(files), k)
			}
		}
	}
}

// TestRunStudyResumes stops a study after its first run, then runs it
// again: the finished run is not run again, nor its file touched, and the
// study ends as one run straight through.
func TestRunStudyResumes(t *testing.T) {
	s := loadSmall(t)
	straight := t.TempDir()
	if _, err := RunStudy(context.Background(), s, straight, StudyOptions{Workers: 1}); err != nil {
		t.Fatal(err)
	}

	dir := t.TempDir()
	ctx, stop := context.WithCancel(context.Background())
	prog, err := RunStudy(ctx, s, dir, StudyOptions{Workers: 1, Progress: func(p StudyProgress) {
		if p.Done == 1 {
			stop() // as if killed while the second run trains
		}
	}})
	if !errors.Is(err, context.Canceled) || prog.Done != 1 {
		t.Fatalf("stopped study: %+v, %v", prog, err)
	}
	first := runFiles(t, dir)
	if len(first) != 1 {
		t.Fatalf("%d run files after one run, want 1", len(first))
	}
	var name string
	for name = range first {
	}
	stat, err := os.Stat(filepath.Join(dir, runsDirName, name))
	if err != nil {
		t.Fatal(err)
	}

	var seen []StudyProgress
	prog, err = RunStudy(context.Background(), s, dir, StudyOptions{Workers: 1, Progress: func(p StudyProgress) { seen = append(seen, p) }})
	if err != nil || prog.Before != 1 || prog.Done != 7 || prog.Left() != 0 || len(seen) != 8 || seen[0].Done != 0 {
		t.Fatalf("resumed study: %+v, %v; %d progress calls", prog, err, len(seen))
	}
	again, err := os.Stat(filepath.Join(dir, runsDirName, name))
	if err != nil || !again.ModTime().Equal(stat.ModTime()) {
		t.Errorf("the finished run's file was written again: %v", err)
	}
	if ra, rb := reportJSON(t, straight), reportJSON(t, dir); ra != rb {
		t.Errorf("the resumed study's report differs:\n%s\n%s", ra, rb)
	}
	if prog, err = RunStudy(context.Background(), s, dir, StudyOptions{}); err != nil || prog.Before != 8 || prog.Done != 0 {
		t.Errorf("a finished study ran again: %+v, %v", prog, err)
	}
}

// TestStudyDirHoldsOneStudy checks that a directory of one study refuses
// another, and that the file it keeps is the one given.
func TestStudyDirHoldsOneStudy(t *testing.T) {
	dir := t.TempDir()
	s := loadSmall(t)
	if err := PrepareStudyDir(dir, s); err != nil {
		t.Fatal(err)
	}
	if err := PrepareStudyDir(dir, s); err != nil {
		t.Errorf("the same study again: %v", err)
	}
	got, err := os.ReadFile(filepath.Join(dir, "small.toml"))
	if err != nil || !bytes.Equal(got, s.Source) {
		t.Errorf("small.toml is not the study file: %v", err)
	}
	changed, err := LoadStudy("small.toml", []byte(strings.Replace(smallStudy, "seeds = 2", "seeds = 3", 1)))
	if err != nil {
		t.Fatal(err)
	}
	if err := PrepareStudyDir(dir, changed); !errors.Is(err, ErrOtherStudy) {
		t.Errorf("a changed study file: %v, want ErrOtherStudy", err)
	}
	other, err := LoadStudy("other.toml", []byte(smallStudy))
	if err != nil {
		t.Fatal(err)
	}
	if err := PrepareStudyDir(dir, other); !errors.Is(err, ErrOtherStudy) {
		t.Errorf("another study: %v, want ErrOtherStudy", err)
	}
	if _, err := ReadStudyDir(t.TempDir()); !errors.Is(err, ErrNoStudy) {
		t.Errorf("an empty directory: %v, want ErrNoStudy", err)
	}
}

// TestStudyReport checks the report of a study run whole: each row's
// counts and numbers against the runs' own.
func TestStudyReport(t *testing.T) {
	s := loadSmall(t)
	dir := t.TempDir()
	if _, err := RunStudy(context.Background(), s, dir, StudyOptions{}); err != nil {
		t.Fatal(err)
	}
	r, err := ReadStudyReport(dir)
	if err != nil {
		t.Fatal(err)
	}
	if r.Runs != 8 || r.Done != 8 || len(r.Rows) != 4 {
		t.Fatalf("%d runs, %d done, %d rows", r.Runs, r.Done, len(r.Rows))
	}
	for _, row := range r.Rows {
		if len(row.Results) != 2 || row.Failed != 0 {
			t.Errorf("%s: %d results, %d failed", row.Combination.Label(), len(row.Results), row.Failed)
			continue
		}
		a, b := row.Results[0].Value(keyRelL2), row.Results[1].Value(keyRelL2)
		// The median of two values is their mean, the worst the larger.
		if row.RelL2.Median != (a+b)/2 || row.RelL2.Max != max(a, b) {
			t.Errorf("%s: rel_l2 %v and %v, stat %+v", row.Combination.Label(), a, b, row.RelL2)
		}
		for _, res := range row.Results {
			if len(res.Metrics) != len(s.Measure.keys()) {
				t.Errorf("%s seed %d: metrics %v", row.Combination.Label(), res.Seed, res.Metrics)
			}
		}
	}
	var text strings.Builder
	if err := r.WriteText(&text); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"study    small: a small study for tests", "runs     8 of 8 done (4 combinations x 2 seeds (1-2)), 0 failed", "hidden  activation", "6,6", "the smallest median rel_l2"} {
		if !strings.Contains(text.String(), want) {
			t.Errorf("report lacks %q:\n%s", want, text.String())
		}
	}
	out := t.TempDir()
	if err := r.WriteFiles(out); err != nil {
		t.Fatal(err)
	}
	csv, err := os.ReadFile(filepath.Join(out, "report.csv"))
	if err != nil || !strings.HasPrefix(string(csv), "hidden,activation,done,failed,rel_l2_median,rel_l2_worst,") || strings.Count(string(csv), "\n") != 5 {
		t.Errorf("report.csv: %v\n%s", err, csv)
	}
	runs, err := os.ReadFile(filepath.Join(out, "runs.csv"))
	if err != nil || strings.Count(string(runs), "\n") != 9 || !strings.Contains(string(runs), "rel_l2_at_10") {
		t.Errorf("runs.csv: %v\n%s", err, runs)
	}
	if st, err := os.Stat(filepath.Join(out, "rel_l2.png")); err != nil || st.Size() == 0 {
		t.Errorf("rel_l2.png: %v", err)
	}
}

// TestDivergedRunsFail runs a study whose learning rate makes Adam
// diverge: its runs are written, marked and counted as failed, and left
// out of the numbers.
func TestDivergedRunsFail(t *testing.T) {
	s, err := LoadStudy("wild.toml", []byte("problem = \"decay\"\nseeds = 2\n[settings]\nepochs = 20\nactivation = \"none\"\n[grid]\nlr = [0.01, 1e100]\n"))
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	prog, err := RunStudy(context.Background(), s, dir, StudyOptions{})
	if err != nil || prog.Failed != 2 || prog.Done != 4 {
		t.Fatalf("%+v, %v", prog, err)
	}
	r, err := ReadStudyReport(dir)
	if err != nil {
		t.Fatal(err)
	}
	good, wild := r.Rows[0], r.Rows[1]
	if r.Failed != 2 || good.Failed != 0 || wild.Failed != 2 || len(wild.Results) != 2 || wild.Results[0].Diverged == "" {
		t.Errorf("failed %d; rows %+v, %+v", r.Failed, good, wild)
	}
	if !(good.RelL2.Median > 0) || !isNaN(wild.RelL2.Median) {
		t.Errorf("rel_l2 medians %v and %v, want a number and none", good.RelL2.Median, wild.RelL2.Median)
	}
}

func isNaN(v float64) bool { return v != v }

// TestStudyMarches runs a study that gives no training settings: its runs
// march, as pinn train does with no flags, and reach the goal.
func TestStudyMarches(t *testing.T) {
	s, err := LoadStudy("march.toml", []byte("problem = \"decay\"\nseeds = 2\n[grid]\ngoal = [1e-4, 1e-6]\n"))
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	if prog, err := RunStudy(context.Background(), s, dir, StudyOptions{}); err != nil || prog.Done != 4 || prog.Failed != 0 {
		t.Fatalf("%+v, %v", prog, err)
	}
	r, err := ReadStudyReport(dir)
	if err != nil {
		t.Fatal(err)
	}
	for i, goal := range []float64{1e-4, 1e-6} {
		row := r.Rows[i]
		if len(row.Results) != 2 || !(row.RelL2.Max <= goal) || row.Results[0].Epochs == 0 {
			t.Errorf("goal %g: rel_l2 up to %g in %d runs of %d iterations", goal, row.RelL2.Max, len(row.Results), row.Results[0].Epochs)
		}
	}
}

// TestRunSeedMeasuresTheRun checks that what runSeed measures beside
// graph.Fit is of the same run: the initial trainer starts where Fit
// starts (for each sampling), and a checkpoint's rel_l2 is that of a
// trainer trained up to it in one piece.
func TestRunSeedMeasuresTheRun(t *testing.T) {
	for _, sampling := range []string{"grid", "uniform", "sobol"} {
		src := "problem = \"forum-final\"\n[settings]\nepochs = 25\nlr = 0.05\nhidden = [6]\nsampling = \"" + sampling + "\"\n[measure]\ncheckpoints = [0, 12]\n"
		s, err := LoadStudy("s.toml", []byte(src))
		if err != nil {
			t.Fatal(err)
		}
		c := s.Combinations[0].Settings
		set, err := newSetup("s", s.Problem, c, s.Measure)
		if err != nil {
			t.Fatal(err)
		}
		r, err := runSeed(context.Background(), set, 3, 1)
		if err != nil {
			t.Fatal(err)
		}
		cfg, opts, err := c.Resolve(s.Problem)
		if err != nil {
			t.Fatal(err)
		}
		opts.Seed = 3
		tr, err := initialTrainer(s.Problem, cfg, opts)
		if err != nil {
			t.Fatal(err)
		}
		loss, _, err := tr.LossAndGradient()
		if err != nil || loss != r.Loss[0] {
			t.Errorf("%s: the initial trainer's loss %v, Fit's %v (%v)", sampling, loss, r.Loss[0], err)
		}
		for _, k := range []int{0, 12} {
			if k > 0 {
				if err := tr.Adam(k, nil); err != nil {
					t.Fatal(err)
				}
				loss = tr.Loss()[k]
			}
			sc, err := tr.Model().Evaluate(set.ts)
			if err != nil {
				t.Fatal(err)
			}
			if got := r.Value(checkpointRelL2(k)); got != sc.RelL2 || r.Value(checkpointLoss(k)) != loss {
				t.Errorf("%s: at epoch %d rel_l2 %v and loss %v, a trainer's %v and %v", sampling, k, got, r.Value(checkpointLoss(k)), sc.RelL2, loss)
			}
		}
	}
	// The trained model's network, trained on, is the same network.
	res, err := graph.Fit(context.Background(), mustLoadBuiltin("final-code").Problem, graph.Config{}, graph.Options{Method: graph.Whole, Epochs: 5})
	if err != nil {
		t.Fatal(err)
	}
	if a, b := res.Model.Network(), res.Model.Network(); a == b || !slices.Equal(a.Widths, b.Widths) {
		t.Error("Model.Network does not return copies")
	}
}
