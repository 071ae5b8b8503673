package jdbcstore

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// Config is what a JDBC metastore needs besides its URL: Kylin's
// kylin.metadata.jdbc.* keys and the directories Kylin pushes big cells to.
// Zero fields take DefaultConfig's values.
type Config struct {
	// URL is the metadata URL, IDENTIFIER@jdbc,url=jdbc:mysql://HOST:PORT/DB,
	// username=...,password=...[,passwordEncrypted=true][,driverClassName=...]
	// [,maxActive=N,...]. Required.
	URL string
	// Dialect is kylin.metadata.jdbc.dialect; only "mysql" exists (default).
	Dialect string
	// MaxCellSize is kylin.metadata.jdbc.max-cell-size (1 MiB): content
	// larger than this goes to HDFS, as in Kylin, unless
	// JSONAlwaysSmallCell keeps it inline; without an HDFS named it gets
	// ErrTooLarge.
	MaxCellSize int64
	// JSONAlwaysSmallCell is kylin.metadata.jdbc.json-always-small-cell
	// (true): *.json and /execute* content is always kept inline.
	// Use SetJSONAlwaysSmallCell to turn it off (false is the zero value).
	JSONAlwaysSmallCell *bool
	// SmallCellErrorThreshold is
	// kylin.metadata.jdbc.small-cell-meta-size-error-threshold (1 GiB): the
	// largest inline JSON content Kylin accepts.
	SmallCellErrorThreshold int64
	// HDFSWorkingDir is kylin.env.hdfs-working-dir ("/kylin"); BigCellDir is
	// kylin.env.hdfs-metastore-bigcell-dir (default: the working dir). Big
	// cells live under <dir>/<identifier>/resources-jdbc.
	HDFSWorkingDir string
	BigCellDir     string
	// ClusterFS is kylin.storage.hbase.cluster-fs and DefaultFS Hadoop's
	// fs.defaultFS (Kylin reads it from core-site.xml): with the
	// directories above they name the HDFS of big cells (see the package
	// doc, "Big cells"). The metadata URL's parameters of the same names
	// are used when these are empty.
	ClusterFS string
	DefaultFS string
	// EncryptIV is kylin.security.encrypt.cipher.ivSpec
	// ("AAAAAAAAAAAAAAAA"), the IV of Kylin's password encryption.
	EncryptIV string
	// RetryFor bounds how long one call retries a statement that did not
	// reach the server or whose outcome is unknown (a restart, a broken
	// connection); the call's ctx bounds it too. Default 5 s.
	RetryFor time.Duration
}

// Kylin's defaults.
const (
	defaultMaxCellSize       = 1 << 20
	defaultSmallCellError    = 1 << 30
	defaultHDFSWorkingDir    = "/kylin"
	defaultEncryptIV         = "AAAAAAAAAAAAAAAA"
	defaultRetryFor          = 5 * time.Second
	keyDialect               = "kylin.metadata.jdbc.dialect"
	keyMaxCellSize           = "kylin.metadata.jdbc.max-cell-size"
	keyJSONAlwaysSmallCell   = "kylin.metadata.jdbc.json-always-small-cell"
	keySmallCellErrThreshold = "kylin.metadata.jdbc.small-cell-meta-size-error-threshold"
	keyHDFSWorkingDir        = "kylin.env.hdfs-working-dir"
	keyBigCellDir            = "kylin.env.hdfs-metastore-bigcell-dir"
	keyClusterFS             = "kylin.storage.hbase.cluster-fs"
	keyDefaultFS             = "fs.defaultFS"
	keyEncryptIV             = "kylin.security.encrypt.cipher.ivSpec"
	keyMetadataURL           = "kylin.metadata.url"
	maxKeyChars              = 255 // META_TABLE_KEY VARCHAR(255)
	maxTableNameBytes        = 64  // MySQL identifier limit
	logTableSuffix           = "_log"
	defaultDialect           = "mysql"
	defaultJSONSmallCell     = true
)

// DefaultConfig returns Kylin's defaults with url as the metadata URL.
func DefaultConfig(url string) Config {
	return Config{URL: url}.withDefaults()
}

// SetJSONAlwaysSmallCell sets JSONAlwaysSmallCell to v.
func (c *Config) SetJSONAlwaysSmallCell(v bool) { c.JSONAlwaysSmallCell = &v }

func (c Config) withDefaults() Config {
	if c.Dialect == "" {
		c.Dialect = defaultDialect
	}
	if c.MaxCellSize == 0 {
		c.MaxCellSize = defaultMaxCellSize
	}
	if c.JSONAlwaysSmallCell == nil {
		c.SetJSONAlwaysSmallCell(defaultJSONSmallCell)
	}
	if c.SmallCellErrorThreshold == 0 {
		c.SmallCellErrorThreshold = defaultSmallCellError
	}
	if c.HDFSWorkingDir == "" {
		c.HDFSWorkingDir = defaultHDFSWorkingDir
	}
	if c.EncryptIV == "" {
		c.EncryptIV = defaultEncryptIV
	}
	if c.RetryFor == 0 {
		c.RetryFor = defaultRetryFor
	}
	return c
}

func (c Config) validate() error {
	if !strings.EqualFold(c.Dialect, defaultDialect) {
		return fmt.Errorf("jdbcstore: %s=%q: only %q exists (Kylin ships only metadata-jdbc-mysql.properties)",
			keyDialect, c.Dialect, defaultDialect)
	}
	if c.MaxCellSize < 0 {
		return fmt.Errorf("jdbcstore: %s=%d: want a positive number of bytes", keyMaxCellSize, c.MaxCellSize)
	}
	if c.SmallCellErrorThreshold < 0 {
		return fmt.Errorf("jdbcstore: %s=%d: want a positive number of bytes", keySmallCellErrThreshold, c.SmallCellErrorThreshold)
	}
	if len(c.EncryptIV) != 16 {
		return fmt.Errorf("jdbcstore: %s is %d bytes: AES needs exactly 16", keyEncryptIV, len(c.EncryptIV))
	}
	if c.RetryFor < 0 {
		return fmt.Errorf("jdbcstore: RetryFor=%v: want 0 (default 5 s) or more", c.RetryFor)
	}
	return nil
}

// ConfigFromProperties reads the metadata URL and the keys above from Kylin
// properties (config.Config.Raw). Keys not set keep Kylin's defaults.
func ConfigFromProperties(props map[string]string) (Config, error) {
	c := Config{
		URL:            props[keyMetadataURL],
		Dialect:        props[keyDialect],
		HDFSWorkingDir: props[keyHDFSWorkingDir],
		BigCellDir:     props[keyBigCellDir],
		ClusterFS:      props[keyClusterFS],
		DefaultFS:      props[keyDefaultFS],
		EncryptIV:      props[keyEncryptIV],
	}
	for _, f := range []struct {
		key string
		dst *int64
	}{{keyMaxCellSize, &c.MaxCellSize}, {keySmallCellErrThreshold, &c.SmallCellErrorThreshold}} {
		if v := strings.TrimSpace(props[f.key]); v != "" {
			n, err := strconv.ParseInt(v, 10, 32) // Kylin parses an int
			if err != nil || n <= 0 {
				return Config{}, fmt.Errorf("jdbcstore: %s=%q: want a positive number of bytes below 2 GiB", f.key, v)
			}
			*f.dst = n
		}
	}
	if v := strings.TrimSpace(props[keyJSONAlwaysSmallCell]); v != "" {
		// Java's Boolean.parseBoolean: "true" in any case is true, anything else false.
		c.SetJSONAlwaysSmallCell(strings.EqualFold(v, "true"))
	}
	c = c.withDefaults()
	return c, c.validate()
}
