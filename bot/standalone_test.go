package main

import (
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

// TestCheckoutStandsAlone: no Go file, CI script or script of the
// repository reads the developers' sibling folder "shared" (one level up),
// which a clone does not have. Data a test needs lives in the repository's
// testdata with its licence and source.
func TestCheckoutStandsAlone(t *testing.T) {
	root, err := filepath.Abs("..")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(root, "go.mod")); err != nil {
		t.Fatalf("module root not found above bot/: %v", err)
	}
	// A path into the sibling folder, in any spelling a program would use:
	// a relative path up into "shared", or filepath.Join(…, "shared", "data").
	outside := regexp.MustCompile(`\.\./shared\b|"shared",\s*"(data|reference)"`)
	var hits []string
	err = filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(root, path)
		if d.IsDir() {
			if name := d.Name(); name == ".git" || name == "testdata" && strings.Contains(rel, "fuzz") {
				return filepath.SkipDir
			}
			return nil
		}
		if !strings.HasSuffix(path, ".go") && !strings.HasPrefix(rel, ".ci"+string(filepath.Separator)) &&
			!strings.HasPrefix(rel, "scripts"+string(filepath.Separator)) {
			return nil
		}
		if rel == filepath.Join("bot", "standalone_test.go") {
			return nil
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		for i, line := range strings.Split(string(b), "\n") {
			if code, _, _ := strings.Cut(line, "//"); outside.MatchString(code) {
				hits = append(hits, rel+":"+strconv.Itoa(i+1)+": "+strings.TrimSpace(line))
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, h := range hits {
		t.Errorf("reads the sibling shared folder, which a clone does not have (copy the data into testdata with its licence): %s", h)
	}
}
