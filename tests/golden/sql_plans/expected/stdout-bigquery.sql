EXPORT DATA OPTIONS (uri = 'gs://BUCKET/cube-00/part-*.parquet', format = 'PARQUET', overwrite = true) AS
SELECT COALESCE(CAST(`job "title"` AS STRING), '') AS `job "title"`, count(*) AS iaf_n, sum(CAST(`w'1` AS FLOAT64)) AS iaf_w, sum(CAST(`w'1` AS FLOAT64) * CAST(`w'1` AS FLOAT64)) AS iaf_w2
FROM p.d.t
GROUP BY COALESCE(CAST(`job "title"` AS STRING), '');
EXPORT DATA OPTIONS (uri = 'gs://BUCKET/cube-01/part-*.parquet', format = 'PARQUET', overwrite = true) AS
SELECT COALESCE(CAST(`job "title"` AS STRING), '') AS `job "title"`, COALESCE(CAST(`gr\`oup\\x` AS STRING), '') AS `gr\`oup\\x`, count(*) AS iaf_n, sum(CAST(`w'1` AS FLOAT64)) AS iaf_w, sum(CAST(`w'1` AS FLOAT64) * CAST(`w'1` AS FLOAT64)) AS iaf_w2
FROM p.d.t
GROUP BY COALESCE(CAST(`job "title"` AS STRING), ''), COALESCE(CAST(`gr\`oup\\x` AS STRING), '');
