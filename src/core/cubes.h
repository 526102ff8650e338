/* src/audit/cubes.h - the raw cubes of an audit on disk (iaf/cubes.h):
 * what a count directory and a plan hold, shared by cubes.c and audit.c. */
#ifndef IAF_AUDIT_CUBES_H
#define IAF_AUDIT_CUBES_H

#include "iaf/cubes.h"

#include "audit/audit.h"
#include "core/rawcount.h"

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

/* Which part of an audit run to do (audit.c). */
typedef enum iaf_run_mode {
    IAF_RUN_AUDIT = 0, /* count, derive, decide */
    IAF_RUN_COUNT,     /* count the microdata only: *cubes_out */
    IAF_RUN_PLAN,      /* register the requests only: *cubes_out without cells */
    IAF_RUN_CUBES      /* audit from cubes_in instead of rows */
} iaf_run_mode;

iaf_status iaf_audit_run_mode(const iaf_spec *spec, const iaf_audit_options *opt, iaf_run_mode mode,
                              const iaf_cubes *cubes_in, iaf_audit **out, iaf_cubes **cubes_out,
                              iaf_error *err);

/* A new empty handle (cubes.c); fingerprint computed from its fields. */
iaf_cubes *iaf_cubes_new(void);
int iaf_cubes_add_input(iaf_cubes *c, const char *path, const char *sha);
void iaf_cubes_set_fingerprint(iaf_cubes *c);

#endif
