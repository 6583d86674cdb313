package report

import (
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
)

// WriteFile writes path whole: write fills a temporary file in the same
// directory, which then replaces path.
func WriteFile(path string, write func(w io.Writer) error) (err error) {
	f, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*.tmp")
	if err != nil {
		return err
	}
	defer func() {
		if err != nil {
			f.Close()
			os.Remove(f.Name())
		}
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
	return os.Rename(f.Name(), path)
}

// WriteCSV writes a table of numbers under a header row.
func WriteCSV(path string, header []string, rows [][]float64) error {
	recs := make([][]string, len(rows))
	for i, row := range rows {
		recs[i] = make([]string, len(row))
		for j, v := range row {
			recs[i][j] = strconv.FormatFloat(v, 'g', -1, 64)
		}
	}
	return WriteRecords(path, header, recs)
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
	f, err := os.CreateTemp(dir, ".pinn-write-check-*")
	if err != nil {
		return fmt.Errorf("report: cannot write in %s: %w", dir, err)
	}
	f.Close()
	return os.Remove(f.Name())
}
