package secret_test

import (
	"encoding/json"
	"fmt"

	"github.com/kylin-go/kylin/secret"
)

func ExampleString() {
	type peer struct {
		User     string
		Password secret.String
	}
	p := peer{User: "ADMIN", Password: secret.New("KYLIN")}
	b, _ := json.Marshal(p)
	fmt.Println(string(b))
	fmt.Printf("%v %+v\n", p, p)
	fmt.Println(p.Password.Reveal() == "KYLIN")
	// Output:
	// {"User":"ADMIN","Password":"***"}
	// {ADMIN ***} {User:ADMIN Password:***}
	// true
}
