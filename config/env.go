package config

import "strings"

// substituteEnv replaces each ${NAME} in s with the environment variable
// NAME, as Kylin's StrSubstitutor.replace(value, System.getenv()) does:
//   - only environment variables, never other properties;
//   - ${NAME} of an unset variable stays as written;
//   - $${NAME} is an escape and becomes the literal ${NAME};
//   - a variable's value is inserted as is (not substituted again).
func substituteEnv(s string, lookup func(string) (string, bool)) string {
	if !strings.Contains(s, "${") {
		return s
	}
	var b strings.Builder
	for {
		i := strings.Index(s, "${")
		if i < 0 {
			b.WriteString(s)
			return b.String()
		}
		if i > 0 && s[i-1] == '$' { // escaped: $${X} -> ${X}
			b.WriteString(s[:i-1])
			b.WriteString("${")
			s = s[i+2:]
			continue
		}
		b.WriteString(s[:i])
		end := closingBrace(s[i+2:])
		if end < 0 {
			b.WriteString(s[i:])
			return b.String()
		}
		name := s[i+2 : i+2+end]
		if v, ok := lookup(name); ok && name != "" {
			b.WriteString(v)
		} else {
			b.WriteString(s[i : i+3+end])
		}
		s = s[i+3+end:]
	}
}

// closingBrace returns the index of the '}' that closes a variable whose
// name starts at s[0], counting nested "${"; -1 when there is none.
func closingBrace(s string) int {
	depth := 0
	for i := 0; i < len(s); i++ {
		switch {
		case strings.HasPrefix(s[i:], "${"):
			depth++
			i++
		case s[i] == '}':
			if depth == 0 {
				return i
			}
			depth--
		}
	}
	return -1
}
