package secret_test

import (
	"bytes"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"go.uber.org/goleak"
	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"

	"github.com/kylin-go/kylin/auth"
	"github.com/kylin-go/kylin/cluster"
	"github.com/kylin-go/kylin/config"
	"github.com/kylin-go/kylin/secret"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// The secrets planted below; none may appear in any encoding.
const (
	peerPassword = "peer-Pa55-7f3e"
	token        = "tok-9d2c41"
	jdbcPassword = "jdbc-pw-5e1a"
	userHash     = "$2a$04$abcdefghijklmnopqrstuOabcdefghijklmnopqrstuvwxyz01234"
)

// holders returns one value of every exported type that can hold a
// credential, each holding one. (*cluster.Broadcaster keeps the token in
// unexported fields that its goroutines use: printing it by reflection
// would race, and would show the secret's address, not its value.)
func holders(t *testing.T) map[string]any {
	t.Helper()
	cfg, err := config.FromMap(map[string]string{
		"kylin.server.cluster-servers": "ADMIN:" + peerPassword + "@kylin1:7070,kylin2:7070",
		"kylin.go.broadcast.token":     token,
		"kylin.metadata.url":           "kylin_metadata@jdbc,url=jdbc:mysql://db:3306/kylin,username=root,password=" + jdbcPassword,
	}, "kylin.properties")
	if err != nil {
		t.Fatal(err)
	}
	members, err := cluster.StaticFromConfig(cfg.Server)
	if err != nil {
		t.Fatal(err)
	}
	nodes := members.Nodes()
	url, err := config.ParseMetadataURL(cfg.Metastore.URL)
	if err != nil {
		t.Fatal(err)
	}
	creds, err := auth.Parse("Basic YWRtaW46" + "cGVlci1QYTU1LTdmM2U=") // admin:peer-Pa55-7f3e
	if err != nil || creds.Password.Reveal() != peerPassword {
		t.Fatalf("credentials %v %v", creds, err)
	}
	bearer, err := auth.Parse("Bearer " + token)
	if err != nil {
		t.Fatal(err)
	}
	rec, err := auth.ParseUserRecord([]byte(`{"username":"ADMIN","password":"` + userHash + `","authorities":[{"authority":"ROLE_ADMIN"}]}`))
	if err != nil {
		t.Fatal(err)
	}
	basic := auth.Basic{User: "ADMIN", Password: secret.New(peerPassword), Roles: []string{auth.RoleAdmin}}
	tok := auth.Bearer{Token: secret.New(token)}
	return map[string]any{
		"secret.String":      secret.New(peerPassword),
		"*secret.String":     func() *secret.String { s := secret.New(token); return &s }(),
		"cluster.Node":       nodes[0],
		"[]cluster.Node":     nodes,
		"*cluster.SyncError": &cluster.SyncError{Behind: nodes, Stale: nodes},
		"*cluster.Members":   members,
		"config.ServerAddr":  cfg.Server.ClusterServers[0],
		"config.Server":      cfg.Server,
		"config.Broadcast":   cfg.Broadcast,
		"config.Metastore":   cfg.Metastore,
		"config.MetadataURL": url,
		"config.Properties":  cfg.Raw,
		"config.Config":      cfg,
		"*config.Config":     &cfg,
		"auth.Credentials":   creds,
		"auth.Credentials/b": bearer,
		"auth.Basic":         basic,
		"auth.Bearer":        tok,
		"auth.Chain":         auth.Chain{basic, tok},
		"auth.UserRecord":    rec,
	}
}

// encodings renders v every way a host might print or log it.
func encodings(t *testing.T, v any) map[string]string {
	out := map[string]string{}
	if b, err := json.Marshal(v); err == nil {
		out["json"] = string(b)
	} else {
		out["json"] = "error: " + err.Error()
	}
	for _, verb := range []string{"%v", "%+v", "%#v", "%s", "%q", "%x"} {
		out[verb] = fmt.Sprintf(verb, v)
	}
	out["Sprint"] = fmt.Sprint(v)
	out["Sprintln"] = fmt.Sprintln(v)
	for name, field := range map[string]zap.Field{"zap.Any": zap.Any("v", v), "zap.Reflect": zap.Reflect("v", v)} {
		var buf bytes.Buffer
		core := zapcore.NewCore(zapcore.NewJSONEncoder(zap.NewProductionEncoderConfig()), zapcore.AddSync(&buf), zap.DebugLevel)
		zap.New(core).Info("x", field)
		out[name] = buf.String()
	}
	var buf bytes.Buffer
	core := zapcore.NewCore(zapcore.NewConsoleEncoder(zap.NewDevelopmentEncoderConfig()), zapcore.AddSync(&buf), zap.DebugLevel)
	zap.New(core).Sugar().Infow("x", "v", v)
	out["zap console"] = buf.String()
	return out
}

func TestNoEncodingShowsASecret(t *testing.T) {
	planted := []string{peerPassword, token, jdbcPassword, userHash}
	for name, v := range holders(t) {
		for enc, text := range encodings(t, v) {
			for _, s := range planted {
				if strings.Contains(text, s) || strings.Contains(text, hex.EncodeToString([]byte(s))) {
					t.Errorf("%s as %s shows %q: %.300s", name, enc, s, text)
				}
			}
		}
	}
}

// The negative control: a plain string in the same place is caught, so
// the test can fail.
func TestLeakCheckCatchesAPlainString(t *testing.T) {
	type leaky struct{ Password string }
	enc := encodings(t, leaky{Password: peerPassword})
	for _, e := range []string{"json", "%v", "%+v", "%#v", "zap.Any"} {
		if !strings.Contains(enc[e], peerPassword) {
			t.Errorf("a plain string field did not show in %s: %s", e, enc[e])
		}
	}
}

func TestStringBehaviour(t *testing.T) {
	s := secret.New("v")
	if s.Reveal() != "v" || s.IsZero() || !s.Equal("v") || s.Equal("w") || !s.Same(secret.New("v")) {
		t.Errorf("secret %v misbehaves", s)
	}
	var z secret.String
	if !z.IsZero() || z.String() != "" || fmt.Sprint(z) != "" || z.Reveal() != "" {
		t.Errorf("zero secret prints %q", fmt.Sprint(z))
	}
	var back struct{ P secret.String }
	if err := json.Unmarshal([]byte(`{"P":"abc"}`), &back); err != nil || back.P.Reveal() != "abc" {
		t.Errorf("unmarshal: %v %q", err, back.P.Reveal())
	}
	if fmt.Sprintf("%#v", s) != `secret.New("***")` || fmt.Sprintf("%q", s) != `"***"` {
		t.Errorf("%%#v %#v, %%q %q", s, s)
	}
}
