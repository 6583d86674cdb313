package report

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"github.com/gofrs/flock"
)

// ErrLocked means another process holds the lock on an output.
var ErrLocked = errors.New("report: in use by another run")

// Lock is an exclusive lock on an output, a directory or a file, so that two
// runs never write into one place (which would leave a mix of both). It is
// an advisory lock (flock(2); LockFileEx on Windows, through
// github.com/gofrs/flock) on a lock file: .pinn.lock inside a directory,
// .NAME.lock beside a file (a file is replaced by renaming, so a lock on it
// would not outlive the first write). The operating system drops the lock
// when the process ends, however it ends; Release also removes the file.
type Lock struct {
	fl *flock.Flock
}

// LockDir locks the directory dir, which must exist.
func LockDir(dir string) (*Lock, error) {
	return lockFile(filepath.Join(dir, ".pinn.lock"))
}

// LockFile locks the file at path, whose directory must exist.
func LockFile(path string) (*Lock, error) {
	return lockFile(filepath.Join(filepath.Dir(path), "."+filepath.Base(path)+".lock"))
}

// lockFile takes the lock on the lock file at path, or fails with
// ErrLocked.
func lockFile(path string) (*Lock, error) {
	// The run before may remove the lock file between our opening it and
	// our lock: the lock is then on a file no one else will open, and a
	// third run could lock a new one. So the locked file must still be the
	// one at path; a few tries settle it, as each one that fails means
	// another run finished meanwhile.
	for range 5 {
		fl := flock.New(path, flock.SetPermissions(0o644))
		ok, err := fl.TryLock()
		if err != nil {
			return nil, fmt.Errorf("report: locking %s: %w", path, err)
		}
		if !ok {
			return nil, fmt.Errorf("%w (it holds %s)", ErrLocked, path)
		}
		held, errHeld := fl.Stat()
		now, errNow := os.Stat(path)
		if errHeld == nil && errNow == nil && os.SameFile(held, now) {
			l := &Lock{fl: fl}
			pending.Lock()
			pending.locks = append(pending.locks, l)
			pending.Unlock()
			return l, nil
		}
		fl.Unlock()
	}
	return nil, fmt.Errorf("report: locking %s: it keeps being replaced", path)
}

// Release removes the lock file, then drops the lock: removed first, so
// that a run that opened it meanwhile finds it still locked, then gone.
func (l *Lock) Release() error {
	pending.Lock()
	for i, p := range pending.locks {
		if p == l {
			pending.locks = append(pending.locks[:i], pending.locks[i+1:]...)
			break
		}
	}
	pending.Unlock()
	// A file that cannot be removed (open elsewhere, on Windows) only
	// stays behind; it is unlocked all the same.
	os.Remove(l.fl.Path())
	return l.fl.Unlock()
}
