// Package httpserver gives host applications the *http.Server every kylin-go
// server uses: read-header, read (headers and body), write and idle
// timeouts and a header size bound, from config.HTTP (kylin.go.http.*),
// and HTTPS when a certificate and key are configured. A server without
// them keeps idle keep-alive connections, slow headers and slow bodies
// open for ever, one file descriptor each.
package httpserver
