package report

import (
	"errors"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// temporaries lists the temporary files WriteFile and CheckWritable leave
// in dir, which must be none.
func temporaries(t *testing.T, dir string) []string {
	t.Helper()
	var names []string
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		if strings.HasSuffix(e.Name(), ".tmp") || strings.HasPrefix(e.Name(), ".pinn-write-check-") {
			names = append(names, e.Name())
		}
	}
	return names
}

func writeText(s string) func(io.Writer) error {
	return func(w io.Writer) error {
		_, err := io.WriteString(w, s)
		return err
	}
}

// TestAbandonWrites abandons a write in progress: its temporary file goes at
// once, the write then fails and leaves its target as it was (absent), and a
// later write fails with ErrAbandoned without creating anything.
func TestAbandonWrites(t *testing.T) {
	defer func() { pending.abandoned = false }()
	dir := t.TempDir()
	target := filepath.Join(dir, "model.json")
	started, release := make(chan struct{}), make(chan struct{})
	done := make(chan error)
	go func() {
		done <- WriteFile(target, func(w io.Writer) error {
			io.WriteString(w, "half a mod")
			close(started)
			<-release
			_, err := io.WriteString(w, "el")
			return err
		})
	}()
	<-started
	if names := temporaries(t, dir); len(names) != 1 {
		t.Fatalf("temporary files during the write: %v, want one", names)
	}
	AbandonWrites()
	if names := temporaries(t, dir); len(names) > 0 {
		t.Errorf("temporary files after AbandonWrites: %v", names)
	}
	close(release)
	if err := <-done; err == nil {
		t.Error("the abandoned write succeeded")
	}
	if _, err := os.Stat(target); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("the target of the abandoned write: %v, want none", err)
	}
	if err := WriteFile(target, writeText("x")); !errors.Is(err, ErrAbandoned) {
		t.Errorf("a write after AbandonWrites: %v, want ErrAbandoned", err)
	}
	if err := CheckWritable(dir); !errors.Is(err, ErrAbandoned) {
		t.Errorf("CheckWritable after AbandonWrites: %v, want ErrAbandoned", err)
	}
	if entries, _ := os.ReadDir(dir); len(entries) > 0 {
		t.Errorf("files left: %v", entries)
	}
}

// TestRemoveLeftovers leaves the temporary files of writes of a file that
// a killed process began, and others: RemoveLeftovers removes those of
// that file alone. 20261201.tmp has the suffix and a number but not the
// prefix: a user's file, kept.
func TestRemoveLeftovers(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "run[1].ckpt")
	stale := []string{".run[1].ckpt.123.tmp", ".run[1].ckpt.4567890.tmp"}
	kept := []string{"run[1].ckpt", ".run[1].ckpt.lock", ".run[1].ckpt.x1.tmp", ".run1.ckpt.123.tmp", ".other.ckpt.123.tmp", "20261201.tmp"}
	for _, name := range append(slices.Clone(stale), kept...) {
		if err := os.WriteFile(filepath.Join(dir, name), nil, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if err := RemoveLeftovers(path); err != nil {
		t.Fatal(err)
	}
	var left []string
	entries, _ := os.ReadDir(dir)
	for _, e := range entries {
		left = append(left, e.Name())
	}
	if slices.Sort(kept); !slices.Equal(left, kept) {
		t.Errorf("left %v, want %v", left, kept)
	}
}
