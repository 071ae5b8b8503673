package jdbcstore

import "strings"

// likeEscape is the escape character of Kylin's listing statement
// (LIKE ? ESCAPE '#').
const likeEscape = '#'

// likePrefix returns the LIKE pattern matching every key that starts with
// prefix: '%', '_' and '#' are escaped with '#', so each matches only
// itself (Kylin escapes only '_'), and '%' is appended.
func likePrefix(prefix string) string {
	if !strings.ContainsAny(prefix, "%_#") {
		return prefix + "%"
	}
	var b strings.Builder
	b.Grow(len(prefix) + 8)
	for i := 0; i < len(prefix); i++ {
		switch c := prefix[i]; c {
		case '%', '_', likeEscape:
			b.WriteByte(likeEscape)
			b.WriteByte(c)
		default:
			b.WriteByte(c)
		}
	}
	b.WriteByte('%')
	return b.String()
}

// kylinLikePrefix is Kylin's own pattern (JDBCResourceStore.visitFolderImpl):
// only '_' escaped. Tests use it as the negative control.
func kylinLikePrefix(prefix string) string {
	return strings.ReplaceAll(prefix, "_", "#_") + "%"
}
