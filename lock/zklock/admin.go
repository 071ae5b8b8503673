package zklock

import (
	"context"
	"errors"
	"fmt"
	"path"

	"github.com/go-zookeeper/zk"

	"github.com/kylin-go/kylin/lock"
)

// Owner reads the owner id stored in key's znode.
func (l *Locker) Owner(ctx context.Context, key string) (string, bool, error) {
	if err := lock.ValidateKey(key); err != nil {
		return "", false, err
	}
	var data []byte
	err := l.retry(ctx, func(s *session) (err error) {
		data, _, err = s.conn.Get(l.path(key))
		return err
	})
	switch {
	case errors.Is(err, zk.ErrNoNode):
		return "", false, nil
	case err != nil:
		return "", false, fmt.Errorf("zklock: owner of %s: %w", key, err)
	}
	return string(data), true, nil
}

func (l *Locker) ready(ctx context.Context) (*session, error) {
	if err := l.checkOpen(ctx); err != nil {
		return nil, err
	}
	return l.session(ctx)
}

// List returns the locked direct children of prefix and their owners.
func (l *Locker) List(ctx context.Context, prefix string) (map[string]string, error) {
	if err := lock.ValidatePrefix(prefix); err != nil {
		return nil, err
	}
	var out map[string]string
	err := l.retry(ctx, func(s *session) (err error) {
		out, err = l.list(s, prefix)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("zklock: list %s: %w", prefix, err)
	}
	return out, nil
}

func (l *Locker) list(s *session, prefix string) (map[string]string, error) {
	dir := l.dir(prefix)
	names, _, err := s.conn.Children(dir)
	switch {
	case errors.Is(err, zk.ErrNoNode):
		return map[string]string{}, nil
	case err != nil:
		return nil, err
	}
	out := make(map[string]string, len(names))
	for _, name := range names {
		data, stat, err := s.conn.Get(dir + "/" + name)
		if errors.Is(err, zk.ErrNoNode) {
			continue
		}
		if err != nil {
			return nil, err
		}
		if stat.EphemeralOwner == 0 {
			continue // a persistent parent (a folder of locks), not a held lock
		}
		out[path.Join(prefix, name)] = string(data)
	}
	return out, nil
}

// dir is the znode path of a prefix ("/" is the chroot itself).
func (l *Locker) dir(prefix string) string {
	if prefix == "/" {
		return l.root
	}
	return l.path(prefix)
}

// Purge deletes prefix's znode and everything below it, whoever holds
// it, as Kylin's purgeLocks does. Holders see Done close.
func (l *Locker) Purge(ctx context.Context, prefix string) error {
	if err := lock.ValidatePrefix(prefix); err != nil {
		return err
	}
	err := l.retry(ctx, func(s *session) error { return l.deleteTree(ctx, s, l.dir(prefix)) })
	if err != nil {
		return fmt.Errorf("zklock: purge %s: %w", prefix, err)
	}
	return nil
}

func (l *Locker) deleteTree(ctx context.Context, s *session, p string) error {
	for attempt := 0; attempt < 5; attempt++ {
		if err := ctx.Err(); err != nil {
			return err
		}
		names, _, err := s.conn.Children(p)
		if errors.Is(err, zk.ErrNoNode) {
			return nil
		}
		if err != nil {
			return err
		}
		for _, name := range names {
			if err := l.deleteTree(ctx, s, p+"/"+name); err != nil {
				return err
			}
		}
		if p == l.root {
			return nil // keep the chroot itself
		}
		err = s.conn.Delete(p, -1)
		if err == nil || errors.Is(err, zk.ErrNoNode) {
			return nil
		}
		if !errors.Is(err, zk.ErrNotEmpty) {
			return err
		}
		// a child appeared meanwhile: delete again
	}
	return fmt.Errorf("%s keeps getting new children; stop the lockers using it and purge again", p)
}
