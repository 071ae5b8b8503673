package hostenv

import (
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// banned are the per-package options and types hostenv.Env and
// clock.Clock replace.
var banned = map[string]string{
	"WithLogger":     "a WithEnv(hostenv.Env) option",
	"WithRegisterer": "a WithEnv(hostenv.Env) option",
	"WithClock":      "a WithEnv(hostenv.Env) option",
	"Clock":          "clock.Clock",
}

// offenders lists the exported declarations of one file that bypass the
// one way: a function or type with a banned name (the clock package and
// clustertest's fake are the Clock that is meant).
func offenders(fset *token.FileSet, path string, src any) ([]string, error) {
	f, err := parser.ParseFile(fset, path, src, parser.SkipObjectResolution)
	if err != nil {
		return nil, err
	}
	allowClock := strings.HasPrefix(filepath.ToSlash(path), "clock/") || strings.Contains(filepath.ToSlash(path), "/clustertest/") ||
		strings.Contains(filepath.ToSlash(path), "/clocktest/")
	var out []string
	add := func(name string, pos token.Pos) {
		if use, ok := banned[name]; ok && !(name == "Clock" && allowClock) {
			out = append(out, fset.Position(pos).String()+": "+name+" (use "+use+")")
		}
	}
	for _, d := range f.Decls {
		switch d := d.(type) {
		case *ast.FuncDecl:
			if d.Recv == nil {
				add(d.Name.Name, d.Pos())
			}
		case *ast.GenDecl:
			for _, s := range d.Specs {
				if ts, ok := s.(*ast.TypeSpec); ok {
					add(ts.Name.Name, ts.Pos())
				}
			}
		}
	}
	return out, nil
}

// TestOneWay: no package of the module (outside internal/, whose HBase
// client is ours alone) offers its own logger, registerer or clock option
// or clock type any more. The negative control is a file that does.
func TestOneWay(t *testing.T) {
	fset := token.NewFileSet()
	bad, err := offenders(fset, "x/options.go", "package x\nfunc WithLogger(l any) {}\ntype Clock interface{}\n")
	if err != nil || len(bad) != 2 {
		t.Fatalf("negative control: the check found %q (%v); want WithLogger and Clock", bad, err)
	}
	var found []string
	files := 0
	err = filepath.WalkDir("..", func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel("..", path)
		if d.IsDir() {
			if rel != "." && (rel == "internal" || strings.HasPrefix(d.Name(), ".") || d.Name() == "testdata") {
				return filepath.SkipDir
			}
			return nil
		}
		if !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
			return nil
		}
		src, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		files++
		bad, err := offenders(fset, rel, src)
		found = append(found, bad...)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	if files < 100 {
		t.Fatalf("checked %d files; the walk missed the module", files)
	}
	for _, f := range found {
		t.Errorf("%s", f)
	}
}
