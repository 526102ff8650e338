/* src/core/expr.c - lexer, recursive-descent parser, evaluator and printer of the predicate
 * language (docs/expressions.md).
 *
 * The tree lives in flat arrays indexed by uint32_t so that freeing never recurses and an
 * implication's two sides can be handed out as views that share the same storage and
 * variable numbering. `and`/`or` chains are n-ary (first child + sibling links): a long
 * flat chain therefore adds no depth, and only syntactic nesting (parentheses, `not`,
 * chained `=>`) counts against IAF_EXPR_MAX_DEPTH, which bounds every recursion here.
 */
#include "core/expr.h"
#include "util/util.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef enum node_kind {
    N_CONST,   /* bval */
    N_CMP,     /* a op b */
    N_IN,      /* var [not] in (lits[lit0 .. lit0+nlit)) */
    N_RANGE,   /* var [not] in lits[lit0]..lits[lit0+1] */
    N_MISSING, /* var is [not] missing */
    N_NOT,     /* child */
    N_AND,     /* child, then siblings through next */
    N_OR,
    N_IMPLIES /* child => nodes[child].next */
} node_kind;

typedef enum cmp_op { OP_EQ, OP_NE, OP_LT, OP_LE, OP_GT, OP_GE } cmp_op;

#define NONE UINT32_MAX

typedef struct operand {
    uint32_t is_var;
    uint32_t idx; /* variable id or literal index */
} operand;

typedef struct node {
    uint8_t kind, op, neg, bval;
    operand a, b;
    uint32_t var;
    uint32_t lit0, nlit;
    uint32_t child, next;
} node;

typedef enum lit_kind { L_STR, L_NUM, L_BOOL } lit_kind;

typedef struct literal {
    size_t off, len; /* into store.text while parsing; ptr is set once text stops moving */
    const char *ptr;
    lit_kind kind;
    int is_num;
    double num;
} literal;

typedef struct store {
    node *nodes;
    size_t nnodes, capnodes;
    literal *lits;
    size_t nlits, caplits;
    iaf_buf text;
    iaf_strmap vars;
} store;

struct iaf_expr {
    store *st;
    uint32_t root;
    int owner;             /* the handle iaf_expr_parse returned; frees st and the views */
    struct iaf_expr *ante; /* views of an implication's sides (owned by this handle) */
    struct iaf_expr *cons;
};

/* ------------------------------------------------------------------------------------ */
/* Lexer                                                                                 */

typedef enum tok_kind {
    T_END,
    T_STR,
    T_NUM,
    T_NAME,
    T_TRUE,
    T_FALSE,
    T_AND,
    T_OR,
    T_NOT,
    T_IN,
    T_BETWEEN,
    T_IS,
    T_MISSING,
    T_EQ,
    T_NE,
    T_LT,
    T_LE,
    T_GT,
    T_GE,
    T_LPAREN,
    T_RPAREN,
    T_COMMA,
    T_DOTDOT,
    T_IMPLIES
} tok_kind;

typedef struct tok {
    tok_kind kind;
    size_t start, end;         /* byte span in the source */
    size_t text_off, text_len; /* T_STR / T_NAME: decoded bytes in parser.scratch */
} tok;

typedef struct parser {
    const char *src;
    size_t len;
    size_t pos;
    tok cur;
    iaf_buf scratch;
    store *st;
    const char *origin;
    iaf_error *err;
    iaf_status status;
    int depth;
} parser;

static const struct {
    const char *word;
    tok_kind kind;
} KEYWORDS[] = {
    {"and", T_AND},         {"or", T_OR},           {"not", T_NOT},         {"in", T_IN},
    {"between", T_BETWEEN}, {"is", T_IS},           {"missing", T_MISSING}, {"true", T_TRUE},
    {"false", T_FALSE},     {"AND", T_AND},         {"OR", T_OR},           {"NOT", T_NOT},
    {"IN", T_IN},           {"BETWEEN", T_BETWEEN}, {"IS", T_IS},           {"MISSING", T_MISSING},
    {"TRUE", T_TRUE},       {"FALSE", T_FALSE},
};

static int keyword_of(const char *s, size_t n, tok_kind *kind)
{
    for (size_t i = 0; i < IAF_ARRAY_LEN(KEYWORDS); i++) {
        if (strlen(KEYWORDS[i].word) == n && memcmp(KEYWORDS[i].word, s, n) == 0) {
            *kind = KEYWORDS[i].kind;
            return 1;
        }
    }
    return 0;
}

static int is_digit(unsigned char c)
{
    return c >= '0' && c <= '9';
}

static int is_ident_start(unsigned char c)
{
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '_' || c >= 0x80;
}

static int is_ident_char(unsigned char c)
{
    return is_ident_start(c) || is_digit(c) || c == '.';
}

/* Length of the well-formed UTF-8 prefix of s[0..n) (RFC 3629: no overlongs, no
 * surrogates, nothing above U+10FFFF). */
static size_t utf8_valid_prefix(const unsigned char *s, size_t n)
{
    size_t i = 0;
    while (i < n) {
        unsigned char c = s[i];
        size_t k;
        unsigned char lo = 0x80, hi = 0xBF;
        if (c < 0x80) {
            i++;
            continue;
        } else if (c >= 0xC2 && c <= 0xDF) {
            k = 1;
        } else if (c >= 0xE0 && c <= 0xEF) {
            k = 2;
            if (c == 0xE0) lo = 0xA0;
            if (c == 0xED) hi = 0x9F;
        } else if (c >= 0xF0 && c <= 0xF4) {
            k = 3;
            if (c == 0xF0) lo = 0x90;
            if (c == 0xF4) hi = 0x8F;
        } else {
            return i;
        }
        if (n - i <= k) return i;
        if (s[i + 1] < lo || s[i + 1] > hi) return i;
        for (size_t j = 2; j <= k; j++)
            if (s[i + j] < 0x80 || s[i + j] > 0xBF) return i;
        i += k + 1;
    }
    return n;
}

static iaf_status fail(parser *p, iaf_status st, size_t pos, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 4, 5)))
#endif
    ;

static iaf_status fail(parser *p, iaf_status st, size_t pos, const char *fmt, ...)
{
    if (p->status != IAF_OK) return p->status; /* keep the first, most precise error */
    p->status = st;
    if (p->err) {
        char msg[sizeof p->err->message];
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(msg, sizeof msg, fmt, ap);
        va_end(ap);
        long long col = (long long)pos + 1;
        iaf_error_set(p->err, st, p->origin, 0, col, "%s", msg);
        snprintf(p->err->where, sizeof p->err->where, "column %lld", col);
    }
    return st;
}

/* Source text of a token for messages, shortened and with control bytes escaped. */
static const char *tok_desc(const parser *p, const tok *t, char *buf, size_t size)
{
    if (t->kind == T_END) return "end of expression";
    size_t n = 0, len = t->end - t->start, max = 40;
    /* cut on a character boundary so a long Korean name stays readable */
    while (max < len && max > 0 && ((unsigned char)p->src[t->start + max] & 0xC0) == 0x80)
        max--;
    buf[n++] = '\'';
    for (size_t i = 0; i < len && i < max && n + 8 < size; i++) {
        unsigned char c = (unsigned char)p->src[t->start + i];
        if (c < 0x20 || c == 0x7F)
            n += (size_t)snprintf(buf + n, size - n, "\\x%02X", c);
        else
            buf[n++] = (char)c;
    }
    if (len > max && n + 4 < size) {
        memcpy(buf + n, "...", 3);
        n += 3;
    }
    buf[n++] = '\'';
    buf[n] = '\0';
    return buf;
}

/* Decode a quoted string or backquoted name starting at p->pos (the opening quote). */
static iaf_status lex_quoted(parser *p, tok *t, char quote)
{
    const char *s = p->src;
    size_t i = p->pos + 1;
    p->scratch.len = 0;
    for (;;) {
        if (i >= p->len)
            return fail(p, IAF_ERR_PARSE, p->pos,
                        quote == '`' ? "unterminated backquoted name" : "unterminated string");
        char c = s[i];
        if (c == quote) break;
        if (c == '\\') {
            char e = i + 1 < p->len ? s[i + 1] : '\0';
            if (e != '\\' && e != quote && !(quote != '`' && (e == '"' || e == '\'')))
                return fail(p, IAF_ERR_PARSE, i,
                            quote == '`' ? "unknown escape in backquoted name (only \\` and \\\\)"
                                         : "unknown escape in string (only \\\", \\' and \\\\)");
            c = e;
            i++;
        }
        if (iaf_buf_append(&p->scratch, &c, 1) != 0)
            return fail(p, IAF_ERR_NOMEM, p->pos, "out of memory");
        i++;
    }
    if (quote == '`' && p->scratch.len == 0)
        return fail(p, IAF_ERR_PARSE, p->pos, "empty backquoted name");
    t->kind = quote == '`' ? T_NAME : T_STR;
    t->text_off = 0;
    t->text_len = p->scratch.len;
    p->pos = i + 1;
    return IAF_OK;
}

static iaf_status lex_number(parser *p, tok *t)
{
    const char *s = p->src;
    size_t i = p->pos, n = p->len;
    if (s[i] == '+' || s[i] == '-') i++;
    while (i < n && is_digit((unsigned char)s[i]))
        i++;
    /* "25..39" is a range: the first '.' belongs to the number only before a digit */
    if (i + 1 < n && s[i] == '.' && is_digit((unsigned char)s[i + 1])) {
        i++;
        while (i < n && is_digit((unsigned char)s[i]))
            i++;
    }
    if (i < n && (s[i] == 'e' || s[i] == 'E')) {
        size_t j = i + 1;
        if (j < n && (s[j] == '+' || s[j] == '-')) j++;
        if (j < n && is_digit((unsigned char)s[j])) {
            while (j < n && is_digit((unsigned char)s[j]))
                j++;
            i = j;
        }
    }
    int bad = i < n && (is_ident_char((unsigned char)s[i]) &&
                        !(s[i] == '.' && i + 1 < n && s[i + 1] == '.'));
    if (bad) {
        while (i < n && is_ident_char((unsigned char)s[i]) &&
               !(s[i] == '.' && i + 1 < n && s[i + 1] == '.'))
            i++;
        return fail(p, IAF_ERR_PARSE, p->pos,
                    "malformed number '%.*s' (write a column name that starts with a digit "
                    "in `backquotes`)",
                    (int)IAF_MIN(i - p->pos, (size_t)40), s + p->pos);
    }
    double v;
    if (!iaf_parse_double((iaf_sv){s + p->pos, i - p->pos}, &v))
        return fail(p, IAF_ERR_PARSE, p->pos, "number '%.*s' is out of range or too long",
                    (int)IAF_MIN(i - p->pos, (size_t)40), s + p->pos);
    t->kind = T_NUM;
    p->pos = i;
    return IAF_OK;
}

/* Read the next token into p->cur. */
static iaf_status advance(parser *p)
{
    const char *s = p->src;
    size_t n = p->len;
    while (p->pos < n &&
           (s[p->pos] == ' ' || s[p->pos] == '\t' || s[p->pos] == '\n' || s[p->pos] == '\r'))
        p->pos++;
    tok t = {T_END, p->pos, p->pos, 0, 0};
    if (p->pos >= n) {
        p->cur = t;
        return IAF_OK;
    }
    unsigned char c = (unsigned char)s[p->pos];
    unsigned char c1 = p->pos + 1 < n ? (unsigned char)s[p->pos + 1] : 0;
    unsigned char c2 = p->pos + 2 < n ? (unsigned char)s[p->pos + 2] : 0;
    size_t w = 1;
    iaf_status st = IAF_OK;
    switch (c) {
    case '(':
        t.kind = T_LPAREN;
        break;
    case ')':
        t.kind = T_RPAREN;
        break;
    case ',':
        t.kind = T_COMMA;
        break;
    case '=':
        if (c1 == '=') {
            t.kind = T_EQ;
            w = 2;
        } else if (c1 == '>') {
            t.kind = T_IMPLIES;
            w = 2;
        } else {
            t.kind = T_EQ;
        }
        break;
    case '!':
        if (c1 == '=') {
            t.kind = T_NE;
            w = 2;
        } else {
            t.kind = T_NOT;
        }
        break;
    case '<':
        t.kind = c1 == '=' ? T_LE : T_LT;
        w = c1 == '=' ? 2 : 1;
        break;
    case '>':
        t.kind = c1 == '=' ? T_GE : T_GT;
        w = c1 == '=' ? 2 : 1;
        break;
    case '&':
    case '|':
        if (c1 != c)
            return fail(p, IAF_ERR_PARSE, p->pos, "unexpected '%c' (did you mean '%c%c'?)", c, c,
                        c);
        t.kind = c == '&' ? T_AND : T_OR;
        w = 2;
        break;
    case '"':
    case '\'':
    case '`':
        st = lex_quoted(p, &t, (char)c);
        if (st != IAF_OK) return st;
        t.end = p->pos;
        p->cur = t;
        return IAF_OK;
    case '.':
        if (c1 == '.') {
            t.kind = T_DOTDOT;
            w = 2;
            break;
        }
        if (is_digit(c1)) goto number;
        return fail(p, IAF_ERR_PARSE, p->pos, "unexpected '.'");
    case '+':
    case '-':
        if (is_digit(c1) || (c1 == '.' && is_digit(c2))) goto number;
        return fail(p, IAF_ERR_PARSE, p->pos, "unexpected '%c' (no arithmetic in expressions)", c);
    default:
        if (is_digit(c)) goto number;
        if (is_ident_start(c)) {
            size_t i = p->pos;
            while (i < n && is_ident_char((unsigned char)s[i]))
                i++;
            size_t ok = utf8_valid_prefix((const unsigned char *)s + p->pos, i - p->pos);
            if (ok < i - p->pos)
                return fail(p, IAF_ERR_PARSE, p->pos + ok,
                            "invalid UTF-8 in a column name (use `backquotes` for raw bytes)");
            if (!keyword_of(s + p->pos, i - p->pos, &t.kind)) {
                t.kind = T_NAME;
                p->scratch.len = 0;
                if (iaf_buf_append(&p->scratch, s + p->pos, i - p->pos) != 0)
                    return fail(p, IAF_ERR_NOMEM, p->pos, "out of memory");
                t.text_len = i - p->pos;
            }
            w = i - p->pos;
            break;
        }
        if (c < 0x20 || c == 0x7F)
            return fail(p, IAF_ERR_PARSE, p->pos, "unexpected control character 0x%02X", c);
        return fail(p, IAF_ERR_PARSE, p->pos, "unexpected character '%c'", c);
    }
    p->pos += w;
    t.end = p->pos;
    p->cur = t;
    return IAF_OK;
number:
    st = lex_number(p, &t);
    if (st != IAF_OK) return st;
    t.end = p->pos;
    p->cur = t;
    return IAF_OK;
}

/* ------------------------------------------------------------------------------------ */
/* Parser                                                                                */

static iaf_status new_node(parser *p, node_kind kind, uint32_t *out)
{
    store *st = p->st;
    if (st->nnodes >= NONE - 1) return fail(p, IAF_ERR_LIMIT, p->cur.start, "too many nodes");
    if (IAF_GROW(st->nodes, st->capnodes, st->nnodes + 1) != 0)
        return fail(p, IAF_ERR_NOMEM, p->cur.start, "out of memory");
    node *nd = &st->nodes[st->nnodes];
    memset(nd, 0, sizeof *nd);
    nd->kind = (uint8_t)kind;
    nd->var = nd->child = nd->next = NONE;
    *out = (uint32_t)st->nnodes++;
    return IAF_OK;
}

/* Turn the current literal token (string, number, true, false) into a literal. */
static iaf_status add_literal(parser *p, uint32_t *out)
{
    store *st = p->st;
    const tok *t = &p->cur;
    if (st->nlits >= NONE - 1) return fail(p, IAF_ERR_LIMIT, t->start, "too many literals");
    if (IAF_GROW(st->lits, st->caplits, st->nlits + 1) != 0)
        return fail(p, IAF_ERR_NOMEM, t->start, "out of memory");
    literal *l = &st->lits[st->nlits];
    memset(l, 0, sizeof *l);
    const char *bytes;
    size_t len;
    if (t->kind == T_STR) {
        l->kind = L_STR;
        bytes = p->scratch.data ? p->scratch.data + t->text_off : "";
        len = t->text_len;
    } else if (t->kind == T_NUM) {
        l->kind = L_NUM;
        bytes = p->src + t->start;
        len = t->end - t->start;
    } else {
        l->kind = L_BOOL;
        bytes = t->kind == T_TRUE ? "true" : "false";
        len = strlen(bytes);
    }
    l->off = st->text.len;
    l->len = len;
    /* a NUL after each literal keeps the text printable while debugging */
    if (iaf_buf_append(&st->text, bytes, len) != 0 || iaf_buf_append(&st->text, "", 1) != 0)
        return fail(p, IAF_ERR_NOMEM, t->start, "out of memory");
    l->is_num = iaf_parse_double((iaf_sv){bytes, len}, &l->num);
    *out = (uint32_t)st->nlits++;
    return IAF_OK;
}

static iaf_status add_var(parser *p, uint32_t *out)
{
    const tok *t = &p->cur;
    int64_t id = iaf_strmap_intern(&p->st->vars, p->scratch.data + t->text_off, t->text_len);
    if (id < 0) return fail(p, IAF_ERR_NOMEM, t->start, "out of memory");
    *out = (uint32_t)id;
    return IAF_OK;
}

static int is_literal_tok(tok_kind k)
{
    return k == T_STR || k == T_NUM || k == T_TRUE || k == T_FALSE;
}

static int is_cmp_tok(tok_kind k)
{
    return k == T_EQ || k == T_NE || k == T_LT || k == T_LE || k == T_GT || k == T_GE;
}

static iaf_status enter(parser *p)
{
    if (++p->depth > IAF_EXPR_MAX_DEPTH)
        return fail(p, IAF_ERR_LIMIT, p->cur.start, "expression nested deeper than %d levels",
                    IAF_EXPR_MAX_DEPTH);
    return IAF_OK;
}

static iaf_status expect_number(parser *p, const char *after, uint32_t *lit)
{
    char d[64];
    if (p->cur.kind != T_NUM)
        return fail(p, IAF_ERR_PARSE, p->cur.start, "expected a number after %s, found %s", after,
                    tok_desc(p, &p->cur, d, sizeof d));
    iaf_status st = add_literal(p, lit);
    if (st != IAF_OK) return st;
    return advance(p);
}

static iaf_status parse_range(parser *p, uint32_t nd, int between)
{
    uint32_t lo, hi;
    size_t lo_pos = p->cur.start;
    iaf_status st = expect_number(p, between ? "'between'" : "'in'", &lo);
    if (st != IAF_OK) return st;
    char d[64];
    if (between) {
        if (p->cur.kind != T_AND)
            return fail(p, IAF_ERR_PARSE, p->cur.start,
                        "expected 'and' between the bounds of 'between', found %s",
                        tok_desc(p, &p->cur, d, sizeof d));
    } else if (p->cur.kind != T_DOTDOT) {
        return fail(p, IAF_ERR_PARSE, p->cur.start, "expected '..' in a range, found %s",
                    tok_desc(p, &p->cur, d, sizeof d));
    }
    st = advance(p);
    if (st == IAF_OK) st = expect_number(p, between ? "'and'" : "'..'", &hi);
    if (st != IAF_OK) return st;
    const literal *L = p->st->lits;
    if (L[lo].num > L[hi].num)
        return fail(p, IAF_ERR_PARSE, lo_pos, "empty range: the lower bound exceeds the upper");
    node *n = &p->st->nodes[nd];
    n->lit0 = lo;
    n->nlit = 2;
    return IAF_OK;
}

static iaf_status parse_list(parser *p, uint32_t nd)
{
    char d[64];
    size_t open = p->cur.start;
    iaf_status st = advance(p); /* '(' */
    uint32_t first = (uint32_t)p->st->nlits, count = 0;
    while (st == IAF_OK) {
        if (p->cur.kind == T_RPAREN && count > 0) break;
        if (!is_literal_tok(p->cur.kind)) {
            if (p->cur.kind == T_RPAREN)
                return fail(p, IAF_ERR_PARSE, open, "empty list after 'in'");
            if (p->cur.kind == T_NAME)
                return fail(p, IAF_ERR_PARSE, p->cur.start,
                            "a list holds values, not column names: quote %s",
                            tok_desc(p, &p->cur, d, sizeof d));
            if (p->cur.kind == T_END)
                return fail(p, IAF_ERR_PARSE, open, "unterminated list: missing ')'");
            return fail(p, IAF_ERR_PARSE, p->cur.start, "expected a value in the list, found %s",
                        tok_desc(p, &p->cur, d, sizeof d));
        }
        uint32_t lit;
        st = add_literal(p, &lit);
        if (st == IAF_OK) st = advance(p);
        if (st != IAF_OK) return st;
        count++;
        if (p->cur.kind == T_COMMA) {
            st = advance(p);
        } else if (p->cur.kind != T_RPAREN) {
            if (p->cur.kind == T_END)
                return fail(p, IAF_ERR_PARSE, open, "unterminated list: missing ')'");
            return fail(p, IAF_ERR_PARSE, p->cur.start, "expected ',' or ')' in a list, found %s",
                        tok_desc(p, &p->cur, d, sizeof d));
        }
    }
    if (st != IAF_OK) return st;
    node *n = &p->st->nodes[nd];
    n->lit0 = first;
    n->nlit = count;
    return advance(p); /* ')' */
}

/* The part of a condition after its left operand. */
static iaf_status parse_predicate(parser *p, operand lhs, const tok *lhs_tok, uint32_t *out)
{
    char d[64], d2[64];
    tok_kind k = p->cur.kind;
    size_t lhs_pos = lhs_tok->start;
    iaf_status st;
    if (is_cmp_tok(k)) {
        size_t op_pos = p->cur.start, op_len = p->cur.end - p->cur.start;
        st = new_node(p, N_CMP, out);
        if (st == IAF_OK) st = advance(p);
        if (st != IAF_OK) return st;
        operand rhs;
        if (p->cur.kind == T_NAME) {
            rhs.is_var = 1;
            st = add_var(p, &rhs.idx);
        } else if (is_literal_tok(p->cur.kind)) {
            rhs.is_var = 0;
            st = add_literal(p, &rhs.idx);
        } else {
            return fail(p, IAF_ERR_PARSE, p->cur.start,
                        "expected a value or column name after '%.*s', found %s", (int)op_len,
                        p->src + op_pos, tok_desc(p, &p->cur, d, sizeof d));
        }
        if (st != IAF_OK) return st;
        if (!lhs.is_var && !rhs.is_var)
            return fail(p, IAF_ERR_PARSE, lhs_pos,
                        "comparison of two constants: write column names bare or in "
                        "`backquotes`, not in quotes");
        node *n = &p->st->nodes[*out];
        n->a = lhs;
        n->b = rhs;
        n->op = (uint8_t)(k == T_EQ   ? OP_EQ
                          : k == T_NE ? OP_NE
                          : k == T_LT ? OP_LT
                          : k == T_LE ? OP_LE
                          : k == T_GT ? OP_GT
                                      : OP_GE);
        return advance(p);
    }
    if (k != T_NOT && k != T_IN && k != T_BETWEEN && k != T_IS)
        return fail(p, IAF_ERR_PARSE, p->cur.start,
                    "expected a comparison (==, !=, <, <=, >, >=, in, between, is) after %s, "
                    "found %s",
                    tok_desc(p, lhs_tok, d2, sizeof d2), tok_desc(p, &p->cur, d, sizeof d));
    if (!lhs.is_var)
        return fail(p, IAF_ERR_PARSE, lhs_pos, "%s needs a column name on its left",
                    tok_desc(p, &p->cur, d, sizeof d));
    int neg = 0;
    if (k == T_NOT) {
        st = advance(p);
        if (st != IAF_OK) return st;
        k = p->cur.kind;
        if (k != T_IN && k != T_BETWEEN)
            return fail(p, IAF_ERR_PARSE, p->cur.start,
                        "expected 'in' or 'between' after 'not', found %s",
                        tok_desc(p, &p->cur, d, sizeof d));
        neg = 1;
    }
    if (k == T_IS) {
        st = new_node(p, N_MISSING, out);
        if (st == IAF_OK) st = advance(p);
        if (st != IAF_OK) return st;
        if (p->cur.kind == T_NOT) {
            neg = 1;
            st = advance(p);
            if (st != IAF_OK) return st;
        }
        int is_null = p->cur.kind == T_NAME && p->cur.end - p->cur.start == 4 &&
                      (memcmp(p->src + p->cur.start, "null", 4) == 0 ||
                       memcmp(p->src + p->cur.start, "NULL", 4) == 0);
        if (p->cur.kind != T_MISSING && !is_null)
            return fail(p, IAF_ERR_PARSE, p->cur.start, "expected 'missing' after 'is', found %s",
                        tok_desc(p, &p->cur, d, sizeof d));
    } else if (k == T_BETWEEN) {
        st = new_node(p, N_RANGE, out);
        if (st == IAF_OK) st = advance(p);
        if (st == IAF_OK) st = parse_range(p, *out, 1);
        if (st != IAF_OK) return st;
    } else { /* T_IN */
        st = advance(p);
        if (st != IAF_OK) return st;
        if (p->cur.kind == T_LPAREN) {
            st = new_node(p, N_IN, out);
            if (st == IAF_OK) st = parse_list(p, *out);
        } else if (p->cur.kind == T_NUM) {
            st = new_node(p, N_RANGE, out);
            if (st == IAF_OK) st = parse_range(p, *out, 0);
        } else {
            return fail(p, IAF_ERR_PARSE, p->cur.start,
                        "expected '(' or a range like 25..39 after 'in', found %s",
                        tok_desc(p, &p->cur, d, sizeof d));
        }
        if (st != IAF_OK) return st;
    }
    node *n = &p->st->nodes[*out];
    n->var = lhs.idx;
    n->neg = (uint8_t)neg;
    /* 'is' consumed its last token here; the others advanced already */
    return k == T_IS ? advance(p) : IAF_OK;
}

static iaf_status parse_or(parser *p, uint32_t *out);

static iaf_status parse_primary(parser *p, uint32_t *out)
{
    char d[64];
    tok_kind k = p->cur.kind;
    iaf_status st;
    if (k == T_LPAREN) {
        size_t open = p->cur.start;
        st = enter(p);
        if (st == IAF_OK) st = advance(p);
        if (st == IAF_OK) st = parse_or(p, out);
        if (st != IAF_OK) return st;
        if (p->cur.kind == T_IMPLIES)
            return fail(p, IAF_ERR_PARSE, p->cur.start,
                        "'=>' is only allowed at the top level of a rule, not inside "
                        "parentheses or under 'not'");
        if (p->cur.kind != T_RPAREN)
            return fail(p, IAF_ERR_PARSE, p->cur.start,
                        "expected ')' to close the '(' at column %zu, found %s", open + 1,
                        tok_desc(p, &p->cur, d, sizeof d));
        p->depth--;
        return advance(p);
    }
    operand lhs;
    tok lhs_tok = p->cur;
    if (k == T_NAME) {
        lhs.is_var = 1;
        st = add_var(p, &lhs.idx);
    } else if (is_literal_tok(k)) {
        lhs.is_var = 0;
        st = add_literal(p, &lhs.idx);
    } else if (is_cmp_tok(k) || k == T_IN || k == T_BETWEEN || k == T_IS) {
        return fail(p, IAF_ERR_PARSE, p->cur.start, "missing column name before %s",
                    tok_desc(p, &p->cur, d, sizeof d));
    } else if (k == T_END) {
        return fail(p, IAF_ERR_PARSE, p->cur.start,
                    "unexpected end of expression: expected a condition");
    } else {
        return fail(p, IAF_ERR_PARSE, p->cur.start, "unexpected %s: expected a condition",
                    tok_desc(p, &p->cur, d, sizeof d));
    }
    if (st == IAF_OK) st = advance(p);
    if (st != IAF_OK) return st;
    if ((k == T_TRUE || k == T_FALSE) && !is_cmp_tok(p->cur.kind) && p->cur.kind != T_IN &&
        p->cur.kind != T_NOT && p->cur.kind != T_BETWEEN && p->cur.kind != T_IS) {
        st = new_node(p, N_CONST, out);
        if (st == IAF_OK) p->st->nodes[*out].bval = k == T_TRUE;
        return st;
    }
    return parse_predicate(p, lhs, &lhs_tok, out);
}

static iaf_status parse_unary(parser *p, uint32_t *out)
{
    if (p->cur.kind != T_NOT) return parse_primary(p, out);
    iaf_status st = enter(p);
    if (st == IAF_OK) st = advance(p);
    uint32_t child = NONE;
    if (st == IAF_OK) st = parse_unary(p, &child);
    if (st == IAF_OK) st = new_node(p, N_NOT, out);
    if (st != IAF_OK) return st;
    p->st->nodes[*out].child = child;
    p->depth--;
    return IAF_OK;
}

/* An n-ary chain of `sub` joined by `op`; a single operand is returned as is. */
static iaf_status parse_chain(parser *p, tok_kind op, node_kind kind,
                              iaf_status (*sub)(parser *, uint32_t *), uint32_t *out)
{
    uint32_t first;
    iaf_status st = sub(p, &first);
    if (st != IAF_OK) return st;
    if (p->cur.kind != op) {
        *out = first;
        return IAF_OK;
    }
    uint32_t chain;
    st = new_node(p, kind, &chain);
    if (st != IAF_OK) return st;
    p->st->nodes[chain].child = first;
    uint32_t last = first;
    while (p->cur.kind == op) {
        uint32_t next;
        st = advance(p);
        if (st == IAF_OK) st = sub(p, &next);
        if (st != IAF_OK) return st;
        p->st->nodes[last].next = next;
        last = next;
    }
    *out = chain;
    return IAF_OK;
}

static iaf_status parse_and(parser *p, uint32_t *out)
{
    return parse_chain(p, T_AND, N_AND, parse_unary, out);
}

static iaf_status parse_or(parser *p, uint32_t *out)
{
    return parse_chain(p, T_OR, N_OR, parse_and, out);
}

static iaf_status parse_implies(parser *p, uint32_t *out)
{
    uint32_t lhs = NONE, rhs = NONE;
    iaf_status st = parse_or(p, &lhs);
    if (st != IAF_OK || p->cur.kind != T_IMPLIES) {
        *out = lhs;
        return st;
    }
    st = enter(p);
    if (st == IAF_OK) st = advance(p);
    if (st == IAF_OK) st = parse_implies(p, &rhs);
    if (st == IAF_OK) st = new_node(p, N_IMPLIES, out);
    if (st != IAF_OK) return st;
    p->st->nodes[*out].child = lhs;
    p->st->nodes[lhs].next = rhs;
    p->depth--;
    return IAF_OK;
}

static void store_free(store *st)
{
    if (!st) return;
    iaf_free(st->nodes);
    iaf_free(st->lits);
    iaf_buf_free(&st->text);
    iaf_strmap_free(&st->vars);
    iaf_free(st);
}

void iaf_expr_free(iaf_expr *e)
{
    if (!e || !e->owner) return;
    store_free(e->st);
    iaf_expr *v = e->cons;
    iaf_free(e->ante);
    while (v) {
        iaf_expr *next = v->cons;
        iaf_free(v->ante);
        iaf_free(v);
        v = next;
    }
    iaf_free(e);
}

iaf_status iaf_expr_parse(const char *text, const char *origin, iaf_expr **out, iaf_error *err)
{
    if (out) *out = NULL;
    if (!text || !out)
        return iaf_error_set(err, IAF_ERR_INVALID, origin, 0, 0, "no expression given");
    parser p;
    memset(&p, 0, sizeof p);
    p.src = text;
    p.len = strlen(text);
    p.origin = origin;
    p.err = err;
    iaf_expr *e = NULL;
    iaf_status st = IAF_OK;
    uint32_t root = NONE;
    if (p.len >= NONE / 2) {
        st = fail(&p, IAF_ERR_LIMIT, 0, "expression longer than %u bytes", NONE / 2);
        goto cleanup;
    }
    p.st = iaf_calloc(1, sizeof *p.st);
    if (!p.st) {
        st = fail(&p, IAF_ERR_NOMEM, 0, "out of memory");
        goto cleanup;
    }
    st = advance(&p);
    if (st != IAF_OK) goto cleanup;
    if (p.cur.kind == T_END) {
        st = fail(&p, IAF_ERR_PARSE, 0, "empty expression");
        goto cleanup;
    }
    st = parse_implies(&p, &root);
    if (st != IAF_OK) goto cleanup;
    if (p.cur.kind != T_END) {
        char d[64];
        if (p.cur.kind == T_RPAREN)
            st = fail(&p, IAF_ERR_PARSE, p.cur.start, "unmatched ')'");
        else
            st = fail(&p, IAF_ERR_PARSE, p.cur.start,
                      "unexpected %s: expected 'and', 'or', '=>' or the end",
                      tok_desc(&p, &p.cur, d, sizeof d));
        goto cleanup;
    }
    /* the text buffer no longer moves: resolve literal pointers once */
    for (size_t i = 0; i < p.st->nlits; i++)
        p.st->lits[i].ptr = p.st->text.data + p.st->lits[i].off;

    e = iaf_calloc(1, sizeof *e);
    if (!e) {
        st = fail(&p, IAF_ERR_NOMEM, 0, "out of memory");
        goto cleanup;
    }
    e->st = p.st;
    e->root = root;
    e->owner = 1;
    p.st = NULL;
    /* Views for each link of an implication chain, so iaf_expr_implication never allocates. */
    for (iaf_expr *h = e; e->st->nodes[h->root].kind == N_IMPLIES; h = h->cons) {
        uint32_t lhs = e->st->nodes[h->root].child;
        h->ante = iaf_calloc(1, sizeof *h->ante);
        h->cons = iaf_calloc(1, sizeof *h->cons);
        if (!h->ante || !h->cons) {
            st = fail(&p, IAF_ERR_NOMEM, 0, "out of memory");
            goto cleanup;
        }
        h->ante->st = h->cons->st = e->st;
        h->ante->root = lhs;
        h->cons->root = e->st->nodes[lhs].next;
    }
    *out = e;
    e = NULL;
cleanup:
    iaf_expr_free(e);
    store_free(p.st);
    iaf_buf_free(&p.scratch);
    return st;
}

/* ------------------------------------------------------------------------------------ */
/* Evaluation                                                                            */

size_t iaf_expr_nvars(const iaf_expr *e)
{
    return e ? iaf_strmap_size(&e->st->vars) : 0;
}

const char *iaf_expr_var(const iaf_expr *e, size_t i)
{
    if (!e || i >= iaf_strmap_size(&e->st->vars)) return NULL;
    return iaf_strmap_get(&e->st->vars, i).ptr;
}

typedef struct value {
    iaf_sv sv;
    int is_num;
    double num;
} value;

static value value_of(const store *st, operand o, const iaf_sv *values)
{
    value v;
    if (o.is_var) {
        v.sv = values[o.idx];
        v.is_num = v.sv.ptr ? iaf_parse_double(v.sv, &v.num) : 0;
    } else {
        const literal *l = &st->lits[o.idx];
        v.sv = (iaf_sv){l->ptr, l->len};
        v.is_num = l->is_num;
        v.num = l->num;
    }
    return v;
}

static int bytes_equal(iaf_sv a, iaf_sv b)
{
    return a.len == b.len && (a.len == 0 || memcmp(a.ptr, b.ptr, a.len) == 0);
}

static int compare(cmp_op op, const value *a, const value *b)
{
    if (!a->sv.ptr || !b->sv.ptr) return op == OP_NE;
    if (a->is_num && b->is_num) {
        switch (op) {
        case OP_EQ:
            return a->num == b->num;
        case OP_NE:
            return a->num != b->num;
        case OP_LT:
            return a->num < b->num;
        case OP_LE:
            return a->num <= b->num;
        case OP_GT:
            return a->num > b->num;
        case OP_GE:
            return a->num >= b->num;
        }
        return 0;
    }
    if (op == OP_EQ) return bytes_equal(a->sv, b->sv);
    if (op == OP_NE) return !bytes_equal(a->sv, b->sv);
    return 0; /* no ordering between text values: categories have no natural order */
}

static int eval_node(const store *st, uint32_t i, const iaf_sv *values)
{
    const node *n = &st->nodes[i];
    switch ((node_kind)n->kind) {
    case N_CONST:
        return n->bval;
    case N_CMP: {
        value a = value_of(st, n->a, values), b = value_of(st, n->b, values);
        return compare((cmp_op)n->op, &a, &b);
    }
    case N_IN: {
        value x = value_of(st, (operand){1, n->var}, values);
        int hit = 0;
        if (x.sv.ptr) {
            for (uint32_t k = 0; k < n->nlit && !hit; k++) {
                value l = value_of(st, (operand){0, n->lit0 + k}, values);
                hit = compare(OP_EQ, &x, &l);
            }
        }
        return n->neg ? !hit : hit;
    }
    case N_RANGE: {
        value x = value_of(st, (operand){1, n->var}, values);
        int hit = x.is_num && st->lits[n->lit0].num <= x.num && x.num <= st->lits[n->lit0 + 1].num;
        return n->neg ? !hit : hit;
    }
    case N_MISSING: {
        int miss = values[n->var].ptr == NULL;
        return n->neg ? !miss : miss;
    }
    case N_NOT:
        return !eval_node(st, n->child, values);
    case N_AND:
        for (uint32_t c = n->child; c != NONE; c = st->nodes[c].next)
            if (!eval_node(st, c, values)) return 0;
        return 1;
    case N_OR:
        for (uint32_t c = n->child; c != NONE; c = st->nodes[c].next)
            if (eval_node(st, c, values)) return 1;
        return 0;
    case N_IMPLIES:
        return !eval_node(st, n->child, values) || eval_node(st, st->nodes[n->child].next, values);
    }
    return 0;
}

int iaf_expr_eval(const iaf_expr *e, const iaf_sv *values)
{
    if (!e) return 0;
    return eval_node(e->st, e->root, values);
}

int iaf_expr_implication(const iaf_expr *e, const iaf_expr **antecedent,
                         const iaf_expr **consequent)
{
    if (!e || !e->ante) return 0;
    if (antecedent) *antecedent = e->ante;
    if (consequent) *consequent = e->cons;
    return 1;
}

/* ------------------------------------------------------------------------------------ */
/* Canonical text                                                                        */

static int put_name(iaf_buf *b, const char *s, size_t n)
{
    tok_kind k;
    int bare = n > 0 && is_ident_start((unsigned char)s[0]) && !keyword_of(s, n, &k) &&
               utf8_valid_prefix((const unsigned char *)s, n) == n;
    for (size_t i = 0; bare && i < n; i++)
        bare = is_ident_char((unsigned char)s[i]);
    if (bare) return iaf_buf_append(b, s, n);
    if (iaf_buf_append(b, "`", 1) != 0) return -1;
    for (size_t i = 0; i < n; i++) {
        if ((s[i] == '`' || s[i] == '\\') && iaf_buf_append(b, "\\", 1) != 0) return -1;
        if (iaf_buf_append(b, s + i, 1) != 0) return -1;
    }
    return iaf_buf_append(b, "`", 1);
}

static int put_literal(iaf_buf *b, const literal *l)
{
    if (l->kind == L_NUM) {
        char num[32];
        size_t k = iaf_fmt_f64(num, l->num);
        return iaf_buf_append(b, num, k);
    }
    if (l->kind == L_BOOL) return iaf_buf_append(b, l->ptr, l->len);
    if (iaf_buf_append(b, "\"", 1) != 0) return -1;
    for (size_t i = 0; i < l->len; i++) {
        if ((l->ptr[i] == '"' || l->ptr[i] == '\\') && iaf_buf_append(b, "\\", 1) != 0) return -1;
        if (iaf_buf_append(b, l->ptr + i, 1) != 0) return -1;
    }
    return iaf_buf_append(b, "\"", 1);
}

static int put_operand(iaf_buf *b, const store *st, operand o)
{
    if (o.is_var) {
        iaf_sv name = iaf_strmap_get(&st->vars, o.idx);
        return put_name(b, name.ptr, name.len);
    }
    return put_literal(b, &st->lits[o.idx]);
}

static int put_node(iaf_buf *b, const store *st, uint32_t i);

static int put_child(iaf_buf *b, const store *st, uint32_t c, int paren)
{
    if (!paren) return put_node(b, st, c);
    if (iaf_buf_append(b, "(", 1) != 0 || put_node(b, st, c) != 0) return -1;
    return iaf_buf_append(b, ")", 1);
}

static int put_node(iaf_buf *b, const store *st, uint32_t i)
{
    static const char *const OPS[] = {" == ", " != ", " < ", " <= ", " > ", " >= "};
    const node *n = &st->nodes[i];
    switch ((node_kind)n->kind) {
    case N_CONST:
        return iaf_buf_puts(b, n->bval ? "true" : "false");
    case N_CMP:
        if (put_operand(b, st, n->a) != 0 || iaf_buf_puts(b, OPS[n->op]) != 0) return -1;
        return put_operand(b, st, n->b);
    case N_IN:
        if (put_operand(b, st, (operand){1, n->var}) != 0 ||
            iaf_buf_puts(b, n->neg ? " not in (" : " in (") != 0)
            return -1;
        for (uint32_t k = 0; k < n->nlit; k++) {
            if (k && iaf_buf_puts(b, ", ") != 0) return -1;
            if (put_literal(b, &st->lits[n->lit0 + k]) != 0) return -1;
        }
        return iaf_buf_puts(b, ")");
    case N_RANGE:
        if (put_operand(b, st, (operand){1, n->var}) != 0 ||
            iaf_buf_puts(b, n->neg ? " not in " : " in ") != 0 ||
            put_literal(b, &st->lits[n->lit0]) != 0 || iaf_buf_puts(b, "..") != 0)
            return -1;
        return put_literal(b, &st->lits[n->lit0 + 1]);
    case N_MISSING:
        if (put_operand(b, st, (operand){1, n->var}) != 0) return -1;
        return iaf_buf_puts(b, n->neg ? " is not missing" : " is missing");
    case N_NOT: {
        node_kind ck = (node_kind)st->nodes[n->child].kind;
        if (iaf_buf_puts(b, "not ") != 0) return -1;
        return put_child(b, st, n->child, ck == N_AND || ck == N_OR || ck == N_IMPLIES);
    }
    case N_AND:
    case N_OR:
        for (uint32_t c = n->child; c != NONE; c = st->nodes[c].next) {
            node_kind ck = (node_kind)st->nodes[c].kind;
            if (c != n->child && iaf_buf_puts(b, n->kind == N_AND ? " and " : " or ") != 0)
                return -1;
            int paren = ck == N_IMPLIES || (n->kind == N_AND && ck == N_OR);
            if (put_child(b, st, c, paren) != 0) return -1;
        }
        return 0;
    case N_IMPLIES:
        if (put_node(b, st, n->child) != 0 || iaf_buf_puts(b, " => ") != 0) return -1;
        return put_node(b, st, st->nodes[n->child].next);
    }
    return -1;
}

int iaf_expr_to_string(const iaf_expr *e, iaf_buf *b)
{
    if (!e || !b) return -1;
    return put_node(b, e->st, e->root);
}
