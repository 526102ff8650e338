-- cube-01: the raw cube over job "title", gr`oup\x (iaf plan, bigquery, fingerprint 1232f0a58c1c6d30)
SELECT COALESCE(CAST(`job "title"` AS STRING), '') AS `job "title"`, COALESCE(CAST(`gr\`oup\\x` AS STRING), '') AS `gr\`oup\\x`, count(*) AS iaf_n, sum(CAST(`w'1` AS FLOAT64)) AS iaf_w, sum(CAST(`w'1` AS FLOAT64) * CAST(`w'1` AS FLOAT64)) AS iaf_w2
FROM warehouse.rows
GROUP BY COALESCE(CAST(`job "title"` AS STRING), ''), COALESCE(CAST(`gr\`oup\\x` AS STRING), '');
