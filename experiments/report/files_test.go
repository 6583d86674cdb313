package report

import (
	"errors"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"syscall"
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

// TestWriteFileReplacesOnlyRegularFiles writes onto a fifo, a directory and
// a path ending in a slash (refused, the fifo still a fifo: renaming over a
// device such as /dev/null would put a file in its place), through a
// symbolic link (the file it names is written, the link stays) and onto a
// regular file (replaced).
func TestWriteFileReplacesOnlyRegularFiles(t *testing.T) {
	dir := t.TempDir()
	fifo := filepath.Join(dir, "fifo")
	if err := syscall.Mkfifo(fifo, 0o644); err != nil {
		t.Skip("no fifos here:", err)
	}
	sub := filepath.Join(dir, "sub")
	if err := os.Mkdir(sub, 0o755); err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct{ path, msg string }{
		{fifo, "is not a regular file (a fifo)"},
		{sub, "is a directory"},
		{filepath.Join(dir, "new") + "/", "names a directory"},
	} {
		if err := WriteFile(tt.path, writeText("x")); err == nil || !strings.Contains(err.Error(), tt.msg) {
			t.Errorf("WriteFile(%s): %v, want an error saying %q", tt.path, err, tt.msg)
		}
	}
	if st, err := os.Lstat(fifo); err != nil || st.Mode()&fs.ModeNamedPipe == 0 {
		t.Errorf("the fifo is no longer a fifo: %v, %v", st.Mode(), err)
	}

	file, link := filepath.Join(dir, "file"), filepath.Join(dir, "link")
	if err := os.WriteFile(file, []byte("old"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink("file", link); err != nil {
		t.Fatal(err)
	}
	if err := WriteFile(link, writeText("new")); err != nil {
		t.Fatal(err)
	}
	if b, _ := os.ReadFile(file); string(b) != "new" {
		t.Errorf("the file the link names holds %q, want new", b)
	}
	if st, err := os.Lstat(link); err != nil || st.Mode()&fs.ModeSymlink == 0 {
		t.Errorf("the link was replaced: %v, %v", st.Mode(), err)
	}
	if names := temporaries(t, dir); len(names) > 0 {
		t.Errorf("temporary files left: %v", names)
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
