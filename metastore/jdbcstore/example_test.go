package jdbcstore_test

import (
	"fmt"

	"github.com/kylin-go/kylin/metastore/jdbcstore"
)

// The password for a metadata URL with passwordEncrypted=true, in the form
// Kylin 3.1's EncryptUtil writes, and back.
func ExampleEncryptPassword() {
	enc, _ := jdbcstore.EncryptPassword("kylin-test", "AAAAAAAAAAAAAAAA")
	fmt.Println(enc)
	plain, _ := jdbcstore.DecryptPassword(enc, "AAAAAAAAAAAAAAAA")
	fmt.Println(plain)
	// Output:
	// H8SsrJDicxO2Egx7r2G13g==
	// kylin-test
}

// Kylin's kylin.metadata.jdbc.* keys from kylin.properties; the password is
// hidden when the configuration is printed.
func ExampleConfigFromProperties() {
	cfg, err := jdbcstore.ConfigFromProperties(map[string]string{
		"kylin.metadata.url":                "kylin_metadata@jdbc,url=jdbc:mysql://db:3306/kylin,username=kylin,password=secret",
		"kylin.metadata.jdbc.max-cell-size": "4194304",
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(cfg.MaxCellSize, *cfg.JSONAlwaysSmallCell)
	fmt.Println(cfg)
	// Output:
	// 4194304 true
	// jdbcstore.Config{URL: kylin_metadata@jdbc,url=jdbc:mysql://db:3306/kylin,username=kylin,password=***}
}
