#!/usr/bin/env bash
# Guarantee: folio reads nothing outside the post's folder, the theme and
# font folders (and the folders given with --allow-outside), apart from the
# system files every program and fontconfig read.  The escape cases of the
# catalogue (../, absolute paths, file:// URLs, percent-escapes, symlinks in
# media/ pointing outside, a banner outside) run as handout and as deck
# under strace; every path passed to open/openat must lie under one of:
#
#   the post's folder (img/), the output folder (out/), folio's fonts/ and
#   themes/, the --allow-outside folder when given;
#   /lib /lib64 /usr/lib /usr/lib64 /etc/ld.so.*      (the dynamic loader)
#   /usr/share/fonts /usr/local/share/fonts /usr/share/fontconfig /etc/fonts
#   /var/cache/fontconfig $HOME/.cache/fontconfig     (fontconfig)
#   ${XDG_CONFIG_HOME:-$HOME/.config}/folio           (user themes)
#   /etc/localtime /usr/share/zoneinfo /usr/lib/locale /usr/share/locale
#   /proc /sys /dev                                   (the C library, glib)
#
# /etc/passwd exists, and outside/secret.png is a real PNG beside img/: an
# open of either fails the test.
#   tests/bad/confined.sh --folio BIN --gen GEN_BAD --source DIR
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
folio="" gen="" src=""
while [ $# -gt 0 ]; do
    case "$1" in
        --folio) folio=$(realpath "$2"); shift 2 ;;
        --gen) gen=$(realpath "$2"); shift 2 ;;
        --source) src=$(realpath "$2"); shift 2 ;;
        *) echo "usage: confined.sh --folio BIN --gen GEN_BAD --source DIR" >&2; exit 2 ;;
    esac
done
command -v strace >/dev/null || { echo "skipped: strace not installed"; exit 77; }
work=$(mktemp -d "${TMPDIR:-/tmp}/folio-confined.XXXXXX")
trap 'rm -rf "$work"' EXIT
work=$(realpath "$work")
cd "$work" || exit 1
python3 "$here/make-inputs.py" . && mkdir -p img/media out && "$gen" img/media || exit 1
cp img/media/photo.png outside/secret.png
ln -s ../../outside/secret.png img/media/link-out.png
ln -s /etc/passwd img/media/link-passwd.png

home=${HOME:-/root}
allowed_system=(/lib /lib64 /usr/lib /usr/lib64 /etc/ld.so.cache /etc/ld.so.preload
    /usr/share/fonts /usr/local/share/fonts /usr/share/fontconfig /etc/fonts
    /var/cache/fontconfig "$home/.cache/fontconfig" "${XDG_CONFIG_HOME:-$home/.config}/folio"
    /etc/localtime /usr/share/zoneinfo /usr/lib/locale /usr/share/locale /proc /sys /dev)
failed=0 runs=0 opened=0

# check_run NAME EXTRA-ROOT FOLIO-ARGS...
check_run() {
    local name=$1 extra=$2; shift 2
    local roots=("$work/img" "$work/out" "$src/fonts" "$src/themes" "${allowed_system[@]}")
    [ -n "$extra" ] && roots+=("$work/$extra")
    strace -f -qq -e trace=open,openat -o trace "$folio" "$@" >/dev/null 2>err
    runs=$((runs + 1))
    local p r ok
    while IFS= read -r p; do
        opened=$((opened + 1))
        case "$p" in /*) ;; *) p=$work/$p ;; esac
        ok=0
        for r in "${roots[@]}"; do
            case "$p" in "$r"|"$r"/*) ok=1; break ;; esac
        done
        if [ "$ok" -eq 0 ]; then
            echo "FAIL  $name: opened $p"; failed=1
        fi
    done < <(grep -oE '(open|openat)\((AT_FDCWD, )?"[^"]*"' trace | sed -E 's/.*"([^"]*)"$/\1/' | sort -u)
}

for post in img/esc-*.md img/allowed.md img/same-names.md; do
    base=$(basename "$post" .md)
    for kind in handout slides; do
        check_run "$kind $post" "" "$kind" "$post" -o "out/$base.$kind.pdf"
    done
done
# With --allow-outside the same symlink may be followed, and only into it.
check_run "allow-outside" outside handout img/allowed.md -o out/allowed.pdf --allow-outside outside
grep -q 'outside/secret.png' trace || { echo "FAIL  --allow-outside: outside/secret.png was not read"; failed=1; }

[ "$failed" -eq 0 ] && echo "ok    $runs runs, $opened opens, all inside the allowed folders"
exit $failed
