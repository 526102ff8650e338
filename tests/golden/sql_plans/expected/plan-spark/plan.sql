INSERT OVERWRITE DIRECTORY 'plan-spark/cube-00' USING parquet
SELECT COALESCE(CAST(`job "title"` AS STRING), '') AS `job "title"`, count(*) AS iaf_n, sum(CAST(`w'1` AS DOUBLE)) AS iaf_w, sum(CAST(`w'1` AS DOUBLE) * CAST(`w'1` AS DOUBLE)) AS iaf_w2
FROM warehouse.rows
GROUP BY COALESCE(CAST(`job "title"` AS STRING), '');
INSERT OVERWRITE DIRECTORY 'plan-spark/cube-01' USING parquet
SELECT COALESCE(CAST(`job "title"` AS STRING), '') AS `job "title"`, COALESCE(CAST(`gr``oup\x` AS STRING), '') AS `gr``oup\x`, count(*) AS iaf_n, sum(CAST(`w'1` AS DOUBLE)) AS iaf_w, sum(CAST(`w'1` AS DOUBLE) * CAST(`w'1` AS DOUBLE)) AS iaf_w2
FROM warehouse.rows
GROUP BY COALESCE(CAST(`job "title"` AS STRING), ''), COALESCE(CAST(`gr``oup\x` AS STRING), '');
