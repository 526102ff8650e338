#!/usr/bin/env python3
"""Dask distributed maps `iaf audit SPEC --counts-only` over shards (docs/scale.md).

    dask_shards.py IAF SPEC OUTDIR SHARD...

Starts a LocalCluster of 4 worker processes (one thread each) on 127.0.0.1, submits one task
per shard (iaf counts the shard into OUTDIR/shard-K), gathers them, closes the cluster and
prints the count directories in shard order, one per line. Exits 1 if the cluster does not
start or any task fails (its stderr is shown)."""
import os
import subprocess
import sys


def count_shard(iaf, spec, shard, out):
    """One task: count one shard; runs in a worker process."""
    r = subprocess.run([iaf, "audit", spec, "--microdata", shard, "--counts-only", "-o", out,
                        "-q", "-t", "1"], capture_output=True, text=True)
    return r.returncode, r.stderr, out, os.getpid()


def main():
    iaf, spec, outdir, shards = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4:]
    from dask.distributed import Client, LocalCluster
    with LocalCluster(n_workers=4, threads_per_worker=1, processes=True, host="127.0.0.1",
                      dashboard_address=None, silence_logs=40) as cluster, Client(cluster) as client:
        nworkers = len(client.scheduler_info()["workers"])
        if nworkers != 4:
            print(f"dask: {nworkers} workers, expected 4", file=sys.stderr)
            sys.exit(1)
        futs = [client.submit(count_shard, iaf, spec, s, os.path.join(outdir, f"shard-{k}"),
                              pure=False) for k, s in enumerate(shards)]
        res = client.gather(futs)
    bad = [r for r in res if r[0] != 0]
    for rc, err, out, pid in bad:
        print(f"dask: task for {out} failed ({rc}): {err}", file=sys.stderr)
    pids = {r[3] for r in res}
    print(f"dask: {len(res)} tasks on {len(pids)} worker processes", file=sys.stderr)
    if bad:
        sys.exit(1)
    for r in res:
        print(r[2])


if __name__ == "__main__":
    main()
