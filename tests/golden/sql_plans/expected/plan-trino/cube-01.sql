-- cube-01: the raw cube over job "title", gr`oup\x (iaf plan, trino, fingerprint 1232f0a58c1c6d30)
SELECT COALESCE(CAST("job ""title""" AS VARCHAR), '') AS "job ""title""", COALESCE(CAST("gr`oup\x" AS VARCHAR), '') AS "gr`oup\x", count(*) AS iaf_n, sum(CAST("w'1" AS DOUBLE)) AS iaf_w, sum(CAST("w'1" AS DOUBLE) * CAST("w'1" AS DOUBLE)) AS iaf_w2
FROM warehouse.rows
GROUP BY COALESCE(CAST("job ""title""" AS VARCHAR), ''), COALESCE(CAST("gr`oup\x" AS VARCHAR), '');
