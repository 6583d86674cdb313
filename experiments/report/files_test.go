package report

import (
	"errors"
	"io"
	"io/fs"
	"os"
	"path/filepath"
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
