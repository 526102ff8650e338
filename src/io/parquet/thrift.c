/* Thrift compact protocol decoding of the Parquet footer and page headers.
 *
 * The decoder is a cursor over a byte range that never reads past the end:
 * every primitive checks the remaining length and a failure latches in
 * t->bad so that callers can test once after a struct. Unknown fields are
 * skipped with a depth limit so that a hostile footer cannot recurse deeply.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "io/parquet/parquet.h"
#include "util/util.h"

enum {
    CT_STOP = 0,
    CT_TRUE = 1,
    CT_FALSE = 2,
    CT_BYTE = 3,
    CT_I16 = 4,
    CT_I32 = 5,
    CT_I64 = 6,
    CT_DOUBLE = 7,
    CT_BINARY = 8,
    CT_LIST = 9,
    CT_SET = 10,
    CT_MAP = 11,
    CT_STRUCT = 12
};

#define MAX_DEPTH 48

typedef struct tcur {
    const unsigned char *p, *end, *base;
    int bad;
    char msg[200];
    int depth;
} tcur;

static void tfail(tcur *t, const char *m)
{
    if (!t->bad) {
        t->bad = 1;
        snprintf(t->msg, sizeof t->msg, "%s at footer byte %zu", m, (size_t)(t->p - t->base));
    }
    t->p = t->end;
}

static uint64_t t_varint(tcur *t)
{
    uint64_t v = 0;
    for (int shift = 0; shift < 70; shift += 7) {
        if (t->p >= t->end) {
            tfail(t, "truncated varint");
            return 0;
        }
        unsigned char b = *t->p++;
        if (shift == 63 && (b & 0x7e)) {
            tfail(t, "varint too long");
            return 0;
        }
        v |= (uint64_t)(b & 0x7f) << shift;
        if (!(b & 0x80)) return v;
    }
    tfail(t, "varint too long");
    return 0;
}

static int64_t t_zigzag(tcur *t)
{
    uint64_t v = t_varint(t);
    return (int64_t)(v >> 1) ^ -(int64_t)(v & 1);
}

static int t_byte(tcur *t)
{
    if (t->p >= t->end) {
        tfail(t, "truncated");
        return 0;
    }
    return *t->p++;
}

static iaf_sv t_binary(tcur *t)
{
    iaf_sv s = {"", 0};
    uint64_t n = t_varint(t);
    if (t->bad) return s;
    if (n > (uint64_t)(t->end - t->p)) {
        tfail(t, "string length beyond the footer");
        return s;
    }
    s.ptr = (const char *)t->p;
    s.len = (size_t)n;
    t->p += n;
    return s;
}

/* Reads a list header; the element count is checked against the bytes left
 * (every element takes at least one byte) so allocations stay bounded. */
static size_t t_list(tcur *t, int *etype)
{
    int b = t_byte(t);
    uint64_t n = (unsigned)b >> 4;
    *etype = b & 0x0f;
    if (n == 15) n = t_varint(t);
    if (t->bad) return 0;
    if (n > (uint64_t)(t->end - t->p)) {
        tfail(t, "list length beyond the footer");
        return 0;
    }
    return (size_t)n;
}

static void t_skip(tcur *t, int type);

static void t_skip_struct(tcur *t)
{
    if (++t->depth > MAX_DEPTH) {
        tfail(t, "structures nested too deeply");
        return;
    }
    while (!t->bad) {
        int b = t_byte(t);
        if (t->bad) break;
        int type = b & 0x0f;
        if (type == CT_STOP) break;
        if ((b >> 4) == 0) (void)t_zigzag(t);
        t_skip(t, type);
    }
    t->depth--;
}

static void t_skip(tcur *t, int type)
{
    switch (type) {
    case CT_TRUE:
    case CT_FALSE:
        break;
    case CT_BYTE:
        (void)t_byte(t);
        break;
    case CT_I16:
    case CT_I32:
    case CT_I64:
        (void)t_varint(t);
        break;
    case CT_DOUBLE:
        if (t->end - t->p < 8)
            tfail(t, "truncated double");
        else
            t->p += 8;
        break;
    case CT_BINARY:
        (void)t_binary(t);
        break;
    case CT_LIST:
    case CT_SET: {
        int et;
        size_t n = t_list(t, &et);
        if (++t->depth > MAX_DEPTH) {
            tfail(t, "structures nested too deeply");
            return;
        }
        for (size_t i = 0; i < n && !t->bad; i++) {
            if (et == CT_TRUE || et == CT_FALSE)
                (void)t_byte(t); /* list booleans take one byte each */
            else
                t_skip(t, et);
        }
        t->depth--;
        break;
    }
    case CT_MAP: {
        uint64_t n = t_varint(t);
        if (n == 0 || t->bad) break;
        int kv = t_byte(t);
        if (n > (uint64_t)(t->end - t->p)) {
            tfail(t, "map length beyond the footer");
            break;
        }
        if (++t->depth > MAX_DEPTH) {
            tfail(t, "structures nested too deeply");
            return;
        }
        for (uint64_t i = 0; i < n && !t->bad; i++) {
            int kt = kv >> 4, vt = kv & 0x0f;
            if (kt == CT_TRUE || kt == CT_FALSE)
                (void)t_byte(t);
            else
                t_skip(t, kt);
            if (vt == CT_TRUE || vt == CT_FALSE)
                (void)t_byte(t);
            else
                t_skip(t, vt);
        }
        t->depth--;
        break;
    }
    case CT_STRUCT:
        t_skip_struct(t);
        break;
    default:
        tfail(t, "unknown thrift type");
    }
}

/* Field iteration: returns the field id, 0 at STOP (or on error). */
static int t_field(tcur *t, int *last, int *type)
{
    int b = t_byte(t);
    if (t->bad) return 0;
    *type = b & 0x0f;
    if (*type == CT_STOP) return 0;
    int delta = b >> 4;
    int id;
    if (delta)
        id = *last + delta;
    else {
        int64_t v = t_zigzag(t);
        if (v < -32768 || v > 32767) {
            tfail(t, "bad field id");
            return 0;
        }
        id = (int)v;
    }
    *last = id;
    if (id == 0) {
        /* field id 0 is not used by parquet.thrift; skip it rather than stop */
        id = -1;
    }
    return id;
}

static int t_bool(tcur *t, int type)
{
    if (type == CT_TRUE) return 1;
    if (type == CT_FALSE) return 0;
    t_skip(t, type);
    return 0;
}

#define EXPECT(ty)                                                                                 \
    if (type != (ty)) {                                                                            \
        t_skip(t, type);                                                                           \
        break;                                                                                     \
    }

static int t_int(tcur *t, int type, int64_t *out)
{
    if (type == CT_I32 || type == CT_I64 || type == CT_I16) {
        *out = t_zigzag(t);
        return 1;
    }
    if (type == CT_BYTE) {
        *out = (signed char)t_byte(t);
        return 1;
    }
    t_skip(t, type);
    return 0;
}

static int32_t clamp32(int64_t v)
{
    return v < INT32_MIN ? INT32_MIN : v > INT32_MAX ? INT32_MAX : (int32_t)v;
}

/* ---- FileMetaData ---- */

typedef struct mctx {
    tcur t;
    iaf_pq_meta *m;
    int oom;
} mctx;

static void *m_alloc(mctx *c, size_t n, size_t sz)
{
    if (n == 0) n = 1;
    if (sz && n > IAF_ALLOC_CAP / sz) {
        c->oom = 1;
        tfail(&c->t, "allocation too large");
        return NULL;
    }
    void *p = iaf_arena_alloc(&c->m->arena, n * sz);
    if (!p) {
        c->oom = 1;
        tfail(&c->t, "out of memory");
        return NULL;
    }
    memset(p, 0, n * sz);
    return p;
}

static const char *m_str(mctx *c, iaf_sv s)
{
    char *d = iaf_arena_strndup(&c->m->arena, s.ptr, s.len);
    if (!d) {
        c->oom = 1;
        tfail(&c->t, "out of memory");
        return "";
    }
    return d;
}

static void parse_timeunit(tcur *t, int *unit)
{
    int last = 0, type, id;
    while ((id = t_field(t, &last, &type)) != 0) {
        if (id >= 1 && id <= 3 && type == CT_STRUCT) *unit = id;
        t_skip(t, type);
    }
}

static void parse_logical(tcur *t, iaf_pq_logical *lt)
{
    int last = 0, type, id;
    while ((id = t_field(t, &last, &type)) != 0) {
        if (type != CT_STRUCT) {
            t_skip(t, type);
            continue;
        }
        lt->kind = id;
        int l2 = 0, ty2, id2;
        int64_t v;
        while ((id2 = t_field(t, &l2, &ty2)) != 0) {
            if (id == PQ_LT_DECIMAL && (id2 == 1 || id2 == 2)) {
                if (t_int(t, ty2, &v)) {
                    if (id2 == 1)
                        lt->scale = clamp32(v);
                    else
                        lt->precision = clamp32(v);
                }
            } else if ((id == PQ_LT_TIME || id == PQ_LT_TIMESTAMP) && id2 == 1) {
                lt->adjusted = t_bool(t, ty2);
            } else if ((id == PQ_LT_TIME || id == PQ_LT_TIMESTAMP) && id2 == 2 &&
                       ty2 == CT_STRUCT) {
                parse_timeunit(t, &lt->unit);
            } else if (id == PQ_LT_INTEGER && id2 == 1) {
                if (t_int(t, ty2, &v)) lt->bit_width = clamp32(v);
            } else if (id == PQ_LT_INTEGER && id2 == 2) {
                lt->is_signed = t_bool(t, ty2);
            } else {
                t_skip(t, ty2);
            }
        }
    }
}

static void parse_schema_elem(mctx *c, iaf_pq_schema *s)
{
    tcur *t = &c->t;
    int last = 0, type, id;
    int64_t v;
    s->name = "";
    s->type = -1;
    s->type_length = -1;
    s->repetition = -1;
    s->converted = -1;
    s->scale = s->precision = -1;
    while ((id = t_field(t, &last, &type)) != 0) {
        switch (id) {
        case 1:
            if (t_int(t, type, &v)) s->type = (v >= 0 && v <= 7) ? (int)v : 100;
            break;
        case 2:
            if (t_int(t, type, &v)) s->type_length = clamp32(v);
            break;
        case 3:
            if (t_int(t, type, &v)) s->repetition = (v >= 0 && v <= 2) ? (int)v : 100;
            break;
        case 4:
            EXPECT(CT_BINARY);
            s->name = m_str(c, t_binary(t));
            break;
        case 5:
            if (t_int(t, type, &v)) s->num_children = clamp32(v);
            break;
        case 6:
            if (t_int(t, type, &v)) s->converted = clamp32(v);
            break;
        case 7:
            if (t_int(t, type, &v)) s->scale = clamp32(v);
            break;
        case 8:
            if (t_int(t, type, &v)) s->precision = clamp32(v);
            break;
        case 10:
            EXPECT(CT_STRUCT);
            if (++t->depth > MAX_DEPTH) {
                tfail(t, "structures nested too deeply");
                break;
            }
            parse_logical(t, &s->logical);
            t->depth--;
            break;
        default:
            t_skip(t, type);
        }
    }
}

static void parse_stats(tcur *t, iaf_pq_stats *st)
{
    int last = 0, type, id;
    int64_t v;
    iaf_sv lmin = {0, 0}, lmax = {0, 0}, nmin = {0, 0}, nmax = {0, 0};
    int hlmin = 0, hlmax = 0, hnmin = 0, hnmax = 0;
    while ((id = t_field(t, &last, &type)) != 0) {
        switch (id) {
        case 1:
            EXPECT(CT_BINARY);
            lmax = t_binary(t);
            hlmax = 1;
            break;
        case 2:
            EXPECT(CT_BINARY);
            lmin = t_binary(t);
            hlmin = 1;
            break;
        case 3:
            if (t_int(t, type, &v)) {
                st->null_count = v;
                st->has_null_count = 1;
            }
            break;
        case 4:
            if (t_int(t, type, &v)) {
                st->distinct_count = v;
                st->has_distinct = 1;
            }
            break;
        case 5:
            EXPECT(CT_BINARY);
            nmax = t_binary(t);
            hnmax = 1;
            break;
        case 6:
            EXPECT(CT_BINARY);
            nmin = t_binary(t);
            hnmin = 1;
            break;
        default:
            t_skip(t, type);
        }
    }
    if (hnmin || hnmax) {
        st->has_min = hnmin;
        st->has_max = hnmax;
        st->min = nmin;
        st->max = nmax;
    } else if (hlmin || hlmax) {
        st->legacy = 1;
        st->has_min = hlmin;
        st->has_max = hlmax;
        st->min = lmin;
        st->max = lmax;
    }
}

static void parse_colmeta(mctx *c, iaf_pq_chunk *ch)
{
    tcur *t = &c->t;
    int last = 0, type, id, et;
    int64_t v;
    ch->has_meta = 1;
    ch->type = -1;
    ch->codec = -1;
    while ((id = t_field(t, &last, &type)) != 0) {
        switch (id) {
        case 1:
            if (t_int(t, type, &v)) ch->type = (v >= 0 && v <= 7) ? (int)v : 100;
            break;
        case 2: {
            EXPECT(CT_LIST);
            size_t n = t_list(t, &et);
            ch->encodings = m_alloc(c, n, sizeof(int));
            if (!ch->encodings) break;
            ch->nencodings = 0;
            for (size_t i = 0; i < n && !t->bad; i++) {
                if (et != CT_I32) {
                    t_skip(t, et);
                    continue;
                }
                ch->encodings[ch->nencodings++] = clamp32(t_zigzag(t));
            }
            break;
        }
        case 3: {
            EXPECT(CT_LIST);
            size_t n = t_list(t, &et);
            ch->path = m_alloc(c, n, sizeof(char *));
            if (!ch->path) break;
            ch->npath = 0;
            for (size_t i = 0; i < n && !t->bad; i++) {
                if (et != CT_BINARY) {
                    t_skip(t, et);
                    continue;
                }
                ch->path[ch->npath++] = m_str(c, t_binary(t));
            }
            break;
        }
        case 4:
            if (t_int(t, type, &v)) ch->codec = (v >= 0 && v <= 7) ? (int)v : 100;
            break;
        case 5:
            t_int(t, type, &ch->num_values);
            break;
        case 6:
            t_int(t, type, &ch->total_uncompressed);
            break;
        case 7:
            t_int(t, type, &ch->total_compressed);
            break;
        case 9:
            t_int(t, type, &ch->data_page_offset);
            break;
        case 10:
            if (t_int(t, type, &ch->index_page_offset)) ch->has_index_offset = 1;
            break;
        case 11:
            if (t_int(t, type, &ch->dictionary_page_offset)) ch->has_dict_offset = 1;
            break;
        case 12:
            EXPECT(CT_STRUCT);
            if (++t->depth > MAX_DEPTH) {
                tfail(t, "structures nested too deeply");
                break;
            }
            parse_stats(t, &ch->stats);
            t->depth--;
            break;
        default:
            t_skip(t, type);
        }
    }
}

static void parse_chunk(mctx *c, iaf_pq_chunk *ch)
{
    tcur *t = &c->t;
    int last = 0, type, id;
    while ((id = t_field(t, &last, &type)) != 0) {
        switch (id) {
        case 1:
            EXPECT(CT_BINARY);
            ch->file_path = m_str(c, t_binary(t));
            break;
        case 3:
            EXPECT(CT_STRUCT);
            if (++t->depth > MAX_DEPTH) {
                tfail(t, "structures nested too deeply");
                break;
            }
            parse_colmeta(c, ch);
            t->depth--;
            break;
        case 8:
        case 9:
            ch->encrypted = 1;
            t_skip(t, type);
            break;
        default:
            t_skip(t, type);
        }
    }
}

static void parse_rowgroup(mctx *c, iaf_pq_rowgroup *rg)
{
    tcur *t = &c->t;
    int last = 0, type, id, et;
    while ((id = t_field(t, &last, &type)) != 0) {
        switch (id) {
        case 1: {
            EXPECT(CT_LIST);
            size_t n = t_list(t, &et);
            rg->cols = m_alloc(c, n, sizeof *rg->cols);
            if (!rg->cols) break;
            rg->ncols = 0;
            for (size_t i = 0; i < n && !t->bad; i++) {
                if (et != CT_STRUCT) {
                    t_skip(t, et);
                    continue;
                }
                t->depth++;
                parse_chunk(c, &rg->cols[rg->ncols++]);
                t->depth--;
            }
            break;
        }
        case 2:
            t_int(t, type, &rg->total_byte_size);
            break;
        case 3:
            t_int(t, type, &rg->num_rows);
            break;
        case 6:
            if (t_int(t, type, &rg->total_compressed)) rg->has_total_compressed = 1;
            break;
        default:
            t_skip(t, type);
        }
    }
}

static void parse_filemeta(mctx *c)
{
    tcur *t = &c->t;
    iaf_pq_meta *m = c->m;
    int last = 0, type, id, et;
    int64_t v;
    while ((id = t_field(t, &last, &type)) != 0) {
        switch (id) {
        case 1:
            if (t_int(t, type, &v)) m->version = clamp32(v);
            break;
        case 2: {
            EXPECT(CT_LIST);
            size_t n = t_list(t, &et);
            m->schema = m_alloc(c, n, sizeof *m->schema);
            if (!m->schema) break;
            m->nschema = 0;
            for (size_t i = 0; i < n && !t->bad; i++) {
                if (et != CT_STRUCT) {
                    t_skip(t, et);
                    continue;
                }
                t->depth++;
                parse_schema_elem(c, &m->schema[m->nschema++]);
                t->depth--;
            }
            break;
        }
        case 3:
            t_int(t, type, &m->num_rows);
            break;
        case 4: {
            EXPECT(CT_LIST);
            size_t n = t_list(t, &et);
            m->rgs = m_alloc(c, n, sizeof *m->rgs);
            if (!m->rgs) break;
            m->nrgs = 0;
            for (size_t i = 0; i < n && !t->bad; i++) {
                if (et != CT_STRUCT) {
                    t_skip(t, et);
                    continue;
                }
                t->depth++;
                parse_rowgroup(c, &m->rgs[m->nrgs++]);
                t->depth--;
            }
            break;
        }
        case 5: {
            EXPECT(CT_LIST);
            size_t n = t_list(t, &et);
            m->kv = m_alloc(c, n, sizeof *m->kv);
            if (!m->kv) break;
            m->nkv = 0;
            for (size_t i = 0; i < n && !t->bad; i++) {
                if (et != CT_STRUCT) {
                    t_skip(t, et);
                    continue;
                }
                iaf_pq_kv *kv = &m->kv[m->nkv++];
                kv->key = "";
                int l2 = 0, ty2, id2;
                while ((id2 = t_field(t, &l2, &ty2)) != 0) {
                    if ((id2 == 1 || id2 == 2) && ty2 == CT_BINARY) {
                        const char *s = m_str(c, t_binary(t));
                        if (id2 == 1)
                            kv->key = s;
                        else
                            kv->value = s;
                    } else {
                        t_skip(t, ty2);
                    }
                }
            }
            break;
        }
        case 6:
            EXPECT(CT_BINARY);
            m->created_by = m_str(c, t_binary(t));
            break;
        case 8:
            m->encrypted = 1;
            t_skip(t, type);
            break;
        default:
            t_skip(t, type);
        }
    }
}

static char *dotted_name(iaf_pq_meta *m, const size_t *stack, size_t depth)
{
    size_t n = 0;
    for (size_t i = 0; i < depth; i++)
        n += strlen(m->schema[stack[i]].name) + 1;
    char *d = iaf_arena_alloc(&m->arena, n + 1);
    if (!d) return NULL;
    size_t k = 0;
    for (size_t i = 0; i < depth; i++) {
        if (i) d[k++] = '.';
        size_t l = strlen(m->schema[stack[i]].name);
        memcpy(d + k, m->schema[stack[i]].name, l);
        k += l;
    }
    d[k] = '\0';
    return d;
}

/* Walk the flattened schema (depth-first with num_children) to find leaves,
 * their level maxima and top-level fields. Returns NULL or an error text. */
static const char *build_tree(iaf_pq_meta *m)
{
    if (m->nschema == 0) return "schema is empty";
    const iaf_pq_schema *root = &m->schema[0];
    if (root->num_children < 0) return "schema root has a negative number of children";
    m->leaves = iaf_arena_alloc(&m->arena, m->nschema * sizeof *m->leaves);
    m->top = iaf_arena_alloc(&m->arena, m->nschema * sizeof *m->top);
    m->depth = iaf_arena_alloc(&m->arena, m->nschema * sizeof *m->depth);
    if (!m->leaves || !m->top || !m->depth) return "out of memory";
    /* stack of (element, children left) */
    size_t stack[MAX_DEPTH + 1];
    int left[MAX_DEPTH + 1];
    int defs[MAX_DEPTH + 1], reps[MAX_DEPTH + 1];
    size_t sp = 0;
    left[0] = root->num_children;
    defs[0] = reps[0] = 0;
    m->depth[0] = 0;
    size_t i = 1;
    int cur_top = -1;
    while (i < m->nschema) {
        while (sp > 0 && left[sp] == 0)
            sp--;
        if (sp == 0 && left[0] == 0) break;
        left[sp]--;
        const iaf_pq_schema *s = &m->schema[i];
        if (s->repetition == 100) return "bad repetition type in schema";
        int def = defs[sp] + (s->repetition == PQ_OPTIONAL || s->repetition == PQ_REPEATED);
        int rep = reps[sp] + (s->repetition == PQ_REPEATED);
        m->depth[i] = (int)sp + 1;
        if (sp == 0) {
            cur_top = (int)m->ntop;
            m->top[m->ntop++] = i;
        }
        if (s->num_children > 0) {
            if (sp + 1 > MAX_DEPTH - 1) return "schema nested too deeply";
            sp++;
            stack[sp] = i;
            left[sp] = s->num_children;
            defs[sp] = def;
            reps[sp] = rep;
        } else {
            if (s->type < 0) {
                /* an empty group: not a leaf */
            } else {
                if (s->type == 100) return "bad physical type in schema";
                iaf_pq_leaf *lf = &m->leaves[m->nleaves++];
                lf->schema_index = i;
                lf->top = cur_top;
                lf->max_def = def;
                lf->max_rep = rep;
                stack[sp + 1] = i;
                lf->dotted = dotted_name(m, stack + 1, sp + 1);
                if (!lf->dotted) return "out of memory";
            }
        }
        i++;
    }
    if (i != m->nschema) return "schema has more elements than its tree uses";
    for (size_t k = 1; k <= sp; k++)
        if (left[k] > 0) return "schema tree is truncated (num_children too large)";
    if (sp == 0 && left[0] > 0) return "schema tree is truncated (num_children too large)";
    return NULL;
}

iaf_status iaf_pq_meta_parse(const unsigned char *buf, size_t len, uint64_t footer_offset,
                             const char *fname, iaf_pq_meta **out, iaf_error *err)
{
    *out = NULL;
    iaf_pq_meta *m = iaf_calloc(1, sizeof *m);
    if (!m) return iaf_error_set_at(err, IAF_ERR_NOMEM, fname, -1, "footer", "out of memory");
    m->footer = iaf_malloc(len ? len : 1);
    if (!m->footer) {
        iaf_free(m);
        return iaf_error_set_at(err, IAF_ERR_NOMEM, fname, -1, "footer", "out of memory");
    }
    memcpy(m->footer, buf, len);
    m->footer_len = len;
    m->footer_offset = footer_offset;
    mctx c = {{m->footer, m->footer + len, m->footer, 0, "", 0}, m, 0};
    parse_filemeta(&c);
    if (c.t.bad) {
        iaf_status st = c.oom ? IAF_ERR_NOMEM : IAF_ERR_PARSE;
        long long off = (long long)footer_offset + (long long)(c.t.p - c.t.base);
        iaf_error_set_at(err, st, fname, off, "footer", "bad file metadata (thrift): %s", c.t.msg);
        iaf_pq_meta_free(m);
        return st;
    }
    const char *why = build_tree(m);
    if (why) {
        iaf_error_set_at(err, IAF_ERR_PARSE, fname, (long long)footer_offset, "footer",
                         "bad schema: %s", why);
        iaf_pq_meta_free(m);
        return IAF_ERR_PARSE;
    }
    if (m->num_rows < 0) {
        iaf_error_set_at(err, IAF_ERR_PARSE, fname, (long long)footer_offset, "footer",
                         "negative num_rows %lld", (long long)m->num_rows);
        iaf_pq_meta_free(m);
        return IAF_ERR_PARSE;
    }
    for (size_t r = 0; r < m->nrgs; r++) {
        const iaf_pq_rowgroup *rg = &m->rgs[r];
        char where[64];
        snprintf(where, sizeof where, "row group %zu", r);
        const char *bad = NULL;
        if (rg->num_rows < 0)
            bad = "negative num_rows";
        else if (rg->ncols != m->nleaves)
            bad = "number of column chunks differs from the number of schema leaves";
        if (bad) {
            iaf_error_set_at(err, IAF_ERR_PARSE, fname, (long long)footer_offset, where,
                             "%s (num_rows %lld, %zu chunks, %zu leaves)", bad,
                             (long long)rg->num_rows, rg->ncols, m->nleaves);
            iaf_pq_meta_free(m);
            return IAF_ERR_PARSE;
        }
    }
    *out = m;
    return IAF_OK;
}

void iaf_pq_meta_free(iaf_pq_meta *m)
{
    if (!m) return;
    iaf_arena_free(&m->arena);
    iaf_free(m->footer);
    iaf_free(m);
}

/* Footers larger than this are refused: real footers are kilobytes to a few MB. */
#define FOOTER_CAP ((uint64_t)256 << 20)

iaf_status iaf_pq_meta_read(iaf_file *f, iaf_pq_meta **out, iaf_error *err)
{
    *out = NULL;
    const char *fname = iaf_file_name(f);
    uint64_t size = iaf_file_size(f);
    unsigned char tail[8], head[4];
    if (size < 12)
        return iaf_error_set_at(err, IAF_ERR_PARSE, fname, 0, "file",
                                "not a Parquet file: %llu bytes is too short",
                                (unsigned long long)size);
    iaf_status st = iaf_file_pread(f, head, 4, 0, err);
    if (st) return st;
    st = iaf_file_pread(f, tail, 8, size - 8, err);
    if (st) return st;
    if (memcmp(tail + 4, "PARE", 4) == 0)
        return iaf_error_set_at(err, IAF_ERR_UNSUPPORTED, fname, (long long)(size - 4), "footer",
                                "unsupported: encrypted file (encrypted footer)");
    if (memcmp(tail + 4, "PAR1", 4) != 0)
        return iaf_error_set_at(err, IAF_ERR_PARSE, fname, (long long)(size - 4), "footer",
                                "not a Parquet file: no PAR1 magic at the end");
    if (memcmp(head, "PAR1", 4) != 0)
        return iaf_error_set_at(err, IAF_ERR_PARSE, fname, 0, "file",
                                "not a Parquet file: no PAR1 magic at the start");
    uint64_t flen = (uint64_t)tail[0] | (uint64_t)tail[1] << 8 | (uint64_t)tail[2] << 16 |
                    (uint64_t)tail[3] << 24;
    if (flen > size - 12)
        return iaf_error_set_at(err, IAF_ERR_PARSE, fname, (long long)(size - 8), "footer",
                                "footer length %llu exceeds the file (%llu bytes)",
                                (unsigned long long)flen, (unsigned long long)size);
    if (flen > FOOTER_CAP)
        return iaf_error_set_at(err, IAF_ERR_LIMIT, fname, (long long)(size - 8), "footer",
                                "footer length %llu exceeds the cap", (unsigned long long)flen);
    uint64_t foff = size - 8 - flen;
    unsigned char *buf = iaf_malloc(flen ? (size_t)flen : 1);
    if (!buf) return iaf_error_set_at(err, IAF_ERR_NOMEM, fname, -1, "footer", "out of memory");
    st = iaf_file_pread(f, buf, (size_t)flen, foff, err);
    if (st == IAF_OK) st = iaf_pq_meta_parse(buf, (size_t)flen, foff, fname, out, err);
    iaf_free(buf);
    return st;
}

/* ---- page headers ---- */

int iaf_pq_page_header_parse(const unsigned char *buf, size_t len, iaf_pq_page_header *h,
                             size_t *used, char *msg, size_t msgsize)
{
    memset(h, 0, sizeof *h);
    h->type = -1;
    h->is_compressed = 1;
    h->encoding = h->def_encoding = h->rep_encoding = -1;
    tcur tc = {buf, buf + len, buf, 0, "", 0};
    tcur *t = &tc;
    int last = 0, type, id;
    int64_t v;
    while ((id = t_field(t, &last, &type)) != 0) {
        switch (id) {
        case 1:
            if (t_int(t, type, &v)) h->type = clamp32(v);
            break;
        case 2:
            if (t_int(t, type, &v)) h->uncompressed_size = clamp32(v);
            break;
        case 3:
            if (t_int(t, type, &v)) h->compressed_size = clamp32(v);
            break;
        case 5:
        case 7:
        case 8: {
            EXPECT(CT_STRUCT);
            if (id == 5) h->has_data = 1;
            if (id == 7) h->has_dict = 1;
            if (id == 8) h->has_v2 = 1;
            int l2 = 0, ty2, id2;
            t->depth++;
            while ((id2 = t_field(t, &l2, &ty2)) != 0) {
                int64_t x = 0;
                if (ty2 == CT_TRUE || ty2 == CT_FALSE) {
                    if (id == 8 && id2 == 7) h->is_compressed = (ty2 == CT_TRUE);
                    continue;
                }
                if (ty2 == CT_STRUCT || ty2 == CT_LIST || ty2 == CT_BINARY || ty2 == CT_MAP ||
                    ty2 == CT_SET || ty2 == CT_DOUBLE) {
                    t_skip(t, ty2);
                    continue;
                }
                if (!t_int(t, ty2, &x)) continue;
                int32_t x32 = clamp32(x);
                if (id2 == 1)
                    h->num_values = x32;
                else if (id == 5 && id2 == 2)
                    h->encoding = x32;
                else if (id == 5 && id2 == 3)
                    h->def_encoding = x32;
                else if (id == 5 && id2 == 4)
                    h->rep_encoding = x32;
                else if (id == 7 && id2 == 2)
                    h->encoding = x32;
                else if (id == 8 && id2 == 2)
                    h->num_nulls = x32;
                else if (id == 8 && id2 == 3)
                    h->num_rows = x32;
                else if (id == 8 && id2 == 4)
                    h->encoding = x32;
                else if (id == 8 && id2 == 5)
                    h->def_len = x32;
                else if (id == 8 && id2 == 6)
                    h->rep_len = x32;
            }
            t->depth--;
            break;
        }
        default:
            t_skip(t, type);
        }
    }
    if (t->bad) {
        snprintf(msg, msgsize, "bad page header (thrift): %s", t->msg);
        return -1;
    }
    *used = (size_t)(t->p - buf);
    return 0;
}

const char *iaf_pq_codec_name(int codec)
{
    static const char *const names[] = {"UNCOMPRESSED", "SNAPPY", "GZIP", "LZO",
                                        "BROTLI",       "LZ4",    "ZSTD", "LZ4_RAW"};
    return codec >= 0 && codec < 8 ? names[codec] : "UNKNOWN";
}

const char *iaf_pq_encoding_name(int enc)
{
    static const char *const names[] = {
        "PLAIN",          "GROUP_VAR_INT",       "PLAIN_DICTIONARY",        "RLE",
        "BIT_PACKED",     "DELTA_BINARY_PACKED", "DELTA_LENGTH_BYTE_ARRAY", "DELTA_BYTE_ARRAY",
        "RLE_DICTIONARY", "BYTE_STREAM_SPLIT"};
    return enc >= 0 && enc < 10 ? names[enc] : "UNKNOWN";
}

const char *iaf_pq_type_name(int type)
{
    static const char *const names[] = {"BOOLEAN", "INT32",  "INT64",      "INT96",
                                        "FLOAT",   "DOUBLE", "BYTE_ARRAY", "FIXED_LEN_BYTE_ARRAY"};
    return type >= 0 && type < 8 ? names[type] : type < 0 ? "group" : "UNKNOWN";
}

const char *iaf_pq_converted_name(int ct)
{
    static const char *const names[] = {"UTF8",
                                        "MAP",
                                        "MAP_KEY_VALUE",
                                        "LIST",
                                        "ENUM",
                                        "DECIMAL",
                                        "DATE",
                                        "TIME_MILLIS",
                                        "TIME_MICROS",
                                        "TIMESTAMP_MILLIS",
                                        "TIMESTAMP_MICROS",
                                        "UINT_8",
                                        "UINT_16",
                                        "UINT_32",
                                        "UINT_64",
                                        "INT_8",
                                        "INT_16",
                                        "INT_32",
                                        "INT_64",
                                        "JSON",
                                        "BSON",
                                        "INTERVAL"};
    return ct >= 0 && ct < 22 ? names[ct] : "UNKNOWN";
}
