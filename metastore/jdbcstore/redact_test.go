package jdbcstore

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"
)

// TestSecretsHidden formats a configuration and the errors of bad URLs
// every usual way and greps for the password.
func TestSecretsHidden(t *testing.T) {
	const secret = "s3cr3t-pw"
	c := DefaultConfig("m@jdbc,url=jdbc:mysql://h/d?user=u&password=" + secret + ",username=u,password=" + secret)
	js, err := json.Marshal(c)
	if err != nil {
		t.Fatal(err)
	}
	outs := []string{fmt.Sprint(c), fmt.Sprintf("%v %+v %#v %s", c, c, c, c), string(js), fmt.Sprint(&c)}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	for _, u := range []string{
		"m@jdbc,url=jdbc:nosql://h/d?password=" + secret + ",username=u,password=" + secret,
		"m@jdbc,url=jdbc:mysql://h/?password=" + secret + ",username=u,password=" + secret,
		"m@jdbc,url=jdbc:mysql://h:0/d?password=" + secret + ",username=u,password=" + secret,
		"m@jdbc,=x,password=" + secret,
	} {
		_, err := OpenDriver(ctx, DefaultConfig(u), nil)
		if err == nil {
			t.Fatalf("%s: opened", u)
		}
		outs = append(outs, err.Error())
	}
	for _, o := range outs {
		if strings.Contains(o, secret) {
			t.Errorf("the password shows in %q", o)
		}
	}
	// Control: the configuration does hold the password.
	if !strings.Contains(c.URL, secret) {
		t.Fatal("control: the URL lost the password")
	}
}
