// node bench/report.mjs RESULT_DIR > results.md - the table of one bench/run.sh run.
//
// Reads RESULT_DIR/runs.tsv (one row per timed process: wall, peak RSS, CPU), sizes.tsv and
// machine.txt. Per dataset, task, engine and run, the wall and CPU times of the steps are summed
// (iaf: one process per pair; DuckDB: one process for all pairs) and the peak RSS is the largest
// of the steps; the table shows the median over runs of the sums and the largest peak RSS of any
// run.
import fs from 'fs';
import path from 'path';

const dir = process.argv[2];
if (!dir) {
    console.error('usage: node bench/report.mjs RESULT_DIR');
    process.exit(2);
}
const lines = fs.readFileSync(path.join(dir, 'runs.tsv'), 'utf8').trim().split('\n');
const head = lines[0].split('\t');
const rows = lines.slice(1).map((l) => Object.fromEntries(l.split('\t').map((v, i) => [head[i], v])));
const sizes = new Map();
if (fs.existsSync(path.join(dir, 'sizes.tsv')))
    for (const l of fs.readFileSync(path.join(dir, 'sizes.tsv'), 'utf8').trim().split('\n')) {
        const [ds, bytes, files] = l.split('\t');
        sizes.set(ds, { bytes: Number(bytes), files: Number(files) });
    }

// DuckDB's own per-query times (inside the process, without starting node and DuckDB)
const inQuery = new Map(); // dataset \t task -> run -> seconds
const errLog = path.join(dir, 'stderr.log');
if (fs.existsSync(errLog))
    for (const l of fs.readFileSync(errLog, 'utf8').split('\n')) {
        const m = /^(\S+) duckdb (\d+) (\S+): (\{.*\})$/.exec(l);
        if (!m || m[2] === '0') continue;
        const secs = JSON.parse(m[4]).duckdb_query_seconds ?? [];
        const task = { pairs: 'pairs', all: 'pairs', sets: 'onescan', joint: 'joint' }[m[3]];
        if (!task) continue;
        const key = `${m[1]}\t${task}`;
        if (!inQuery.has(key)) inQuery.set(key, new Map());
        inQuery.get(key).set(m[2], secs.reduce((a, b) => a + b, 0));
    }

const median = (xs) => {
    const s = [...xs].sort((a, b) => a - b);
    const m = s.length >> 1;
    return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};
// key -> run -> {wall, cpu, rss, load}
const agg = new Map();
for (const r of rows) {
    if (r.run === '0') continue; // the check round is the warm-up, never reported
    const key = `${r.dataset}\t${r.task}\t${r.engine}`;
    if (!agg.has(key)) agg.set(key, new Map());
    const runs = agg.get(key);
    const a = runs.get(r.run) ?? { wall: 0, cpu: 0, rss: 0, load: [] };
    a.wall += Number(r.wall_s);
    a.cpu += Number(r.user_s) + Number(r.sys_s);
    a.rss = Math.max(a.rss, Number(r.maxrss_kb));
    a.load.push(Number(r.load1));
    runs.set(r.run, a);
}
const stat = (key) => {
    const runs = agg.get(key);
    if (!runs) return null;
    const v = [...runs.values()];
    return {
        n: v.length,
        wall: median(v.map((x) => x.wall)),
        walls: v.map((x) => x.wall),
        cpu: median(v.map((x) => x.cpu)),
        rss: Math.max(...v.map((x) => x.rss)) / 1024,
        load: median(v.flatMap((x) => x.load)),
    };
};
const f1 = (x) => (x >= 100 ? x.toFixed(0) : x >= 10 ? x.toFixed(1) : x >= 1 ? x.toFixed(2) : x.toFixed(3));
const gb = (b) => (b >= 1e9 ? `${(b / 1e9).toFixed(2)} GB` : `${(b / 1e6).toFixed(0)} MB`);

const out = [];
out.push('```', fs.readFileSync(path.join(dir, 'machine.txt'), 'utf8').trim(), '```', '');
const start = stat('startup\tnoop\tduckdb');
if (start)
    out.push(`DuckDB harness start-up (node + DuckDB + SELECT 1, included in DuckDB's process time ` +
        `and peak RSS, not in its in-query time): ${f1(start.wall)} s wall, ${f1(start.rss)} MB peak RSS.`, '');
out.push('| dataset | input | task | iaf s | DuckDB in-query s | **iaf / DuckDB in-query** | ratio min-max | DuckDB process s | iaf peak RSS MB | DuckDB peak RSS MB | iaf CPU s | load |',
    '|---|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|');
const datasets = [...new Set(rows.map((r) => r.dataset))].filter((d) => d !== 'startup');
// the pair count and the joint's columns, from the run's machine.txt
const machine = fs.readFileSync(path.join(dir, 'machine.txt'), 'utf8');
const pairList = (/^pairs: (.*)$/m.exec(machine)?.[1] ?? '').trim().split(/\s+/).filter(Boolean);
const jointCols = (/^joint: (.*)$/m.exec(machine)?.[1] ?? '').trim().split(',').filter(Boolean);
const np = pairList.length;
const nc = jointCols.length || new Set(pairList.flatMap((p) => p.split(','))).size;
const taskName = {
    pairs: `${np} pairs, one scan each`,
    onescan: `${np} pairs, one scan`,
    joint: `joint table of ${nc} columns`,
};
for (const ds of datasets)
    for (const task of ['pairs', 'onescan', 'joint']) {
        const i = stat(`${ds}\t${task}\tiaf`), d = stat(`${ds}\t${task}\tduckdb`);
        if (!i || !d) continue;
        const sz = sizes.get(ds);
        const input = sz ? `${gb(sz.bytes)}${sz.files > 1 ? ` in ${sz.files} files` : ''}` : '';
        const q = inQuery.get(`${ds}\t${task}`) ?? new Map();
        const qm = q.size ? median([...q.values()]) : NaN;
        // the ratio of each round (iaf and DuckDB ran one after the other), then their median
        const iruns = agg.get(`${ds}\t${task}\tiaf`);
        const ratios = [...q.entries()].filter(([run]) => iruns.has(run))
            .map(([run, sec]) => iruns.get(run).wall / sec);
        const rm = ratios.length ? median(ratios) : NaN;
        const rr = ratios.length ? `${Math.min(...ratios).toFixed(2)}-${Math.max(...ratios).toFixed(2)}` : '';
        out.push(`| ${ds} | ${input} | ${taskName[task]} | ${f1(i.wall)} | ${Number.isNaN(qm) ? '' : f1(qm)} | ` +
            `**${Number.isNaN(rm) ? '' : rm.toFixed(2)}** | ${rr} | ${f1(d.wall)} | ` +
            `${f1(i.rss)} | ${f1(d.rss)} | ${f1(i.cpu)} | ${i.load.toFixed(1)} |`);
    }
out.push('', `Tasks: *${taskName.pairs}*: one \`iaf count --by A,B\` process per pair, against one node ` +
    `process running the ${np} GROUP BYs one after the other. *${taskName.onescan}*: one \`iaf count\` ` +
    `with one \`--by\` per pair (one \`-o\` each), against one GROUP BY GROUPING SETS query. *joint table*: ` +
    `one \`iaf count --by\` over the ${nc} columns (${jointCols.join(', ')}), against one GROUP BY ALL over ` +
    'the same columns (unordered; iaf sorts its output). Both write their results to CSV files. ' +
    '*iaf s*: the whole iaf process (start, read, count, write, exit), median over the timed runs. ' +
    '*DuckDB in-query s*: the time of the COPY statement measured inside the node process, i.e. ' +
    'without starting node and DuckDB, median over the runs. *iaf / DuckDB in-query*: the median over ' +
    'the runs of the ratio within each run (iaf and DuckDB alternate, so both see the same load). ' +
    '*DuckDB process s*: the whole node process, for reference. Peak RSS: the largest ' +
    '"Maximum resident set size" of any run (DuckDB\'s includes node, see the start-up line). ' +
    'load: median 1-minute load average when the steps started (2.0 = both cores busy).', '');
out.push('Individual runs (wall s):', '');
for (const [key, runs] of agg) {
    if (key.startsWith('startup')) continue;
    out.push(`- ${key.replace(/\t/g, ' / ')}: ${[...runs.values()].map((x) => f1(x.wall)).join(', ')}`);
}
console.log(out.join('\n'));
