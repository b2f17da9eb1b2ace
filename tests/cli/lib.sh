# Helpers for the command-line tests (tests/cli/*.sh), sourced after they
# have cd'ed into their work folder.  Each check counts in passed/failed;
# a failure prints one "FAIL  ..." line.
passed=0 failed=0
pass() { passed=$((passed + 1)); }
fail() { failed=$((failed + 1)); echo "FAIL  $*"; }

# expect NAME STATUS STDERR-PATTERN (grep -E; "" = stderr must be empty) -- COMMAND...
expect() {
    local name=$1 status=$2 pattern=$3; shift 4
    "$@" >out.txt 2>err.txt
    local rc=$?
    local ok=1
    [ "$rc" -eq "$status" ] || ok=0
    if [ -z "$pattern" ]; then [ -s err.txt ] && ok=0
    else grep -Eq -- "$pattern" err.txt || ok=0; fi
    if [ $ok = 1 ]; then pass
    else
        fail "$name: exit $rc (expected $status), stderr:"
        sed 's/^/    /' err.txt
    fi
}
absent() {   # absent NAME FILE...: nothing written, no temporary left
    local name=$1; shift
    for f in "$@"; do
        if [ -e "$f" ] || compgen -G "$f.tmp.*" >/dev/null; then
            fail "$name: $f (or a temporary) was left behind"; return
        fi
    done
    pass
}
stdout_has() {   # stdout_has NAME PATTERN: out.txt of the last expect matches
    if grep -Eq -- "$2" out.txt; then pass; else fail "$1: stdout has no /$2/"; fi
}
