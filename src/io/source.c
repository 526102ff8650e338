/* src/io/source.c - a dataset of one or more files read as one.
 *
 * Expands globs and directories, detects the format, checks that every file
 * has the columns of the first, and schedules (file, part) units on worker
 * threads. Units are handed out in file order; each worker owns one consumer
 * state, so no locking happens on the counting path.
 *
 * Hive partitions: a directory named `key=value` above a file, below the
 * argument that found it (a directory, or a glob from its first wildcard
 * component on; a file named as such has none), makes `key` a
 * string column of that file's rows holding `value` (%XX decoded; a missing
 * key or __HIVE_DEFAULT_PARTITION__ is null), unless the files have a column
 * of that name. The readers never see these columns: the projection is split
 * and each batch gets them as one-entry dictionary columns.
 *
 * Text files (CSV, JSONL) are the exception to plain file order: a part
 * after the first can only start once the earlier parts' line ends (and
 * quotes) are counted, a pass that costs about as much as parsing them,
 * unless the previous part was read to its end, which hands its end over. So
 * a worker keeps reading the next part of its file, else starts a file no
 * one has started, else takes the next unclaimed part. Each worker's units
 * still increase, so its rows stay in file order.
 */
#include "iaf/source.h"

#include <ctype.h>
#include <dirent.h>
#include <glob.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "io/reader.h"
#include "util/util.h"

typedef struct src_file {
    char *path;
    size_t arg; /* index of the argument (path, glob, directory) it came from */
    iaf_file *file;
    void *rd; /* reader state, NULL until opened */
    size_t nparts;
    iaf_sv *part_val; /* per Hive key of the source: its value here (ptr NULL: null) */
    size_t hive_from; /* the path's directories from here on are below its argument */
} src_file;

#define SRC_MAX_HIVE 32

struct iaf_source {
    iaf_source_options opt;
    iaf_format format;
    const iaf_reader_vtable *vt;
    src_file *files;
    size_t nfiles, cap;
    char **proj; /* projected names */
    size_t nproj;
    int memory; /* opened from a buffer */
    /* Hive partition keys (see the head of this file), in order of appearance */
    char *hive[SRC_MAX_HIVE];
    size_t nhive;
    size_t nfilecols; /* columns of the first file, before the Hive keys */
    /* the projection as the readers see it: the names that are file columns,
     * and per projected name its reader column (>= 0) or -1 - Hive key */
    char **rproj;
    size_t nrproj;
    long *pmap;
    int split; /* some projected name is a Hive key */
};

static const char *format_name(iaf_format f)
{
    switch (f) {
    case IAF_FORMAT_CSV:
        return "CSV";
    case IAF_FORMAT_JSONL:
        return "JSONL";
    case IAF_FORMAT_PARQUET:
        return "Parquet";
    case IAF_FORMAT_MEMORY:
        return "in-memory columns";
    default:
        return "unknown";
    }
}

static int has_suffix(const char *s, const char *suf)
{
    size_t n = strlen(s), m = strlen(suf);
    return n >= m && strcasecmp(s + n - m, suf) == 0;
}

static iaf_format format_from_name(const char *path)
{
    const char *p = path;
    /* compressed text is not supported; a ".csv.gz" must not pass as CSV */
    if (has_suffix(p, ".parquet") || has_suffix(p, ".pq")) return IAF_FORMAT_PARQUET;
    if (has_suffix(p, ".csv") || has_suffix(p, ".tsv") || has_suffix(p, ".txt"))
        return IAF_FORMAT_CSV;
    if (has_suffix(p, ".jsonl") || has_suffix(p, ".ndjson") || has_suffix(p, ".json"))
        return IAF_FORMAT_JSONL;
    return IAF_FORMAT_AUTO;
}

static iaf_format format_from_content(iaf_file *f, iaf_error *err)
{
    unsigned char head[64];
    uint64_t size = iaf_file_size(f);
    size_t n = size < sizeof head ? (size_t)size : sizeof head;
    if (n == 0 || iaf_file_pread(f, head, n, 0, err) != IAF_OK) return IAF_FORMAT_CSV;
    if (n >= 4 && memcmp(head, "PAR1", 4) == 0) return IAF_FORMAT_PARQUET;
    size_t i = 0;
    if (n >= 3 && head[0] == 0xEF && head[1] == 0xBB && head[2] == 0xBF) i = 3;
    while (i < n && isspace(head[i]))
        i++;
    /* JSON Lines, or a JSON array of objects (read alike) */
    if (i < n && (head[i] == '{' || head[i] == '[')) return IAF_FORMAT_JSONL;
    return IAF_FORMAT_CSV;
}

static const iaf_reader_vtable *vtable_for(iaf_format f)
{
    switch (f) {
    case IAF_FORMAT_CSV:
        return &iaf_csv_reader;
    case IAF_FORMAT_JSONL:
        return &iaf_jsonl_reader;
    case IAF_FORMAT_PARQUET:
        return &iaf_parquet_reader;
    default:
        return NULL;
    }
}

static int add_path(iaf_source *s, const char *path, size_t arg, size_t from)
{
    if (IAF_GROW(s->files, s->cap, s->nfiles + 1) != 0) return -1;
    src_file *sf = &s->files[s->nfiles];
    memset(sf, 0, sizeof *sf);
    sf->arg = arg;
    sf->hive_from = from;
    if (!(sf->path = iaf_strdup(path))) return -1;
    s->nfiles++;
    return 0;
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static int is_data_file(const char *name, iaf_format want)
{
    iaf_format f = format_from_name(name);
    if (f == IAF_FORMAT_AUTO) return 0;
    return want == IAF_FORMAT_AUTO || f == want;
}

/* Collect data files below dir (recursively, so that a Hugging Face dataset
 * folder with data/train-0000X-of-0000N.parquet works), sorted by path. */
static iaf_status add_dir(iaf_source *s, const char *dir, size_t arg, int depth, size_t from,
                          iaf_error *err)
{
    if (depth > 8) return IAF_OK;
    DIR *d = opendir(dir);
    if (!d) return iaf_error_set(err, IAF_ERR_IO, dir, 0, 0, "cannot open directory");
    char **names = NULL;
    size_t n = 0, cap = 0;
    iaf_status st = IAF_OK;
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        if (e->d_name[0] == '.') continue;
        if (IAF_GROW(names, cap, n + 1) != 0 || !(names[n] = iaf_strdup(e->d_name))) {
            st = iaf_error_set(err, IAF_ERR_NOMEM, dir, 0, 0, "out of memory");
            break;
        }
        n++;
    }
    closedir(d);
    if (n) qsort(names, n, sizeof *names, cmp_str);
    for (size_t i = 0; i < n && st == IAF_OK; i++) {
        iaf_buf p = {0};
        if (iaf_buf_printf(&p, "%s/%s", dir, names[i]) != 0) {
            st = iaf_error_set(err, IAF_ERR_NOMEM, dir, 0, 0, "out of memory");
            break;
        }
        struct stat sb;
        if (stat(p.data, &sb) == 0 && S_ISDIR(sb.st_mode))
            st = add_dir(s, p.data, arg, depth + 1, from, err);
        else if (is_data_file(names[i], s->opt.format) && add_path(s, p.data, arg, from) != 0)
            st = iaf_error_set(err, IAF_ERR_NOMEM, dir, 0, 0, "out of memory");
        iaf_buf_free(&p);
    }
    for (size_t i = 0; i < n; i++)
        iaf_free(names[i]);
    iaf_free(names);
    return st;
}

/* from: where Hive directories may start in the paths found (SIZE_MAX at the
 * top: below a directory argument, at a glob's first wildcard component,
 * none in a file named as such). */
static iaf_status expand(iaf_source *s, const char *path, size_t arg, size_t from, iaf_error *err)
{
    struct stat sb;
    if (stat(path, &sb) == 0) {
        if (from == SIZE_MAX) from = strlen(path);
        if (S_ISDIR(sb.st_mode)) {
            size_t before = s->nfiles;
            iaf_status st = add_dir(s, path, arg, 0, from, err);
            if (st == IAF_OK && s->nfiles == before)
                return iaf_error_set(err, IAF_ERR_IO, path, 0, 0,
                                     "directory holds no .parquet, .csv or .jsonl files");
            return st;
        }
        return add_path(s, path, arg, from) == 0
                   ? IAF_OK
                   : iaf_error_set(err, IAF_ERR_NOMEM, path, 0, 0, "out of memory");
    }
    if (strpbrk(path, "*?[")) {
        glob_t g;
        int rc = glob(path, 0, NULL, &g);
        if (rc == GLOB_NOMATCH)
            return iaf_error_set(err, IAF_ERR_IO, path, 0, 0, "pattern matches no file");
        if (rc != 0) return iaf_error_set(err, IAF_ERR_IO, path, 0, 0, "cannot expand pattern");
        if (from == SIZE_MAX) {
            const char *w = strpbrk(path, "*?["), *c = w;
            while (c > path && c[-1] != '/')
                c--;
            from = (size_t)(c - path);
        }
        iaf_status st = IAF_OK;
        for (size_t i = 0; i < g.gl_pathc && st == IAF_OK; i++)
            st = expand(s, g.gl_pathv[i], arg, from, err);
        globfree(&g);
        return st;
    }
    return iaf_error_set(err, IAF_ERR_IO, path, 0, 0, "no such file");
}

typedef struct file_id {
    dev_t dev;
    ino_t ino;
    size_t i;
} file_id;

static int cmp_file_id(const void *a, const void *b)
{
    const file_id *x = a, *y = b;
    if (x->dev != y->dev) return x->dev < y->dev ? -1 : 1;
    if (x->ino != y->ino) return x->ino < y->ino ? -1 : 1;
    return x->i < y->i ? -1 : x->i > y->i;
}

/* One file reached twice (overlapping globs, a directory and a file in it,
 * a link or a second name) would be counted twice: refuse, naming both
 * arguments, rather than guess which of them the user meant. */
static iaf_status check_duplicates(iaf_source *s, const char *const *args, iaf_error *err)
{
    if (s->nfiles < 2) return IAF_OK;
    file_id *ids = iaf_malloc(s->nfiles * sizeof *ids);
    if (!ids) return iaf_error_set(err, IAF_ERR_NOMEM, NULL, 0, 0, "out of memory");
    size_t n = 0;
    for (size_t i = 0; i < s->nfiles; i++) {
        struct stat sb;
        if (stat(s->files[i].path, &sb) != 0) continue; /* reported when opened */
        ids[n].dev = sb.st_dev;
        ids[n].ino = sb.st_ino;
        ids[n].i = i;
        n++;
    }
    qsort(ids, n, sizeof *ids, cmp_file_id);
    iaf_status st = IAF_OK;
    for (size_t k = 1; k < n && st == IAF_OK; k++) {
        if (ids[k].dev != ids[k - 1].dev || ids[k].ino != ids[k - 1].ino) continue;
        const src_file *a = &s->files[ids[k - 1].i], *b = &s->files[ids[k].i];
        const char *aa = args[a->arg], *ba = args[b->arg];
        if (!strcmp(a->path, b->path))
            st = iaf_error_set(err, IAF_ERR_INVALID, b->path, 0, 0,
                               "given twice (by the arguments '%s' and '%s'); a dataset reads "
                               "each file once, so name it once",
                               aa, ba);
        else if (a->arg == b->arg)
            st = iaf_error_set(err, IAF_ERR_INVALID, b->path, 0, 0,
                               "is the same file as %s (both from '%s'); a dataset reads each "
                               "file once, so name it once",
                               a->path, aa);
        else
            st = iaf_error_set(err, IAF_ERR_INVALID, b->path, 0, 0,
                               "is the same file as %s (by the arguments '%s' and '%s'); a "
                               "dataset reads each file once, so name it once",
                               a->path, aa, ba);
    }
    iaf_free(ids);
    return st;
}

static iaf_status open_file(iaf_source *s, size_t i, iaf_error *err)
{
    src_file *sf = &s->files[i];
    if (sf->rd) return IAF_OK;
    iaf_status st = IAF_OK;
    if (!sf->file && (st = iaf_file_open(sf->path, &sf->file, err)) != IAF_OK) return st;
    if ((st = s->vt->open(sf->file, &s->opt, &sf->rd, err)) != IAF_OK) {
        sf->rd = NULL;
        return st;
    }
    return IAF_OK;
}

static iaf_status init_format(iaf_source *s, iaf_error *err)
{
    iaf_format want = s->opt.format;
    for (size_t i = 0; i < s->nfiles; i++) {
        iaf_format f = want;
        if (f == IAF_FORMAT_AUTO) f = format_from_name(s->files[i].path);
        if (f == IAF_FORMAT_AUTO) {
            iaf_status st;
            if (!s->files[i].file &&
                (st = iaf_file_open(s->files[i].path, &s->files[i].file, err)) != IAF_OK)
                return st;
            f = format_from_content(s->files[i].file, err);
        }
        if (i == 0) {
            s->format = f;
        } else if (f != s->format) {
            return iaf_error_set(err, IAF_ERR_INVALID, s->files[i].path, 0, 0,
                                 "is %s but %s is %s: one dataset must use one format",
                                 format_name(f), s->files[0].path, format_name(s->format));
        }
    }
    s->vt = vtable_for(s->format);
    return s->vt ? IAF_OK
                 : iaf_error_set(err, IAF_ERR_UNSUPPORTED, NULL, 0, 0, "unsupported format");
}

static int hexdig(char c)
{
    return c >= '0' && c <= '9'                     ? c - '0'
           : (c | 0x20) >= 'a' && (c | 0x20) <= 'f' ? (c | 0x20) - 'a' + 10
                                                    : -1;
}

/* Where a file's Hive directories may start: below the argument it came from. */
static const char *hive_start(const src_file *sf)
{
    size_t n = strlen(sf->path);
    return sf->path + (sf->hive_from < n ? sf->hive_from : n);
}

/* The `key=value` directories of each file's path below its argument. */
static iaf_status parse_hive(iaf_source *s, iaf_error *err)
{
    for (size_t i = 0; i < s->nfiles; i++) {
        const char *p = hive_start(&s->files[i]), *slash;
        while ((slash = strchr(p, '/')) != NULL) {
            const char *eq = memchr(p, '=', (size_t)(slash - p));
            if (eq && eq > p) {
                size_t k = 0, klen = (size_t)(eq - p);
                while (k < s->nhive && (strlen(s->hive[k]) != klen || memcmp(s->hive[k], p, klen)))
                    k++;
                if (k == s->nhive) {
                    if (k == SRC_MAX_HIVE)
                        return iaf_error_set(err, IAF_ERR_LIMIT, s->files[i].path, 0, 0,
                                             "more than %d Hive partition keys", SRC_MAX_HIVE);
                    if (!(s->hive[k] = iaf_strndup(p, klen))) goto oom;
                    s->nhive++;
                }
            }
            p = slash + 1;
        }
    }
    if (!s->nhive) return IAF_OK;
    for (size_t i = 0; i < s->nfiles; i++) {
        src_file *sf = &s->files[i];
        if (!(sf->part_val = iaf_calloc(s->nhive, sizeof *sf->part_val))) goto oom;
        const char *p = hive_start(sf), *slash;
        while ((slash = strchr(p, '/')) != NULL) {
            const char *eq = memchr(p, '=', (size_t)(slash - p));
            if (eq && eq > p) {
                size_t k = 0, klen = (size_t)(eq - p);
                while (strlen(s->hive[k]) != klen || memcmp(s->hive[k], p, klen))
                    k++;
                /* the value, %XX decoded as Hive writes it; the deepest directory wins */
                size_t vlen = (size_t)(slash - eq - 1), n = 0;
                char *v = iaf_malloc(vlen + 1);
                if (!v) goto oom;
                for (size_t j = 0; j < vlen; j++) {
                    const char *c = eq + 1 + j;
                    int h, l;
                    if (*c == '%' && j + 2 < vlen && (h = hexdig(c[1])) >= 0 &&
                        (l = hexdig(c[2])) >= 0) {
                        v[n++] = (char)(h * 16 + l);
                        j += 2;
                    } else {
                        v[n++] = *c;
                    }
                }
                v[n] = '\0';
                iaf_free((void *)sf->part_val[k].ptr);
                if (!strcmp(v, "__HIVE_DEFAULT_PARTITION__") || memchr(v, '\0', n)) {
                    iaf_free(v);
                    sf->part_val[k] = (iaf_sv){NULL, 0};
                } else {
                    sf->part_val[k] = (iaf_sv){v, n};
                }
            }
            p = slash + 1;
        }
    }
    return IAF_OK;
oom:
    return iaf_error_set(err, IAF_ERR_NOMEM, NULL, 0, 0, "out of memory");
}

/* After the first file is open: its columns, and which Hive keys name none. */
static void settle_hive(iaf_source *s)
{
    s->nfilecols = s->vt->ncols(s->files[0].rd);
    size_t keep = 0;
    for (size_t k = 0; k < s->nhive; k++) {
        int dup = 0;
        for (size_t c = 0; c < s->nfilecols && !dup; c++)
            dup = !strcmp(s->vt->colname(s->files[0].rd, c), s->hive[k]);
        if (dup) { /* the file's own column wins */
            iaf_free(s->hive[k]);
            for (size_t i = 0; i < s->nfiles; i++)
                iaf_free((void *)s->files[i].part_val[k].ptr);
            continue;
        }
        s->hive[keep] = s->hive[k];
        for (size_t i = 0; i < s->nfiles; i++)
            s->files[i].part_val[keep] = s->files[i].part_val[k];
        keep++;
    }
    s->nhive = keep;
}

iaf_status iaf_source_open(const char *const *paths, size_t npaths, const iaf_source_options *opt,
                           iaf_source **out, iaf_error *err)
{
    *out = NULL;
    if (npaths == 0) return iaf_error_set(err, IAF_ERR_INVALID, NULL, 0, 0, "no input files");
    iaf_source *s = iaf_calloc(1, sizeof *s);
    if (!s) return iaf_error_set(err, IAF_ERR_NOMEM, NULL, 0, 0, "out of memory");
    if (opt) s->opt = *opt;
    iaf_status st = IAF_OK;
    for (size_t i = 0; i < npaths && st == IAF_OK; i++)
        st = expand(s, paths[i], i, SIZE_MAX, err);
    if (st == IAF_OK) st = check_duplicates(s, paths, err);
    if (st == IAF_OK) st = parse_hive(s, err);
    if (st == IAF_OK) st = init_format(s, err);
    if (st == IAF_OK) st = open_file(s, 0, err);
    if (st == IAF_OK && s->nhive) settle_hive(s);
    if (st != IAF_OK) {
        iaf_source_free(s);
        return st;
    }
    *out = s;
    return IAF_OK;
}

iaf_status iaf_source_open_memory(const void *data, size_t size, const char *name,
                                  const iaf_source_options *opt, iaf_source **out, iaf_error *err)
{
    *out = NULL;
    iaf_source *s = iaf_calloc(1, sizeof *s);
    if (!s) return iaf_error_set(err, IAF_ERR_NOMEM, name, 0, 0, "out of memory");
    if (opt) s->opt = *opt;
    s->memory = 1;
    iaf_status st = IAF_OK;
    if (add_path(s, name ? name : "<memory>", 0, SIZE_MAX) != 0)
        st = iaf_error_set(err, IAF_ERR_NOMEM, name, 0, 0, "out of memory");
    if (st == IAF_OK)
        st = iaf_file_open_memory(data, size, s->files[0].path, &s->files[0].file, err);
    if (st == IAF_OK) st = init_format(s, err);
    if (st == IAF_OK) st = open_file(s, 0, err);
    if (st != IAF_OK) {
        iaf_source_free(s);
        return st;
    }
    *out = s;
    return IAF_OK;
}

/* ----- columns held by the caller: a reader whose parts are the caller's */

typedef struct mem_reader {
    iaf_source_callbacks cb;
    const char *name; /* the source's file name (owned by the source) */
    char **cols;
    size_t ncols;
    size_t *proj;
    size_t nproj;
} mem_reader;

typedef struct mem_emit {
    iaf_emit_fn emit;
    void *user;
    const char *name;
    size_t nproj;
} mem_emit;

static size_t mem_ncols(void *rd)
{
    return ((mem_reader *)rd)->ncols;
}

static const char *mem_colname(void *rd, size_t i)
{
    mem_reader *m = rd;
    return i < m->ncols ? m->cols[i] : NULL;
}

static iaf_status mem_project(void *rd, const char *const *names, size_t n, iaf_error *err)
{
    mem_reader *m = rd;
    size_t *p = iaf_calloc(n ? n : 1, sizeof *p);
    if (!p) return iaf_error_set(err, IAF_ERR_NOMEM, m->name, 0, 0, "out of memory");
    for (size_t i = 0; i < n; i++) {
        size_t c = 0;
        while (c < m->ncols && strcmp(m->cols[c], names[i]) != 0)
            c++;
        if (c == m->ncols) {
            iaf_buf have = {0};
            for (size_t k = 0; k < m->ncols && k < 50; k++)
                iaf_buf_printf(&have, "%s'%s'", k ? ", " : "", m->cols[k]);
            iaf_status st = iaf_error_set(
                err, IAF_ERR_INVALID, m->name, 0, 0, "no column '%s' (columns: %s%s)", names[i],
                have.data ? have.data : "none", m->ncols > 50 ? ", ..." : "");
            iaf_buf_free(&have);
            iaf_free(p);
            return st;
        }
        p[i] = c;
    }
    iaf_free(m->proj);
    m->proj = p;
    m->nproj = n;
    return IAF_OK;
}

static size_t mem_nparts(void *rd)
{
    return ((mem_reader *)rd)->cb.nparts;
}

static uint64_t mem_part_bytes(void *rd, size_t part)
{
    mem_reader *m = rd;
    return m->cb.part_bytes ? m->cb.part_bytes(m->cb.ctx, part) : 0;
}

static iaf_status mem_emit_batch(void *user, const iaf_batch *b, iaf_error *err)
{
    mem_emit *e = user;
    if (b->ncols != e->nproj)
        return iaf_error_set(err, IAF_ERR_INVALID, e->name, 0, 0,
                             "a batch of %zu columns where %zu were asked for", b->ncols, e->nproj);
    if (b->file) return e->emit(e->user, b, err);
    iaf_batch named = *b;
    named.file = e->name;
    return e->emit(e->user, &named, err);
}

static iaf_status mem_read_part(void *rd, size_t part, iaf_emit_fn emit, void *user, iaf_error *err)
{
    mem_reader *m = rd;
    mem_emit e = {emit, user, m->name, m->nproj};
    return m->cb.read_part(m->cb.ctx, part, m->proj, m->nproj, mem_emit_batch, &e, err);
}

static void mem_close(void *rd)
{
    mem_reader *m = rd;
    if (!m) return;
    for (size_t i = 0; i < m->ncols; i++)
        iaf_free(m->cols[i]);
    iaf_free(m->cols);
    iaf_free(m->proj);
    iaf_free(m);
}

static const iaf_reader_vtable mem_vtable = {"memory",       NULL,          mem_ncols,
                                             mem_colname,    mem_project,   mem_nparts,
                                             mem_part_bytes, mem_read_part, mem_close};

iaf_status iaf_source_open_callbacks(const char *name, const char *const *columns, size_t ncols,
                                     const iaf_source_callbacks *cb, const iaf_source_options *opt,
                                     iaf_source **out, iaf_error *err)
{
    *out = NULL;
    if (!name) name = "<memory>";
    if (!cb || !cb->read_part)
        return iaf_error_set(err, IAF_ERR_INVALID, name, 0, 0, "no read_part callback");
    if (ncols == 0) return iaf_error_set(err, IAF_ERR_INVALID, name, 0, 0, "no columns");
    for (size_t i = 0; i < ncols; i++)
        for (size_t j = 0; j < i; j++)
            if (strcmp(columns[i], columns[j]) == 0)
                return iaf_error_set(err, IAF_ERR_INVALID, name, 0, 0,
                                     "column '%s' named more than once", columns[i]);
    iaf_source *s = iaf_calloc(1, sizeof *s);
    mem_reader *m = iaf_calloc(1, sizeof *m);
    if (!s || !m || add_path(s, name, 0, SIZE_MAX) != 0 ||
        !(m->cols = iaf_calloc(ncols, sizeof *m->cols)))
        goto oom;
    if (opt) s->opt = *opt;
    s->opt.format = IAF_FORMAT_MEMORY;
    s->format = IAF_FORMAT_MEMORY;
    s->vt = &mem_vtable;
    s->memory = 1;
    m->cb = *cb;
    m->name = s->files[0].path;
    for (; m->ncols < ncols; m->ncols++)
        if (!(m->cols[m->ncols] = iaf_strdup(columns[m->ncols]))) goto oom;
    s->files[0].rd = m;
    *out = s;
    return IAF_OK;
oom:
    mem_close(m);
    iaf_source_free(s);
    return iaf_error_set(err, IAF_ERR_NOMEM, name, 0, 0, "out of memory");
}

void iaf_source_free(iaf_source *s)
{
    if (!s) return;
    for (size_t i = 0; i < s->nfiles; i++) {
        if (s->files[i].rd) s->vt->close(s->files[i].rd);
        iaf_file_close(s->files[i].file);
        iaf_free(s->files[i].path);
        for (size_t k = 0; s->files[i].part_val && k < s->nhive; k++)
            iaf_free((void *)s->files[i].part_val[k].ptr);
        iaf_free(s->files[i].part_val);
    }
    iaf_free(s->files);
    for (size_t i = 0; i < s->nproj; i++)
        iaf_free(s->proj[i]);
    iaf_free(s->proj);
    for (size_t k = 0; k < s->nhive; k++)
        iaf_free(s->hive[k]);
    iaf_free(s->rproj); /* its names are borrowed from proj */
    iaf_free(s->pmap);
    iaf_free(s);
}

int iaf_source_set_threads(iaf_source *s, int threads)
{
    int old = s->opt.threads;
    s->opt.threads = threads;
    return old;
}

iaf_format iaf_source_format(const iaf_source *s)
{
    return s->format;
}

size_t iaf_source_nfiles(const iaf_source *s)
{
    return s->nfiles;
}

const char *iaf_source_file(const iaf_source *s, size_t i)
{
    return i < s->nfiles ? s->files[i].path : NULL;
}

size_t iaf_source_ncols(const iaf_source *s)
{
    return s->vt->ncols(s->files[0].rd) + s->nhive;
}

const char *iaf_source_colname(const iaf_source *s, size_t i)
{
    size_t n = s->vt->ncols(s->files[0].rd);
    return i < n ? s->vt->colname(s->files[0].rd, i) : i - n < s->nhive ? s->hive[i - n] : NULL;
}

iaf_status iaf_source_project(iaf_source *s, const char *const *names, size_t n, iaf_error *err)
{
    for (size_t i = 0; i < s->nproj; i++)
        iaf_free(s->proj[i]);
    iaf_free(s->proj);
    s->nproj = 0;
    s->proj = iaf_calloc(n ? n : 1, sizeof *s->proj);
    if (!s->proj) return iaf_error_set(err, IAF_ERR_NOMEM, NULL, 0, 0, "out of memory");
    for (size_t i = 0; i < n; i++) {
        if (!(s->proj[i] = iaf_strdup(names[i])))
            return iaf_error_set(err, IAF_ERR_NOMEM, NULL, 0, 0, "out of memory");
        s->nproj++;
    }
    /* Hive keys are not the readers' to find: split them out */
    iaf_free(s->rproj);
    iaf_free(s->pmap);
    s->rproj = NULL;
    s->pmap = NULL;
    s->nrproj = 0;
    s->split = 0;
    if (s->nhive) {
        s->rproj = iaf_calloc(n ? n : 1, sizeof *s->rproj);
        s->pmap = iaf_calloc(n ? n : 1, sizeof *s->pmap);
        if (!s->rproj || !s->pmap)
            return iaf_error_set(err, IAF_ERR_NOMEM, NULL, 0, 0, "out of memory");
        for (size_t i = 0; i < n; i++) {
            size_t k = 0;
            while (k < s->nhive && strcmp(s->hive[k], names[i]) != 0)
                k++;
            if (k < s->nhive) {
                s->pmap[i] = -1 - (long)k;
                s->split = 1;
            } else {
                s->pmap[i] = (long)s->nrproj;
                s->rproj[s->nrproj++] = s->proj[i];
            }
        }
    }
    iaf_status st =
        s->split ? s->vt->project(s->files[0].rd, (const char *const *)s->rproj, s->nrproj, err)
                 : s->vt->project(s->files[0].rd, names, n, err);
    if (st == IAF_ERR_INVALID && s->nhive && err) {
        /* the reader lists the file's columns: the partition keys are columns too */
        iaf_buf b = {0};
        for (size_t k = 0; k < s->nhive; k++)
            iaf_buf_printf(&b, "%s'%s'", k ? ", " : "; partition keys: ", s->hive[k]);
        size_t used = strlen(err->message), room = sizeof err->message - 1 - used;
        if (b.data) strncat(err->message, b.data, room);
        iaf_buf_free(&b);
    }
    return st;
}

/* Files after the first must offer the projected columns; for fixed-schema
 * formats they must also have the same columns, or we say where they differ. */
static iaf_status check_schema(iaf_source *s, size_t i, iaf_error *err)
{
    void *r0 = s->files[0].rd, *ri = s->files[i].rd;
    if (s->format != IAF_FORMAT_JSONL) {
        size_t n0 = s->vt->ncols(r0), ni = s->vt->ncols(ri);
        for (size_t c = 0; c < n0 || c < ni; c++) {
            const char *a = c < n0 ? s->vt->colname(r0, c) : NULL;
            const char *b = c < ni ? s->vt->colname(ri, c) : NULL;
            if (!a || !b || strcmp(a, b) != 0)
                return iaf_error_set(err, IAF_ERR_INVALID, s->files[i].path, 0, 0,
                                     "schema differs from %s: column %zu is %s%s%s there and "
                                     "%s%s%s here",
                                     s->files[0].path, c + 1, a ? "'" : "", a ? a : "absent",
                                     a ? "'" : "", b ? "'" : "", b ? b : "absent", b ? "'" : "");
        }
    }
    if (s->split) return s->vt->project(ri, (const char *const *)s->rproj, s->nrproj, err);
    return s->vt->project(ri, (const char *const *)s->proj, s->nproj, err);
}

typedef struct scan_unit {
    size_t file, part;
} scan_unit;

typedef struct scan_shared {
    iaf_source *src;
    const iaf_scan_consumer *cons;
    scan_unit *units;
    size_t nunits;
    atomic_size_t next;
    /* text formats: claims per unit, and the unit index of each file's first part */
    atomic_uchar *claimed;
    size_t *file_start;
    atomic_size_t next_file;
    atomic_int failed;
    atomic_uint_fast64_t bytes_done, rows_done;
    uint64_t bytes_total;
    pthread_mutex_t lock; /* guards first_err */
    iaf_status first_st;
    iaf_error first_err;
    size_t first_unit;
} scan_shared;

typedef struct scan_worker {
    scan_shared *sh;
    int id;
    void *state;
    int cancelled; /* stopped because another worker failed: not an error of ours */
    pthread_t thread;
    size_t file;       /* the file of the unit being read (for its Hive values) */
    iaf_column *hcols; /* the batch with Hive columns: nproj columns */
    uint32_t *zeros;   /* nrows zero indices (every row: the one value) */
    iaf_sv *nulls;     /* nrows nulls (a file without the key) */
    size_t zcap;
} scan_worker;

/* The reader's batch b with the Hive columns put in: each a one-entry
 * dictionary (or nulls) in its projected place. */
static iaf_status with_hive(scan_worker *w, const iaf_batch *b, iaf_batch *out, iaf_error *err)
{
    const iaf_source *s = w->sh->src;
    if (b->nrows > w->zcap) {
        iaf_free(w->zeros);
        iaf_free(w->nulls);
        w->zeros = iaf_calloc(b->nrows, sizeof *w->zeros);
        w->nulls = iaf_calloc(b->nrows, sizeof *w->nulls);
        w->zcap = w->zeros && w->nulls ? b->nrows : 0;
        if (!w->zcap) return iaf_error_set(err, IAF_ERR_NOMEM, b->file, 0, 0, "out of memory");
    }
    if (!w->hcols && !(w->hcols = iaf_calloc(s->nproj, sizeof *w->hcols)))
        return iaf_error_set(err, IAF_ERR_NOMEM, b->file, 0, 0, "out of memory");
    const src_file *sf = &s->files[w->file];
    for (size_t i = 0; i < s->nproj; i++) {
        iaf_column *c = &w->hcols[i];
        if (s->pmap[i] >= 0) {
            *c = b->cols[s->pmap[i]];
            continue;
        }
        const iaf_sv *v = &sf->part_val[-1 - s->pmap[i]];
        memset(c, 0, sizeof *c);
        if (v->ptr) {
            c->kind = IAF_COL_DICT;
            c->dict = v;
            c->ndict = 1;
            c->idx = w->zeros;
        } else {
            c->kind = IAF_COL_STR;
            c->str = w->nulls;
        }
    }
    *out = *b;
    out->ncols = s->nproj;
    out->cols = w->hcols;
    return IAF_OK;
}

/* A consumer that fails without filling the error still yields a located
 * one: a message reading "ok" helps nobody. */
static iaf_status consumer_error(iaf_error *err, iaf_status st, const char *file, long long line,
                                 const char *callback)
{
    if (err && err->status == IAF_OK && !err->message[0])
        iaf_error_set(err, st, file, line, 0,
                      "the scan's %s callback failed (%s) without saying why", callback,
                      iaf_status_name(st));
    else if (err && err->status == IAF_OK)
        err->status = st;
    return st;
}

static iaf_status emit_batch(void *user, const iaf_batch *b, iaf_error *err)
{
    scan_worker *w = user;
    if (atomic_load(&w->sh->failed)) {
        /* another worker failed: unwind this part without reporting anything */
        w->cancelled = 1;
        return IAF_ERR_INVALID;
    }
    iaf_batch hb;
    if (w->sh->src->split) {
        iaf_status hst = with_hive(w, b, &hb, err);
        if (hst != IAF_OK) return hst;
        b = &hb;
    }
    iaf_status st = w->sh->cons->on_batch(w->sh->cons->ctx, w->state, b, err);
    atomic_fetch_add(&w->sh->rows_done, b->nrows);
    if (st == IAF_STOP) {
        /* the consumer's wish, not an error: nothing to report */
        iaf_error_clear(err);
        return st;
    }
    return st == IAF_OK ? st : consumer_error(err, st, b->file, b->first_line, "on_batch");
}

static int claim(scan_shared *sh, size_t u)
{
    return atomic_exchange(&sh->claimed[u], 1) == 0;
}

/* The next unit of a worker whose previous unit was prev (SIZE_MAX: none);
 * nunits when there is nothing left for it. See the head of this file. */
static size_t next_text_unit(scan_shared *sh, size_t prev)
{
    size_t n = sh->nunits, nf = sh->src->nfiles;
    if (prev != SIZE_MAX && prev + 1 < n && sh->units[prev + 1].file == sh->units[prev].file &&
        claim(sh, prev + 1))
        return prev + 1;
    /* files whose first part is claimed never become free again: skip them for good */
    for (size_t f = atomic_load(&sh->next_file); f < nf; f++) {
        size_t u = sh->file_start[f];
        if (u >= n || (prev != SIZE_MAX && u <= prev)) continue;
        if (claim(sh, u)) {
            size_t seen = atomic_load(&sh->next_file);
            while (seen < f + 1 && !atomic_compare_exchange_weak(&sh->next_file, &seen, f + 1)) {
            }
            return u;
        }
    }
    size_t from = prev == SIZE_MAX ? 0 : prev + 1;
    size_t lo = atomic_load(&sh->next);
    for (size_t u = from > lo ? from : lo; u < n; u++)
        if (claim(sh, u)) {
            size_t seen = atomic_load(&sh->next);
            /* every unit below the first one this scan could claim is taken */
            while (from <= seen && seen < u && !atomic_compare_exchange_weak(&sh->next, &seen, u)) {
            }
            return u;
        }
    return n;
}

static void *worker_main(void *arg)
{
    scan_worker *w = arg;
    scan_shared *sh = w->sh;
    size_t prev = SIZE_MAX;
    for (;;) {
        size_t u = sh->claimed ? next_text_unit(sh, prev) : atomic_fetch_add(&sh->next, 1);
        prev = u;
        if (u >= sh->nunits || atomic_load(&sh->failed)) break;
        scan_unit un = sh->units[u];
        src_file *sf = &sh->src->files[un.file];
        iaf_error e;
        iaf_error_clear(&e);
        w->cancelled = 0;
        w->file = un.file;
        iaf_status st = sh->src->vt->read_part(sf->rd, un.part, emit_batch, w, &e);
        if (st != IAF_OK && w->cancelled) break;
        if (st != IAF_OK) {
            pthread_mutex_lock(&sh->lock);
            /* keep the error of the earliest unit, so that a multi-threaded run
             * reports the same error as a single-threaded one */
            if (sh->first_st == IAF_OK || u < sh->first_unit) {
                sh->first_st = st;
                sh->first_err = e;
                sh->first_unit = u;
            }
            atomic_store(&sh->failed, 1);
            pthread_mutex_unlock(&sh->lock);
            break;
        }
        uint64_t pb = sh->src->vt->part_bytes ? sh->src->vt->part_bytes(sf->rd, un.part) : 0;
        uint64_t done = atomic_fetch_add(&sh->bytes_done, pb) + pb;
        if (sh->cons->progress)
            sh->cons->progress(sh->cons->ctx, done, sh->bytes_total, atomic_load(&sh->rows_done));
    }
    return NULL;
}

static int default_threads(void)
{
    long n = sysconf(_SC_NPROCESSORS_ONLN);
    return n < 1 ? 1 : n > 64 ? 64 : (int)n;
}

iaf_status iaf_source_scan(iaf_source *s, const iaf_scan_consumer *cons, int *nworkers,
                           iaf_error *err)
{
    iaf_status st = IAF_OK;
    scan_shared sh;
    memset(&sh, 0, sizeof sh);
    scan_worker *ws = NULL;
    size_t cap = 0;
    int nt_alloc = 0;
    iaf_error_clear(err);
    sh.src = s;
    sh.cons = cons;
    pthread_mutex_init(&sh.lock, NULL);
    /* Open every file up front (cheap: readers map lazily) so that schema
     * errors surface before any counting and workers never open files. */
    for (size_t i = 0; i < s->nfiles; i++) {
        if ((st = open_file(s, i, err)) != IAF_OK) goto cleanup;
        if (i > 0 && (st = check_schema(s, i, err)) != IAF_OK) goto cleanup;
        s->files[i].nparts = s->vt->nparts(s->files[i].rd);
        for (size_t p = 0; p < s->files[i].nparts; p++) {
            if (IAF_GROW(sh.units, cap, sh.nunits + 1) != 0) {
                st = iaf_error_set(err, IAF_ERR_NOMEM, NULL, 0, 0, "out of memory");
                goto cleanup;
            }
            sh.units[sh.nunits++] = (scan_unit){i, p};
            if (s->vt->part_bytes) sh.bytes_total += s->vt->part_bytes(s->files[i].rd, p);
        }
    }
    int nt = s->opt.threads > 0 ? s->opt.threads : default_threads();
    if ((size_t)nt > sh.nunits) nt = sh.nunits ? (int)sh.nunits : 1;
    if (nt > 1 && (s->format == IAF_FORMAT_CSV || s->format == IAF_FORMAT_JSONL)) {
        sh.claimed = iaf_calloc(sh.nunits, sizeof *sh.claimed);
        sh.file_start = iaf_calloc(s->nfiles, sizeof *sh.file_start);
        if (!sh.claimed || !sh.file_start) {
            st = iaf_error_set(err, IAF_ERR_NOMEM, NULL, 0, 0, "out of memory");
            goto cleanup;
        }
        for (size_t f = 0; f < s->nfiles; f++)
            sh.file_start[f] = sh.nunits; /* a file without parts */
        for (size_t u = sh.nunits; u-- > 0;)
            sh.file_start[sh.units[u].file] = u;
    }
    ws = iaf_calloc((size_t)nt, sizeof *ws);
    nt_alloc = ws ? nt : 0;
    if (!ws) {
        st = iaf_error_set(err, IAF_ERR_NOMEM, NULL, 0, 0, "out of memory");
        goto cleanup;
    }
    for (int i = 0; i < nt; i++) {
        ws[i].sh = &sh;
        ws[i].id = i;
        if ((st = cons->worker_begin(cons->ctx, i, &ws[i].state, err)) != IAF_OK) {
            if (st == IAF_STOP)
                iaf_error_clear(err);
            else
                consumer_error(err, st, NULL, 0, "worker_begin");
            goto cleanup;
        }
    }
    if (nworkers) *nworkers = nt;
    int started = 0;
    if (nt > 1) {
        for (; started < nt; started++)
            if (pthread_create(&ws[started].thread, NULL, worker_main, &ws[started]) != 0) break;
        if (started == 0) worker_main(&ws[0]);
        for (int i = 0; i < started; i++)
            pthread_join(ws[i].thread, NULL);
    } else {
        worker_main(&ws[0]);
    }
    if (atomic_load(&sh.failed)) {
        st = sh.first_st;
        if (err) *err = sh.first_err;
    }
cleanup:
    pthread_mutex_destroy(&sh.lock);
    for (int i = 0; ws && i < nt_alloc; i++) {
        iaf_free(ws[i].hcols);
        iaf_free(ws[i].zeros);
        iaf_free(ws[i].nulls);
    }
    iaf_free(sh.claimed);
    iaf_free(sh.file_start);
    iaf_free(sh.units);
    iaf_free(ws);
    return st;
}

iaf_sv iaf_column_text(const iaf_column *col, size_t i, char num[64])
{
    iaf_sv v = {NULL, 0};
    switch (col->kind) {
    case IAF_COL_STR:
        v = col->str[i];
        break;
    case IAF_COL_DICT:
        if (col->idx[i] != IAF_NULL_INDEX && col->idx[i] < col->ndict) v = col->dict[col->idx[i]];
        break;
    case IAF_COL_I64:
        if (!col->valid || col->valid[i]) v = (iaf_sv){num, iaf_fmt_i64(num, col->i64[i])};
        break;
    case IAF_COL_F64:
        if (!col->valid || col->valid[i]) v = (iaf_sv){num, iaf_fmt_f64(num, col->f64[i])};
        break;
    }
    return v;
}
