#!/usr/bin/env bash
# The progress line of long scans (issue 6): on stderr only when stderr is a
# terminal (a pseudo-terminal here) and the scan has run longer than the delay
# (IAF_PROGRESS_DELAY, default 1 s; 0 here so that a small file shows it),
# erased when the scan ends, silenced by --quiet, and never written when
# stderr is not a terminal. stdout (the counts) is the same in every case.
set -euo pipefail
: "${IAF:?}" "${IAF_BUILD:?}" "${IAF_SRC:?}"
PYTHON=${PYTHON:-/usr/bin/python3}
work="$IAF_BUILD/html-progress"
rm -rf "$work"
mkdir -p "$work"
"$PYTHON" - "$work/data.csv" <<'PY'
import sys
with open(sys.argv[1], "w") as f:
    f.write("sex,age\n")
    for i in range(200000):
        f.write("%s,%d\n" % ("남자" if i % 3 else "여자", 19 + i % 80))
PY

"$PYTHON" - "$IAF" "$work/data.csv" "$IAF_SRC/tests/golden/html_audit_small" "$work" <<'PY'
import os
import pty
import re
import subprocess
import sys

iaf, data, small, work = sys.argv[1:5]
failures = []


def run(args, tty, delay, cwd=None):
    """Run iaf with stderr on a pseudo-terminal (tty) or a pipe; returns
    (stdout bytes, stderr bytes)."""
    env = dict(os.environ)
    env.pop("IAF_PROGRESS_DELAY", None)
    if delay is not None:
        env["IAF_PROGRESS_DELAY"] = delay
    if tty:
        master, slave = pty.openpty()
        p = subprocess.Popen([iaf] + args, stdout=subprocess.PIPE, stderr=slave, env=env, cwd=cwd)
        os.close(slave)
        err = b""
        while True:
            try:
                chunk = os.read(master, 65536)
            except OSError:  # EIO: the child closed the terminal
                break
            if not chunk:
                break
            err += chunk
        out = p.stdout.read()
        p.wait()
        os.close(master)
    else:
        p = subprocess.run([iaf] + args, capture_output=True, env=env, cwd=cwd)
        out, err = p.stdout, p.stderr
    if p.returncode != 0:
        failures.append(f"{args}: exit {p.returncode}: {err[-300:]!r}")
    return out, err


count = ["count", data, "--by", "sex", "-t", "2"]
base_out, base_err = run(count, tty=False, delay="0")
if base_err:
    failures.append(f"not a terminal: stderr has {base_err[:200]!r}")
if base_out != "sex,count\n남자,133333\n여자,66667\n".encode():
    failures.append(f"counts: {base_out!r}")

out, err = run(count, tty=True, delay="0")
text = err.decode("utf-8", "replace")
if not re.search(r"iaf: [0-9,]+ rows, [0-9.]+ (B|kB|MB)", text):
    failures.append(f"terminal, delay 0: no progress line in {text!r}")
elif not text.endswith("\r\x1b[K"):
    failures.append(f"the progress line is not erased at the end: {text[-40:]!r}")
else:
    print("progress line:", text.split("\r")[1].replace("\x1b[K", ""))
if out != base_out:
    failures.append("stdout differs with a progress line")

_, err = run(count + ["--quiet"], tty=True, delay="0")
if err:
    failures.append(f"--quiet: stderr has {err[:200]!r}")
# a scan shorter than the delay stays silent (an hour, so that a slow sanitizer
# build cannot turn this into a timing test)
_, err = run(count, tty=True, delay="3600")
if err:
    failures.append(f"scan shorter than the delay: stderr has {err[:200]!r}")

# iaf audit scans its microdata with the same line
audit = ["audit", "audit.yaml", "-o", os.path.join(work, "audit"), "--bootstrap", "50"]
out, err = run(audit, tty=True, delay="0", cwd=small)
if b" rows, " not in err:
    failures.append(f"audit: no progress line in {err[:300]!r}")
if b"reports in " not in out:
    failures.append("audit: no headline on stdout")
_, err = run(audit + ["-q"], tty=True, delay="0", cwd=small)
if err:
    failures.append(f"audit -q: stderr has {err[:200]!r}")

if failures:
    for f in failures:
        print("FAIL", f)
    sys.exit(1)
print("progress: ok")
PY
