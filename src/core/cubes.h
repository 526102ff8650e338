/* src/core/cubes.h - the raw cubes of an audit on disk (iaf/cubes.h):
 * what a count directory and a plan hold, shared by cubes.c, the audit that
 * makes and reads them (src/audit/audit.c) and the public entry points that
 * run it (src/api/cubes.c). */
#ifndef IAF_CORE_CUBES_H
#define IAF_CORE_CUBES_H

#include "iaf/cubes.h"

#include "core/rawcount.h"
#include "util/util.h"

struct iaf_cubes {
    iaf_rawcount *rc;     /* the cubes; a plan: their definitions, no cells */
    char fingerprint[65]; /* of spec_sha, weight, schema and cube definitions */
    char spec_sha[65];    /* of the spec the counts were made for */
    char *weight;         /* weight column or NULL */
    char *format;         /* "csv", "jsonl", "parquet" or NULL when the inputs were not read */
    char **schema;        /* the inputs' columns (first file), in order */
    size_t nschema;
    char **in_path; /* input files counted (shards), or the files a plan reads */
    char (*in_sha)[65];
    size_t ninputs, incap;
    char *origin;          /* "scan", "merge", "plan" */
    char *dialect, *table; /* plans */
    char *out_dir;         /* plans: where the engine writes its results */
    char *dir;             /* the directory loaded from, or NULL */
    size_t nshards;        /* count directories merged (1 for a scan) */
    int64_t rows;          /* -1: a plan, nothing counted */
};

/* A new empty handle (cubes.c); fingerprint computed from its fields. */
iaf_cubes *iaf_cubes_new(void);
int iaf_cubes_add_input(iaf_cubes *c, const char *path, const char *sha);
void iaf_cubes_set_fingerprint(iaf_cubes *c);
/* The dialect of that name as the plan keeps it (static), or NULL when
 * there is none. */
const char *iaf_cubes_dialect(const char *name);
/* File i of iaf_cubes_nfiles appended to b (iaf_cubes_render_file). */
iaf_status iaf_cubes_render(const iaf_cubes *c, size_t i, iaf_buf *b, iaf_error *err);

#endif
