package cmdtree

import (
	"sort"
	"strings"
)

// Suggest returns the names closest to word, for "did you mean" messages:
// those within a small edit distance (a transposition counts as one edit,
// the commonest typo), or that contain word, best first, at most three.
func Suggest(word string, names []string) []string {
	if word == "" {
		return nil
	}
	type scored struct {
		name string
		d    int
	}
	var hits []scored
	lw := strings.ToLower(word)
	limit := 1 + len(word)/3
	if limit > 3 {
		limit = 3
	}
	seen := map[string]bool{}
	for _, n := range names {
		if seen[n] {
			continue
		}
		seen[n] = true
		ln := strings.ToLower(n)
		d := distance(lw, ln)
		switch {
		case d <= limit:
		case len(lw) >= 3 && strings.Contains(ln, lw):
			d = limit + 1
		default:
			continue
		}
		hits = append(hits, scored{n, d})
	}
	sort.SliceStable(hits, func(i, j int) bool {
		if hits[i].d != hits[j].d {
			return hits[i].d < hits[j].d
		}
		return hits[i].name < hits[j].name
	})
	var out []string
	for i, h := range hits {
		if i == 3 {
			break
		}
		out = append(out, h.name)
	}
	return out
}

// distance is the optimal string alignment distance (Levenshtein plus
// adjacent transpositions).
func distance(a, b string) int {
	ra, rb := []rune(a), []rune(b)
	n, m := len(ra), len(rb)
	d := make([][]int, n+1)
	for i := range d {
		d[i] = make([]int, m+1)
		d[i][0] = i
	}
	for j := 0; j <= m; j++ {
		d[0][j] = j
	}
	for i := 1; i <= n; i++ {
		for j := 1; j <= m; j++ {
			cost := 1
			if ra[i-1] == rb[j-1] {
				cost = 0
			}
			d[i][j] = min(d[i-1][j]+1, d[i][j-1]+1, d[i-1][j-1]+cost)
			if i > 1 && j > 1 && ra[i-1] == rb[j-2] && ra[i-2] == rb[j-1] {
				d[i][j] = min(d[i][j], d[i-2][j-2]+1)
			}
		}
	}
	return d[n][m]
}
