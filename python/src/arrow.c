/* arrow.c - an Arrow C stream read into an xsource (columns.h): every
 * record batch is pulled and kept (its buffers are the producer's, not
 * copied), each batch becomes a chunk, and each column of a batch a view
 * of its buffers. Dictionary-encoded columns keep their indices; their
 * dictionaries become string views once per batch.
 */
#include "arrow.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int is_str_format(const char *f)
{
    return !strcmp(f, "u") || !strcmp(f, "z") || !strcmp(f, "U") || !strcmp(f, "Z");
}

/* Integer formats: width and signedness; 0 when f is not one. */
static int int_format(const char *f, int *uns)
{
    static const char *const fm = "cCsSiIlL";
    if (!f[0] || f[1] || !strchr(fm, f[0])) return 0;
    int k = (int)(strchr(fm, f[0]) - fm);
    *uns = k & 1;
    return 1 << (k / 2);
}

static void bad(xcol *c, const char *fmt, const char *what)
{
    c->kind = XK_BAD;
    snprintf(c->why, sizeof c->why, fmt, what);
}

/* The string views of a dictionary array of utf8/binary values; NULL with
 * errbuf filled on failure. */
static iaf_sv *dict_views(xsource *s, const struct ArrowSchema *vs, const struct ArrowArray *va,
                          const char *col, char *errbuf, size_t errn)
{
    int large = vs->format[0] == 'U' || vs->format[0] == 'Z';
    if (va->n_buffers < 3 || va->length < 0) {
        snprintf(errbuf, errn, "column '%s': a dictionary of strings without its buffers", col);
        return NULL;
    }
    iaf_sv *d = xs_alloc(s, (size_t)va->length, sizeof *d);
    if (!d) {
        snprintf(errbuf, errn, "out of memory");
        return NULL;
    }
    const uint8_t *bm = va->null_count != 0 ? va->buffers[0] : NULL;
    const char *chars = va->buffers[2];
    for (int64_t i = 0; i < va->length; i++) {
        int64_t k = va->offset + i;
        if (bm && !((bm[k >> 3] >> (k & 7)) & 1)) {
            /* a null dictionary entry: the rows pointing at it are missing */
            d[i] = (iaf_sv){"", 0};
            continue;
        }
        int64_t a =
            large ? ((const int64_t *)va->buffers[1])[k] : ((const int32_t *)va->buffers[1])[k];
        int64_t b = large ? ((const int64_t *)va->buffers[1])[k + 1]
                          : ((const int32_t *)va->buffers[1])[k + 1];
        if (b < a) {
            snprintf(errbuf, errn, "column '%s': dictionary string offsets decrease", col);
            return NULL;
        }
        d[i] = (iaf_sv){chars ? chars + a : "", (size_t)(b - a)};
    }
    return d;
}

/* Column c of a batch as a view of its buffers. */
static int import_col(xsource *s, xcol *c, const struct ArrowSchema *cs,
                      const struct ArrowArray *ca, int64_t parent_off, char *errbuf, size_t errn)
{
    const char *f = cs->format, *name = cs->name ? cs->name : "";
    memset(c, 0, sizeof *c);
    c->off = ca->offset + parent_off;
    /* per the specification the validity buffer may be NULL when null_count is 0 */
    c->bitmap = ca->n_buffers > 0 && ca->null_count != 0 ? ca->buffers[0] : NULL;
    int uns = 0, w;
    if (cs->dictionary) {
        if (!(w = int_format(f, &uns))) {
            bad(c, "dictionary indices of Arrow type '%s'", f);
            return 0;
        }
        if (!is_str_format(cs->dictionary->format)) {
            bad(c, "a dictionary of Arrow type '%s' (iaf counts dictionaries of strings)",
                cs->dictionary->format);
            return 0;
        }
        if (!ca->dictionary || ca->n_buffers < 2) {
            snprintf(errbuf, errn, "column '%s': a dictionary column without its dictionary", name);
            return -1;
        }
        c->kind = XK_CODES;
        c->width = w;
        c->is_unsigned = uns;
        c->data = ca->buffers[1];
        c->dict = dict_views(s, cs->dictionary, ca->dictionary, name, errbuf, errn);
        if (!c->dict) return -1;
        c->ndict = (size_t)ca->dictionary->length;
        c->dict_id = xs_dict_id();
        return 0;
    }
    if (!strcmp(f, "n")) {
        c->kind = XK_NULL;
        c->bitmap = NULL;
        return 0;
    }
    if ((w = int_format(f, &uns))) {
        c->kind = XK_INT;
        c->width = w;
        c->is_unsigned = uns;
    } else if (!strcmp(f, "f") || !strcmp(f, "g")) {
        c->kind = XK_FLOAT;
        c->width = f[0] == 'f' ? 4 : 8;
    } else if (!strcmp(f, "b")) {
        c->kind = XK_BOOLBITS;
    } else if (is_str_format(f)) {
        if (ca->n_buffers < 3) {
            snprintf(errbuf, errn, "column '%s': a string array without its buffers", name);
            return -1;
        }
        c->kind = f[0] == 'U' || f[0] == 'Z' ? XK_STR64 : XK_STR32;
        c->data = ca->buffers[1];
        c->chars = ca->buffers[2];
        return 0;
    } else {
        bad(c, "Arrow type '%s' (iaf counts strings, dictionaries, integers, floats, booleans)", f);
        return 0;
    }
    if (ca->n_buffers < 2) {
        snprintf(errbuf, errn, "column '%s': an array without its values", name);
        return -1;
    }
    c->data = ca->buffers[1];
    return 0;
}

int xs_from_arrow_stream(xsource *s, struct ArrowArrayStream *stream, xarrays *keep, char *errbuf,
                         size_t errn)
{
    struct ArrowSchema schema;
    memset(&schema, 0, sizeof schema);
    int rc = -1;
    if (stream->get_schema(stream, &schema) != 0) {
        const char *e = stream->get_last_error ? stream->get_last_error(stream) : NULL;
        snprintf(errbuf, errn, "the Arrow stream has no schema%s%s", e ? ": " : "", e ? e : "");
        return -1;
    }
    if (strcmp(schema.format, "+s") != 0) {
        snprintf(errbuf, errn, "the Arrow stream holds '%s' arrays, not record batches (struct)",
                 schema.format);
        goto done;
    }
    s->ncols = (size_t)schema.n_children;
    s->names = xs_alloc(s, s->ncols, sizeof *s->names);
    if (!s->names) goto oom;
    for (size_t j = 0; j < s->ncols; j++)
        if (!(s->names[j] = xs_strdup(s, schema.children[j]->name ? schema.children[j]->name : "")))
            goto oom;
    int64_t rows = 0;
    for (;;) {
        struct ArrowArray a;
        memset(&a, 0, sizeof a);
        if (stream->get_next(stream, &a) != 0) {
            const char *e = stream->get_last_error ? stream->get_last_error(stream) : NULL;
            snprintf(errbuf, errn, "reading the Arrow stream failed%s%s", e ? ": " : "",
                     e ? e : "");
            goto done;
        }
        if (!a.release) break; /* the end of the stream */
        if (keep->n == keep->cap) {
            size_t cap = keep->cap ? 2 * keep->cap : 16;
            struct ArrowArray *v = realloc(keep->v, cap * sizeof *v);
            if (!v) {
                a.release(&a);
                goto oom;
            }
            keep->v = v;
            keep->cap = cap;
        }
        keep->v[keep->n++] = a;
        struct ArrowArray *b = &keep->v[keep->n - 1];
        if (b->n_children != schema.n_children) {
            snprintf(errbuf, errn, "an Arrow batch of %lld columns in a stream of %lld",
                     (long long)b->n_children, (long long)schema.n_children);
            goto done;
        }
        if (b->length == 0) continue;
        xchunk *ch = xs_add_chunk(s);
        if (!ch) goto oom;
        ch->nrows = b->length;
        ch->first_row = rows;
        for (size_t j = 0; j < s->ncols; j++)
            if (import_col(s, &ch->cols[j], schema.children[j], b->children[j], b->offset, errbuf,
                           errn) != 0)
                goto done;
        rows += b->length;
    }
    rc = 0;
    goto done;
oom:
    snprintf(errbuf, errn, "out of memory");
done:
    if (schema.release) schema.release(&schema);
    return rc;
}

void xarrays_release(xarrays *k)
{
    for (size_t i = 0; i < k->n; i++)
        if (k->v[i].release) k->v[i].release(&k->v[i]);
    free(k->v);
    memset(k, 0, sizeof *k);
}
