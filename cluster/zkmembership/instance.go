package zkmembership

import (
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"strconv"
	"strings"
	"time"

	"github.com/kylin-go/kylin/cluster"
)

// ServiceName is the Curator service name Kylin registers under.
const ServiceName = "cluster_servers"

// payloadClass is the type id Curator 2.x writes for Kylin's payload (a
// LinkedHashMap), through its @JsonTypeInfo(use = CLASS) on the payload.
const payloadClass = "java.util.LinkedHashMap"

// maxInstanceBytes bounds what DecodeInstance accepts (ZooKeeper's own limit
// is 1 MiB; Curator instances are a few hundred bytes).
const maxInstanceBytes = 1 << 20

// Instance is one registered node, as Curator's ServiceInstance describes
// it.
type Instance struct {
	ID         string
	Address    string
	Port       int
	Mode       string // the payload's description: Kylin's server mode
	Registered time.Time
}

// Node is the cluster node the instance stands for. An empty or unknown
// mode reads as "all", the mode Kylin assumes for a listed server.
func (in Instance) Node() cluster.Node {
	mode, err := cluster.ParseMode(in.Mode)
	if err != nil {
		mode = cluster.ModeAll
	}
	return cluster.Node{Addr: net.JoinHostPort(in.Address, strconv.Itoa(in.Port)), Mode: mode}
}

// wireInstance is Curator 2.x's ServiceInstance JSON. Unknown fields (the
// "enabled" of later Curator versions) are ignored on read, as Kylin's
// serializer does.
type wireInstance struct {
	Name                string          `json:"name"`
	ID                  string          `json:"id"`
	Address             string          `json:"address"`
	Port                *int            `json:"port"`
	SSLPort             *int            `json:"sslPort"`
	Payload             *wirePayload    `json:"payload"`
	RegistrationTimeUTC int64           `json:"registrationTimeUTC"`
	ServiceType         string          `json:"serviceType"`
	URISpec             json.RawMessage `json:"uriSpec"`
}

type wirePayload struct {
	Class       string `json:"@class,omitempty"`
	Description string `json:"description"`
}

// EncodeInstance writes in as Curator 2.x writes a Kylin registration.
func EncodeInstance(in Instance) ([]byte, error) {
	if in.ID == "" || in.Address == "" || in.Port <= 0 || in.Port > 65535 {
		return nil, fmt.Errorf("zkmembership: instance %+v needs an id, an address and a port in 1-65535", in)
	}
	port := in.Port
	return json.Marshal(wireInstance{
		Name: ServiceName, ID: in.ID, Address: in.Address, Port: &port,
		Payload:             &wirePayload{Class: payloadClass, Description: in.Mode},
		RegistrationTimeUTC: in.Registered.UnixMilli(), ServiceType: "DYNAMIC", URISpec: json.RawMessage("null"),
	})
}

// DecodeInstance reads a ServiceInstance written by Curator (Kylin) or by
// EncodeInstance. It rejects instances of another service, without an
// address or with a port outside 1-65535.
func DecodeInstance(data []byte) (Instance, error) {
	if len(data) > maxInstanceBytes {
		return Instance{}, fmt.Errorf("zkmembership: instance is %d bytes, more than %d", len(data), maxInstanceBytes)
	}
	var w wireInstance
	if err := json.Unmarshal(data, &w); err != nil {
		return Instance{}, fmt.Errorf("zkmembership: instance is not Curator ServiceInstance JSON: %w", err)
	}
	switch {
	case w.Name != ServiceName:
		return Instance{}, fmt.Errorf("zkmembership: instance of service %q, want %q", w.Name, ServiceName)
	case strings.TrimSpace(w.Address) == "":
		return Instance{}, errors.New("zkmembership: instance has no address")
	case w.Port == nil || *w.Port <= 0 || *w.Port > 65535:
		return Instance{}, errors.New("zkmembership: instance has no port in 1-65535")
	}
	in := Instance{ID: w.ID, Address: w.Address, Port: *w.Port, Registered: time.UnixMilli(w.RegistrationTimeUTC)}
	if w.Payload != nil {
		in.Mode = w.Payload.Description
	}
	return in, nil
}
