# Shared helpers for tests/drives/*.sh (sourced). $MAPBOOT is the host shell
# under sanitizers, $WORK a fresh directory for this script's images.
set -u
export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1
export UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1

# mb ARGS...: run the host shell; stdout is its output.
mb() { "$MAPBOOT" "$@"; }

# check NAME GOT WANT: compare two strings.
check() {
    if [ "$2" = "$3" ]; then echo "PASS $1"
    else echo "FAIL $1"; echo "  got:  $(printf '%s' "$2" | head -c 2000)"; echo "  want: $(printf '%s' "$3" | head -c 2000)"; fi
}

# check_grep NAME TEXT REGEX: TEXT must match the extended regex.
check_grep() {
    if printf '%s\n' "$2" | grep -Eq -- "$3"; then echo "PASS $1"
    else echo "FAIL $1"; echo "  output: $(printf '%s' "$2" | head -c 2000)"; echo "  wanted: /$3/"; fi
}

# check_fails NAME REGEX CMD...: CMD must exit non-zero without a sanitizer
# report, and its output must match REGEX.
check_fails() {
    name=$1 re=$2; shift 2
    out=$("$@" 2>&1); st=$?
    if [ $st -ne 0 ] && [ $st -lt 128 ] && ! printf '%s' "$out" | grep -q 'Sanitizer' &&
        printf '%s\n' "$out" | grep -Eq -- "$re"; then echo "PASS $name"
    else echo "FAIL $name (exit $st)"; echo "  output: $(printf '%s' "$out" | head -c 2000)"; echo "  wanted: /$re/"; fi
}

# sha_of_cat NAME DEVFILE ARGS...: sha256 of `cat DEVFILE` through the shell.
sha_of_cat() { f=$1; shift; mb "$@" -c "cat $f" | sha256sum | cut -d' ' -f1; }
