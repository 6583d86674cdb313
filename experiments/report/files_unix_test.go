//go:build unix

package report

import (
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
)

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
