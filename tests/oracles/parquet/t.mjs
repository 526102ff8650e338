import { DuckDBInstance } from '@duckdb/node-api';
import fs from 'fs';
const inst = await DuckDBInstance.create(':memory:');
const con = await inst.connect();
const root='/work/main/tests/data/parquet/';
for (const l of fs.readFileSync(root+'conformance.tsv','utf8').split('\n')) {
  const [f, ex] = l.split('\t'); if (ex !== 'ok') continue;
  let meta; try { meta = (await con.runAndReadAll(`select path_in_schema, type, data_page_offset, num_values, compression from parquet_metadata('${root+f}')`)).getRowObjectsJS(); } catch { continue; }
  const buf = fs.readFileSync(root+f); const hits=[];
  for (const m of meta) { const off=Number(m.data_page_offset); if (buf[off]===0x15 && ((buf[off+1]>>>1)^-(buf[off+1]&1))===3) hits.push(m.path_in_schema+':'+m.type+':'+m.compression+':'+m.num_values); }
  if (hits.length) console.log(f, hits.join(' '));
}
