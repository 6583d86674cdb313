package main

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"slices"

	"pinn/experiments/report"
)

// claim holds the places a command writes, --out's directory and --save's
// file, checked, made and locked before any work: a run never ends with
// nowhere to write, and two runs never write into one place. release gives
// them back.
type claim struct {
	made  []string // directories this run made, parents first
	locks []*report.Lock
}

// claimOutputs checks and claims dir (--out, "" for none), into which the
// command writes the files named files, and save (--save, "" for none). Every
// error is bad input that names the flag: a path that is not a regular file
// where one is to be written, --save naming one of the files --out writes, a
// directory that cannot be made or written, or one another run holds.
func claimOutputs(dir, save string, files []string) (_ *claim, err error) {
	cl := &claim{}
	defer func() {
		if err != nil {
			cl.release()
		}
	}()
	if save != "" {
		if err := report.CheckReplaceable(save); err != nil {
			return nil, badInput("--save %s: %v", save, err)
		}
	}
	if dir != "" {
		if err := cl.makeWritable(dir); err != nil {
			return nil, badInput("--out %s is not writable: %v", dir, err)
		}
		for _, f := range files {
			path := filepath.Join(dir, f)
			if err := report.CheckReplaceable(path); err != nil {
				return nil, badInput("--out %s: %v", dir, err)
			}
			if save != "" && samePath(path, save) {
				return nil, badInput("--save %s is the %s that --out %s writes: save the model under another name", save, f, dir)
			}
		}
		if err := cl.lock(report.LockDir(dir)); err != nil {
			return nil, badInput("--out %s: %v", dir, err)
		}
		// A run killed while it wrote these files left their temporary
		// files, which the lock now makes ours to remove.
		for _, f := range files {
			if err := report.RemoveLeftovers(filepath.Join(dir, f)); err != nil {
				return nil, err
			}
		}
	}
	if save != "" {
		if err := cl.makeWritable(filepath.Dir(save)); err != nil {
			return nil, badInput("--save %s: %v", save, err)
		}
		if err := cl.lock(report.LockFile(save)); err != nil {
			return nil, badInput("--save %s: %v", save, err)
		}
		if err := report.RemoveLeftovers(save); err != nil {
			return nil, err
		}
	}
	return cl, nil
}

// makeWritable makes dir and its missing parents, noting each one made, and
// proves a file can be written there.
func (cl *claim) makeWritable(dir string) error {
	var missing []string
	for d := filepath.Clean(dir); ; d = filepath.Dir(d) {
		if _, err := os.Lstat(d); !errors.Is(err, fs.ErrNotExist) {
			break
		}
		missing = append(missing, d)
		if filepath.Dir(d) == d {
			break
		}
	}
	slices.Reverse(missing)
	for _, d := range missing {
		if err := os.Mkdir(d, 0o755); err != nil {
			return err
		}
		cl.made = append(cl.made, d)
	}
	return report.CheckWritable(dir)
}

func (cl *claim) lock(l *report.Lock, err error) error {
	if errors.Is(err, report.ErrLocked) {
		return errors.New("in use by another pinn run: " + err.Error())
	}
	if err != nil {
		return err
	}
	cl.locks = append(cl.locks, l)
	return nil
}

// release drops the locks and removes the directories the run made that
// are still empty (a run refused or stopped before it wrote anything leaves
// none behind).
func (cl *claim) release() {
	for _, l := range cl.locks {
		l.Release()
	}
	cl.locks = nil
	for i := len(cl.made) - 1; i >= 0; i-- {
		os.Remove(cl.made[i]) // fails, as it should, when not empty
	}
	cl.made = nil
}

// samePath reports whether a and b name the same file: the same absolute
// path, or the same file on disk.
func samePath(a, b string) bool {
	absA, errA := filepath.Abs(a)
	absB, errB := filepath.Abs(b)
	if errA == nil && errB == nil && absA == absB {
		return true
	}
	stA, errA := os.Stat(a)
	stB, errB := os.Stat(b)
	return errA == nil && errB == nil && os.SameFile(stA, stB)
}
