#!/usr/bin/env bash
# folio book on the command line: usage errors, a post that cannot be
# loaded (exit 1, the file named, no book written), order and title.
#   tests/cli/book.sh --folio BIN
set -uo pipefail
[ "${1:-}" = --folio ] || { echo "usage: book.sh --folio BIN" >&2; exit 2; }
folio=$(realpath "$2")
here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d "${TMPDIR:-/tmp}/folio-book-cli.XXXXXX")
trap 'rm -rf "$work"' EXIT
cd "$work" || exit 1
. "$here/lib.sh"

mkdir -p a b/media empty
printf -- '---\ntitle: 甲\ndate: 2024-05-01\n---\n\n正文。\n\n**一节**\n\n一段。\n' > a/index.md
printf -- '---\ntitle: 乙\ndate: 2023-02-01\n---\n\n正文。\n\n![照片](media/nope.jpg)\n' > b/README.md
printf -- '---\ntitle: 丙\n---\n\n没有日期。\n' > c.md
printf -- '---\ntitle: [unclosed\ndate: 2024\n---\n\ntext\n' > bad.md

expect "no posts" 2 "book needs posts" -- "$folio" book -o x.pdf
expect "no -o" 2 "book needs -o BOOK\.pdf" -- "$folio" book a
expect "bad --order" 2 "--order takes date or args, not 'name'" -- "$folio" book a -o x.pdf --order name
expect "bad --paper" 2 "unknown paper size 'b5'" -- "$folio" book a -o x.pdf --paper b5
expect "unknown option" 2 "unknown option '--impose'" -- "$folio" book a -o x.pdf --impose saddle
expect "--title needs text" 2 "--title needs a title" -- "$folio" book a -o x.pdf --title
absent "usage errors" x.pdf
expect "--help" 0 "" -- "$folio" book --help
stdout_has "--help" "^usage: folio book POST\.\.\. -o BOOK\.pdf"
expect "folio --help names book" 0 "" -- "$folio" --help
stdout_has "folio --help names book" "folio book POST\.\.\."

# A post that cannot be loaded is an error naming it; no book is written.
expect "missing post" 1 "^missing\.md: error: " -- "$folio" book a missing.md -o m.pdf
absent "missing post" m.pdf
expect "bad front matter" 1 "^bad\.md:[0-9]+:[0-9]+: error: front matter" -- "$folio" book a bad.md -o bad.pdf
absent "bad front matter" bad.pdf
expect "every failing post is named" 1 "^bad\.md:.*error" -- "$folio" book missing.md bad.md -o two.pdf
grep -q "^missing\.md: error" err.txt && pass || fail "every failing post is named: missing.md not named"
absent "every failing post is named" two.pdf
expect "folder without a post" 1 "^empty: error: folder has no index\.md or README\.md" -- "$folio" book a empty -o e.pdf
absent "folder without a post" e.pdf
expect "theme not found" 3 "theme 'nope' not found" -- "$folio" book a -o t.pdf --theme nope
absent "theme not found" t.pdf

# Warnings name the post they come from; --strict makes them errors.
expect "a post's warning" 0 "^b/README\.md:8:1: warning: image 'media/nope\.jpg' not found" -- "$folio" book a b -o ok.pdf
[ -s ok.pdf ] && pass || fail "ok.pdf not written"
expect "-q" 0 "" -- "$folio" book a b -o ok.pdf -q
expect "--strict" 1 "error: image 'media/nope\.jpg' not found" -- "$folio" book a b -o strict.pdf --strict
absent "--strict" strict.pdf
# One theme for the volume: the first post's; another post's is a warning.
printf -- '---\ntitle: 丁\ntheme: print\n---\n\n文字。\n' > d.md
printf -- '---\ntitle: 戊\ntheme: dark\n---\n\n文字。\n' > e.md
expect "a second post's theme" 0 "^e\.md: warning: front matter names theme 'dark'; the book is set in the first post's theme, 'print'" \
    -- "$folio" book d.md e.md --dump boxes
expect "--theme wins over the posts'" 0 "" -- "$folio" book d.md e.md --dump boxes --theme dark
mkdir -p out.pdf
expect "output is a folder" 1 "out\.pdf: error: cannot write output" -- "$folio" book a -o out.pdf -q

# Order: by date (undated last), or as given; the title is derived or given.
expect "date order" 0 "" -- "$folio" book c.md a b --dump boxes -q
[ "$(grep '^outline 1' out.txt | sed 's/.*"\(.*\)"/\1/' | tr '\n' ' ')" = "乙 甲 丙 " ] && pass \
    || fail "date order: $(grep '^outline 1' out.txt | tr '\n' '|')"
grep -q '"2023 – 2024"' out.txt && pass || fail "derived title: no \"2023 – 2024\" line"
expect "args order" 0 "" -- "$folio" book c.md a b --dump boxes -q --order args
[ "$(grep '^outline 1' out.txt | sed 's/.*"\(.*\)"/\1/' | tr '\n' ' ')" = "丙 甲 乙 " ] && pass \
    || fail "args order: $(grep '^outline 1' out.txt | tr '\n' '|')"
expect "--title" 0 "" -- "$folio" book a b --dump boxes -q --title "两年回顾"
grep -q '"两年回顾"' out.txt && pass || fail "--title: the title is not on the cover"
expect "one post" 0 "" -- "$folio" book a --dump boxes
[ "$(grep -c '^  line .*"甲"' out.txt)" -ge 2 ] && pass || fail "one post: its title is not the volume's"

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
