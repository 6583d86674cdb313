package report

import (
	"bufio"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
)

// WriteFile writes path whole: write fills a temporary file in the same
// directory, which then replaces path. Only a regular file is replaced (see
// CheckReplaceable); a symbolic link is written through, to the file it
// names. The temporary file is removed on any error, and by AbandonWrites.
func WriteFile(path string, write func(w io.Writer) error) (err error) {
	if path, err = replaceable(path); err != nil {
		return err
	}
	f, err := createTemp(filepath.Dir(path), tempPattern(path))
	if err != nil {
		return err
	}
	defer func() {
		if err != nil {
			f.Close()
			os.Remove(f.Name())
		}
		forget(f.Name())
	}()
	if err = write(f); err != nil {
		return err
	}
	if err = f.Chmod(0o644); err != nil {
		return err
	}
	if err = f.Close(); err != nil {
		return err
	}
	// Checked again: something may have taken path's place meanwhile.
	if _, err = replaceable(path); err != nil {
		return err
	}
	return os.Rename(f.Name(), path)
}

// RemoveLeftovers removes the temporary files that WriteFile's writes of
// path left behind when their process was killed (SIGKILL cannot be
// caught). The caller must hold path's Lock, so that no write under way is
// among them.
func RemoveLeftovers(path string) error {
	dir := filepath.Dir(path)
	entries, err := os.ReadDir(dir)
	if err != nil {
		return err
	}
	// os.CreateTemp puts a decimal number in the place of the pattern's *.
	prefix, suffix, _ := strings.Cut(tempPattern(path), "*")
	for _, e := range entries {
		n, ok := strings.CutPrefix(e.Name(), prefix)
		if !ok {
			continue
		}
		if n, ok = strings.CutSuffix(n, suffix); !ok || n == "" || strings.Trim(n, "0123456789") != "" {
			continue
		}
		if e := os.Remove(filepath.Join(dir, e.Name())); e != nil && err == nil {
			err = e
		}
	}
	return err
}

// tempPattern is the pattern of the temporary files WriteFile writes path
// through (see os.CreateTemp).
func tempPattern(path string) string { return "." + filepath.Base(path) + ".*.tmp" }

// CheckReplaceable reports whether WriteFile may write path: nothing is
// there yet, or a regular file (directly or through symbolic links). A
// directory, device, fifo or socket is never replaced: renaming over
// /dev/null, say, would put a file in the device's place.
func CheckReplaceable(path string) error {
	_, err := replaceable(path)
	return err
}

// replaceable checks path as CheckReplaceable does and returns the path to
// write: path itself, or the file a symbolic link at path names.
func replaceable(path string) (string, error) {
	if strings.HasSuffix(path, "/") || strings.HasSuffix(path, string(filepath.Separator)) {
		return "", fmt.Errorf("report: %s names a directory, not a file", path)
	}
	st, err := os.Lstat(path)
	if errors.Is(err, fs.ErrNotExist) {
		return path, nil
	}
	if err != nil {
		return "", err
	}
	if st.Mode()&fs.ModeSymlink != 0 {
		target, err := filepath.EvalSymlinks(path)
		if errors.Is(err, fs.ErrNotExist) {
			return "", fmt.Errorf("report: %s is a symbolic link to nothing", path)
		}
		if err != nil {
			return "", err
		}
		if st, err = os.Stat(target); err != nil {
			return "", err
		}
		path = target
	}
	switch {
	case st.IsDir():
		return "", fmt.Errorf("report: %s is a directory", path)
	case !st.Mode().IsRegular():
		return "", fmt.Errorf("report: %s is not a regular file (%s), and only regular files are replaced", path, kind(st.Mode()))
	}
	return path, nil
}

// kind names the type of a file that is not regular.
func kind(m fs.FileMode) string {
	switch {
	case m&fs.ModeCharDevice != 0:
		return "a character device"
	case m&fs.ModeDevice != 0:
		return "a device"
	case m&fs.ModeNamedPipe != 0:
		return "a fifo"
	case m&fs.ModeSocket != 0:
		return "a socket"
	}
	return "mode " + m.String()
}

// pending holds the temporary files of the writes in progress and the
// locks held, so that AbandonWrites can remove their files; once abandoned
// is set no write starts.
var pending struct {
	sync.Mutex
	files     map[string]bool
	locks     []*Lock
	abandoned bool
}

// ErrAbandoned is the error of a write begun after AbandonWrites.
var ErrAbandoned = errors.New("report: writes abandoned: the process is exiting")

// createTemp creates a temporary file as os.CreateTemp does and records it
// in pending; the lock makes creating and recording one step, which
// AbandonWrites cannot come between.
func createTemp(dir, pattern string) (*os.File, error) {
	pending.Lock()
	defer pending.Unlock()
	if pending.abandoned {
		return nil, ErrAbandoned
	}
	f, err := os.CreateTemp(dir, pattern)
	if err != nil {
		return nil, err
	}
	if pending.files == nil {
		pending.files = map[string]bool{}
	}
	pending.files[f.Name()] = true
	return f, nil
}

// forget drops a temporary file, renamed or removed, from pending.
func forget(name string) {
	pending.Lock()
	defer pending.Unlock()
	delete(pending.files, name)
}

// AbandonWrites removes the temporary file of every write in progress, and
// the file of every Lock held, and makes every later write fail with
// ErrAbandoned. A process that must exit at once (a second interrupt, say)
// calls it just before exiting, so that no temporary file outlives it; the
// files already renamed into place stay whole, a write cut short leaves its
// target as it was, and the exit drops the locks.
func AbandonWrites() {
	pending.Lock()
	defer pending.Unlock()
	pending.abandoned = true
	for name := range pending.files {
		os.Remove(name)
	}
	for _, l := range pending.locks {
		os.Remove(l.fl.Path())
	}
}

// WriteCSV writes a table of numbers under a header row.
func WriteCSV(path string, header []string, rows [][]float64) error {
	return WriteFile(path, func(w io.Writer) error {
		bw := bufio.NewWriter(w)
		cw := csv.NewWriter(bw)
		if err := cw.Write(header); err != nil {
			return err
		}
		if cw.Flush(); cw.Error() != nil {
			return cw.Error()
		}
		// Numbers need no quoting: written directly they take a fifth of
		// the time of csv.Writer, which counts when a stopped run writes
		// the loss of a million epochs before the scheduler kills it.
		var line []byte
		for _, row := range rows {
			line = line[:0]
			for j, v := range row {
				if j > 0 {
					line = append(line, ',')
				}
				line = strconv.AppendFloat(line, v, 'g', -1, 64)
			}
			if _, err := bw.Write(append(line, '\n')); err != nil {
				return err
			}
		}
		return bw.Flush()
	})
}

// WriteRecords writes a table of text fields under a header row.
func WriteRecords(path string, header []string, rows [][]string) error {
	return WriteFile(path, func(w io.Writer) error {
		cw := csv.NewWriter(w)
		if err := cw.Write(header); err != nil {
			return err
		}
		if err := cw.WriteAll(rows); err != nil {
			return err
		}
		return cw.Error()
	})
}

// WriteJSON writes v as indented JSON.
func WriteJSON(path string, v any) error {
	return WriteFile(path, func(w io.Writer) error {
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		return enc.Encode(v)
	})
}

// CheckWritable makes dir if needed and proves a file can be created in it,
// so that a long run does not end with nowhere to put its results.
func CheckWritable(dir string) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	f, err := createTemp(dir, ".pinn-write-check-*")
	if err != nil {
		return fmt.Errorf("report: cannot write in %s: %w", dir, err)
	}
	defer forget(f.Name())
	f.Close()
	return os.Remove(f.Name())
}
