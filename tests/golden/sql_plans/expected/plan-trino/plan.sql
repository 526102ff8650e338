-- cube-00 -> plan-trino/cube-00.csv
SELECT COALESCE(CAST("job ""title""" AS VARCHAR), '') AS "job ""title""", count(*) AS iaf_n, sum(CAST("w'1" AS DOUBLE)) AS iaf_w, sum(CAST("w'1" AS DOUBLE) * CAST("w'1" AS DOUBLE)) AS iaf_w2
FROM warehouse.rows
GROUP BY COALESCE(CAST("job ""title""" AS VARCHAR), '');
-- cube-01 -> plan-trino/cube-01.csv
SELECT COALESCE(CAST("job ""title""" AS VARCHAR), '') AS "job ""title""", COALESCE(CAST("gr`oup\x" AS VARCHAR), '') AS "gr`oup\x", count(*) AS iaf_n, sum(CAST("w'1" AS DOUBLE)) AS iaf_w, sum(CAST("w'1" AS DOUBLE) * CAST("w'1" AS DOUBLE)) AS iaf_w2
FROM warehouse.rows
GROUP BY COALESCE(CAST("job ""title""" AS VARCHAR), ''), COALESCE(CAST("gr`oup\x" AS VARCHAR), '');
