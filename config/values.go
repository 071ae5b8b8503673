package config

import (
	"errors"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/kylin-go/kylin/secret"
)

// A setter converts one property value into its Config field. Its error
// says what is allowed; the caller adds the key, value and file.
type setter func(c *Config, v string) error

func parseInt64(v string) (int64, error) {
	n, err := strconv.ParseInt(v, 10, 64)
	if err != nil {
		if errors.Is(err, strconv.ErrRange) {
			return 0, errors.New("is out of range")
		}
		return 0, errors.New("must be a whole number")
	}
	return n, nil
}

func setInt(field func(*Config) *int) setter {
	return func(c *Config, v string) error {
		n, err := parseInt64(v)
		if err != nil {
			return err
		}
		if n < math.MinInt32 || n > math.MaxInt32 {
			return errors.New("is out of range (a 32-bit whole number, as Kylin reads it)")
		}
		*field(c) = int(n)
		return nil
	}
}

func setInt64(field func(*Config) *int64) setter {
	return func(c *Config, v string) error {
		n, err := parseInt64(v)
		if err != nil {
			return err
		}
		*field(c) = n
		return nil
	}
}

func setFloat(field func(*Config) *float64) setter {
	return func(c *Config, v string) error {
		f, err := strconv.ParseFloat(v, 64)
		if err != nil || math.IsNaN(f) || math.IsInf(f, 0) {
			return errors.New("must be a decimal number such as 0.5")
		}
		*field(c) = f
		return nil
	}
}

// setDuration reads a whole number of units (time.Millisecond for the
// *-ms keys, time.Second for the *-second keys), as Kylin does.
func setDuration(unit time.Duration, field func(*Config) *time.Duration) setter {
	name := "milliseconds"
	if unit == time.Second {
		name = "seconds"
	}
	return func(c *Config, v string) error {
		n, err := parseInt64(v)
		if err != nil {
			return errors.New("must be a whole number of " + name)
		}
		if n > math.MaxInt64/int64(unit) || n < math.MinInt64/int64(unit) {
			return errors.New("is out of range (" + name + ")")
		}
		*field(c) = time.Duration(n) * unit
		return nil
	}
}

// setBool accepts true or false in any case. Kylin reads anything but
// "true" as false; we reject it instead, so "yes" is not silently off.
func setBool(field func(*Config) *bool) setter {
	return func(c *Config, v string) error {
		switch strings.ToLower(v) {
		case "true":
			*field(c) = true
		case "false":
			*field(c) = false
		default:
			return errors.New("must be true or false")
		}
		return nil
	}
}

// setNegated is setBool for a field that says the opposite of its key
// (the key enables a feature, the field, zero by default, turns it off).
func setNegated(field func(*Config) *bool) setter {
	return func(c *Config, v string) error {
		var on bool
		if err := setBool(func(*Config) *bool { return &on })(c, v); err != nil {
			return err
		}
		*field(c) = !on
		return nil
	}
}

func setString(field func(*Config) *string) setter {
	return func(c *Config, v string) error {
		*field(c) = v
		return nil
	}
}

func setSecret(field func(*Config) *secret.String) setter {
	return func(c *Config, v string) error {
		*field(c) = secret.New(v)
		return nil
	}
}

// splitList splits a comma list as Kylin's getOptionalStringArray does
// (on \s*,\s*), dropping empty entries.
func splitList(s string) []string {
	var out []string
	for _, part := range strings.Split(s, ",") {
		if part = strings.TrimSpace(part); part != "" {
			out = append(out, part)
		}
	}
	return out
}

func setList(field func(*Config) *[]string) setter {
	return func(c *Config, v string) error {
		*field(c) = splitList(v)
		return nil
	}
}

func setServers(field func(*Config) *[]ServerAddr, parse func(string) ([]ServerAddr, error)) setter {
	return func(c *Config, v string) error {
		addrs, err := parse(v)
		if err != nil {
			return err
		}
		*field(c) = addrs
		return nil
	}
}

// formatMillis shows d as a -ms key's value; a duration set in code that is
// not a whole number of milliseconds (-5ns) is shown exactly, so a message
// never reads "=0" for a negative value.
func formatMillis(d time.Duration) string {
	if d%time.Millisecond != 0 {
		return d.String()
	}
	return strconv.FormatInt(d.Milliseconds(), 10)
}
func formatSeconds(d time.Duration) string { return strconv.FormatInt(int64(d/time.Second), 10) }
