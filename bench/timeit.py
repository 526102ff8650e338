#!/usr/bin/env python3
"""timeit.py OUT CMD...: run CMD (stdin, stdout and stderr inherited) and write one line to OUT:
wall seconds, peak resident set size in KB, user and system CPU seconds, tab-separated, as
GNU time's -f '%e\t%M\t%U\t%S' but with the wall time to the microsecond: GNU time prints it in
hundredths, and a count of 1M Parquet rows takes 30-40 ms, where a hundredth is a quarter of
the measurement. The clock starts just before the child is spawned and stops when it has been
waited for; the interpreter's own start is outside it. Exits with the child's status."""
import os
import resource
import subprocess
import sys
import time

if len(sys.argv) < 3:
    sys.exit("usage: timeit.py OUT CMD...")
t0 = time.perf_counter()
try:
    rc = subprocess.call(sys.argv[2:])
except OSError as e:
    sys.exit(f"timeit.py: {sys.argv[2]}: {e.strerror}")
wall = time.perf_counter() - t0
ru = resource.getrusage(resource.RUSAGE_CHILDREN)  # the one child: ru_maxrss in KB on Linux
with open(sys.argv[1], "w") as f:
    f.write(f"{wall:.6f}\t{ru.ru_maxrss}\t{ru.ru_utime:.3f}\t{ru.ru_stime:.3f}\n")
sys.exit(rc if rc >= 0 else 128 - rc)
