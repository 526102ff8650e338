/* src/audit/card.c - iaf/card.h: independence statements proposed from a
 * dataset card by pattern, with every word-to-column mapping stated. */
#include "iaf/card.h"

#include <ctype.h>
#include <string.h>

#include "api/api.h"
#include "audit/scan.h"
#include "io/file.h"
#include "util/util.h"

#define CARD_MAX_ITEMS 12
#define CARD_WORD 96

typedef struct card_text {
    char *t;    /* the card with whitespace runs collapsed to one space */
    char *l;    /* the same, ASCII lower case */
    long *line; /* the card line of each byte of t */
    size_t n;
} card_text;

typedef struct statement {
    int no_interaction; /* "X, Y and Z independently influence O" */
    char words[2 + CARD_MAX_ITEMS][CARD_WORD];
    size_t nwords; /* [0], [1] independent (no_interaction: factors...), then given */
    size_t ngiven;
    char outcome[CARD_WORD];
    size_t s0, s1; /* the sentence in t */
} statement;

static int collapse(const char *s, size_t n, card_text *c)
{
    c->t = iaf_malloc(n + 1), c->l = iaf_malloc(n + 1);
    c->line = iaf_calloc(n + 1, sizeof *c->line);
    if (!c->t || !c->l || !c->line) return -1;
    long line = 1;
    size_t k = 0;
    for (size_t i = 0; i < n; i++) {
        unsigned char ch = (unsigned char)s[i];
        int sp = ch == ' ' || ch == '\t' || ch == '\n' || ch == '\r';
        if (sp) {
            if (k && c->t[k - 1] != ' ') c->line[k] = line, c->t[k++] = ' ';
        } else {
            c->line[k] = line;
            c->t[k++] = (char)ch;
        }
        if (ch == '\n') line++;
    }
    c->t[k] = 0;
    for (size_t i = 0; i <= k; i++)
        c->l[i] = (char)tolower((unsigned char)c->t[i]);
    c->n = k;
    return 0;
}

/* Copy l[a, b) trimmed, without a leading "the " or "a ", into w. */
static void word_copy(const char *l, size_t a, size_t b, char *w)
{
    while (a < b && (l[a] == ' ' || l[a] == ','))
        a++;
    while (b > a && (l[b - 1] == ' ' || l[b - 1] == ','))
        b--;
    if (b - a > 4 && !strncmp(l + a, "the ", 4)) a += 4;
    if (b - a > 2 && !strncmp(l + a, "a ", 2)) a += 2;
    size_t n = b - a < CARD_WORD - 1 ? b - a : CARD_WORD - 1;
    memcpy(w, l + a, n);
    w[n] = 0;
}

/* Split l[a, b) at ", " and " and " into st->words from index at. */
static void split_list(const char *l, size_t a, size_t b, statement *st)
{
    size_t start = a;
    for (size_t i = a; i <= b && st->nwords < 2 + CARD_MAX_ITEMS; i++) {
        size_t skip = 0;
        if (i == b)
            skip = 1;
        else if (l[i] == ',')
            skip = i + 5 <= b && !strncmp(l + i, ", and ", 6) ? 6 : 1;
        else if (i + 5 <= b && !strncmp(l + i, " and ", 5))
            skip = 5;
        if (!skip) continue;
        if (i > start) {
            word_copy(l, start, i, st->words[st->nwords]);
            if (st->words[st->nwords][0]) st->nwords++;
        }
        start = i + (i == b ? 0 : skip);
        if (i < b) i += skip - 1;
    }
}

/* A sentence starts after ". ", "! ", "? ", an elision "[...] ", or an
 * opening quote. */
static size_t sentence_start(const card_text *c, size_t p)
{
    while (p > 0) {
        if (c->t[p - 1] == ' ' && p >= 2 && strchr(".!?]", c->t[p - 2])) break;
        if (c->t[p - 1] == '"' && (p < 2 || c->t[p - 2] == ' ')) break;
        p--;
    }
    return p;
}

/* A statement the sentence denies ("it does not say that A is independent of
 * B") is none: " not " or "n't " between the sentence start and the match. */
static int negated(const card_text *c, size_t s0, size_t p)
{
    for (size_t i = s0; i + 4 <= p; i++)
        if (!strncmp(c->l + i, " not ", 5) || !strncmp(c->l + i, "n't ", 4)) return 1;
    return 0;
}

static size_t sentence_end(const card_text *c, size_t p)
{
    while (p < c->n &&
           !(strchr(".!?", c->t[p]) && (p + 1 == c->n || c->t[p + 1] == ' ' || c->t[p + 1] == '"')))
        p++;
    return p < c->n ? p + 1 : p;
}

/* The end of a clause: '.', ';' or the end of the text. */
static size_t clause_end(const card_text *c, size_t p)
{
    while (p < c->n && c->l[p] != ';' &&
           !(c->l[p] == '.' && (p + 1 == c->n || c->l[p + 1] == ' ' || c->l[p + 1] == '"')))
        p++;
    return p;
}

/* The word (and a parenthesis right after it) ending at e in l: its start. */
static size_t word_before(const char *l, size_t e)
{
    size_t a = e;
    while (a > 0 && (isalnum((unsigned char)l[a - 1]) || l[a - 1] == '_' || l[a - 1] == '-'))
        a--;
    return a;
}

static const char *const given_kw[] = {
    ", given ",           " given ", ", conditional on ", " conditional on ", ", conditionally on ",
    " conditionally on ", NULL};

/* "A is/are (conditionally) independent of B(,) given C": at p, "independent of ". */
static int match_of(const card_text *c, size_t p, statement *st)
{
    const char *l = c->l;
    size_t q = p;
    if (q >= 14 && !strncmp(l + q - 14, "conditionally ", 14)) q -= 14;
    size_t verb = q >= 4 && !strncmp(l + q - 4, "are ", 4)  ? 4
                  : q >= 3 && !strncmp(l + q - 3, "is ", 3) ? 3
                                                            : 0;
    if (!verb || q < verb + 2) return 0;
    size_t ae = q - verb - 1, as = word_before(l, ae);
    if (as == ae) return 0;
    memset(st, 0, sizeof *st);
    word_copy(l, as, ae, st->words[0]);
    size_t bs = p + strlen("independent of "), ce = clause_end(c, bs), be = ce, gs = 0;
    for (int k = 0; given_kw[k]; k++) {
        const char *g = strstr(l + bs, given_kw[k]);
        if (g && (size_t)(g - l) < be) be = (size_t)(g - l), gs = be + strlen(given_kw[k]);
    }
    word_copy(l, bs, be, st->words[1]);
    st->nwords = 2;
    if (gs) split_list(l, gs, ce, st);
    st->ngiven = st->nwords - 2;
    st->s0 = sentence_start(c, as);
    st->s1 = sentence_end(c, ce);
    return st->words[1][0] != 0;
}

/* "A and B are (conditionally) independent given C": at p, "independent given ". */
static int match_and(const card_text *c, size_t p, statement *st)
{
    const char *l = c->l;
    size_t q = p;
    if (q >= 14 && !strncmp(l + q - 14, "conditionally ", 14)) q -= 14;
    if (q < 5 || strncmp(l + q - 4, "are ", 4)) return 0;
    size_t be = q - 5, bs = word_before(l, be);
    if (bs < 6 || strncmp(l + bs - 5, " and ", 5)) return 0;
    size_t ae = bs - 5, as = word_before(l, ae);
    if (as == ae || bs == be) return 0;
    memset(st, 0, sizeof *st);
    word_copy(l, as, ae, st->words[0]);
    word_copy(l, bs, be, st->words[1]);
    st->nwords = 2;
    size_t gs = p + strlen("independent given "), ce = clause_end(c, gs);
    split_list(l, gs, ce, st);
    st->ngiven = st->nwords - 2;
    st->s0 = sentence_start(c, as);
    st->s1 = sentence_end(c, ce);
    return 1;
}

/* "X, Y and Z are assumed to independently influence O": at p, the verb phrase. */
static int match_influence(const card_text *c, size_t p, size_t plen, statement *st)
{
    const char *l = c->l;
    size_t s0 = sentence_start(c, p), a = s0;
    const char *sa = strstr(l + s0, "such as ");
    if (sa && (size_t)(sa - l) < p) a = (size_t)(sa - l) + 8;
    size_t e = p; /* the list ends at its verb: "... are assumed to" */
    for (size_t i = a; i + 5 <= p; i++)
        if (!strncmp(l + i, " are ", 5)) e = i;
    memset(st, 0, sizeof *st);
    st->no_interaction = 1;
    split_list(l, a, e, st);
    if (st->nwords < 2) return 0;
    const char *as = strstr(l + s0, "assigning ");
    if (as && (size_t)(as - l) < p) {
        size_t os = (size_t)(as - l) + 10;
        if (!strncmp(l + os, "detailed ", 9)) os += 9;
        size_t oe = os;
        while (oe < c->n && isalpha((unsigned char)l[oe]))
            oe++;
        word_copy(l, os, oe, st->outcome);
    } else {
        size_t os = p + plen, oe = os;
        while (oe < c->n && isalpha((unsigned char)l[oe]))
            oe++;
        word_copy(l, os, oe, st->outcome);
    }
    st->s0 = s0;
    st->s1 = sentence_end(c, p);
    return 1;
}

/* ------------------------------------------------------------ columns */

static void snake(const char *w, char *out, size_t cap)
{
    size_t k = 0;
    for (size_t i = 0; w[i] && k + 1 < cap; i++)
        out[k++] = w[i] == ' ' || w[i] == '-' ? '_' : w[i];
    out[k] = 0;
}

static void singular(char *w)
{
    size_t n = strlen(w);
    if (n > 3 && w[n - 1] == 's' && w[n - 2] != 's') w[n - 1] = 0;
}

static const char *const synonyms[][4] = {{"zip_code", "zip", "zipcode", "postal_code"},
                                          {"major_field_of_study", "bachelors_field", "major", 0},
                                          {"education", "education_level", 0, 0},
                                          {"location", 0, 0, 0}};

/* Map a card word to a column: into col, with how (static text); col empty
 * when none (how says why: no column, or the candidates of an ambiguity). */
static void map_word(const char *word, const char *const *cols, size_t ncols, char *col, char *how,
                     size_t howcap)
{
    char cand[2][CARD_WORD];
    size_t ncand = 0;
    const char *lp = strchr(word, '('), *rp = lp ? strchr(lp, ')') : NULL;
    if (lp && rp && rp > lp + 1) { /* "location (zip code)": the parenthesis first */
        char in[CARD_WORD];
        size_t n = (size_t)(rp - lp - 1);
        memcpy(in, lp + 1, n);
        in[n] = 0;
        snake(in, cand[ncand++], CARD_WORD);
        char head[CARD_WORD];
        n = (size_t)(lp - word);
        memcpy(head, word, n);
        head[n] = 0;
        while (n && head[n - 1] == ' ')
            head[--n] = 0;
        snake(head, cand[ncand++], CARD_WORD);
    } else {
        snake(word, cand[ncand++], CARD_WORD);
    }
    col[0] = 0;
    if (!ncols) {
        snprintf(how, howcap, "no columns given");
        return;
    }
    for (size_t k = 0; k < ncand; k++) {
        const char *c = cand[k];
        char sing[CARD_WORD];
        size_t cl = strlen(c) < CARD_WORD - 1 ? strlen(c) : CARD_WORD - 1;
        memcpy(sing, c, cl);
        sing[cl] = 0;
        singular(sing);
        for (size_t i = 0; i < ncols; i++)
            if (!strcmp(cols[i], c) || !strcmp(cols[i], sing)) {
                snprintf(col, CARD_WORD, "%s", cols[i]);
                snprintf(how, howcap, !strcmp(cols[i], c) ? "exact (\"%s\")" : "singular of \"%s\"",
                         c);
                return;
            }
        for (size_t s = 0; s < sizeof synonyms / sizeof synonyms[0]; s++) {
            if (strcmp(synonyms[s][0], sing) && strcmp(synonyms[s][0], c)) continue;
            for (size_t y = 1; y < 4 && synonyms[s][y]; y++)
                for (size_t i = 0; i < ncols; i++)
                    if (!strcmp(cols[i], synonyms[s][y])) {
                        snprintf(col, CARD_WORD, "%s", cols[i]);
                        snprintf(how, howcap, "listed synonym of \"%s\"", c);
                        return;
                    }
        }
        size_t hits = 0, first = 0, sl = strlen(sing);
        for (size_t i = 0; i < ncols; i++)
            if (!strncmp(cols[i], sing, sl) && cols[i][sl] == '_') hits++ ? 0 : (first = i);
        if (hits == 1) {
            snprintf(col, CARD_WORD, "%s", cols[first]);
            snprintf(how, howcap, "the one column starting with \"%s_\"", sing);
            return;
        }
        if (hits > 1) {
            size_t k2 = (size_t)snprintf(how, howcap, "ambiguous: ");
            for (size_t i = 0; i < ncols && k2 < howcap; i++)
                if (!strncmp(cols[i], sing, sl) && cols[i][sl] == '_')
                    k2 += (size_t)snprintf(how + k2, howcap - k2, "%s ", cols[i]);
            return;
        }
    }
    snprintf(how, howcap, "no column matches");
}

/* The card's "Schema" line: the columns it lists (into a caller array of
 * owned strings). */
static size_t schema_columns(const card_text *c, char **out, size_t cap)
{
    const char *s = strstr(c->l, "schema");
    if (!s) return 0;
    const char *colon = strchr(s, ':');
    if (!colon) return 0;
    size_t p = (size_t)(colon - c->l) + 1, e = p;
    while (e < c->n && c->l[e] != ';' && !(c->l[e] == '.' && (e + 1 == c->n || c->l[e + 1] == ' ')))
        e++;
    size_t n = 0, a = p;
    for (size_t i = p; i <= e && n < cap; i++) {
        if (i < e && c->l[i] != ',' && c->l[i] != '+' && c->l[i] != '(' && c->l[i] != ')') continue;
        size_t x = a, y = i;
        while (x < y && c->l[x] == ' ')
            x++;
        while (y > x && c->l[y - 1] == ' ')
            y--;
        /* a column name: one token of letters, digits and underscores */
        int ok = y > x;
        for (size_t k = x; k < y; k++)
            ok &= isalnum((unsigned char)c->l[k]) || c->l[k] == '_';
        if (ok && (out[n] = iaf_strndup(c->l + x, y - x)) != NULL) n++;
        a = i + 1;
    }
    return n;
}

static int yaml_str(iaf_buf *b, const char *s, size_t n)
{
    int bad = iaf_buf_puts(b, "\"") != 0;
    for (size_t i = 0; i < n; i++) {
        if (s[i] == '"' || s[i] == '\\') bad |= iaf_buf_puts(b, "\\") != 0;
        bad |= iaf_buf_append(b, s + i, 1) != 0;
    }
    return bad | (iaf_buf_puts(b, "\"") != 0);
}

static iaf_status propose(const char *text, size_t n, const char *name, const char *const *columns,
                          size_t ncolumns, iaf_buffer *proposals, iaf_buffer *draft_spec,
                          size_t *nproposals, iaf_error *err)
{
    card_text c = {0};
    statement *st = NULL;
    char *schema[256];
    size_t nschema = 0, nst = 0, cap = 0;
    iaf_status rc = IAF_OK;
    int bad = 0;
    iaf_buf *po = iaf_buffer_raw(proposals), *ds = iaf_buffer_raw(draft_spec);
    if (!name) name = "card";
    if (collapse(text, n, &c) != 0) goto oom;
    if (!columns) {
        nschema = schema_columns(&c, schema, sizeof schema / sizeof schema[0]);
        columns = (const char *const *)schema;
        ncolumns = nschema;
    }
    static const char *const keys[] = {"independent of ", "independent given ",
                                       "independently influence", NULL};
    for (size_t p = 0; p < c.n; p++)
        for (int k = 0; keys[k]; k++) {
            size_t kl = strlen(keys[k]);
            if (strncmp(c.l + p, keys[k], kl) || (p && isalpha((unsigned char)c.l[p - 1])))
                continue;
            if (IAF_GROW(st, cap, nst + 1) != 0) goto oom;
            int ok = k == 0   ? match_of(&c, p, &st[nst])
                     : k == 1 ? match_and(&c, p, &st[nst])
                              : match_influence(&c, p, kl, &st[nst]);
            if (ok && !negated(&c, st[nst].s0, p)) nst++;
        }
    bad |=
        0 != iaf_buf_printf(
                 ds,
                 "# Draft spec written by `iaf card %s`: the statements below were read from the\n"
                 "# card by pattern; check every mapping (see the proposals), then name the\n"
                 "# dataset, bin or recode the attributes (age into bands) and run `iaf audit`.\n"
                 "iaf: 1\nname: draft from %s\ndataset:\n  title: TODO the dataset's name\n  "
                 "microdata: [TODO.csv]\n"
                 "disclosures:\n",
                 name, name);
    if (!nst) bad |= 0 != iaf_buf_puts(ds, "  []\n");
    for (size_t i = 0; i < nst; i++) {
        statement *s = &st[i];
        long line = c.line[s->s0];
        bad |=
            0 != iaf_buf_printf(po, "%s:%ld: statement %zu (%s)\n  sentence: ", name, line, i + 1,
                                s->no_interaction ? "no interaction: not a conditional independence"
                                                  : "conditional independence");
        bad |= iaf_buf_append(po, c.t + s->s0, s->s1 - s->s0) != 0;
        bad |= 0 != iaf_buf_puts(po, "\n");
        char cols[2 + CARD_MAX_ITEMS][CARD_WORD], how[256];
        for (size_t w = 0; w < s->nwords; w++) {
            map_word(s->words[w], columns, ncolumns, cols[w], how, sizeof how);
            const char *role = s->no_interaction ? "factor" : w < 2 ? "independent" : "given";
            bad |= 0 != iaf_buf_printf(po, "  %-11s \"%s\" -> %s (%s)\n", role, s->words[w],
                                       cols[w][0] ? cols[w] : "UNMAPPED", how);
        }
        if (s->no_interaction) {
            char oc[CARD_WORD];
            map_word(s->outcome, columns, ncolumns, oc, how, sizeof how);
            bad |= 0 != iaf_buf_printf(po, "  %-11s \"%s\" -> %s (%s)\n", "outcome", s->outcome,
                                       oc[0] ? oc : "UNMAPPED", how);
            bad |=
                0 != iaf_buf_puts(
                         po, "  not proposed as a check: factors acting on an outcome without "
                             "interaction terms say nothing about the factors' own joint; a test "
                             "needs the outcome by two or more factors together\n");
        }
        bad |= 0 != iaf_buf_printf(ds, "  - id: card-%zu\n    quote: ", i + 1);
        bad |= yaml_str(ds, c.t + s->s0, s->s1 - s->s0);
        bad |= 0 != iaf_buf_printf(ds, "\n    file: %s\n    locator: line %ld\n", name, line);
        if (!s->no_interaction) {
            for (int part = 0; part < 2; part++) {
                size_t from = part ? 2 : 0, to = part ? s->nwords : 2;
                bad |= 0 != iaf_buf_printf(ds, "    %s: [", part ? "given" : "independent");
                for (size_t w = from; w < to; w++) {
                    char sn[CARD_WORD];
                    snake(s->words[w], sn, sizeof sn);
                    bad |= 0 != iaf_buf_printf(ds, "%s%s", w > from ? ", " : "",
                                               cols[w][0] ? cols[w] : sn);
                }
                bad |= 0 != iaf_buf_puts(ds, "]");
                for (size_t w = from; w < to; w++)
                    if (!cols[w][0]) {
                        bad |=
                            0 != iaf_buf_puts(ds, "   # TODO: unmapped card words kept as written");
                        break;
                    }
                bad |= 0 != iaf_buf_puts(ds, "\n");
            }
        } else {
            bad |= 0 != iaf_buf_puts(ds, "    # no interaction among factors: not a conditional "
                                         "independence (no check proposed)\n");
        }
        bad |= 0 != iaf_buf_puts(po, "\n");
    }
    size_t nchecks = 0;
    for (size_t i = 0; i < nst; i++)
        nchecks += !st[i].no_interaction;
    bad |= 0 != iaf_buf_puts(ds, nchecks ? "checks:\n" : "checks: []\n");
    for (size_t i = 0; i < nst; i++)
        if (!st[i].no_interaction)
            bad |=
                0 != iaf_buf_printf(ds,
                                    "  - id: card-%zu-check\n    kind: conditional_independence\n"
                                    "    disclosure: card-%zu\n",
                                    i + 1, i + 1);
    if (!nst) bad |= 0 != iaf_buf_printf(po, "%s: no independence statement found\n", name);
    if (nproposals) *nproposals = nst;
    if (bad) goto oom;
    goto done;
oom:
    rc = iaf_error_set(err, IAF_ERR_NOMEM, NULL, 0, 0, "out of memory");
done:
    for (size_t i = 0; i < nschema; i++)
        iaf_free(schema[i]);
    iaf_free(st);
    iaf_free(c.t), iaf_free(c.l), iaf_free(c.line);
    return rc;
}

iaf_status iaf_card_propose(const char *path, const char *const *columns, size_t ncolumns,
                            iaf_buffer *proposals, iaf_buffer *draft_spec, size_t *nproposals,
                            iaf_error *err)
{
    iaf_buf b = {0};
    iaf_status st = iaf_file_read_all(path, IAF_CARD_MAX_BYTES, "a dataset card", &b, err);
    if (st == IAF_OK)
        st = propose(b.data ? b.data : "", b.len, path, columns, ncolumns, proposals, draft_spec,
                     nproposals, err);
    iaf_buf_free(&b);
    return st;
}
