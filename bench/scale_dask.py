#!/usr/bin/env python3
"""The Dask route of bench/scale.sh: `iaf audit SPEC --counts-only` per shard on a LocalCluster.

    scale_dask.py IAF SPEC OUTDIR WORKERS SHARD...

Prints one JSON object: the wall time of the map (cluster start excluded), and per task the
shard, its wall time and the peak RSS of its iaf process (GNU time), the largest of which is
the peak memory per worker (each worker runs one task at a time)."""
import json
import os
import subprocess
import sys
import time


def count_shard(iaf, spec, shard, out):
    t = subprocess.run(["/usr/bin/time", "-f", "%M %e", iaf, "audit", spec, "--microdata", shard,
                        "--counts-only", "-o", out, "-q", "-t", "1"],
                       capture_output=True, text=True)
    rss_kb, wall = t.stderr.strip().splitlines()[-1].split()
    return {"shard": shard, "rc": t.returncode, "rss_kb": int(rss_kb), "wall_s": float(wall),
            "out": out, "pid": os.getpid()}


def main():
    iaf, spec, outdir, workers, shards = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4]), sys.argv[5:]
    from dask.distributed import Client, LocalCluster
    with LocalCluster(n_workers=workers, threads_per_worker=1, processes=True, host="127.0.0.1",
                      dashboard_address=None, silence_logs=40) as cluster, Client(cluster) as client:
        t0 = time.monotonic()
        futs = [client.submit(count_shard, iaf, spec, s, os.path.join(outdir, f"shard-{k:03d}"),
                              pure=False) for k, s in enumerate(shards)]
        res = client.gather(futs)
        wall = time.monotonic() - t0
    if any(r["rc"] for r in res):
        sys.exit(f"scale_dask: a task failed: {[r for r in res if r['rc']][:1]}")
    print(json.dumps({"wall_s": wall, "workers": workers, "tasks": res}))


if __name__ == "__main__":
    main()
