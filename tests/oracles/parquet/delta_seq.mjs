// A DELTA_BINARY_PACKED page of the kind that once failed to read: DuckDB writes a sequence as
// one 122,880-value page whose miniblocks all have bit width 0 (a few hundred bytes), which a
// bound of values per page byte refused. Also a hostile copy of it whose header announces
// blocks of 1,024 values instead of 2,048: the page then holds only half the announced values,
// and the reader must refuse it before allocating for them.
//
//   cd tests/oracles/parquet && npm ci && node delta_seq.mjs
//
// Output: tests/data/parquet/interop/delta-seq.parquet, expected/delta_seq_g.csv (DuckDB's
// GROUP BY, a case of cases.tsv) and tests/data/parquet/bad/delta-seq-short-blocks.parquet.
import { DuckDBInstance } from '@duckdb/node-api';
import fs from 'fs';
import path from 'path';
import { fileURLToPath } from 'url';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const CORPUS = path.resolve(HERE, '../../data/parquet');
const file = path.join(CORPUS, 'interop', 'delta-seq.parquet');
const inst = await DuckDBInstance.create(':memory:');
const con = await inst.connect();
const rows = async (sql) => (await con.runAndReadAll(sql)).getRows();
await con.run(`COPY (SELECT range::INTEGER AS id, (range % 3)::VARCHAR AS g FROM range(122880))
    TO '${file}' (FORMAT parquet, PARQUET_VERSION V2, COMPRESSION uncompressed)`);
const meta = await rows(`SELECT path_in_schema, encodings, total_compressed_size
    FROM parquet_metadata('${file}') WHERE path_in_schema = 'id'`);
if (String(meta[0][1]) !== 'DELTA_BINARY_PACKED') throw new Error(`id is ${meta[0][1]}`);
// iaf count's format: header, categories sorted by bytes, counts
const g = await rows(`SELECT g, count(*) FROM read_parquet('${file}') WHERE id >= 100000
    GROUP BY g ORDER BY g`);
fs.writeFileSync(path.join(CORPUS, 'interop', 'expected', 'delta_seq_g.csv'),
    `g,count\n${g.map(([k, n]) => `${k},${n}`).join('\n')}\n`);

// The hostile copy: the DELTA header is block size 2048 (varint 80 10), 4 miniblocks or more,
// 122880 values (varint 80 c0 07); block size 1024 (80 08) keeps every length the same.
const buf = fs.readFileSync(file);
let at = -1;
for (let i = 0; i + 6 <= buf.length; i++)
    if (buf[i] === 0x80 && buf[i + 1] === 0x10 && buf[i + 3] === 0x80 && buf[i + 4] === 0xc0 &&
        buf[i + 5] === 0x07) {
        if (at >= 0) throw new Error('DELTA header found twice');
        at = i;
    }
if (at < 0) throw new Error('DELTA header not found');
const bad = Buffer.from(buf);
bad[at + 1] = 0x08;
fs.writeFileSync(path.join(CORPUS, 'bad', 'delta-seq-short-blocks.parquet'), bad);
console.log(`delta-seq.parquet: id column ${meta[0][2]} bytes; header at byte ${at}; counts`, g);
