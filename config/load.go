package config

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
)

// File names Load reads, in order.
const (
	SiteFile     = "kylin.properties"
	OverrideFile = "kylin.properties.override"
)

// Load reads dir/kylin.properties and then, if it exists,
// dir/kylin.properties.override, as Kylin reads $KYLIN_CONF. See LoadFiles.
func Load(dir string) (Config, error) {
	paths := []string{filepath.Join(dir, SiteFile)}
	override := filepath.Join(dir, OverrideFile)
	if _, err := os.Stat(override); err == nil {
		paths = append(paths, override)
	} else if !errors.Is(err, fs.ErrNotExist) {
		return Config{}, fmt.Errorf("config: %w", err)
	}
	return LoadFiles(paths...)
}

// LoadFiles reads Java properties files in order; a key in a later file
// replaces the same key from an earlier one. Each file's old key names
// are renamed as Kylin renames them, values are trimmed, and ${NAME} in a
// value is replaced by the environment variable NAME (unknown names stay
// as written; one property never expands another).
//
// A file that cannot be read or parsed gives a zero Config and the error.
// Otherwise LoadFiles returns the filled Config together with
// cfg.Validate()'s error, so a caller sees every bad value at once and may
// still inspect (or repair and re-validate) the Config.
func LoadFiles(paths ...string) (Config, error) {
	if len(paths) == 0 {
		return Config{}, errors.New("config: LoadFiles: no file given; pass the path of kylin.properties")
	}
	var props []prop
	for _, p := range paths {
		ps, err := readFile(p)
		if err != nil {
			return Config{}, err
		}
		props = append(props, ps...)
	}
	c := build(props, os.LookupEnv)
	return c, c.Validate()
}

// FromMap builds a Config from properties held in memory, as if they were
// one file named source (used in messages). Old key names are renamed; when
// a map holds both an old and a current name, the current one wins.
// ${NAME} is substituted from the environment, as in LoadFiles.
func FromMap(m map[string]string, source string) (Config, error) {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	// Old names first, so that the current name, applied later, wins.
	sort.Slice(keys, func(i, j int) bool {
		oi, oj := renameKey(keys[i]) != keys[i], renameKey(keys[j]) != keys[j]
		if oi != oj {
			return oi
		}
		return keys[i] < keys[j]
	})
	props := make([]prop, 0, len(keys))
	for _, k := range keys {
		props = append(props, prop{key: k, value: m[k], source: source})
	}
	c := build(props, os.LookupEnv)
	return c, c.Validate()
}

// prop is one key=value line, with the file it came from.
type prop struct {
	key, value, source string
	line               int  // 0 when not from a file
	bare               bool // the line held a key alone: no separator, no value
}

func readFile(path string) ([]prop, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return nil, fmt.Errorf("config: %s does not exist; point Load at the directory holding kylin.properties ($KYLIN_HOME/conf)", path)
		}
		return nil, fmt.Errorf("config: %w", err)
	}
	return parseProperties(data, path)
}
