package cache

import (
	"sort"
	"strings"
)

// EntityResource is our entity for a resource no Kylin entity names; its
// key is the resource path (sent in the body, since it holds '/'). Kylin
// nodes ignore entities they have no listener for.
const EntityResource = "resource"

type layout struct{ prefix, suffix string }

// entities maps Kylin 3.x's broadcast entity names to resource paths.
var entities = map[string]layout{
	"cube":            {"/cube/", ".json"},
	"cube_desc":       {"/cube_desc/", ".json"},
	"project":         {"/project/", ".json"},
	"data_model":      {"/model_desc/", ".json"},
	"table":           {"/table/", ".json"},
	"table_ext":       {"/table_exd/", ".json"},
	"external_filter": {"/ext_filter/", ".json"},
	"hybrid":          {"/hybrid/", ".json"},
	"streaming":       {"/streaming/", ".json"},
	"kafka":           {"/kafka/", ".json"},
	"execute":         {"/execute/", ""},
	"execute_output":  {"/execute_output/", ""},
	"user":            {"/user/", ""},
	"acl":             {"/acl/", ""},
}

// EntityPath returns the resource path of (entity, key): cube ->
// /cube/<key>.json, execute -> /execute/<key>, resource -> the key itself.
// ok is false for entities without one resource (all, project_schema...).
func EntityPath(entity, key string) (path string, ok bool) {
	if entity == EntityResource {
		return key, strings.HasPrefix(key, "/")
	}
	l, found := entities[entity]
	if !found || key == "" || strings.Contains(key, "/") {
		return "", false
	}
	return l.prefix + key + l.suffix, true
}

// PathEntity is the inverse of EntityPath: the entity and key to announce
// for a change at path (a clean path). Paths no Kylin entity names map to
// (EntityResource, path).
func PathEntity(path string) (entity, key string) {
	for name, l := range entities {
		rest, ok := strings.CutPrefix(path, l.prefix)
		if !ok {
			continue
		}
		k, ok := strings.CutSuffix(rest, l.suffix)
		if ok && k != "" && !strings.Contains(k, "/") {
			return name, k
		}
	}
	return EntityResource, path
}

// Entities lists the entities InvalidateEntity understands: what a cache
// listener registers for on a cluster.Handler.
func Entities() []string {
	out := []string{EntityResource}
	for name := range entities {
		out = append(out, name)
	}
	sort.Strings(out)
	return out
}
