/* bench/gen_npk.c - seeded generator of an NPK-shaped dataset: the 26 columns of
 * Nemotron-Personas-Korea (bench/npk_schema.md) with categorical columns drawn from the real
 * full-dataset marginals and Korean free-text columns of the real length range.
 *
 *   cc -O2 -std=c11 -o gen_npk bench/gen_npk.c
 *   gen_npk --rows 1000000 [--start 0] [--seed 1] [--format csv|jsonl] [--src bench/data-src] [-o
 * F]
 *
 * Row i depends only on (seed, i), so `--start K --rows N` writes exactly rows K..K+N-1 of the
 * full dataset: shards generated separately concatenate to the same bytes as one run (minus the
 * repeated CSV header; --no-header leaves it out).
 *
 * Standalone on purpose (not linked with libiaf): the benchmark must not depend on the code it
 * measures, and the generator must build with any C11 compiler.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ------------------------------------------------------------------------------------------- */
/* small helpers                                                                                 */

static void die(const char *fmt, const char *arg)
{
    fprintf(stderr, "gen_npk: ");
    fprintf(stderr, fmt, arg);
    fputc('\n', stderr);
    exit(1);
}

static void *xmalloc(size_t n)
{
    void *p = malloc(n ? n : 1);
    if (!p) die("out of memory%s", "");
    return p;
}

static void *xrealloc(void *p, size_t n)
{
    p = realloc(p, n ? n : 1);
    if (!p) die("out of memory%s", "");
    return p;
}

static char *read_text(const char *dir, const char *name)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *f = fopen(path, "rb");
    if (!f) die("cannot open %s (use --src DIR)", path);
    size_t cap = 1 << 16, n = 0;
    char *buf = xmalloc(cap);
    size_t k;
    while ((k = fread(buf + n, 1, cap - n - 1, f)) > 0) {
        n += k;
        if (cap - n < 2) buf = xrealloc(buf, cap *= 2);
    }
    fclose(f);
    buf[n] = '\0';
    return buf;
}

/* splitmix64: tiny, fast, and good enough for synthetic text; one stream per row */
typedef struct rng {
    uint64_t s;
} rng;

static uint64_t mix64(uint64_t z)
{
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

static uint64_t next_u64(rng *r)
{
    return mix64(r->s += 0x9E3779B97F4A7C15ull);
}

static double next_unit(rng *r)
{
    return (double)(next_u64(r) >> 11) * (1.0 / 9007199254740992.0);
}

/* ------------------------------------------------------------------------------------------- */
/* categorical columns: value,count,share CSV (RFC 4180 quoting) -> exact cumulative sampler     */

typedef struct catdist {
    char **value;
    uint64_t *cum; /* cumulative counts */
    size_t n;
} catdist;

/* Parses one CSV field starting at *p; returns a malloc'd copy, advances *p past the comma or
 * line end. */
static char *csv_field(const char **p)
{
    const char *s = *p;
    size_t cap = 64, n = 0;
    char *out = xmalloc(cap);
    if (*s == '"') {
        s++;
        for (;;) {
            if (*s == '\0') break;
            if (*s == '"') {
                if (s[1] == '"') {
                    s += 2;
                    out[n++] = '"';
                } else {
                    s++;
                    break;
                }
            } else {
                out[n++] = *s++;
            }
            if (n + 2 >= cap) out = xrealloc(out, cap *= 2);
        }
    } else {
        while (*s && *s != ',' && *s != '\n' && *s != '\r') {
            out[n++] = *s++;
            if (n + 2 >= cap) out = xrealloc(out, cap *= 2);
        }
    }
    out[n] = '\0';
    if (*s == ',') s++;
    *p = s;
    return out;
}

static void load_marginal(const char *dir, const char *col, catdist *d)
{
    char name[256];
    snprintf(name, sizeof name, "marginal_%s.csv", col);
    char *text = read_text(dir, name);
    const char *p = strchr(text, '\n');
    if (!p) die("%s: no rows", name);
    p++;
    size_t cap = 16;
    d->value = xmalloc(cap * sizeof *d->value);
    d->cum = xmalloc(cap * sizeof *d->cum);
    d->n = 0;
    uint64_t total = 0;
    while (*p) {
        if (*p == '\n' || *p == '\r') {
            p++;
            continue;
        }
        char *v = csv_field(&p);
        char *c = csv_field(&p);
        char *rest = csv_field(&p);
        while (*p && *p != '\n')
            p++;
        if (d->n == cap) {
            cap *= 2;
            d->value = xrealloc(d->value, cap * sizeof *d->value);
            d->cum = xrealloc(d->cum, cap * sizeof *d->cum);
        }
        total += strtoull(c, NULL, 10);
        d->value[d->n] = v;
        d->cum[d->n] = total;
        d->n++;
        free(c);
        free(rest);
    }
    if (d->n == 0 || total == 0) die("%s: empty distribution", name);
    free(text);
}

static size_t draw(const catdist *d, rng *r)
{
    uint64_t x = next_u64(r) % d->cum[d->n - 1];
    size_t lo = 0, hi = d->n - 1;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (d->cum[mid] > x)
            hi = mid;
        else
            lo = mid + 1;
    }
    return lo;
}

static size_t find_value(const catdist *d, const char *v)
{
    for (size_t i = 0; i < d->n; i++)
        if (strcmp(d->value[i], v) == 0) return i;
    die("value '%s' missing from a marginal", v);
    return 0;
}

/* ------------------------------------------------------------------------------------------- */
/* text material                                                                                 */

typedef struct strlist {
    char **s;
    size_t *len;
    size_t n;
} strlist;

#define WORD_TABLE_BITS 20
typedef struct words {
    strlist list;
    uint32_t *table; /* 2^WORD_TABLE_BITS slots, each word in proportion to its frequency */
} words;

static void load_lines(const char *dir, const char *name, strlist *l, uint64_t **counts)
{
    char *text = read_text(dir, name);
    size_t cap = 1024;
    l->s = xmalloc(cap * sizeof *l->s);
    l->len = xmalloc(cap * sizeof *l->len);
    if (counts) *counts = xmalloc(cap * sizeof **counts);
    l->n = 0;
    for (char *line = strtok(text, "\n"); line; line = strtok(NULL, "\n")) {
        uint64_t c = 1;
        if (counts) {
            char *tab = strchr(line, '\t');
            if (!tab) continue;
            c = strtoull(line, NULL, 10);
            line = tab + 1;
        }
        if (!*line) continue;
        if (l->n == cap) {
            cap *= 2;
            l->s = xrealloc(l->s, cap * sizeof *l->s);
            l->len = xrealloc(l->len, cap * sizeof *l->len);
            if (counts) *counts = xrealloc(*counts, cap * sizeof **counts);
        }
        l->s[l->n] = strdup(line);
        if (!l->s[l->n]) die("out of memory%s", "");
        l->len[l->n] = strlen(line);
        if (counts) (*counts)[l->n] = c;
        l->n++;
    }
    if (l->n == 0) die("%s is empty", name);
    free(text);
}

static void load_words(const char *dir, words *w)
{
    uint64_t *counts;
    load_lines(dir, "npk_words.tsv", &w->list, &counts);
    uint64_t total = 0;
    for (size_t i = 0; i < w->list.n; i++)
        total += counts[i];
    size_t slots = (size_t)1 << WORD_TABLE_BITS;
    w->table = xmalloc(slots * sizeof *w->table);
    /* slot k holds the word at cumulative position (k + 0.5) / slots of the frequency mass:
     * O(1) draws that follow the observed word frequencies */
    size_t wi = 0;
    uint64_t cum = counts[0];
    for (size_t k = 0; k < slots; k++) {
        double pos = ((double)k + 0.5) * (double)total / (double)slots;
        while ((double)cum <= pos && wi + 1 < w->list.n)
            cum += counts[++wi];
        w->table[k] = (uint32_t)wi;
    }
    free(counts);
}

/* ------------------------------------------------------------------------------------------- */
/* output buffer                                                                                 */

typedef struct out {
    char *p;
    size_t n, cap;
    FILE *f;
} out;

static void flush_out(out *o)
{
    if (o->n && fwrite(o->p, 1, o->n, o->f) != o->n) die("write failed: %s", strerror(errno));
    o->n = 0;
}

static void put(out *o, const char *s, size_t n)
{
    if (o->n + n > o->cap) {
        flush_out(o);
        if (n > o->cap) {
            if (fwrite(s, 1, n, o->f) != n) die("write failed: %s", strerror(errno));
            return;
        }
    }
    memcpy(o->p + o->n, s, n);
    o->n += n;
}

static void puts_(out *o, const char *s)
{
    put(o, s, strlen(s));
}

/* A field in the chosen format: CSV quotes text (doubling '"'), JSON escapes it. */
enum { FMT_CSV, FMT_JSONL };

static void put_text(out *o, int fmt, const char *s, size_t n)
{
    put(o, "\"", 1);
    size_t start = 0;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        const char *esc = NULL;
        char tmp[8];
        if (fmt == FMT_CSV) {
            if (c == '"') esc = "\"\"";
        } else if (c == '"') {
            esc = "\\\"";
        } else if (c == '\\') {
            esc = "\\\\";
        } else if (c < 0x20) {
            snprintf(tmp, sizeof tmp, "\\u%04x", c);
            esc = tmp;
        }
        if (esc) {
            put(o, s + start, i - start);
            puts_(o, esc);
            start = i + 1;
        }
    }
    put(o, s + start, n - start);
    put(o, "\"", 1);
}

/* ------------------------------------------------------------------------------------------- */
/* the schema                                                                                    */

enum col_kind { K_UUID, K_TEXT, K_NAMED_TEXT, K_LIST, K_CAT, K_AGE, K_PROVINCE };

typedef struct column {
    const char *name;
    enum col_kind kind;
    const char *marginal; /* K_CAT: marginal file stem */
    int min, med, max;    /* text: byte length range observed in the 120 real rows */
} column;

/* Column order and names of nvidia/Nemotron-Personas-Korea; text lengths from
 * bench/data-src/npk_text_lengths.tsv (min / median / max bytes in the real sample). */
static const column SCHEMA[] = {
    {"uuid", K_UUID, NULL, 0, 0, 0},
    {"professional_persona", K_NAMED_TEXT, NULL, 260, 432, 590},
    {"sports_persona", K_NAMED_TEXT, NULL, 206, 353, 481},
    {"arts_persona", K_NAMED_TEXT, NULL, 220, 366, 500},
    {"travel_persona", K_NAMED_TEXT, NULL, 204, 357, 482},
    {"culinary_persona", K_NAMED_TEXT, NULL, 215, 364, 494},
    {"family_persona", K_NAMED_TEXT, NULL, 216, 385, 565},
    {"persona", K_NAMED_TEXT, NULL, 152, 209, 293},
    {"cultural_background", K_TEXT, NULL, 210, 349, 509},
    {"skills_and_expertise", K_TEXT, NULL, 180, 309, 457},
    {"skills_and_expertise_list", K_LIST, NULL, 100, 170, 254},
    {"hobbies_and_interests", K_TEXT, NULL, 186, 338, 479},
    {"hobbies_and_interests_list", K_LIST, NULL, 87, 164, 270},
    {"career_goals_and_ambitions", K_TEXT, NULL, 177, 311, 421},
    {"sex", K_CAT, "sex", 0, 0, 0},
    {"age", K_AGE, "age", 0, 0, 0},
    {"marital_status", K_CAT, "marital_status", 0, 0, 0},
    {"military_status", K_CAT, "military_status", 0, 0, 0},
    {"family_type", K_CAT, "family_type", 0, 0, 0},
    {"housing_type", K_CAT, "housing_type", 0, 0, 0},
    {"education_level", K_CAT, "education_level", 0, 0, 0},
    {"bachelors_field", K_CAT, "bachelors_field", 0, 0, 0},
    {"occupation", K_CAT, "occupation", 0, 0, 0},
    {"district", K_CAT, "district", 0, 0, 0},
    {"province", K_PROVINCE, NULL, 0, 0, 0},
    {"country", K_CAT, "country", 0, 0, 0},
};
#define NCOLS (sizeof SCHEMA / sizeof SCHEMA[0])

typedef struct model {
    catdist cat[NCOLS];
    words w;
    strlist phrases, names;
    /* dependencies the real data has and a benchmark should not contradict */
    size_t edu_4yr, edu_grad, field_none, mil_active, mil_inactive, sex_male;
    catdist fields; /* bachelors_field without 해당없음 */
    double p_active_male, p_active_female;
} model;

/* Women's share of active-duty personnel (military_breakdown.csv of the same audit:
 * 518 of 5,282); active duty only at ages 19..64. */
#define ACTIVE_TOTAL 5282.0
#define ACTIVE_FEMALE 518.0

static void load_model(const char *dir, model *m)
{
    memset(m, 0, sizeof *m);
    for (size_t c = 0; c < NCOLS; c++)
        if (SCHEMA[c].marginal) load_marginal(dir, SCHEMA[c].marginal, &m->cat[c]);
    load_words(dir, &m->w);
    load_lines(dir, "npk_phrases.txt", &m->phrases, NULL);
    load_lines(dir, "npk_names.txt", &m->names, NULL);

    const catdist *edu = &m->cat[20], *field = &m->cat[21], *mil = &m->cat[17];
    const catdist *sex = &m->cat[14], *age = &m->cat[15];
    m->edu_4yr = find_value(edu, "4년제 대학교");
    m->edu_grad = find_value(edu, "대학원");
    m->field_none = find_value(field, "해당없음");
    m->mil_active = find_value(mil, "현역");
    m->mil_inactive = find_value(mil, "비현역");
    m->sex_male = find_value(sex, "남자");
    /* fields of study for graduates: the marginal without 해당없음 (in the real data
     * 해당없음 is exactly the people below a 4-year degree) */
    m->fields.value = xmalloc(field->n * sizeof(char *));
    m->fields.cum = xmalloc(field->n * sizeof(uint64_t));
    uint64_t prev = 0, acc = 0;
    for (size_t i = 0; i < field->n; i++) {
        uint64_t c = field->cum[i] - prev;
        prev = field->cum[i];
        if (i == m->field_none) continue;
        acc += c;
        m->fields.value[m->fields.n] = field->value[i];
        m->fields.cum[m->fields.n++] = acc;
    }
    /* P(active | sex, 19 <= age <= 64) so that the marginal of military_status holds */
    uint64_t n_total = age->cum[age->n - 1], n_upto64 = 0;
    for (size_t i = 0; i < age->n; i++)
        if (atoi(age->value[i]) <= 64) n_upto64 = age->cum[i];
    double share64 = (double)n_upto64 / (double)n_total;
    uint64_t males = sex->cum[m->sex_male] - (m->sex_male ? sex->cum[m->sex_male - 1] : 0);
    double share_male = (double)males / (double)sex->cum[sex->n - 1];
    uint64_t active = mil->cum[m->mil_active] - (m->mil_active ? mil->cum[m->mil_active - 1] : 0);
    double active_share = (double)active / (double)mil->cum[mil->n - 1];
    m->p_active_male = active_share * (1 - ACTIVE_FEMALE / ACTIVE_TOTAL) / (share64 * share_male);
    m->p_active_female =
        active_share * (ACTIVE_FEMALE / ACTIVE_TOTAL) / (share64 * (1 - share_male));
}

/* Triangular length distribution over the real (min, median, max). */
static size_t text_length(const column *c, rng *r)
{
    double u = next_unit(r), a = c->min, b = c->max, m = c->med;
    double f = (m - a) / (b - a);
    double x = u < f ? a + sqrt(u * (b - a) * (m - a)) : b - sqrt((1 - u) * (b - a) * (b - m));
    return (size_t)x;
}

typedef struct textbuf {
    char *p;
    size_t n, cap;
} textbuf;

static void tb_put(textbuf *t, const char *s, size_t n)
{
    if (t->n + n + 1 > t->cap) {
        while (t->n + n + 1 > t->cap)
            t->cap *= 2;
        t->p = xrealloc(t->p, t->cap);
    }
    memcpy(t->p + t->n, s, n);
    t->n += n;
}

static void make_text(const model *m, const column *c, const char *name, rng *r, textbuf *t)
{
    size_t target = text_length(c, r);
    t->n = 0;
    if (c->kind == K_LIST) {
        tb_put(t, "[", 1);
        do {
            size_t k = (size_t)(next_u64(r) % m->phrases.n);
            if (t->n > 1) tb_put(t, ", ", 2);
            tb_put(t, "'", 1);
            tb_put(t, m->phrases.s[k], m->phrases.len[k]);
            tb_put(t, "'", 1);
        } while (t->n + 1 < target);
        tb_put(t, "]", 1);
        return;
    }
    if (c->kind == K_NAMED_TEXT) {
        tb_put(t, name, strlen(name));
        tb_put(t, " 씨는", strlen(" 씨는"));
    }
    while (t->n < target) {
        uint32_t k = m->w.table[next_u64(r) >> (64 - WORD_TABLE_BITS)];
        if (t->n) tb_put(t, " ", 1);
        tb_put(t, m->w.list.s[k], m->w.list.len[k]);
    }
}

static void gen_row(const model *m, uint64_t seed, uint64_t row, int fmt, out *o, textbuf *t)
{
    /* hashed start point: consecutive rows must not share a shifted stream */
    rng r = {mix64(mix64(row + 0x632BE59BD9B4E019ull) ^ (seed * 0xD1B54A32D192ED03ull))};
    const char *name = m->names.s[next_u64(&r) % m->names.n];
    size_t sex = draw(&m->cat[14], &r);
    int age = atoi(m->cat[15].value[draw(&m->cat[15], &r)]);
    size_t edu = draw(&m->cat[20], &r);
    size_t district = draw(&m->cat[23], &r);
    const char *field;
    if (edu == m->edu_4yr || edu == m->edu_grad)
        field = m->fields.value[draw(&m->fields, &r)];
    else
        field = m->cat[21].value[m->field_none];
    double p_active = sex == m->sex_male ? m->p_active_male : m->p_active_female;
    int active = age <= 64 && next_unit(&r) < p_active;
    const char *military = m->cat[17].value[active ? m->mil_active : m->mil_inactive];

    if (fmt == FMT_JSONL) put(o, "{", 1);
    for (size_t c = 0; c < NCOLS; c++) {
        const column *col = &SCHEMA[c];
        if (fmt == FMT_JSONL) {
            if (c) put(o, ",", 1);
            put(o, "\"", 1);
            puts_(o, col->name);
            put(o, "\":", 2);
        } else if (c) {
            put(o, ",", 1);
        }
        switch (col->kind) {
        case K_UUID: {
            char u[33];
            uint64_t a = next_u64(&r), b = next_u64(&r);
            snprintf(u, sizeof u, "%016llx%016llx", (unsigned long long)a, (unsigned long long)b);
            put_text(o, fmt, u, 32);
            break;
        }
        case K_TEXT:
        case K_NAMED_TEXT:
        case K_LIST:
            make_text(m, col, name, &r, t);
            put_text(o, fmt, t->p, t->n);
            break;
        case K_AGE: {
            char a[16];
            int k = snprintf(a, sizeof a, "%d", age);
            put(o, a, (size_t)k);
            break;
        }
        case K_PROVINCE: {
            /* districts are "province-district": the province is their prefix */
            const char *d = m->cat[23].value[district];
            const char *dash = strchr(d, '-');
            put_text(o, fmt, d, dash ? (size_t)(dash - d) : strlen(d));
            break;
        }
        case K_CAT: {
            const char *v;
            if (c == 14)
                v = m->cat[14].value[sex];
            else if (c == 17)
                v = military;
            else if (c == 20)
                v = m->cat[20].value[edu];
            else if (c == 21)
                v = field;
            else if (c == 23)
                v = m->cat[23].value[district];
            else
                v = m->cat[c].value[draw(&m->cat[c], &r)];
            put_text(o, fmt, v, strlen(v));
            break;
        }
        }
    }
    put(o, fmt == FMT_JSONL ? "}\n" : "\n", fmt == FMT_JSONL ? 2 : 1);
}

static void usage(FILE *f)
{
    fprintf(f, "Usage: gen_npk [--rows N] [--start I] [--seed S] [--format csv|jsonl] [--src DIR]\n"
               "               [--no-header] [-o FILE]\n"
               "Writes an NPK-shaped dataset (bench/npk_schema.md) to FILE or stdout.\n"
               "  --rows N       rows to write (default 1000)\n"
               "  --start I      index of the first row (default 0): shards of one dataset\n"
               "  --seed S       dataset seed (default 1)\n"
               "  --format F     csv (default, with a header line) or jsonl\n"
               "  --src DIR      generator inputs (default bench/data-src)\n"
               "  --no-header    CSV without the header line (for shards after the first)\n");
}

int main(int argc, char **argv)
{
    static const struct option opts[] = {{"rows", required_argument, NULL, 'n'},
                                         {"start", required_argument, NULL, 's'},
                                         {"seed", required_argument, NULL, 'S'},
                                         {"format", required_argument, NULL, 'f'},
                                         {"src", required_argument, NULL, 'd'},
                                         {"output", required_argument, NULL, 'o'},
                                         {"no-header", no_argument, NULL, 'H'},
                                         {"help", no_argument, NULL, 'h'},
                                         {NULL, 0, NULL, 0}};
    unsigned long long rows = 1000, start = 0, seed = 1;
    const char *src = "bench/data-src", *output = NULL;
    int fmt = FMT_CSV, header = 1, c;
    while ((c = getopt_long(argc, argv, "o:h", opts, NULL)) != -1) {
        switch (c) {
        case 'n':
            rows = strtoull(optarg, NULL, 10);
            break;
        case 's':
            start = strtoull(optarg, NULL, 10);
            break;
        case 'S':
            seed = strtoull(optarg, NULL, 10);
            break;
        case 'f':
            if (strcmp(optarg, "csv") == 0)
                fmt = FMT_CSV;
            else if (strcmp(optarg, "jsonl") == 0)
                fmt = FMT_JSONL;
            else
                die("unknown format '%s' (csv or jsonl)", optarg);
            break;
        case 'd':
            src = optarg;
            break;
        case 'o':
            output = optarg;
            break;
        case 'H':
            header = 0;
            break;
        case 'h':
            usage(stdout);
            return 0;
        default:
            usage(stderr);
            return 2;
        }
    }
    if (optind != argc) {
        usage(stderr);
        return 2;
    }
    model m;
    load_model(src, &m);
    out o = {xmalloc(1 << 22), 0, 1 << 22, stdout};
    if (output && !(o.f = fopen(output, "wb"))) die("cannot create %s", output);
    textbuf t = {xmalloc(4096), 0, 4096};
    if (fmt == FMT_CSV && header) {
        for (size_t k = 0; k < NCOLS; k++) {
            if (k) put(&o, ",", 1);
            puts_(&o, SCHEMA[k].name);
        }
        put(&o, "\n", 1);
    }
    for (unsigned long long i = 0; i < rows; i++)
        gen_row(&m, seed, start + i, fmt, &o, &t);
    flush_out(&o);
    if (o.f != stdout ? fclose(o.f) != 0 : fflush(stdout) != 0)
        die("write failed: %s", strerror(errno));
    return 0;
}
