// Package pb holds the protobuf messages of HBase's native RPC that the
// client uses: our own trimmed proto2 subset (hbase.proto; admin.proto for the
// region server's AdminService) with HBase's field numbers, compiled with protoc and protoc-gen-go. The generated file is
// committed; regenerate it with go generate after editing a .proto file.
package pb

//go:generate sh -c "PATH=$(go env GOPATH)/bin:$PATH protoc --go_out=. --go_opt=paths=source_relative hbase.proto"
//go:generate sh -c "PATH=$(go env GOPATH)/bin:$PATH protoc --go_out=. --go_opt=paths=source_relative admin.proto"
