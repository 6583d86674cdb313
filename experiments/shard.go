package experiments

import (
	"fmt"
	"strconv"
	"strings"
)

// Shard is one of Count deterministic slices of a study's runs: the runs
// whose place in Study.Runs is Index modulo Count, so that the slices of
// a study are the same on every machine, cover every run once, and share
// out each combination's seeds. The zero value is the whole study.
type Shard struct{ Index, Count int }

// Whole reports whether the shard is the whole study.
func (sh Shard) Whole() bool { return sh.Count <= 1 }

// String writes the shard as ParseShard reads it: "2/4".
func (sh Shard) String() string {
	if sh.Whole() {
		return "0/1"
	}
	return fmt.Sprintf("%d/%d", sh.Index, sh.Count)
}

// Has reports whether the k-th run of a study is in the shard.
func (sh Shard) Has(k int) bool { return sh.Whole() || k%sh.Count == sh.Index }

// ParseShard reads "I/N": slice I (from 0) of N.
func ParseShard(text string) (Shard, error) {
	i, n, ok := strings.Cut(text, "/")
	index, err1 := strconv.Atoi(strings.TrimSpace(i))
	count, err2 := strconv.Atoi(strings.TrimSpace(n))
	if !ok || err1 != nil || err2 != nil || count < 1 || index < 0 || index >= count {
		return Shard{}, fmt.Errorf("%q is not a shard I/N with 0 <= I < N, like 0/4", text)
	}
	return Shard{Index: index, Count: count}, nil
}

// ShardFromEnv returns the shard a job array's task runs, from its
// environment (getenv): with shards > 0, slice JOB_COMPLETION_INDEX of
// shards (a Kubernetes Indexed Job); else, under a Slurm job array, slice
// SLURM_ARRAY_TASK_ID - SLURM_ARRAY_TASK_MIN of SLURM_ARRAY_TASK_COUNT, which
// needs an array of consecutive task ids (MAX - MIN + 1 = COUNT); else the
// whole study. from says where the shard came from, "" for the whole study.
func ShardFromEnv(getenv func(string) string, shards int) (sh Shard, from string, err error) {
	number := func(name string) (int, error) {
		v := getenv(name)
		n, err := strconv.Atoi(v)
		if err != nil || n < 0 {
			return 0, fmt.Errorf("%s=%q is not a task number", name, v)
		}
		return n, nil
	}
	if shards > 0 {
		if getenv("JOB_COMPLETION_INDEX") == "" {
			return sh, "", fmt.Errorf("--shards %d needs JOB_COMPLETION_INDEX, which a Kubernetes Indexed Job sets (elsewhere use --shard I/%d)", shards, shards)
		}
		i, err := number("JOB_COMPLETION_INDEX")
		if err != nil {
			return sh, "", err
		}
		if i >= shards {
			return sh, "", fmt.Errorf("JOB_COMPLETION_INDEX=%d is not below --shards %d", i, shards)
		}
		return Shard{Index: i, Count: shards}, fmt.Sprintf("JOB_COMPLETION_INDEX=%d", i), nil
	}
	if getenv("SLURM_ARRAY_TASK_ID") == "" {
		return Shard{}, "", nil
	}
	var id, lo, hi, count int
	for _, v := range []struct {
		name string
		dst  *int
	}{{"SLURM_ARRAY_TASK_ID", &id}, {"SLURM_ARRAY_TASK_MIN", &lo}, {"SLURM_ARRAY_TASK_MAX", &hi}, {"SLURM_ARRAY_TASK_COUNT", &count}} {
		if *v.dst, err = number(v.name); err != nil {
			return sh, "", err
		}
	}
	if count < 1 || hi-lo+1 != count || id < lo || id > hi {
		return sh, "", fmt.Errorf("the Slurm job array %d-%d has %d tasks: the shards need consecutive task ids, like --array=0-%d (or give --shard I/N)",
			lo, hi, count, count-1)
	}
	return Shard{Index: id - lo, Count: count}, fmt.Sprintf("SLURM_ARRAY_TASK_ID=%d of %d-%d", id, lo, hi), nil
}
