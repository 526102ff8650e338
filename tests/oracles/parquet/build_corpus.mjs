// Builds the Parquet conformance corpus: copies the flat-column-relevant files from
// ../shared/data/{parquet-testing,parquet-misc} into tests/data/parquet/, writes one oracle per
// file (<file>.oracle.jsonl), the test list conformance.tsv, MANIFEST.md and SOURCES.md.
//
//   cd tests/oracles/parquet && npm ci && node build_corpus.mjs [SHARED_DATA_DIR]
//
// Oracle values come from hyparquet's committed JSON rows where hyparquet has the file and its
// JSON can be mapped to canonical text without loss; otherwise from DuckDB (@duckdb/node-api).
// Every column with both sources is cross-checked; a disagreement stops the run unless the
// column is listed in OVERRIDES with the reason. Canonical text: lib/canon.mjs, docs/parquet.md.
import { DuckDBInstance } from '@duckdb/node-api';
import fs from 'fs';
import path from 'path';
import crypto from 'crypto';
import zlib from 'zlib';
import { fileURLToPath } from 'url';
import {
    fmtF64, fmtDate, fmtTimeOfDay, fmtTimestamp, fmtDecimalUnscaled, literalToUnscaled,
    bytesToText, parseJsonKeepNumbers,
} from './lib/canon.mjs';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const REPO = path.resolve(HERE, '../../..');
const SHARED = path.resolve(process.argv[2] ?? path.join(REPO, '../shared/data'));
const OUT = path.join(REPO, 'tests/data/parquet');

// Upstream folders -> corpus folders (priority order: the first copy of identical bytes wins, so
// hyparquet's copy, which has a JSON oracle, is kept over the same file elsewhere).
const ORIGINS = [
    { dir: 'parquet-misc/hyparquet_test_files', to: 'hyparquet', json: true },
    { dir: 'parquet-testing/data', to: 'parquet-testing' },
    { dir: 'parquet-misc/fastparquet_test_data', to: 'fastparquet' },
    { dir: 'parquet-misc/parquet-go_testdata', to: 'parquet-go' },
    { dir: 'parquet-misc/hf_hub_shards', to: 'hf-hub' },
    { dir: 'parquet-misc/datadesigner_artifacts', to: 'datadesigner' },
    { dir: 'parquet-misc/persona_like', to: 'persona-like' },
];

const MAX_BYTES = 1 << 20;
const GZIP_OVER = 64 << 10; // oracle text size above which it is stored gzipped
// Kept although large: they exercise many pages / realistic data no smaller file has.
const LARGE_OK = new Set(['parquet-go_testdata/covid.snappy.parquet']);

// Skipped on purpose (besides duplicates, files without flat columns and files over MAX_BYTES).
const SKIP = [
    [/\/malformed\//, 'malformed input: owned by the error tests (tests/data/parquet/bad/)'],
    [/parquet-testing\/data\/nation\.dict-malformed\.parquet$/,
        'malformed dictionary (parquet-mr rejects it, see NVIDIA/cudf-spark#8644): an error case, not conformance'],
    [/\/shredded_variant\//, 'VARIANT shredding cases: nested groups, no flat column of interest'],
    [/fastparquet_test_data\/split\/(?!cat=fred\/catnum=1\/)/,
        'hive-partitioned copies of one table; cat=fred/catnum=1 is kept'],
    [/\/_(common_)?metadata$/, 'dataset summary file (footer only, no rows)'],
];

// Files expected to fail with "unsupported: <what>" (docs/parquet.md lists the same).
const UNSUPPORTED = [
    ['parquet-testing/data/uniform_encryption.parquet.encrypted', 'encrypted file (footer encrypted, magic PARE)'],
    ['parquet-testing/data/encrypt_columns_plaintext_footer.parquet.encrypted',
        'encrypted file (plaintext footer, encrypted column chunks)'],
];

// Row-JSON oracles (hyparquet's toJson layout) for files DuckDB cannot read, from elsewhere.
const EXTERNAL_JSON = {
    'parquet-testing/data/hadoop_lz4_compressed_larger.parquet': {
        json: path.join(HERE, 'external/hadoop_lz4_compressed_larger.json.gz'),
        label: 'hyparquet-compressors',
        note: 'DuckDB has no LZ4 (Hadoop) codec; rows from hyparquet-compressors test/files/' +
            'hadoop_lz4_compressed_larger.json (tests/oracles/parquet/external/SOURCES.md)',
    },
    'parquet-testing/data/non_hadoop_lz4_compressed.parquet': {
        json: path.join(SHARED, 'parquet-misc/hyparquet_test_files/hadoop_lz4_compressed.json'),
        label: 'hyparquet',
        note: 'DuckDB has no LZ4 (Hadoop) codec; hyparquet-compressors test/lz4.test.js expects the ' +
            'same rows (lz4_compressed.json) for hadoop_lz4_compressed, lz4_raw_compressed and ' +
            'non_hadoop_lz4_compressed: the rows of hyparquet/hadoop_lz4_compressed.json are used',
    },
};

// Columns documented upstream to hold the same values as another column of the same file, used
// as the oracle when neither DuckDB nor a JSON can give the column itself.
const SAME_AS = {
    'hyparquet/byte_stream_split_extended.gzip.parquet': {
        note: 'parquet-testing data/README.md: "7 pairs of columns, each in two variants containing ' +
            'the same values: one PLAIN-encoded and one BYTE_STREAM_SPLIT-encoded"',
        pairs: { flba5_byte_stream_split: 'flba5_plain', decimal_byte_stream_split: 'decimal_plain' },
    },
};

// Values stated by the upstream documentation of a file. They are the oracle for the column;
// DuckDB's values must agree except at the rows listed in duckdbWrong (with the reason).
const DOCUMENTED = {
    'parquet-testing/int96_from_spark.parquet': {
        a: {
            // int96_from_spark.md: "As microseconds since the epoch, they correspond to: ..."
            values: [1704141296123456n, 1704070800000000n, 253402225200000000n, 1735599600000000n, null,
                9089380393200000000n].map((us) => (us === null ? null : fmtTimestamp(us, 1000000n))),
            note: 'parquet-testing data/int96_from_spark.md lists the values as microseconds since the epoch',
            duckdbWrong: { 5: 'DuckDB overflows the year-290000 value (it converts INT96 through 64-bit nanoseconds)' },
        },
    },
};

// Columns whose hyparquet JSON is not used (reason recorded in the oracle and MANIFEST.md).
const OVERRIDES = {
    // filled in as disagreements are investigated: 'hyparquet/x.parquet:col': 'reason'
};

function walk(d, out = []) {
    for (const e of fs.readdirSync(d, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
        const p = path.join(d, e.name);
        if (e.isDirectory()) walk(p, out);
        else out.push(p);
    }
    return out;
}

const sqlStr = (s) => `'${s.replace(/'/g, "''")}'`;
const sqlId = (s) => `"${s.replace(/"/g, '""')}"`;

// --- schema ------------------------------------------------------------------------------------
// Top-level fields from DuckDB's parquet_schema(): flat ones with their type facts, nested names.
async function readSchema(con, file) {
    const rows = (await con.runAndReadAll(`select * from parquet_schema(${sqlStr(file)})`)).getRowObjectsJS();
    const top = [];
    let i = 1;
    const skip = (n) => {
        let k = n + 1;
        for (let j = 0; j < Number(rows[n].num_children ?? 0); j++) k = skip(k);
        return k;
    };
    while (i < rows.length) {
        const e = rows[i];
        const nested = e.num_children !== null || e.repetition_type === 'REPEATED';
        top.push({
            name: e.name,
            nested,
            physical: e.type,
            converted: e.converted_type,
            logical: e.logical_type,
            duckdb: e.duckdb_type,
            scale: e.scale === null ? null : Number(e.scale),
            precision: e.precision === null ? null : Number(e.precision),
            typeLength: e.type_length === null ? null : Number(e.type_length),
            repetition: e.repetition_type,
        });
        i = nested ? skip(i) : i + 1;
    }
    return top;
}

// What the reader delivers for a column (docs/parquet.md, "Value rules") and how to render it.
function classify(c) {
    const lg = c.logical ?? '';
    const cv = c.converted ?? '';
    if (/^NullType/.test(lg) || cv === 'PARQUET_NULL' || c.duckdb === '"NULL"')
        return { kind: c.physical === 'INT32' || c.physical === 'INT64' ? 'i64' : c.physical === 'FLOAT' || c.physical === 'DOUBLE' ? 'f64' : 'text', rule: 'null' };
    if (/^DecimalType/.test(lg) || cv === 'DECIMAL') return { kind: 'text', rule: 'decimal' };
    switch (c.physical) {
    case 'BOOLEAN':
        return { kind: 'text', rule: 'bool' };
    case 'INT32':
        if (/^DateType/.test(lg) || cv === 'DATE') return { kind: 'text', rule: 'date' };
        if (/^TimeType/.test(lg) || cv === 'TIME_MILLIS') return { kind: 'text', rule: 'time' };
        return { kind: 'i64', rule: 'int' };
    case 'INT64':
        if (/^TimestampType/.test(lg) || /^TIMESTAMP_/.test(cv)) return { kind: 'text', rule: 'timestamp' };
        if (/^TimeType/.test(lg) || /^TIME_/.test(cv)) return { kind: 'text', rule: 'time' };
        if ((/^IntType/.test(lg) && /isSigned=0/.test(lg)) || cv === 'UINT_64')
            return { kind: 'text', rule: 'int' };
        return { kind: 'i64', rule: 'int' };
    case 'INT96':
        return { kind: 'text', rule: 'timestamp' };
    case 'FLOAT':
    case 'DOUBLE':
        return { kind: 'f64', rule: 'float' };
    case 'FIXED_LEN_BYTE_ARRAY':
        if (/^Float16Type/.test(lg)) return { kind: 'f64', rule: 'float' };
        if (/^UUIDType/.test(lg)) return { kind: 'text', rule: 'uuid' };
        return { kind: 'text', rule: 'bytes' };
    case 'BYTE_ARRAY':
        return { kind: 'text', rule: 'bytes' };
    default:
        throw new Error(`unknown physical type ${c.physical}`);
    }
}

function typeText(c) {
    const parts = [c.physical + (c.typeLength ? `(${c.typeLength})` : '')];
    if (c.logical) parts.push(c.logical.replace(/\(.*$/s, (m) => (m.length > 60 ? '(...)' : m)).replace(/[^\x20-\x7e]/g, ''));
    else if (c.converted) parts.push(c.converted);
    if (c.scale !== null && (c.converted === 'DECIMAL' || /Decimal/.test(c.logical ?? '')))
        parts.push(`p=${c.precision},s=${c.scale}`);
    return parts.join(' ') + (c.repetition === 'REQUIRED' ? ' required' : '');
}

// --- DuckDB values -----------------------------------------------------------------------------
function duckExpr(c, id) {
    const t = c.duckdb ?? '';
    switch (c.cls.rule) {
    case 'null':
        return `${id} IS NULL`; // every value must be null: a non-null value shows as false
    case 'bool':
    case 'int':
    case 'decimal':
    case 'uuid':
        return `CAST(${id} AS VARCHAR)`;
    case 'date':
        return `date_diff('day', DATE '1970-01-01', ${id})`;
    case 'time':
        return `date_diff('microsecond', TIME '00:00:00', CAST(${id} AS TIME))`;
    case 'timestamp':
        return t.startsWith('TIMESTAMP_NS') ? `epoch_ns(${id})` : `epoch_us(${id})`;
    case 'float':
        return `CAST(${id} AS DOUBLE)`;
    case 'bytes':
        return t === 'BLOB' ? id : `encode(CAST(${id} AS VARCHAR))`;
    }
    throw new Error(`no DuckDB rule for ${c.name}`);
}

function duckToText(c, v) {
    if (v === null) return null;
    switch (c.cls.rule) {
    case 'null':
        if (v !== true) throw new Error(`column ${c.name}: UNKNOWN-typed column has a value`);
        return null;
    case 'bool':
    case 'int':
    case 'decimal':
    case 'uuid':
        return String(v);
    case 'date':
        return fmtDate(BigInt(v));
    case 'time':
        return fmtTimeOfDay(BigInt(v), 1000000n);
    case 'timestamp':
        return fmtTimestamp(BigInt(v), (c.duckdb ?? '').startsWith('TIMESTAMP_NS') ? 1000000000n : 1000000n);
    case 'float':
        return fmtF64(v);
    case 'bytes':
        return bytesToText(v.bytes);
    }
    throw new Error('unreachable');
}

// One array of texts per column; an Error in place of the array when DuckDB cannot read it.
async function duckValues(con, file, cols) {
    const query = async (cs) => {
        const list = cs.map((c) => `${duckExpr(c, sqlId(c.duckName))} AS ${sqlId('c' + c.index)}`).join(', ');
        const rows = (await con.runAndReadAll(`SELECT ${list} FROM read_parquet(${sqlStr(file)}, hive_partitioning = false)`)).getRows();
        return cs.map((c, j) => rows.map((row) => duckToText(c, row[j])));
    };
    try {
        return await query(cols);
    } catch {
        const out = [];
        for (const c of cols) {
            try {
                out.push((await query([c]))[0]);
            } catch (err) {
                out.push(new Error(String(err.message).split('\n')[0].replace(/'\/[^']*'/g, 'FILE')));
            }
        }
        return out;
    }
}

// --- hyparquet values --------------------------------------------------------------------------
// hyparquet's JSON holds decoded values; map them to canonical text where that is lossless,
// else return undefined (the column then comes from DuckDB).
function hyToText(c, v) {
    if (v === null) return null;
    const num = v && typeof v === 'object' && 'num' in v ? v.num : undefined;
    switch (c.cls.rule) {
    case 'bool':
        return typeof v === 'boolean' ? String(v) : undefined;
    case 'int':
        return num !== undefined && /^-?\d+$/.test(num) ? num.replace(/^-0$/, '0') : undefined;
    case 'float':
        return num !== undefined ? fmtF64(Number(num)) : undefined;
    case 'decimal': {
        if (num === undefined) return undefined;
        const u = literalToUnscaled(num, c.scale ?? 0);
        return u === null ? undefined : fmtDecimalUnscaled(u, c.scale ?? 0);
    }
    case 'uuid':
        return typeof v === 'string' ? v : undefined;
    case 'timestamp': {
        // "YYYY-MM-DDTHH:MM:SS.mmmZ" (JavaScript Date): exact only to the millisecond
        const m = typeof v === 'string' && /^(\d{4}-\d\d-\d\d)T(\d\d:\d\d:\d\d)\.(\d{3})Z$/.exec(v);
        if (!m) return undefined;
        const frac = m[3].replace(/0+$/, '');
        return `${m[1]} ${m[2]}${frac ? '.' + frac : ''}`;
    }
    case 'bytes':
        if (Array.isArray(v) && v.every((b) => b && /^\d+$/.test(b.num) && Number(b.num) < 256))
            return bytesToText(Uint8Array.from(v.map((b) => Number(b.num))));
        return typeof v === 'string' ? v : undefined;
    default:
        return undefined; // dates, times: not present in hyparquet's files
    }
}

// --- main --------------------------------------------------------------------------------------
const inst = await DuckDBInstance.create(':memory:', { threads: '1' });
const con = await inst.connect();

// Start from empty origin folders so that a changed selection leaves no stale file behind
// (interop/ and bad/ belong to other generators and are left alone).
for (const o of ORIGINS) fs.rmSync(path.join(OUT, o.to), { recursive: true, force: true });

const seen = new Map(); // sha256 -> corpus entry
const entries = [];
const skipped = []; // [upstream, reason]

for (const o of ORIGINS) {
    const root = path.join(SHARED, o.dir);
    for (const f of walk(root)) {
        const rel = path.relative(path.join(SHARED), f);
        const sub = path.relative(root, f);
        const magic = Buffer.alloc(4);
        const fd = fs.openSync(f, 'r');
        const got = fs.readSync(fd, magic, 0, 4, 0);
        fs.closeSync(fd);
        if (got < 4 || !['PAR1', 'PARE'].includes(magic.toString('latin1'))) continue;
        const rule = SKIP.find(([re]) => re.test(f));
        if (rule) {
            skipped.push([rel, rule[1]]);
            continue;
        }
        const unsupported = UNSUPPORTED.find(([p]) => rel === p);
        if (/\.encrypted$/.test(f) && !unsupported) {
            skipped.push([rel, 'encrypted: two representative encrypted files are kept']);
            continue;
        }
        const bytes = fs.readFileSync(f);
        const sha = crypto.createHash('sha256').update(bytes).digest('hex');
        if (seen.has(sha)) {
            seen.get(sha).aliases.push(rel);
            continue;
        }
        const e = { rel, sub, origin: o, dest: path.join(o.to, sub), bytes: bytes.length, sha, aliases: [] };
        seen.set(sha, e);
        if (unsupported) {
            e.expect = 'unsupported';
            e.reason = unsupported[1];
            entries.push(e);
            continue;
        }
        if (bytes.length > MAX_BYTES && !LARGE_OK.has(rel.replace(/^parquet-misc\//, ''))) {
            skipped.push([rel, `${(bytes.length / 1048576).toFixed(1)} MB: over the size budget`]);
            continue;
        }
        let schema;
        try {
            schema = await readSchema(con, f);
            await con.runAndReadAll(`select count(*) from read_parquet(${sqlStr(f)}, hive_partitioning = false)`);
        } catch (err) {
            skipped.push([rel, `DuckDB cannot read it: ${String(err.message).split('\n')[0].replace(/'\/[^']*'/g, 'FILE')}`]);
            continue;
        }
        if (!schema.some((c) => !c.nested)) {
            skipped.push([rel, schema.length ? 'no flat column (only nested ones)' : 'no column at all']);
            continue;
        }
        e.schema = schema;
        e.expect = 'ok';
        entries.push(e);
    }
}

const manifestRows = [];
let totalCols = 0, crossChecked = 0;
const problems = [];

for (const e of entries) {
    const src = path.join(SHARED, e.rel);
    const dst = path.join(OUT, e.dest);
    fs.mkdirSync(path.dirname(dst), { recursive: true });
    fs.copyFileSync(src, dst);
    if (e.expect !== 'ok') continue;

    // DuckDB column names (renamed when a file repeats a name) match top-level fields by position.
    const desc = (await con.runAndReadAll(`DESCRIBE SELECT * FROM read_parquet(${sqlStr(src)}, hive_partitioning = false)`)).getRows();
    if (desc.length !== e.schema.length) throw new Error(`${e.rel}: DuckDB has ${desc.length} columns, schema ${e.schema.length}`);
    const flat = [];
    e.schema.forEach((c, i) => {
        c.index = i;
        c.duckName = desc[i][0];
        if (!c.nested) {
            c.cls = classify(c);
            flat.push(c);
        }
    });
    const duck = await duckValues(con, src, flat);
    e.duckErrors = [...new Set(duck.filter((d) => d instanceof Error).map((d) =>
        d.message.replace(/Failed to read file "[^"]*": /, '')))];
    const nrows = Number((await con.runAndReadAll(`select count(*) from read_parquet(${sqlStr(src)}, hive_partitioning = false)`)).getRows()[0][0]);

    let hy = null, hyLabel = 'hyparquet';
    const jsonPath = src.replace(/\.parquet$/, '.json');
    const ext = EXTERNAL_JSON[e.rel];
    if (e.origin.json && fs.existsSync(jsonPath)) {
        const raw = fs.readFileSync(jsonPath);
        hy = parseJsonKeepNumbers(raw.toString('utf8'));
        // hyparquet's JSON is kept for provenance; large ones gzipped
        const copy = dst.replace(/\.parquet$/, '.json');
        for (const old of [copy, copy + '.gz']) fs.rmSync(old, { force: true });
        if (raw.length > GZIP_OVER) fs.writeFileSync(copy + '.gz', zlib.gzipSync(raw, { level: 9 }));
        else fs.writeFileSync(copy, raw);
        e.hyjson = path.basename(jsonPath);
    } else if (ext) {
        const raw = fs.readFileSync(ext.json);
        hy = parseJsonKeepNumbers((ext.json.endsWith('.gz') ? zlib.gunzipSync(raw) : raw).toString('utf8'));
        hyLabel = ext.label;
        e.hyjson = ext.note;
    }
    if (hy && hy.length !== nrows) problems.push(`${e.dest}: JSON has ${hy.length} rows, the file ${nrows}`);

    const lines = [];
    const colMeta = [];
    const noOracle = [];
    flat.forEach((c, j) => {
        let values = duck[j] instanceof Error ? null : duck[j];
        let source = 'duckdb', check = '';
        const key = `${e.dest}:${c.name}`;
        if (hy && hy.length === nrows) {
            const hv = hy.map((row) => hyToText(c, row[c.index]));
            if (OVERRIDES[key]) {
                check = `hyparquet JSON not used: ${OVERRIDES[key]}`;
            } else if (hv.some((v) => v === undefined)) {
                check = `hyparquet JSON not mappable for ${c.cls.rule} values`;
            } else if (!values) {
                check = `${hyLabel} only (DuckDB: ${duck[j].message})`;
                values = hv;
                source = hyLabel;
            } else {
                // JSON has no NaN: hyparquet writes NaN as null. DuckDB tells the two apart.
                let nans = 0;
                if (c.cls.rule === 'float')
                    hv.forEach((v, r) => {
                        if (v === null && values[r] === 'NaN') {
                            hv[r] = 'NaN';
                            nans++;
                        }
                    });
                const diff = hv.findIndex((v, r) => v !== values[r]);
                if (diff >= 0) {
                    problems.push(`${key}: row ${diff}: hyparquet ${JSON.stringify(hv[diff])} vs DuckDB ${JSON.stringify(values[diff])}`);
                    check = 'DISAGREE';
                } else {
                    check = 'hyparquet = DuckDB' + (nans ? ` (${nans} NaN written as null by hyparquet)` : '');
                    crossChecked++;
                }
                values = hv;
                source = 'hyparquet';
            }
        }
        const doc = DOCUMENTED[e.dest]?.[c.name];
        if (doc) {
            const bad = values ? values.findIndex((v, r) => v !== doc.values[r] && !(r in doc.duckdbWrong)) : -1;
            if (bad >= 0) problems.push(`${key}: row ${bad}: documented ${doc.values[bad]} vs DuckDB ${values[bad]}`);
            const wrong = Object.entries(doc.duckdbWrong).map(([r, why]) => `row ${r}: ${why}`).join('; ');
            check = `documented values (${doc.note}); DuckDB agrees except ${wrong}`;
            values = doc.values;
            source = 'documented';
        }
        const same = SAME_AS[e.dest]?.pairs[c.name];
        if (!values && same) {
            const k = flat.findIndex((x) => x.name === same);
            if (!(duck[k] instanceof Error)) {
                values = duck[k];
                source = `duckdb (column ${same})`;
                check = `same values as ${same}: ${SAME_AS[e.dest].note}`;
            }
        }
        if (!values) {
            noOracle.push({ name: c.name, type: typeText(c), why: `DuckDB: ${duck[j].message}` });
            return;
        }
        colMeta.push({ name: c.name, type: typeText(c), kind: c.cls.kind, source, check });
        lines.push(JSON.stringify({ column: c.name, values }));
        totalCols++;
    });
    const header = {
        file: e.dest,
        rows: nrows,
        columns: colMeta,
        nested: e.schema.filter((c) => c.nested).map((c) => c.name),
        no_oracle: noOracle,
    };
    // Large oracles are gzipped (the test reads both through zlib's gzread).
    const text = [JSON.stringify(header), ...lines].join('\n') + '\n';
    for (const old of [dst + '.oracle.jsonl', dst + '.oracle.jsonl.gz']) fs.rmSync(old, { force: true });
    if (text.length > GZIP_OVER) {
        e.oracle = e.dest + '.oracle.jsonl.gz';
        fs.writeFileSync(dst + '.oracle.jsonl.gz', zlib.gzipSync(text, { level: 9 }));
    } else {
        e.oracle = e.dest + '.oracle.jsonl';
        fs.writeFileSync(dst + '.oracle.jsonl', text);
    }
    e.rows = nrows;
    e.flat = colMeta;
    e.nested = header.nested;
    e.noOracle = noOracle;
    manifestRows.push(e);
}

if (problems.length) {
    console.error('oracle cross-check problems:\n  ' + problems.join('\n  '));
    process.exitCode = 1;
}

// --- conformance.tsv, MANIFEST.md, SOURCES.md ----------------------------------------------------
const tsv = ['# parquet file\texpect (ok|unsupported)\toracle or reason  (generated by tests/oracles/parquet/build_corpus.mjs)'];
for (const e of entries) tsv.push([e.dest, e.expect, e.expect === 'ok' ? e.oracle : e.reason].join('\t'));
fs.writeFileSync(path.join(OUT, 'conformance.tsv'), tsv.join('\n') + '\n');

const esc = (s) => String(s).replace(/\|/g, '\\|').replace(/\n/g, ' ');
const md = [];
md.push(fs.readFileSync(path.join(HERE, 'MANIFEST.head.md'), 'utf8').trimEnd());
md.push('');
md.push(`## Files (${manifestRows.length} with oracles, ${totalCols} flat columns, ${crossChecked} of them cross-checked hyparquet = DuckDB)`);
md.push('');
md.push('| file | rows | flat columns (type → batch kind, oracle source) | nested (skipped) |');
md.push('|---|---|---|---|');
for (const e of manifestRows) {
    const flat = e.flat.map((c) => `\`${esc(c.name)}\` ${esc(c.type)} → ${c.kind}, ${c.check.startsWith('hyparquet = DuckDB') ? esc(c.check) : c.source + (c.check ? ` (${esc(c.check)})` : '')}`).join('; ');
    md.push(`| ${e.dest} | ${e.rows} | ${flat} | ${e.nested.map((n) => '`' + esc(n) + '`').join(', ')} |`);
}
md.push('');
md.push('## Corpus files DuckDB cannot read (fully or some columns)');
md.push('');
md.push('Their oracle values come from the other sources named in the table above.');
md.push('');
md.push('| file | DuckDB 1.5 error |');
md.push('|---|---|');
for (const e of manifestRows.filter((x) => x.duckErrors.length))
    md.push(`| ${e.dest} | ${esc(e.duckErrors.join('; '))} |`);
md.push('');
md.push('## Expected to fail with "unsupported: ..."');
md.push('');
md.push('| file | reason |');
md.push('|---|---|');
for (const e of entries.filter((x) => x.expect === 'unsupported')) md.push(`| ${e.dest} | ${esc(e.reason)} |`);
md.push('');
md.push('No file is expected to fail because of a flat column.');
md.push('');
md.push('## Upstream files not copied');
md.push('');
md.push('Byte-identical duplicates are listed in SOURCES.md. Everything else that was left out:');
md.push('');
md.push('| upstream file (under shared/data/) | why |');
md.push('|---|---|');
const groups = new Map();
for (const [rel, why] of skipped) {
    const g = rel.replace(/\/cat=.*$|\/shredded_variant\/.*$|\/malformed\/.*$/, (m) => m.split('/').slice(0, 2).join('/') + '/...');
    if (!groups.has(g + why)) groups.set(g + why, [g, why, 0]);
    groups.get(g + why)[2]++;
}
for (const [g, why, n] of groups.values()) md.push(`| ${esc(g)}${n > 1 ? ` (${n} files)` : ''} | ${esc(why)} |`);
fs.writeFileSync(path.join(OUT, 'MANIFEST.md'), md.join('\n') + '\n');

const src = [fs.readFileSync(path.join(HERE, 'SOURCES.head.md'), 'utf8').trimEnd(), ''];
src.push('## Copied files and their byte-identical duplicates upstream');
src.push('');
src.push('| corpus file | upstream (under shared/data/) | identical copies upstream |');
src.push('|---|---|---|');
for (const e of entries) src.push(`| ${e.dest} | ${e.rel} | ${e.aliases.join(', ')} |`);
fs.writeFileSync(path.join(OUT, 'SOURCES.md'), src.join('\n') + '\n');

for (const [from, to] of [
    ['parquet-testing/LICENSE.txt', 'parquet-testing/LICENSE.txt'],
    ['parquet-misc/hyparquet_test_files/HYPARQUET_LICENSE.txt', 'hyparquet/HYPARQUET_LICENSE.txt'],
    ['parquet-misc/hyparquet_test_files/README.md', 'hyparquet/README.md'],
]) fs.copyFileSync(path.join(SHARED, from), path.join(OUT, to));

console.log(`${manifestRows.length} files with oracles, ${totalCols} flat columns (${crossChecked} cross-checked), ` +
    `${entries.length - manifestRows.length} expected unsupported, ${skipped.length} skipped`);
