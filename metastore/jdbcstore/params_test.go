package jdbcstore

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/kylin-go/kylin/config"
	"github.com/kylin-go/kylin/metastore"
)

func mustParse(t *testing.T, url string) (connParams, error) {
	t.Helper()
	u, err := config.ParseMetadataURL(url)
	if err != nil {
		t.Fatalf("ParseMetadataURL(%q): %v", url, err)
	}
	return parseParams(u, defaultEncryptIV)
}

func TestParseParams(t *testing.T) {
	p, err := mustParse(t, "meta@jdbc,url=jdbc:mysql://db.example:3307/kylin?connectTimeout=2500&socketTimeout=9000&sslMode=VERIFY_CA&useUnicode=true,"+
		"username=u,password=H8SsrJDicxO2Egx7r2G13g==,passwordEncrypted=true,driverClassName=com.mysql.cj.jdbc.Driver,"+
		"maxActive=16,maxIdle=8,maxWait=250,testOnBorrow=true,validationQuery=select 1,timeBetweenEvictionRunsMillis=1000,minEvictableIdleTimeMillis=60000,unknownKnob=1")
	if err != nil {
		t.Fatal(err)
	}
	mc := p.mysql
	checks := map[string][2]any{
		"addr":     {mc.Addr, "db.example:3307"},
		"db":       {mc.DBName, "kylin"},
		"user":     {mc.User, "u"},
		"password": {mc.Passwd, "kylin-test"},
		"connect":  {mc.Timeout, 2500 * time.Millisecond},
		"read":     {mc.ReadTimeout, 9 * time.Second},
		"tls":      {mc.TLSConfig, "true"},
		"table":    {p.table, "meta"},
		"maxOpen":  {p.pool.maxOpen, 16},
		"maxIdle":  {p.pool.maxIdle, 8},
		"maxWait":  {p.pool.maxWait, 250 * time.Millisecond},
		"idleFor":  {p.pool.maxIdleFor, time.Minute},
		"ignored":  {strings.Join(p.ignored, ","), "useUnicode,unknownKnob"},
	}
	for name, c := range checks {
		if c[0] != c[1] {
			t.Errorf("%s = %v, want %v", name, c[0], c[1])
		}
	}
	d, err := mustParse(t, "m@jdbc,url=jdbc:mariadb://[::1]/k,username=u,password=")
	if err != nil || d.mysql.Addr != "[::1]:3306" || d.mysql.Passwd != "" || d.pool != defaultPool || d.mysql.TLSConfig != "preferred" {
		t.Errorf("defaults: %+v %+v, %v", d.mysql, d.pool, err)
	}
}

func TestParseParamsErrors(t *testing.T) {
	for url, want := range map[string]string{
		"m@hbase,url=jdbc:mysql://h/d,username=u,password=p":                                      `scheme "hbase"`,
		"m@jdbc,username=u,password=p":                                                            "no url parameter",
		"m@jdbc,url=jdbc:mysql://h/d,password=p":                                                  "no username parameter",
		"m@jdbc,url=jdbc:mysql://h/d,username=u":                                                  "no password parameter",
		"m@jdbc,url=jdbc:postgresql://h/d,username=u,password=p":                                  "want jdbc:mysql://",
		"m@jdbc,url=jdbc:mysql://h/,username=u,password=p":                                        "name the database",
		"m@jdbc,url=jdbc:mysql://h:99999/d,username=u,password=p":                                 "not in 1-65535",
		"m@jdbc,url=jdbc:mysql://address=(host=h)/d,username=u,password=p":                        "plain HOST:PORT",
		"m@jdbc,url=jdbc:mysql://h/d?sslMode=MAYBE,username=u,password=p":                         "sslMode",
		"m@jdbc,url=jdbc:mysql://h/d?connectTimeout=soon,username=u,password=p":                   "milliseconds",
		"m@jdbc,url=jdbc:mysql://h/d,username=u,password=p,driverClassName=org.postgresql.Driver": "MySQL protocol",
		"m@jdbc,url=jdbc:mysql://h/d,username=u,password=p,maxActive=many":                        "maxActive",
		"m@jdbc,url=jdbc:mysql://h/d,username=u,password=plain,passwordEncrypted=true":            "encrypted form",
		"a.b@jdbc,url=jdbc:mysql://h/d,username=u,password=p":                                     "table name",
		strings.Repeat("x", 61) + "@jdbc,url=jdbc:mysql://h/d,username=u,password=p":              "shorten it",
	} {
		if _, err := mustParse(t, url); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%s: err = %v, want it to contain %q", url, err, want)
		}
	}
}

func FuzzParseParams(f *testing.F) {
	for _, s := range []string{
		"m@jdbc,url=jdbc:mysql://h:3306/d?sslMode=REQUIRED,username=u,password=p,maxActive=3",
		"m@jdbc,url=jdbc:mariadb://[::1]:1/d,username=u,password=H8SsrJDicxO2Egx7r2G13g==,passwordEncrypted=true",
		"@jdbc,url=jdbc:mysql:///d?,username=,password=",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		u, err := config.ParseMetadataURL(s)
		if err != nil {
			return
		}
		p, err := parseParams(u, defaultEncryptIV)
		if err != nil {
			return
		}
		// What was accepted must describe a usable address and database,
		// and the address must survive a second translation unchanged.
		again, _, err := parseJDBCURL("jdbc:mysql://" + p.mysql.Addr + "/" + p.mysql.DBName)
		if err != nil || again.Addr != p.mysql.Addr || again.DBName != p.mysql.DBName {
			t.Fatalf("%q accepted as %s/%s, which does not parse back: %v", s, p.mysql.Addr, p.mysql.DBName, err)
		}
	})
}

func TestConfigFromProperties(t *testing.T) {
	c, err := ConfigFromProperties(map[string]string{
		"kylin.metadata.url":                         "m@jdbc,url=jdbc:mysql://h/d,username=u,password=p",
		"kylin.metadata.jdbc.max-cell-size":          "2048",
		"kylin.metadata.jdbc.json-always-small-cell": "FALSE",
		"kylin.env.hdfs-working-dir":                 "/w",
	})
	if err != nil || c.MaxCellSize != 2048 || *c.JSONAlwaysSmallCell || c.HDFSWorkingDir != "/w" || c.EncryptIV != defaultEncryptIV {
		t.Fatalf("%+v, %v", c, err)
	}
	for k, v := range map[string]string{"kylin.metadata.jdbc.max-cell-size": "-1", "kylin.metadata.jdbc.dialect": "oracle",
		"kylin.security.encrypt.cipher.ivSpec": "short"} {
		if _, err := ConfigFromProperties(map[string]string{k: v}); err == nil || !strings.Contains(err.Error(), k) {
			t.Errorf("%s=%s: err = %v, want it to name the key", k, v, err)
		}
	}
}

// TestEncryptedPasswordConnects opens the store with the password in
// Kylin's encrypted form, and with a wrong plain password, which the
// server must refuse.
func TestEncryptedPasswordConnects(t *testing.T) {
	srv := sharedServer(t)
	db := srv.freshDB(t)
	enc, err := EncryptPassword(srv.addr.Password, defaultEncryptIV)
	if err != nil {
		t.Fatal(err)
	}
	base := "kylin_metadata@jdbc,url=jdbc:mysql://" + srv.addr.HostPort + "/" + db + ",username=" + srv.addr.User
	openDriver(t, DefaultConfig(base+",password="+enc+",passwordEncrypted=true"))
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if d, err := OpenDriver(ctx, DefaultConfig(base+",password="+enc), nil); err == nil {
		d.Close()
		t.Fatal("the encrypted text used as a plain password was accepted by the server")
	}
}

// TestBigCells checks Kylin's cell rules: non-JSON content over
// max-cell-size is refused naming the HDFS file Kylin would write, JSON
// content stays inline under json-always-small-cell, and without it JSON
// content is refused too.
func TestBigCells(t *testing.T) {
	srv := sharedServer(t)
	db := srv.freshDB(t)
	ctx := context.Background()
	s := openStore(t, DefaultConfig(srv.url("kylin_metadata", db)))
	big := make([]byte, 2<<20)
	_, err := s.Put(ctx, "/cube_statistics/c/x.seq", big, 0)
	if !errors.Is(err, metastore.ErrTooLarge) || !strings.Contains(err.Error(), "/kylin/kylin_metadata/resources-jdbc/cube_statistics/c/x.seq") {
		t.Errorf("2 MiB .seq: %v; want ErrTooLarge naming the HDFS path", err)
	}
	if _, err := s.Put(ctx, "/cube_statistics/c/edge.seq", big[:1<<20], 0); err != nil {
		t.Errorf("exactly 1 MiB stays inline: %v", err)
	}
	for _, p := range []string{"/cube/c.json", "/execute/job-1"} {
		if _, err := s.Put(ctx, p, big, 0); err != nil {
			t.Errorf("2 MiB at %s (JSON, always small): %v", p, err)
		}
	}
	cfg := DefaultConfig(srv.url("kylin_metadata", db))
	cfg.SetJSONAlwaysSmallCell(false)
	cfg.BigCellDir = "/big"
	s2 := openStore(t, cfg)
	if _, err := s2.Put(ctx, "/cube/d.json", big, 0); !errors.Is(err, metastore.ErrTooLarge) || !strings.Contains(err.Error(), "/big/kylin_metadata/resources-jdbc/cube/d.json") {
		t.Errorf("2 MiB JSON without json-always-small-cell: %v", err)
	}
	tooBig := make([]byte, 65<<20) // over the script's 64 MiB max_allowed_packet
	if _, err := s.Put(ctx, "/cube/huge.json", tooBig, 0); !errors.Is(err, metastore.ErrTooLarge) || !strings.Contains(err.Error(), "max_allowed_packet") {
		t.Errorf("65 MiB JSON: %v; want ErrTooLarge naming max_allowed_packet", err)
	}
	long := "/" + strings.Repeat("é", 255) + ".json"
	if _, err := s.Put(ctx, long, []byte("{}"), 0); !errors.Is(err, metastore.ErrInvalidPath) || !strings.Contains(err.Error(), "255") {
		t.Errorf("a 261-character key: %v; want ErrInvalidPath naming the 255-character column", err)
	}
}
