#!/usr/bin/env bash
# Themes from the command line: --theme, -T, front matter `theme:`,
# `folio themes`, and the exit status and exact diagnostics of theme errors.
#
#   tests/themes/cli.sh --folio BIN
#
# Every case prints "ok" or "FAIL" with what differed; the last line is
# "N passed, M failed".  Needs nothing from ../shared.
set -uo pipefail
folio=""
while [ $# -gt 0 ]; do
    case "$1" in
        --folio) folio=$(realpath "$2"); shift 2 ;;
        *) echo "cli.sh: unknown argument '$1'" >&2; exit 2 ;;
    esac
done
here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d "${TMPDIR:-/tmp}/folio-themes.XXXXXX")
trap 'rm -rf "$work"' EXIT
# No user themes from the machine running the tests.
export XDG_CONFIG_HOME=$work/config
passed=0 failed=0
ok() { echo "ok    $*"; passed=$((passed + 1)); }
fail() { echo "FAIL  $*"; failed=$((failed + 1)); }

# expect NAME STATUS EXPECTED-STDERR COMMAND...: exit status and the whole stderr.
expect() {
    local name=$1 status=$2 want=$3; shift 3
    "$@" >"$work/out" 2>"$work/err"
    local rc=$?
    local got
    got=$(sed "s|$work|W|g" "$work/err")
    if [ "$rc" -ne "$status" ]; then fail "$name: exit $rc, expected $status"; sed 's/^/  /' "$work/err"
    elif [ "$got" != "$want" ]; then fail "$name: stderr differs"; diff <(echo "$want") <(echo "$got") | sed 's/^/  /'
    else ok "$name"; fi
}

# first_page NAME EXPECTED COMMAND...: the dump's first line (page size).
first_page() {
    local name=$1 want=$2; shift 2
    local got
    got=$("$@" --dump boxes 2>"$work/err" | head -n 1)
    if [ "$got" = "$want" ]; then ok "$name"
    else fail "$name: first page '$got', expected '$want'"; sed 's/^/  /' "$work/err"; fi
}

mkdir -p "$work/post" "$work/t1" "$work/t2" "$work/empty"
cat >"$work/post/index.md" <<'MD'
---
title: 主题测试
theme: print
---
第一段，用来测试主题。
MD
sed 's/theme: print/theme: nosuch/' "$work/post/index.md" >"$work/post/missing.md"
sed '/theme: print/d' "$work/post/index.md" >"$work/post/plain.md"
post=$work/post/index.md

A4="page 1 595.28x841.89"
A5="page 1 419.53x595.28"
LETTER="page 1 612.00x792.00"

# Selection: front matter, --theme over it, the default without either.
first_page "front matter theme: print is A5" "$A5" "$folio" handout "$post"
first_page "--theme dark wins over front matter" "$A4" "$folio" handout "$post" --theme dark
first_page "no theme anywhere: the default, A4" "$A4" "$folio" handout "$work/post/plain.md"
first_page "--theme by path" "$A4" "$folio" handout "$post" --theme "$here/user-accent.yaml"
first_page "--paper still wins over the theme's paper" "$LETTER" "$folio" handout "$post" --paper letter

# Search path: -T first, in the order given.
printf 'extends: default\npage:\n  paper: letter\n' >"$work/t1/print.yaml"
printf 'extends: default\npage:\n  paper: a5\n' >"$work/t2/print.yaml"
first_page "-T shadows the bundled theme" "$LETTER" "$folio" handout "$post" -T "$work/t1" -T "$work/t2"
first_page "-T folders in the order given" "$A5" "$folio" handout "$post" -T "$work/t2" -T "$work/t1"
mkdir -p "$XDG_CONFIG_HOME/folio/themes"
printf 'extends: default\npage:\n  paper: letter\n' >"$XDG_CONFIG_HOME/folio/themes/print.yaml"
first_page "\$XDG_CONFIG_HOME/folio/themes shadows the bundled theme" "$LETTER" "$folio" handout "$post"
first_page "-T comes before \$XDG_CONFIG_HOME" "$A5" "$folio" handout "$post" -T "$work/t2"
rm "$XDG_CONFIG_HOME/folio/themes/print.yaml"

# folio themes: one line per theme, sorted, with its description and file.
"$folio" themes -T "$work/empty" >"$work/list" 2>"$work/err"
rc=$?
if [ $rc -eq 0 ] && grep -q '^default  *Serif body' "$work/list" && grep -q '^dark  ' "$work/list" &&
   grep -q '^print  .*(.*themes/print.yaml)$' "$work/list" && [ ! -s "$work/err" ]; then
    ok "folio themes lists the bundled themes"
else
    fail "folio themes (exit $rc)"; sed 's/^/  /' "$work/list" "$work/err"
fi
"$folio" themes -T "$work/t1" >"$work/list" 2>/dev/null
if grep -q "^print .*(W*$work/t1/print.yaml)$" "$work/list" && [ "$(grep -c '^print ' "$work/list")" = 1 ]; then
    ok "folio themes shows the theme that wins, once"
else
    fail "folio themes with -T"; sed 's/^/  /' "$work/list"
fi

# Errors: exit status 3 (set-up) and the exact diagnostics.
printf 'extends: default\ncolors:\n  acent: "#ff0000"\n' >"$work/t1/typo.yaml"
expect "unknown key: file:line:col and a hint" 3 \
    "W/t1/typo.yaml:3:3: error: unknown key 'acent'; did you mean 'accent'?" \
    "$folio" handout "$post" --theme "$work/t1/typo.yaml" --dump boxes
expect "unknown theme name: the search path" 3 \
    "error: theme 'nosuch' not found; searched W/t1, W/config/folio/themes, $(realpath "$here/../../themes")" \
    "$folio" handout "$post" --theme nosuch -T "$work/t1" --dump boxes
expect "front matter names a missing theme" 3 \
    "W/post/missing.md: error: front matter names theme 'nosuch', which cannot be loaded
error: theme 'nosuch' not found; searched W/config/folio/themes, $(realpath "$here/../../themes")" \
    "$folio" handout "$work/post/missing.md" --dump boxes
printf 'extends: default\nlogo: logo.png\n' >"$work/t1/logo.yaml"
expect "missing logo file" 3 \
    "W/t1/logo.yaml:2:7: error: logo file 'logo.png' not found (looked for W/t1/logo.png)" \
    "$folio" slides "$post" --theme "$work/t1/logo.yaml" --dump boxes
printf 'extends: default\nfonts:\n  body: Nope Serif CJK\n' >"$work/t1/font.yaml"
expect "a font the theme names is not installed" 3 \
    "error: font family 'Nope Serif CJK' is not installed; install it with 'apt-get install fonts-noto-cjk' (or run scripts/setup.sh)
W/t1/font.yaml: note: theme 'font' names these fonts" \
    "$folio" handout "$post" --theme "$work/t1/font.yaml" --dump boxes
printf 'extends: cyc2\n' >"$work/t1/cyc1.yaml"
printf 'extends: cyc1\n' >"$work/t1/cyc2.yaml"
expect "extends cycle" 3 "W/t1/cyc2.yaml:1:10: error: extends cycle: cyc1 -> cyc2 -> cyc1" \
    "$folio" handout "$post" --theme cyc1 -T "$work/t1" --dump boxes
"$folio" themes -T "$work/t1" >/dev/null 2>"$work/err"
rc=$?
if [ $rc -eq 3 ] && grep -q "typo.yaml:3:3: error: unknown key 'acent'" "$work/err"; then
    ok "folio themes reports a broken theme and exits 3"
else
    fail "folio themes with a broken theme: exit $rc"; sed 's/^/  /' "$work/err"
fi

# A logo and a slide background image really appear.
/usr/bin/python3 -c "
from PIL import Image
Image.new('RGB', (200, 80), '#c0392b').save('$work/t2/logo.png')
Image.new('RGB', (1280, 720), '#203040').save('$work/t2/bg.png')"
printf 'extends: dark\nlogo: logo.png\nslides:\n  background-image: bg.png\n' >"$work/t2/logo.yaml"
n=$("$folio" slides "$post" --theme "$work/t2/logo.yaml" --dump boxes 2>"$work/err" | grep -c 'logo.png')
nb=$("$folio" slides "$post" --theme "$work/t2/logo.yaml" --dump boxes 2>/dev/null | grep -c 'bg.png')
slides=$("$folio" slides "$post" --theme "$work/t2/logo.yaml" --dump boxes 2>/dev/null | grep -c '^page ')
if [ "$n" -eq "$slides" ] && [ "$nb" -eq $((slides - 1)) ]; then
    ok "logo on every slide, background image on every slide but the title"
else
    fail "logo on $n and background on $nb of $slides slides"; sed 's/^/  /' "$work/err"
fi

echo "$passed passed, $failed failed"
[ $failed -eq 0 ]
