// Interop corpus: small persona-shaped tables written by DuckDB with every codec it writes and
// both Parquet format versions, a Hugging Face style multi-file layout, and DuckDB's own GROUP BY
// counts for a few `iaf count` invocations (tests/cli/parquet_interop.sh compares them).
//
//   cd tests/oracles/parquet && npm ci && node interop.mjs
//
// Output: tests/data/parquet/interop/ (README.md there says what each file is).
import { DuckDBInstance } from '@duckdb/node-api';
import fs from 'fs';
import path from 'path';
import { fileURLToPath } from 'url';
import { fmtF64 } from './lib/canon.mjs';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const CORPUS = path.resolve(HERE, '../../data/parquet');
const OUT = path.join(CORPUS, 'interop');
const NROWS = 4000;
const ROW_GROUP = 1500; // 3 row groups per file: exercises the parallel scan
const CODECS = ['uncompressed', 'snappy', 'gzip', 'zstd', 'lz4_raw', 'brotli'];
const VERSIONS = ['v1', 'v2'];

// `iaf count` invocations checked by the CLI test: name, --by, --where (SQL and iaf syntax), --weight
const CASES = [
    { name: 'sex', by: ['sex'] },
    { name: 'province_sex', by: ['province', 'sex'] },
    { name: 'age', by: ['age'] },
    { name: 'education_marital', by: ['education_level', 'marital_status'] },
    { name: 'district', by: ['district'] },
    { name: 'sex_province_age', by: ['sex', 'province', 'age'] },
    { name: 'where_old_women_province', by: ['province'],
        where: { iaf: 'age >= 65 and sex == "여자"', sql: `age >= 65 AND sex = '여자'` } },
    { name: 'where_ages_education', by: ['education_level'],
        where: { iaf: 'age between 25 and 34', sql: 'age BETWEEN 25 AND 34' } },
    { name: 'weight_sex', by: ['sex'], weight: 'weight' },
    // DuckDB writes only v1 data page headers (PARQUET_VERSION V2 changes the encodings, not the
    // page headers), so data pages v2 are covered by files of other writers from the corpus.
    { name: 'v2pages_delta_byte_array', file: 'hyparquet/delta_byte_array.parquet',
        by: ['c_salutation', 'c_preferred_cust_flag'] },
    { name: 'v2pages_page_index', file: 'hyparquet/page_index.parquet', by: ['category'] },
    { name: 'v2pages_rle_dict', file: 'parquet-testing/rle-dict-snappy-checksum.parquet',
        by: ['binary_field'] },
    // written by delta_seq.mjs (run it first): one DELTA_BINARY_PACKED page of 122,880 values
    { name: 'delta_seq_g', file: 'interop/delta-seq.parquet', by: ['g'],
        where: { iaf: 'id >= 100000', sql: 'id >= 100000' } },
];

// Seeded PRNG (mulberry32): the corpus is the same on every run.
function rng(seed) {
    let a = seed >>> 0;
    return () => {
        a = (a + 0x6d2b79f5) >>> 0;
        let t = a;
        t = Math.imul(t ^ (t >>> 15), t | 1);
        t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
        return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    };
}
const rand = rng(20240611);
const pick = (items, weights) => {
    const total = weights.reduce((s, w) => s + w, 0);
    let x = rand() * total;
    for (let i = 0; i < items.length; i++) if ((x -= weights[i]) < 0) return items[i];
    return items[items.length - 1];
};
const maybeNull = (p, v) => (rand() < p ? null : v);

const PROVINCES = ['서울', '부산', '대구', '인천', '광주', '대전', '울산', '세종', '경기', '강원', '충청북',
    '충청남', '전북', '전라남', '경상북', '경상남', '제주'];
const PROV_W = [18, 6, 5, 6, 3, 3, 2, 1, 27, 3, 3, 4, 3, 3, 5, 6, 1];
const EDUCATION = ['무학', '초등학교', '중학교', '고등학교', '2~3년제 전문대학', '4년제 대학교', '대학원'];
const EDU_W = [2, 7, 8, 35, 15, 28, 5];
const MARITAL = ['배우자있음', '미혼', '사별', '이혼'];
const MAR_W = [55, 30, 8, 7];
const DISTRICT_SUFFIX = ['중구', '동구', '서구', '남구', '북구', '강남구', '수원시 팔달구', '성남시 분당구', '창원시', 'A지구'];
const HANGUL = '가나다라마바사아자차카타파하그는을를에서와과도로의한다고있는것이';

const rows = [];
for (let i = 0; i < NROWS; i++) {
    const province = pick(PROVINCES, PROV_W);
    const age = 19 + Math.floor(Math.pow(rand(), 1.3) * 81);
    let note = '';
    for (let k = 0, n = 1 + Math.floor(rand() * 6); k < n; k++) note += HANGUL[Math.floor(rand() * HANGUL.length)];
    rows.push({
        id: i,
        sex: maybeNull(0.01, rand() < 0.49 ? '남자' : '여자'),
        age: maybeNull(0.02, age),
        province: maybeNull(0.03, province),
        district: maybeNull(0.02, `${province}-${DISTRICT_SUFFIX[Math.floor(rand() * DISTRICT_SUFFIX.length)]}`),
        education_level: maybeNull(0.05, pick(EDUCATION, EDU_W)),
        marital_status: maybeNull(0.02, pick(MARITAL, MAR_W)),
        weight: Math.round((0.25 + rand() * 2) * 1e6) / 1e6, // no nulls: --weight rejects missing weights
        note,
    });
}

const inst = await DuckDBInstance.create(':memory:', { threads: '1' });
const con = await inst.connect();
const q = (s) => `'${String(s).replace(/'/g, "''")}'`;
await con.run(`CREATE TABLE personas (id INTEGER, sex VARCHAR, age BIGINT, province VARCHAR,
    district VARCHAR, education_level VARCHAR, marital_status VARCHAR, weight DOUBLE, note VARCHAR)`);
const cols = ['id', 'sex', 'age', 'province', 'district', 'education_level', 'marital_status', 'weight', 'note'];
for (let i = 0; i < rows.length; i += 500) {
    const vals = rows.slice(i, i + 500).map((r) => '(' + cols.map((c) => (r[c] === null ? 'NULL' : typeof r[c] === 'string' ? q(r[c]) : String(r[c]))).join(', ') + ')');
    await con.run(`INSERT INTO personas VALUES ${vals.join(', ')}`);
}

fs.rmSync(OUT, { recursive: true, force: true });
fs.mkdirSync(path.join(OUT, 'expected'), { recursive: true });
fs.mkdirSync(path.join(OUT, 'hf/data'), { recursive: true });

const files = [];
for (const codec of CODECS) {
    for (const v of VERSIONS) {
        const f = `codec-${codec}-${v}.parquet`;
        await con.run(`COPY (SELECT * FROM personas ORDER BY id) TO ${q(path.join(OUT, f))}
            (FORMAT parquet, COMPRESSION ${codec}, PARQUET_VERSION ${v.toUpperCase()}, ROW_GROUP_SIZE ${ROW_GROUP})`);
        files.push(f);
    }
}
// Hugging Face layout: one dataset in two shards of different sizes.
const split = 2600;
await con.run(`COPY (SELECT * FROM personas WHERE id < ${split} ORDER BY id) TO ${q(path.join(OUT, 'hf/data/train-00000-of-00002.parquet'))} (FORMAT parquet, COMPRESSION snappy, ROW_GROUP_SIZE ${ROW_GROUP})`);
await con.run(`COPY (SELECT * FROM personas WHERE id >= ${split} ORDER BY id) TO ${q(path.join(OUT, 'hf/data/train-00001-of-00002.parquet'))} (FORMAT parquet, COMPRESSION zstd, ROW_GROUP_SIZE ${ROW_GROUP})`);

// The page type of each file's first data page (Thrift compact PageHeader, field 1 = type:
// 0 DATA_PAGE, 3 DATA_PAGE_V2), to record that PARQUET_VERSION V2 really writes v2 pages.
async function pageTypes(file) {
    const buf = fs.readFileSync(file);
    const meta = (await con.runAndReadAll(`SELECT DISTINCT compression, encodings, data_page_offset FROM parquet_metadata(${q(file)}) WHERE row_group_id = 0`)).getRowObjectsJS();
    const types = new Set();
    for (const m of meta) {
        const off = Number(m.data_page_offset);
        if (buf[off] !== 0x15) throw new Error(`${file}: unexpected page header at ${off}`);
        const zz = buf[off + 1];
        types.add({ 0: 'DATA_PAGE', 3: 'DATA_PAGE_V2' }[(zz >>> 1) ^ -(zz & 1)] ?? `type ${zz}`);
    }
    const enc = [...new Set(meta.flatMap((m) => m.encodings.split(',').map((s) => s.trim())))].sort();
    return { codec: meta[0].compression, pages: [...types].join(','), encodings: enc.join(',') };
}

// Expected counts: GROUP BY in DuckDB, rendered as `iaf count` writes them (integers in decimal,
// null as an empty field, rows sorted by the UTF-8 bytes of each category in column order with
// the empty/null category first).
const csvField = (s) => (/[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s);
const fmtNum = (v) => (typeof v === 'bigint' ? v.toString() : fmtF64(v));
async function counts(from, c) {
    // `iaf count` treats null and "" as one missing category (its default: a literal NA or N,
    // such as a Y/N flag's N, is a category of its own)
    const keys = c.by.map((b) => `CASE WHEN CAST(${b} AS VARCHAR) IN ('') THEN NULL ELSE CAST(${b} AS VARCHAR) END`);
    const agg = c.weight ? `SUM(${c.weight})` : 'COUNT(*)';
    const r = await con.runAndReadAll(`SELECT ${keys.join(', ')}, ${agg} FROM ${from}
        ${c.where ? 'WHERE ' + c.where.sql : ''} GROUP BY ALL`);
    const out = r.getRows().map((row) => row.map((v, i) => (i < c.by.length ? (v === null ? '' : v) : v)));
    out.sort((a, b) => {
        for (let i = 0; i < c.by.length; i++) {
            const d = Buffer.compare(Buffer.from(a[i]), Buffer.from(b[i]));
            if (d) return d;
        }
        return 0;
    });
    return [c.by.map(csvField).join(',') + ',count',
        ...out.map((row) => [...row.slice(0, -1).map(csvField), fmtNum(row[row.length - 1])].join(','))].join('\n') + '\n';
}

// Weighted sums are compared with a tolerance by the test (summation order differs); their
// text uses the shortest round-trip form, which the test parses as a number.
const manifest = [];
for (const c of CASES) {
    let want;
    if (c.file) {
        want = await counts(`read_parquet(${q(path.join(CORPUS, c.file))})`, c);
    } else {
        want = await counts('personas', c);
        // DuckDB must read back what it wrote: every file gives the same answer
        for (const f of [...files, 'hf/data/*.parquet']) {
            const got = await counts(`read_parquet(${q(path.join(OUT, f))})`, c);
            if (got !== want) throw new Error(`${f}: DuckDB counts differ from the table for ${c.name}`);
        }
    }
    fs.writeFileSync(path.join(OUT, 'expected', `${c.name}.csv`), want);
    manifest.push([c.name, c.file ?? '@interop', c.by.join(','), c.where?.iaf ?? '', c.weight ?? ''].join('\t'));
}
fs.writeFileSync(path.join(OUT, 'cases.tsv'),
    '# name\tinput (@interop = every codec-*.parquet file and the hf/data directory; else a path under tests/data/parquet)\t--by\t--where\t--weight  (expected output: expected/<name>.csv)\n' + manifest.join('\n') + '\n');

const version = (await con.runAndReadAll('SELECT version()')).getRows()[0][0];
const info = [];
for (const f of [...files, 'hf/data/train-00000-of-00002.parquet', 'hf/data/train-00001-of-00002.parquet']) {
    const p = await pageTypes(path.join(OUT, f));
    info.push(`| ${f} | ${p.codec} | ${p.pages} | ${p.encodings} | ${fs.statSync(path.join(OUT, f)).size} |`);
}
fs.writeFileSync(path.join(OUT, 'README.md'), `# Interop files written by DuckDB

Generated by \`tests/oracles/parquet/interop.mjs\` with DuckDB ${version} (\`@duckdb/node-api\`);
do not edit by hand. Checked by \`tests/cli/parquet_interop.sh\`.

One seeded table of ${NROWS} persona-like rows (columns \`id\` INTEGER, \`sex\`, \`province\`,
\`district\`, \`education_level\`, \`marital_status\` Korean VARCHAR categories with nulls, \`age\`
BIGINT with nulls, \`weight\` DOUBLE (never null: \`iaf count --weight\` rejects a missing weight), \`note\` free Korean text) written with every codec
DuckDB writes (its \`lz4\` is LZ4_RAW) and \`PARQUET_VERSION\` V1 and V2, ${ROW_GROUP} rows per row
group; \`hf/data/\` holds the same rows as two shards in the Hugging Face layout
(\`train-0000X-of-00002.parquet\`, rows 0..${split - 1} snappy and ${split}..${NROWS - 1} zstd).

\`expected/<case>.csv\` are DuckDB's GROUP BY results for the cases in \`cases.tsv\`, written in
\`iaf count\`'s format: header \`A,B,...,count\`, categories as text (integers in decimal), the null
category as an empty field, rows sorted by the UTF-8 bytes of the categories in column order
(empty first). Before writing, the script checks that DuckDB reading back every file (and the
two shards together) gives exactly the same answer as the in-memory table.
\`weight_sex\` sums \`weight\` instead of counting rows (compared with a relative tolerance of 1e-9).
The \`v2pages_*\` cases count files of the conformance corpus that use DATA_PAGE_V2 headers:
DuckDB itself writes only v1 data page headers (its \`PARQUET_VERSION V2\` switches to the v2
encodings DELTA_BINARY_PACKED, DELTA_LENGTH_BYTE_ARRAY, BYTE_STREAM_SPLIT and RLE_DICTIONARY, as
the table below shows). As \`iaf count\` does, \`""\`, \`NA\` and \`N\` count as the null category.

| file | codec | first data page of row group 0 | encodings | bytes |
|---|---|---|---|---|
${info.join('\n')}
`);
console.log(`interop: ${files.length + 2} files, ${CASES.length} count cases (DuckDB ${version})`);
