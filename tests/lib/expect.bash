# Sourced by the CLI tests that check many commands' exit status and message
# (tests/cli/spec_errors.sh, bad_inputs.sh): a fresh work directory, removed on exit,
# as the current directory; the counters `fails` and `n`; and
#   expect CODE PATTERN -- command...
# which runs the command with its stdout in out.txt and stderr in err.txt, and
# counts a failure unless it exits CODE with stderr matching PATTERN (grep -E), or
# when it dies of a signal.
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work" || exit 1
fails=0 n=0

expect() {
    local code=$1 pat=$2
    shift 3
    n=$((n + 1))
    "$@" >out.txt 2>err.txt
    local rc=$?
    if [ $rc -ne "$code" ] || ! grep -Eq -- "$pat" err.txt; then
        echo "FAIL [$n]: $* -> rc=$rc (want $code), stderr: $(head -c 400 err.txt)"
        fails=$((fails + 1))
    fi
    if [ $rc -ge 128 ]; then
        echo "CRASH [$n]: $*"
        fails=$((fails + 1))
    fi
}
