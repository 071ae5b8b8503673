package config

import (
	"reflect"
	"strings"
	"testing"
)

func TestParseMetadataURL(t *testing.T) {
	cases := []struct {
		in   string
		want MetadataURL
	}{
		{"kylin_metadata@hbase", MetadataURL{"kylin_metadata", "hbase", map[string]string{}}},
		{" meta @ hbase ", MetadataURL{"meta", "hbase", map[string]string{}}},
		{"/var/kylin/meta", MetadataURL{"/var/kylin/meta", "", map[string]string{}}},
		{"@hbase", MetadataURL{"kylin_metadata", "hbase", map[string]string{}}}, // empty identifier
		{"a@b@hbase", MetadataURL{"a@b", "hbase", map[string]string{}}},         // last '@'
		{"m@hbase,hbase.zookeeper.quorum=zk1:2181,hbase.zookeeper.property.clientPort=2182",
			MetadataURL{"m", "hbase", map[string]string{"hbase.zookeeper.quorum": "zk1:2181", "hbase.zookeeper.property.clientPort": "2182"}}},
		{"m@jdbc,url=jdbc:mysql://h/db?a=b,username=u", // first '='
			MetadataURL{"m", "jdbc", map[string]string{"url": "jdbc:mysql://h/db?a=b", "username": "u"}}},
		{"m@hdfs,path", MetadataURL{"m", "hdfs", map[string]string{"path": ""}}}, // bare key
		{"m@x,k=1,k=2", MetadataURL{"m", "x", map[string]string{"k": "2"}}},
	}
	for _, c := range cases {
		got, err := ParseMetadataURL(c.in)
		if err != nil || !reflect.DeepEqual(got, c.want) {
			t.Errorf("ParseMetadataURL(%q) = %+v, %v; want %+v", c.in, got, err, c.want)
		}
	}
	for _, bad := range []string{"", "   ", "m@hbase,=v", "m@hbase, =v"} {
		_, err := ParseMetadataURL(bad)
		if err == nil || !strings.Contains(err.Error(), "kylin.metadata.url") && !strings.Contains(err.Error(), "key=value") {
			t.Errorf("ParseMetadataURL(%q) = %v; want an error saying what to write", bad, err)
		}
	}
}

func TestMetadataURLString(t *testing.T) {
	u, err := ParseMetadataURL("m@hbase,b=2,a=1")
	if err != nil {
		t.Fatal(err)
	}
	if s := u.String(); s != "m@hbase,a=1,b=2" {
		t.Fatalf("String() = %q", s)
	}
}
