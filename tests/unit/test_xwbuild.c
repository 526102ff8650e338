/* Unit tests of the crosswalk builder (src/core/xw*.c).
 *
 * Normalisation is checked case by case (each middle-dot variant, full-width forms,
 * spaces, jamo composition) and against tests/data/xwbuild/normalize_cases.tsv, written
 * by tests/oracles/xwalk_nfkc.py from Python's unicodedata.normalize('NFKC'). The
 * matching, roll-up, ambiguity, rule, exclusion and compose cases run on
 * tests/data/xwbuild/mini_*.csv, whose expected mappings were worked out by hand (the
 * planted cases are listed in the header of mini_class.csv).
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <glob.h>

#include "core/crosswalk.h"
#include "core/xwbuild.h"
#include "util/util.h"

#define XW_DIR IAF_TESTDATA "/xwbuild/"

/* ---- helpers ------------------------------------------------------------------------ */

static char *norm(const char *s)
{
    iaf_buf b = {0};
    assert_int_equal(iaf_xwb_normalize(s, strlen(s), &b), 0);
    char *r = strdup(b.data ? b.data : "");
    iaf_buf_free(&b);
    return r;
}

static void expect_norm(const char *in, const char *want)
{
    char *got = norm(in);
    if (strcmp(got, want) != 0) fail_msg("normalize('%s') = '%s', expected '%s'", in, got, want);
    free(got);
}

static iaf_xwb_class *load_class(const char *levels)
{
    iaf_xwb_class_options co;
    memset(&co, 0, sizeof co);
    co.levels = levels;
    iaf_error err;
    iaf_error_clear(&err);
    iaf_xwb_class *c = NULL;
    if (iaf_xwb_class_load(XW_DIR "mini_class.csv", &co, &c, &err) != IAF_OK)
        fail_msg("class load: %s", err.message);
    return c;
}

static iaf_xwb_values *load_values(void)
{
    iaf_error err;
    iaf_xwb_values *v = NULL;
    if (iaf_xwb_values_load(XW_DIR "mini_values.csv", NULL, &v, &err) != IAF_OK)
        fail_msg("values load: %s", err.message);
    return v;
}

static iaf_crosswalk *load_cw(const char *path)
{
    iaf_error err;
    iaf_crosswalk *cw = NULL;
    if (iaf_crosswalk_load(path, &cw, &err) != IAF_OK) fail_msg("crosswalk: %s", err.message);
    return cw;
}

static iaf_xwb_result *build(const iaf_xwb_class *c, const iaf_xwb_values *v,
                             const iaf_xwb_options *o)
{
    iaf_error err;
    iaf_error_clear(&err);
    iaf_xwb_result *r = NULL;
    if (iaf_xwb_build(c, v, o, &r, &err) != IAF_OK) fail_msg("build: %s", err.message);
    return r;
}

static const iaf_xwb_label *find(const iaf_xwb_result *r, const char *label)
{
    for (size_t i = 0; i < r->nlabels; i++)
        if (iaf_sv_eq_str(r->labels[i].label, label)) return &r->labels[i];
    fail_msg("no label '%s' in the result", label);
    return NULL;
}

/* Check how a label matched, its codes ("a b c") and its targets ("to=weight" pairs). */
static void expect_label(const iaf_xwb_result *r, const char *label, iaf_xwb_how how,
                         const char *codes, size_t n, ...)
{
    const iaf_xwb_label *L = find(r, label);
    if (L->how != how)
        fail_msg("'%s': matched %s, expected %s", label, iaf_xwb_how_name(L->how),
                 iaf_xwb_how_name(how));
    char buf[256] = "";
    size_t used = 0;
    for (size_t i = 0; i < L->ncodes; i++)
        used += (size_t)snprintf(buf + used, sizeof buf - used, "%s%.*s", i ? " " : "",
                                 (int)L->codes[i].len, L->codes[i].ptr);
    if (strcmp(buf, codes) != 0) fail_msg("'%s': codes '%s', expected '%s'", label, buf, codes);
    if (L->ntargets != n) fail_msg("'%s': %zu targets, expected %zu", label, L->ntargets, n);
    va_list ap;
    va_start(ap, n);
    for (size_t i = 0; i < n; i++) {
        const char *to = va_arg(ap, const char *);
        double w = va_arg(ap, double);
        if (!iaf_sv_eq_str(L->targets[i].to, to))
            fail_msg("'%s' target %zu: '%.*s', expected '%s'", label, i, (int)L->targets[i].to.len,
                     L->targets[i].to.ptr, to);
        assert_float_equal(L->targets[i].weight, w, 1e-12);
    }
    va_end(ap);
}

static size_t unhex(const char *h, size_t n, char *out)
{
    size_t k = 0;
    for (size_t i = 0; i + 1 < n; i += 2) {
        unsigned v;
        sscanf(h + i, "%2x", &v);
        out[k++] = (char)v;
    }
    out[k] = '\0';
    return k;
}

/* ---- normalisation ------------------------------------------------------------------ */

static void test_normalize_middle_dots(void **state)
{
    (void)state;
    static const char *const dots[] = {"\xC2\xB7",     "\xCE\x87",     "\xE2\x80\xA7",
                                       "\xE2\x88\x99", "\xE2\x8B\x85", "\xE3\x86\x8D",
                                       "\xE3\x83\xBB", "\xEF\xBD\xA5"};
    for (size_t i = 0; i < IAF_ARRAY_LEN(dots); i++) {
        char in[64];
        snprintf(in, sizeof in, "농약%s비료", dots[i]);
        expect_norm(in, "농약·비료");
    }
    /* a bullet is not a middle dot, and neither is a full stop */
    expect_norm("a\xE2\x80\xA2"
                "b",
                "a\xE2\x80\xA2"
                "b");
    expect_norm("a.b", "a.b");
}

static void test_normalize_width_and_space(void **state)
{
    (void)state;
    expect_norm("\xEF\xBC\xA1\xEF\xBC\xA9 \xEF\xBC\x91\xEF\xBC\x92", "ai 12"); /* ＡＩ １２ */
    expect_norm("ａｉ　엔지니어", "ai 엔지니어"); /* U+3000 ideographic space */
    expect_norm("  경리   사무원\t\n", "경리 사무원");
    expect_norm("\xC2\xA0x\xE2\x80\x83y\xE2\x80\xAF", "x y"); /* NBSP, EM SPACE, NNBSP */
    expect_norm("\xEF\xBC\x88주\xEF\xBC\x89", "(주)");        /* fullwidth parentheses */
    expect_norm("\xE3\x88\x9C", "(주)");                      /* U+321C */
    expect_norm("\xEF\xBF\xA6"
                "1000",
                "\xE2\x82\xA9"
                "1000");                 /* fullwidth won sign */
    expect_norm("ABC def", "abc def");   /* ASCII case only */
    expect_norm("\xC3\x89", "\xC3\x89"); /* É: not folded */
    expect_norm("", "");
    expect_norm(" \t ", "");
}

static void test_normalize_jamo(void **state)
{
    (void)state;
    expect_norm("\xE3\x84\xB1\xE3\x85\x8F", "가");             /* ㄱ + ㅏ (compatibility) */
    expect_norm("\xE1\x84\x80\xE1\x85\xA1\xE1\x86\xA8", "각"); /* conjoining L V T */
    expect_norm("가\xE1\x86\xA8", "각");                       /* LV syllable + T */
    expect_norm("\xEF\xBE\xA1\xEF\xBF\x82", "가");             /* halfwidth ﾡ + ￂ */
    expect_norm("\xFF\xFE"
                "a",
                "\xFF\xFE"
                "a"); /* invalid bytes kept */
}

static void test_normalize_oracle(void **state)
{
    (void)state;
    FILE *f = fopen(XW_DIR "normalize_cases.tsv", "r");
    assert_non_null(f);
    char line[4096], in[2048], want[2048];
    size_t n = 0, bad = 0;
    while (fgets(line, sizeof line, f)) {
        if (line[0] == '#') continue;
        char *tab = strchr(line, '\t');
        assert_non_null(tab);
        size_t nin = unhex(line, (size_t)(tab - line), in);
        char *end = tab + 1 + strcspn(tab + 1, "\r\n");
        unhex(tab + 1, (size_t)(end - tab - 1), want);
        iaf_buf b = {0};
        assert_int_equal(iaf_xwb_normalize(in, nin, &b), 0);
        const char *got = b.data ? b.data : "";
        if (strcmp(got, want) != 0 && bad++ < 10)
            print_error("case %zu: '%s' -> '%s', oracle '%s'\n", n, in, got, want);
        iaf_buf_free(&b);
        n++;
    }
    fclose(f);
    assert_true(n > 2000);
    assert_int_equal(bad, 0);
}

/* Random bytes and random mixtures of the mapped characters: normalisation never fails,
 * and normalising twice changes nothing (NFKC and the other steps are idempotent). */
static void test_normalize_idempotent(void **state)
{
    (void)state;
    static const char *const pieces[] = {"A",
                                         "z",
                                         " ",
                                         "\t",
                                         "\xC2\xB7",
                                         "\xE2\x88\x99",
                                         "\xE3\x86\x8D",
                                         "\xEF\xBD\xA5",
                                         "\xEF\xBC\xA1",
                                         "\xE3\x80\x80",
                                         "\xE3\x84\xB1",
                                         "\xE3\x85\x8F",
                                         "\xE1\x84\x80",
                                         "\xE1\x85\xA1",
                                         "\xE1\x86\xA8",
                                         "가",
                                         "\xEF\xBF\xA3",
                                         "\xE3\x88\x9D",
                                         "\xE3\x89\xBC",
                                         "\xEF\xBE\xA1",
                                         "\xFF",
                                         "\xE3\x84",
                                         "\xC2\xA0"};
    uint64_t x = 0x9E3779B97F4A7C15ull;
    for (int iter = 0; iter < 4000; iter++) {
        char in[256];
        size_t n = 0;
        x ^= x << 13, x ^= x >> 7, x ^= x << 17;
        size_t len = (size_t)(x % 24);
        for (size_t i = 0; i < len; i++) {
            x ^= x << 13, x ^= x >> 7, x ^= x << 17;
            if (iter % 2) { /* raw bytes */
                in[n++] = (char)(x >> 24);
            } else {
                const char *p = pieces[(x >> 20) % IAF_ARRAY_LEN(pieces)];
                size_t k = strlen(p);
                memcpy(in + n, p, k);
                n += k;
            }
        }
        iaf_buf a = {0}, b = {0};
        assert_int_equal(iaf_xwb_normalize(in, n, &a), 0);
        assert_int_equal(iaf_xwb_normalize(a.data ? a.data : "", a.len, &b), 0);
        assert_int_equal(a.len, b.len);
        if (a.len) assert_memory_equal(a.data, b.data, a.len);
        iaf_buf_free(&a);
        iaf_buf_free(&b);
    }
}

/* ---- classification ----------------------------------------------------------------- */

static void test_class_levels(void **state)
{
    (void)state;
    static const char *const names[] = {"major", "sub_major", "minor", "unit", "detailed"};
    for (int pass = 0; pass < 2; pass++) {
        iaf_xwb_class *c =
            load_class(pass ? "unit=4,major=1,detailed=5,minor=3,sub_major=2" : NULL);
        assert_int_equal(iaf_xwb_class_ncodes(c), 33);
        assert_int_equal(iaf_xwb_class_nlevels(c), 5);
        for (size_t l = 0; l < 5; l++) {
            assert_string_equal(iaf_xwb_class_level_name(c, l), names[l]);
            assert_int_equal(iaf_xwb_class_level_len(c, l), l + 1);
            assert_int_equal(iaf_xwb_class_level(c, names[l]), (int)l);
        }
        assert_int_equal(iaf_xwb_class_level(c, "section"), -1);
        assert_string_equal(iaf_xwb_class_duplicates(c), "");
        iaf_xwb_class_free(c);
    }
    iaf_xwb_class_free(NULL);
}

static void expect_class_error2(const char *text, const char *levels, const char *level_col,
                                long long line, const char *needle)
{
    iaf_xwb_class_options co;
    memset(&co, 0, sizeof co);
    co.levels = levels;
    co.level_col = level_col;
    iaf_error err;
    iaf_error_clear(&err);
    iaf_xwb_class *c = (iaf_xwb_class *)1;
    iaf_status st = iaf_xwb_class_load_memory(text, strlen(text), "bad.csv", &co, &c, &err);
    if (st == IAF_OK) fail_msg("loaded:\n%s", text);
    assert_null(c);
    if (err.line != line || !strstr(err.message, needle))
        fail_msg("line %lld '%s', expected line %lld and '%s'", err.line, err.message, line,
                 needle);
}

static void expect_class_error(const char *text, const char *levels, long long line,
                               const char *needle)
{
    expect_class_error2(text, levels, NULL, line, needle);
}

static void test_class_errors(void **state)
{
    (void)state;
    expect_class_error("code,level,title\n1,major,a\n12,sub,b\n123,sub,c\n", NULL, 4,
                       "level 'sub' has codes of 2 characters");
    /* --levels decides by length; an explicit level column must agree */
    expect_class_error2("code,level,title\n1,major,a\n1,sub,b\n", "major=1,sub=2", "level", 3,
                        "length says 'major'");
    expect_class_error("code,level,title\n1,major,a\n11,major,b\n", NULL, 3, "level 'major'");
    expect_class_error("code,level,title\n1,major,a\n12,minor,b\n1,minor,c\n", NULL, 4,
                       "codes of 2 characters");
    expect_class_error("code,title\n1,a\n", NULL, 1, "no level column");
    expect_class_error("code,level,name\n1,major,a\n", NULL, 1, "no title column");
    expect_class_error("code,title\n1,a\n123,b\n", "major=1,minor=2", 3, "no level in --levels");
    expect_class_error("code,title\n1,a\n", "major=1,minor=1", 0, "repeats");
    expect_class_error("code,level,title\n1,major,\n", NULL, 2, "empty title");
    expect_class_error("code,level,title\n", NULL, 0, "no codes");
    /* one code listed twice at one level is kept and reported (KSCO-7 has 2722 twice) */
    const char *dup = "code,level,title\n1,major,a\n12,sub,b\n12,sub,c\n";
    iaf_error err;
    iaf_xwb_class *c = NULL;
    assert_int_equal(iaf_xwb_class_load_memory(dup, strlen(dup), "dup.csv", NULL, &c, &err),
                     IAF_OK);
    assert_string_equal(iaf_xwb_class_duplicates(c), "12 (lines 3, 4)");
    iaf_xwb_class_free(c);
    /* two levels with one code length cannot nest */
    expect_class_error("code,level,title\n1,major,a\n2,sub,b\n", NULL, 0, "both have codes");
}

/* ---- values ------------------------------------------------------------------------- */

static void test_values(void **state)
{
    (void)state;
    iaf_error err;
    iaf_xwb_values *v = NULL;
    /* a long table: rows of one label are summed; first-appearance order */
    const char *lng = "sex,occupation,count\n남자,a,3\n여자,b,2\n여자,a,4\n";
    iaf_xwb_values_options vo;
    memset(&vo, 0, sizeof vo);
    vo.label_col = "occupation";
    assert_int_equal(iaf_xwb_values_load_memory(lng, strlen(lng), "l.csv", &vo, &v, &err), IAF_OK);
    assert_int_equal(iaf_xwb_values_count(v), 2);
    iaf_xwb_class *c = load_class(NULL);
    iaf_xwb_options o;
    iaf_xwb_options_init(&o);
    o.level = "major";
    iaf_xwb_result *r = build(c, v, &o);
    assert_true(r->has_mass);
    assert_float_equal(find(r, "a")->mass, 7, 0);
    assert_float_equal(r->total_mass, 9, 0);
    assert_true(iaf_sv_eq_str(r->labels[0].label, "a"));
    iaf_xwb_result_free(r);
    iaf_xwb_values_free(v);

    /* a bare list: no masses, commas quoted, the BOM dropped */
    const char *lst = "\xEF\xBB\xBF관리자\n\"x, y\"\n관리자\n";
    vo.label_col = NULL;
    vo.no_header = 1;
    assert_int_equal(iaf_xwb_values_load_memory(lst, strlen(lst), "l.txt", &vo, &v, &err), IAF_OK);
    assert_int_equal(iaf_xwb_values_count(v), 2);
    r = build(c, v, &o);
    assert_false(r->has_mass);
    expect_label(r, "관리자", IAF_XWB_EXACT, "1", 1, "1", 1.0);
    assert_int_equal(r->n[IAF_XWB_UNMATCHED], 1);
    iaf_xwb_result_free(r);
    iaf_xwb_values_free(v);

    /* errors name the line of the file as written */
    const char *bad = "occupation,count\na,1\nb,-2\n";
    assert_int_equal(iaf_xwb_values_load_memory(bad, strlen(bad), "b.csv", NULL, &v, &err),
                     IAF_ERR_PARSE);
    assert_int_equal(err.line, 3);
    assert_null(v);
    const char *bad2 = "a\n\"b\n";
    vo.no_header = 1;
    assert_int_not_equal(iaf_xwb_values_load_memory(bad2, strlen(bad2), "b2.txt", &vo, &v, &err),
                         IAF_OK);
    assert_int_equal(err.line, 2);
    const char *two = "a,b\n";
    assert_int_equal(iaf_xwb_values_load_memory(two, strlen(two), "t.txt", &vo, &v, &err),
                     IAF_ERR_PARSE);
    assert_int_equal(err.line, 1);
    vo.no_header = 0;
    vo.count_col = "n";
    assert_int_equal(iaf_xwb_values_load_memory(lng, strlen(lng), "l.csv", &vo, &v, &err),
                     IAF_ERR_INVALID);
    assert_non_null(strstr(err.message, "no count column 'n'"));
    iaf_xwb_class_free(c);
}

/* ---- building ----------------------------------------------------------------------- */

static void test_rollup_by_prefix(void **state)
{
    (void)state;
    iaf_xwb_class *c = load_class(NULL);
    iaf_xwb_values *v = load_values();
    iaf_xwb_options o;
    iaf_xwb_options_init(&o);
    static const char *const levels[] = {"major", "sub_major", "minor", "unit", "detailed"};
    static const char *const want[] = {"1", "11", "111", "1110", "11100"};
    for (size_t l = 0; l < 5; l++) {
        o.level = levels[l];
        iaf_xwb_result *r = build(c, v, &o);
        /* the unit 1110 and the detailed 11100 share the title: the detailed one is kept */
        expect_label(r, "정부행정 관리자", IAF_XWB_EXACT, "11100", 1, want[l], 1.0);
        assert_false(find(r, "정부행정 관리자")->ambiguous);
        expect_label(r, "ａｉ　엔지니어", IAF_XWB_NORMALIZED, "23215", 1,
                     (const char *[]){"2", "23", "232", "2321", "23215"}[l], 1.0);
        /* a major group's own title matches only when rolling up to major */
        if (l == 0) {
            expect_label(r, "관리자", IAF_XWB_EXACT, "1", 1, "1", 1.0);
        } else {
            expect_label(r, "관리자", IAF_XWB_UNMATCHED, "", 0);
            assert_true(iaf_sv_eq_str(find(r, "관리자")->hint, "title of major 1"));
        }
        iaf_xwb_result_free(r);
    }
    /* --to title */
    o.level = "sub_major";
    o.to_title = 1;
    iaf_xwb_result *r = build(c, v, &o);
    expect_label(r, "ａｉ　엔지니어", IAF_XWB_NORMALIZED, "23215", 1, "공학 전문가 및 기술직", 1.0);
    iaf_xwb_result_free(r);
    /* an unknown level */
    o.level = "section";
    iaf_error err;
    iaf_xwb_result *bad = NULL;
    assert_int_equal(iaf_xwb_build(c, v, &o, &bad, &err), IAF_ERR_INVALID);
    assert_non_null(strstr(err.message, "levels: major, sub_major, minor, unit, detailed"));
    iaf_xwb_values_free(v);
    iaf_xwb_class_free(c);
}

static void test_exact_before_normalized(void **state)
{
    (void)state;
    iaf_xwb_class *c = load_class(NULL);
    iaf_xwb_values *v = load_values();
    iaf_xwb_options o;
    iaf_xwb_options_init(&o);
    o.level = "detailed";
    iaf_xwb_result *r = build(c, v, &o);
    /* U+00B7 as written: only 23213, though 23214 normalises to the same text */
    expect_label(r, "농약·비료 기술자 및 연구원", IAF_XWB_EXACT, "23213", 1, "23213", 1.0);
    assert_false(find(r, "농약·비료 기술자 및 연구원")->ambiguous);
    /* U+318D matches neither as written; normalised it matches both, split equally */
    expect_label(r, "농약ㆍ비료 기술자 및 연구원", IAF_XWB_NORMALIZED, "23213 23214", 2, "23213",
                 0.5, "23214", 0.5);
    assert_true(find(r, "농약ㆍ비료 기술자 및 연구원")->ambiguous);
    assert_true(find(r, "농약ㆍ비료 기술자 및 연구원")->split);
    iaf_xwb_result_free(r);

    /* rolled up to minor, the two codes meet: ambiguous but not split */
    o.level = "minor";
    r = build(c, v, &o);
    expect_label(r, "농약ㆍ비료 기술자 및 연구원", IAF_XWB_NORMALIZED, "23213 23214", 1, "232",
                 1.0);
    assert_true(find(r, "농약ㆍ비료 기술자 및 연구원")->ambiguous);
    assert_false(find(r, "농약ㆍ비료 기술자 및 연구원")->split);
    iaf_xwb_result_free(r);

    /* exact only: the U+318D and full-width labels stay unmatched */
    o.match_normalized = 0;
    r = build(c, v, &o);
    expect_label(r, "농약ㆍ비료 기술자 및 연구원", IAF_XWB_UNMATCHED, "", 0);
    expect_label(r, "ａｉ　엔지니어", IAF_XWB_UNMATCHED, "", 0);
    expect_label(r, "농약·비료 기술자 및 연구원", IAF_XWB_EXACT, "23213", 1, "232", 1.0);
    iaf_xwb_result_free(r);

    /* normalized only: every title match is "normalized", and the U+00B7 label now sees
     * both codes */
    o.match_normalized = 1;
    o.match_exact = 0;
    r = build(c, v, &o);
    expect_label(r, "농약·비료 기술자 및 연구원", IAF_XWB_NORMALIZED, "23213 23214", 1, "232", 1.0);
    expect_label(r, "정부행정 관리자", IAF_XWB_NORMALIZED, "11100", 1, "111", 1.0);
    iaf_xwb_result_free(r);
    iaf_xwb_values_free(v);
    iaf_xwb_class_free(c);
}

static void test_ambiguity(void **state)
{
    (void)state;
    iaf_xwb_class *c = load_class(NULL);
    iaf_xwb_values *v = load_values();
    iaf_xwb_options o;
    iaf_xwb_options_init(&o);
    o.level = "major";
    iaf_xwb_result *r = build(c, v, &o);
    /* three codes, equal weights per code, summed per target: 2 gets 2/3, 3 gets 1/3 */
    expect_label(r, "상담 전문가", IAF_XWB_EXACT, "24111 25111 31111", 2, "2", 2.0 / 3, "3",
                 1.0 / 3);
    assert_true(find(r, "상담 전문가")->split);
    assert_int_equal(r->n_ambiguous, 2); /* with the U+318D label */
    assert_int_equal(r->n_split, 1);
    iaf_xwb_result_free(r);
    o.level = "sub_major";
    r = build(c, v, &o);
    expect_label(r, "상담 전문가", IAF_XWB_EXACT, "24111 25111 31111", 3, "24", 1.0 / 3, "25",
                 1.0 / 3, "31", 1.0 / 3);
    iaf_xwb_result_free(r);
    /* --strict refuses it, naming the classification line of the first code */
    o.strict = 1;
    iaf_error err;
    iaf_xwb_result *bad = NULL;
    assert_int_equal(iaf_xwb_build(c, v, &o, &bad, &err), IAF_ERR_INVALID);
    assert_null(bad);
    assert_non_null(strstr(err.message, "상담 전문가"));
    assert_int_equal(err.line, 21);
    /* ... but not a title whose codes meet after roll-up */
    const char *one = "occupation,count\n농약ㆍ비료 기술자 및 연구원,1\n";
    iaf_xwb_values *v1 = NULL;
    assert_int_equal(iaf_xwb_values_load_memory(one, strlen(one), "o.csv", NULL, &v1, &err),
                     IAF_OK);
    r = build(c, v1, &o);
    expect_label(r, "농약ㆍ비료 기술자 및 연구원", IAF_XWB_NORMALIZED, "23213 23214", 1, "23", 1.0);
    iaf_xwb_result_free(r);
    iaf_xwb_values_free(v1);
    iaf_xwb_values_free(v);
    iaf_xwb_class_free(c);
}

static void test_rules_and_exclusions(void **state)
{
    (void)state;
    iaf_xwb_class *c = load_class(NULL);
    iaf_xwb_values *v = load_values();
    iaf_crosswalk *rules = load_cw(XW_DIR "mini_rules.csv");
    iaf_xwb_options o;
    iaf_xwb_options_init(&o);
    o.level = "major";
    o.rules = rules;
    const char *excl[] = {"무직"};
    const char *excl_re[] = {"전직 .*, 현재 구직중"};
    o.exclude = excl;
    o.nexclude = 1;
    o.exclude_regex = excl_re;
    o.nexclude_regex = 1;
    iaf_xwb_result *r = build(c, v, &o);
    /* rank title 장교 is at A01, A011 and A0110: the most specific one is kept */
    expect_label(r, "육군 장교", IAF_XWB_RULE, "A0110", 1, "A", 1.0);
    expect_label(r, "해병대 부사관", IAF_XWB_RULE, "A0200", 1, "A", 1.0);
    expect_label(r, "공군 사관생도", IAF_XWB_RULE, "A0", 1, "A", 1.0); /* a code */
    expect_label(r, "군무원", IAF_XWB_RULE, "", 0);
    assert_true(find(r, "군무원")->dropped);
    expect_label(r, "무직", IAF_XWB_EXCLUDED, "", 0);
    expect_label(r, "전직 상담 전문가, 현재 구직중", IAF_XWB_EXCLUDED, "", 0);
    expect_label(r, "외계인", IAF_XWB_UNMATCHED, "", 0);
    /* a title match wins over rules: 관리자 is a title (major 1) */
    expect_label(r, "관리자", IAF_XWB_EXACT, "1", 1, "1", 1.0);
    /* the totals, counted by hand from mini_values.csv */
    assert_int_equal(r->nlabels, 13);
    assert_int_equal(r->n[IAF_XWB_EXACT], 4);
    assert_int_equal(r->n[IAF_XWB_NORMALIZED], 2);
    assert_int_equal(r->n[IAF_XWB_RULE], 4);
    assert_int_equal(r->n[IAF_XWB_EXCLUDED], 2);
    assert_int_equal(r->n[IAF_XWB_UNMATCHED], 1);
    assert_int_equal(r->n_dropped, 1);
    assert_float_equal(r->total_mass, 1000, 1e-9);
    assert_float_equal(r->mass[IAF_XWB_EXACT], 260, 1e-9);
    assert_float_equal(r->mass[IAF_XWB_NORMALIZED], 150, 1e-9);
    assert_float_equal(r->mass[IAF_XWB_RULE], 140, 1e-9);
    assert_float_equal(r->mass[IAF_XWB_EXCLUDED], 415, 1e-9);
    assert_float_equal(r->mass_dropped, 20, 1e-9);
    assert_float_equal(r->mass_mapped, 530, 1e-9);

    iaf_buf s = {0};
    iaf_error err;
    assert_int_equal(iaf_xwb_write_summary(r, &s, &err), IAF_OK);
    assert_non_null(strstr(s.data, "mapped mass 530 = 53.0000% of all 1000; 90.5983% of the 585"));
    iaf_buf_free(&s);
    iaf_xwb_result_free(r);

    /* a rule target coarser than the roll-up level, and one that resolves to nothing */
    o.level = "detailed";
    iaf_xwb_result *bad = NULL;
    assert_int_equal(iaf_xwb_build(c, v, &o, &bad, &err), IAF_ERR_INVALID);
    assert_non_null(strstr(err.message, "'A0'"));
    assert_non_null(strstr(err.message, "coarser"));
    iaf_crosswalk_free(rules);
    const char *nowhere = "from,to,match\n(육군|해병대) (장교|부사관),병장,regex\n";
    iaf_crosswalk *r2 = NULL;
    assert_int_equal(iaf_crosswalk_load_memory(nowhere, strlen(nowhere), "r2.csv", &r2, &err),
                     IAF_OK);
    o.rules = r2;
    o.level = "major";
    assert_int_equal(iaf_xwb_build(c, v, &o, &bad, &err), IAF_ERR_INVALID);
    assert_string_equal(err.file, "r2.csv");
    assert_non_null(strstr(err.message, "'병장'"));
    iaf_crosswalk_free(r2);
    /* a rule target given as a title with a different middle dot resolves normalised */
    const char *dotted = "from,to\n비료 연구,농약ㆍ비료 기술자 및 연구원\n";
    const char *vals = "occupation,count\n비료 연구,5\n";
    iaf_crosswalk *r3 = NULL;
    iaf_xwb_values *v3 = NULL;
    assert_int_equal(iaf_crosswalk_load_memory(dotted, strlen(dotted), "r3.csv", &r3, &err),
                     IAF_OK);
    assert_int_equal(iaf_xwb_values_load_memory(vals, strlen(vals), "v3.csv", NULL, &v3, &err),
                     IAF_OK);
    o.rules = r3;
    o.level = "detailed";
    o.exclude = NULL, o.nexclude = 0, o.exclude_regex = NULL, o.nexclude_regex = 0;
    r = build(c, v3, &o);
    expect_label(r, "비료 연구", IAF_XWB_RULE, "23213 23214", 2, "23213", 0.5, "23214", 0.5);
    assert_true(find(r, "비료 연구")->ambiguous);
    iaf_xwb_result_free(r);
    iaf_crosswalk_free(r3);
    iaf_xwb_values_free(v3);
    /* a bad exclusion pattern is reported */
    const char *bre[] = {"(unclosed"};
    o.rules = NULL;
    o.exclude_regex = bre;
    o.nexclude_regex = 1;
    assert_int_not_equal(iaf_xwb_build(c, v, &o, &bad, &err), IAF_OK);
    assert_string_equal(err.file, "--exclude-regex");
    iaf_xwb_values_free(v);
    iaf_xwb_class_free(c);
}

static void test_compose(void **state)
{
    (void)state;
    iaf_xwb_class *c = load_class(NULL);
    iaf_xwb_values *v = load_values();
    iaf_crosswalk *rules = load_cw(XW_DIR "mini_rules.csv");
    iaf_crosswalk *comp = load_cw(XW_DIR "mini_compose.csv");
    iaf_xwb_options o;
    iaf_xwb_options_init(&o);
    o.level = "sub_major";
    o.rules = rules;
    o.compose = comp;
    o.to_title = 1; /* ignored with compose: the compose file is keyed by code */
    const char *excl[] = {"무직", "전직 상담 전문가, 현재 구직중"};
    o.exclude = excl;
    o.nexclude = 2;
    iaf_xwb_result *r = build(c, v, &o);
    expect_label(r, "정부행정 관리자", IAF_XWB_EXACT, "11100", 1, "관리직", 1.0);     /* via 1 */
    expect_label(r, "ａｉ　엔지니어", IAF_XWB_NORMALIZED, "23215", 1, "공학직", 1.0); /* 23 */
    /* 24 and 25 have no row: their major 2 does; 31 -> 3 */
    expect_label(r, "상담 전문가", IAF_XWB_EXACT, "24111 25111 31111", 2, "사무직", 1.0 / 3,
                 "전문직", 2.0 / 3);
    /* the armed forces are dropped by the compose file */
    expect_label(r, "육군 장교", IAF_XWB_RULE, "A0110", 0);
    assert_true(find(r, "육군 장교")->dropped);
    assert_int_equal(r->n_dropped, 4); /* 장교, 부사관, 사관생도 (compose), 군무원 (rule) */
    iaf_xwb_result_free(r);
    iaf_crosswalk_free(comp);

    /* a compose file that drops part of a label, and one missing a code */
    iaf_error err;
    iaf_xwb_result *bad = NULL;
    const char *part = "from,to\n1,a\n2,b\n3,\nA,\n";
    assert_int_equal(iaf_crosswalk_load_memory(part, strlen(part), "part.csv", &comp, &err),
                     IAF_OK);
    o.compose = comp;
    assert_int_equal(iaf_xwb_build(c, v, &o, &bad, &err), IAF_ERR_INVALID);
    assert_non_null(strstr(err.message, "상담 전문가"));
    assert_non_null(strstr(err.message, "drops"));
    iaf_crosswalk_free(comp);
    /* with a compose file a rule target coarser than the roll-up level (A0 at detailed)
     * is looked up there as it is */
    const char *coarse = "from,to\n1,a\n2,b\n3,c\nA0,d\n";
    assert_int_equal(iaf_crosswalk_load_memory(coarse, strlen(coarse), "c.csv", &comp, &err),
                     IAF_OK);
    o.compose = comp;
    o.level = "detailed";
    r = build(c, v, &o);
    expect_label(r, "공군 사관생도", IAF_XWB_RULE, "A0", 1, "d", 1.0);
    expect_label(r, "육군 장교", IAF_XWB_RULE, "A0110", 1, "d", 1.0);
    expect_label(r, "상담 전문가", IAF_XWB_EXACT, "24111 25111 31111", 2, "b", 2.0 / 3, "c",
                 1.0 / 3);
    iaf_buf tb = {0};
    assert_int_equal(iaf_xwb_write_targets(r, &tb, &err), IAF_OK);
    assert_string_equal(tb.data, "to,mass,labels\na,100,1\nb,280,4\nc,20,1\nd,120,3\n");
    iaf_buf_free(&tb);
    iaf_xwb_result_free(r);
    iaf_crosswalk_free(comp);
    o.level = "sub_major";
    const char *miss = "from,to\n2,b\n3,c\nA,\n";
    assert_int_equal(iaf_crosswalk_load_memory(miss, strlen(miss), "miss.csv", &comp, &err),
                     IAF_OK);
    o.compose = comp;
    assert_int_equal(iaf_xwb_build(c, v, &o, &bad, &err), IAF_ERR_INVALID);
    assert_string_equal(err.file, "miss.csv");
    assert_non_null(strstr(err.message, "no row for code '11'"));
    iaf_crosswalk_free(comp);
    iaf_crosswalk_free(rules);
    iaf_xwb_values_free(v);
    iaf_xwb_class_free(c);
}

/* The written crosswalk loads with the crosswalk module and maps every label as the
 * result says; the report lists what did not map, largest mass first. */
static void test_writers_round_trip(void **state)
{
    (void)state;
    iaf_xwb_class *c = load_class(NULL);
    iaf_xwb_values *v = load_values();
    iaf_crosswalk *rules = load_cw(XW_DIR "mini_rules.csv");
    iaf_xwb_options o;
    iaf_xwb_options_init(&o);
    o.level = "major";
    o.rules = rules;
    const char *excl[] = {"무직"};
    o.exclude = excl;
    o.nexclude = 1;
    iaf_xwb_result *r = build(c, v, &o);
    iaf_buf b = {0};
    iaf_error err;
    assert_int_equal(iaf_xwb_write_crosswalk(r, "not a comment\n", &b, &err), IAF_ERR_INVALID);
    b.len = 0;
    assert_int_equal(iaf_xwb_write_crosswalk(r, "# provenance\n\n# more", &b, &err), IAF_OK);
    assert_int_equal(strncmp(b.data, "# provenance\n\n# more\nfrom,to,weight,match,note\n", 46), 0);
    assert_non_null(strstr(b.data, "\n상담 전문가,2,0.6666666666666666,exact,exact 24111 25111 "
                                   "31111 ambiguous\n"));
    assert_non_null(strstr(b.data, "\n군무원,,,exact,rule dropped\n"));
    assert_non_null(strstr(b.data, "\n육군 장교,A,1,exact,rule A0110\n"));
    assert_null(strstr(b.data, "\n무직,")); /* excluded labels are left out ... */
    iaf_crosswalk *back = NULL;
    if (iaf_crosswalk_load_memory(b.data, b.len, "built.csv", &back, &err) != IAF_OK)
        fail_msg("reload: line %lld: %s", err.line, err.message);
    for (size_t i = 0; i < r->nlabels; i++) {
        const iaf_xwb_label *L = &r->labels[i];
        iaf_sv t[IAF_CROSSWALK_MAX_TARGETS];
        double w[IAF_CROSSWALK_MAX_TARGETS];
        int dropped = 0;
        size_t k = iaf_crosswalk_map(back, L->label, t, w, IAF_CROSSWALK_MAX_TARGETS, &dropped);
        assert_int_equal(k, L->ntargets);
        assert_int_equal(dropped, L->dropped);
        for (size_t j = 0; j < k; j++) {
            assert_int_equal(iaf_sv_cmp(t[j], L->targets[j].to), 0);
            assert_true(w[j] == L->targets[j].weight);
        }
    }
    iaf_crosswalk_free(back);
    /* ... unless drop_excluded lists them with an empty `to` */
    iaf_xwb_result_free(r);
    o.drop_excluded = 1;
    r = build(c, v, &o);
    b.len = 0;
    assert_int_equal(iaf_xwb_write_crosswalk(r, NULL, &b, &err), IAF_OK);
    assert_non_null(strstr(b.data, "\n무직,,,exact,excluded: outside the universe\n"));
    back = NULL;
    assert_int_equal(iaf_crosswalk_load_memory(b.data, b.len, "dx.csv", &back, &err), IAF_OK);
    int dropped = 0;
    iaf_sv t1;
    assert_int_equal(
        iaf_crosswalk_map(back, (iaf_sv){"무직", strlen("무직")}, &t1, NULL, 1, &dropped), 0);
    assert_int_equal(dropped, 1);
    iaf_crosswalk_free(back);
    b.len = 0;
    assert_int_equal(iaf_xwb_write_report(r, &b, &err), IAF_OK);
    const char *want = "label,status,count,share,detail\n"
                       "무직,excluded,400,0.4,excluded from the universe\n"
                       "농약ㆍ비료 기술자 및 연구원,ambiguous,80,0.08,normalized 23213 23214; "
                       "same target after roll-up\n"
                       "상담 전문가,ambiguous,60,0.06,exact 24111 25111 31111; split equally "
                       "over 2 targets\n"
                       "외계인,unmatched,35,0.035,\n"
                       "군무원,dropped,20,0.02,rule; dropped by an empty `to`\n"
                       "\"전직 상담 전문가, 현재 구직중\",unmatched,15,0.015,\n";
    if (strncmp(b.data, want, strlen(want)) != 0) fail_msg("report:\n%s", b.data);
    iaf_buf_free(&b);
    iaf_xwb_result_free(r);
    iaf_crosswalk_free(rules);
    iaf_xwb_values_free(v);
    iaf_xwb_class_free(c);
}

/* Every committed NPK crosswalk (built or hand-written) loads with the crosswalk module
 * that audits use; the built ones map every employed label. */
/* ---- word forms and the words / head matchers (English titles) --------------------- */

static void expect_words(const char *in, const char *want)
{
    static const char *const ign[] = {"and", "OR", "of"};
    iaf_buf b = {0};
    assert_int_equal(iaf_xwb_word_form(in, strlen(in), ign, 3, &b), 0);
    const char *got = b.data ? b.data : "";
    if (strcmp(got, want) != 0) fail_msg("word_form('%s') = '%s', expected '%s'", in, got, want);
    iaf_buf_free(&b);
}

static void test_word_form(void **state)
{
    (void)state;
    expect_words("Fast food and counter workers", "fast food counter worker");
    expect_words("fast_food_or_counter_worker", "fast food counter worker");
    expect_words("First-line supervisors of retail sales workers",
                 "first line supervisor retail sale worker");
    expect_words("Secretaries", "secretary");                  /* ies -> y */
    expect_words("Waiters and waitresses", "waiter waitress"); /* sses */
    expect_words("Coaches, dishes, boxes, buzzes", "coach dish box buzz");
    expect_words("Nurses", "nurse");                                /* a plain s */
    expect_words("gas bus its", "gas bus its");                     /* 3 bytes or fewer stay */
    expect_words("Census analysis glass", "census analysis glass"); /* us, is, ss stay */
    expect_words("Nurse midwives", "nurse midwive");   /* irregular plurals stay wrong */
    expect_words("  AND__Or--of  ", "");               /* only ignored words */
    expect_words("Cafés workers", "cafés worker");     /* a non-ASCII word keeps its s */
    expect_words("ＣＡＲＰＥＮＴＥＲＳ", "carpenter"); /* normalised first (full width) */
    expect_words("R2-D2s", "r2 d2s");
    /* no ignore list: every word counts */
    iaf_buf b = {0};
    assert_int_equal(iaf_xwb_word_form("Cooks and bakers", 16, NULL, 0, &b), 0);
    assert_string_equal(b.data, "cook and baker");
    iaf_buf_free(&b);
}

static const char en_class[] =
    "code,title,level\n"
    "1,Construction occupations,group\n"
    "1001,Carpenters,line\n"
    "1002,Construction laborers,line\n"
    "1003,Other construction workers,line\n"
    "2,Office occupations,group\n"
    "2001,\"Secretaries and administrative assistants, except legal, medical, and "
    "executive\",line\n"
    "2002,Legal secretaries and administrative assistants,line\n"
    "2003,\"Packers and packagers, hand\",line\n"
    "2004,\"Sales representatives, wholesale and manufacturing\",line\n"
    "2005,\"Sales representatives, services\",line\n";

static const char en_values[] = "occupation,count\n"
                                "carpenter,10\n"
                                "Carpenters,1\n"
                                "construction_laborer,20\n"
                                "construction_worker,30\n"
                                "secretary_or_administrative_assistant,40\n"
                                "legal_secretary_or_administrative_assistant,5\n"
                                "packer_or_packager,6\n"
                                "sales_representative,8\n"
                                "sales_representative_wholesale_or_manufacturing,7\n"
                                "construction_occupation,2\n"
                                "and_or,3\n";

static void test_words_and_head(void **state)
{
    (void)state;
    iaf_error err;
    iaf_xwb_class *c = NULL;
    iaf_xwb_values *v = NULL;
    assert_int_equal(
        iaf_xwb_class_load_memory(en_class, strlen(en_class), "en.csv", NULL, &c, &err), IAF_OK);
    assert_int_equal(
        iaf_xwb_values_load_memory(en_values, strlen(en_values), "v.csv", NULL, &v, &err), IAF_OK);
    static const char *const ign[] = {"and", "or", "of", "other"};
    iaf_xwb_options o;
    iaf_xwb_options_init(&o);
    o.level = "line";
    o.to_title = 1;
    o.match_words = o.match_head = 1;
    o.ignore_words = ign;
    o.nignore_words = 4;
    iaf_xwb_result *r = build(c, v, &o);
    expect_label(r, "Carpenters", IAF_XWB_EXACT, "1001", 1, "Carpenters", 1.0);
    expect_label(r, "carpenter", IAF_XWB_WORDS, "1001", 1, "Carpenters", 1.0);
    expect_label(r, "construction_laborer", IAF_XWB_WORDS, "1002", 1, "Construction laborers", 1.0);
    /* "other" is ignored: the residual line */
    expect_label(r, "construction_worker", IAF_XWB_WORDS, "1003", 1, "Other construction workers",
                 1.0);
    /* the qualifier after the comma is left out; the legal line keeps its own words */
    expect_label(r, "secretary_or_administrative_assistant", IAF_XWB_HEAD, "2001", 1,
                 "Secretaries and administrative assistants, except legal, medical, and "
                 "executive",
                 1.0);
    expect_label(r, "legal_secretary_or_administrative_assistant", IAF_XWB_WORDS, "2002", 1,
                 "Legal secretaries and administrative assistants", 1.0);
    expect_label(r, "packer_or_packager", IAF_XWB_HEAD, "2003", 1, "Packers and packagers, hand",
                 1.0);
    /* the whole title wins over a head; a head of two titles splits and is ambiguous */
    expect_label(r, "sales_representative_wholesale_or_manufacturing", IAF_XWB_WORDS, "2004", 1,
                 "Sales representatives, wholesale and manufacturing", 1.0);
    expect_label(r, "sales_representative", IAF_XWB_HEAD, "2004 2005", 2,
                 "Sales representatives, services", 0.5,
                 "Sales representatives, wholesale and manufacturing", 0.5);
    assert_true(find(r, "sales_representative")->ambiguous);
    /* a group title is coarser than the roll-up level: unmatched, with the hint */
    expect_label(r, "construction_occupation", IAF_XWB_UNMATCHED, "", 0);
    assert_true(iaf_sv_eq_str(find(r, "construction_occupation")->hint, "title of group 1"));
    expect_label(r, "and_or", IAF_XWB_UNMATCHED, "", 0); /* no words left: never a match */
    assert_int_equal(r->n[IAF_XWB_WORDS], 5);
    assert_int_equal(r->n[IAF_XWB_HEAD], 3);
    assert_float_equal(r->mass[IAF_XWB_WORDS], 72, 1e-9);
    assert_float_equal(r->mass[IAF_XWB_HEAD], 54, 1e-9);
    assert_float_equal(r->mass_mapped, 127, 1e-9);
    iaf_buf b = {0};
    assert_int_equal(iaf_xwb_write_crosswalk(r, NULL, &b, &err), IAF_OK);
    assert_non_null(strstr(b.data, "\ncarpenter,Carpenters,1,exact,words 1001\n"));
    assert_non_null(strstr(b.data, "\npacker_or_packager,\"Packers and packagers, hand\",1,exact,"
                                   "head 2003\n"));
    b.len = 0;
    assert_int_equal(iaf_xwb_write_summary(r, &b, &err), IAF_OK);
    assert_non_null(strstr(b.data, "  words             5 labels  mass 72 "));
    assert_non_null(strstr(b.data, "  head              3 labels  mass 54 "));
    iaf_buf_free(&b);
    iaf_xwb_result_free(r);

    /* rolled up to groups, the group title matches by words */
    o.level = "group";
    r = build(c, v, &o);
    expect_label(r, "construction_occupation", IAF_XWB_WORDS, "1", 1, "Construction occupations",
                 1.0);
    expect_label(r, "sales_representative", IAF_XWB_HEAD, "2004 2005", 1, "Office occupations",
                 1.0);
    iaf_buf u0 = {0};
    assert_int_equal(iaf_xwb_write_unreached(c, r, &u0, &err), IAF_OK);
    assert_string_equal(u0.data, "code,title\n"); /* both groups reached */
    iaf_buf_free(&u0);
    iaf_xwb_result_free(r);

    /* words without head; and nothing ignored: "or" no longer matches "and" */
    o.level = "line";
    o.match_head = 0;
    r = build(c, v, &o);
    expect_label(r, "packer_or_packager", IAF_XWB_UNMATCHED, "", 0);
    expect_label(r, "carpenter", IAF_XWB_WORDS, "1001", 1, "Carpenters", 1.0);
    /* the lines no label reaches now: the three that only heads reached */
    iaf_buf u = {0};
    assert_int_equal(iaf_xwb_write_unreached(c, r, &u, &err), IAF_OK);
    assert_string_equal(u.data, "code,title\n"
                                "2001,\"Secretaries and administrative assistants, except legal, "
                                "medical, and executive\"\n"
                                "2003,\"Packers and packagers, hand\"\n"
                                "2005,\"Sales representatives, services\"\n");
    iaf_buf_free(&u);
    iaf_xwb_result_free(r);
    o.nignore_words = 0;
    r = build(c, v, &o);
    expect_label(r, "construction_laborer", IAF_XWB_WORDS, "1002", 1, "Construction laborers", 1.0);
    expect_label(r, "construction_worker", IAF_XWB_UNMATCHED, "", 0);
    expect_label(r, "legal_secretary_or_administrative_assistant", IAF_XWB_UNMATCHED, "", 0);
    iaf_xwb_result_free(r);
    /* only the word matchers on: still a valid build */
    o.match_exact = o.match_normalized = 0;
    o.nignore_words = 4;
    r = build(c, v, &o);
    expect_label(r, "Carpenters", IAF_XWB_WORDS, "1001", 1, "Carpenters", 1.0);
    iaf_xwb_result_free(r);
    iaf_xwb_values_free(v);
    iaf_xwb_class_free(c);
}

static void test_npk_crosswalks_load(void **state)
{
    (void)state;
    glob_t g;
    assert_int_equal(glob(IAF_SRC "/examples/npk/crosswalks/*.csv", 0, NULL, &g), 0);
    assert_true(g.gl_pathc >= 12);
    for (size_t i = 0; i < g.gl_pathc; i++) {
        iaf_error err;
        iaf_crosswalk *cw = NULL;
        if (iaf_crosswalk_load(g.gl_pathv[i], &cw, &err) != IAF_OK)
            fail_msg("%s:%lld: %s", g.gl_pathv[i], err.line, err.message);
        assert_true(iaf_crosswalk_nrows(cw) > 0);
        if (strstr(g.gl_pathv[i], "/npk_occupation_")) {
            assert_int_equal(iaf_crosswalk_nrows(cw), 2120); /* one row per label */
            iaf_sv t[IAF_CROSSWALK_MAX_TARGETS];
            int dropped = 0;
            assert_int_equal(iaf_crosswalk_map(cw, (iaf_sv){"건물 청소원", strlen("건물 청소원")},
                                               t, NULL, IAF_CROSSWALK_MAX_TARGETS, &dropped),
                             1);
            assert_int_equal(iaf_crosswalk_map(cw, (iaf_sv){"무직", strlen("무직")}, t, NULL,
                                               IAF_CROSSWALK_MAX_TARGETS, &dropped),
                             0);
            assert_int_equal(dropped, 1);
        }
        iaf_crosswalk_free(cw);
    }
    globfree(&g);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_normalize_middle_dots),
        cmocka_unit_test(test_normalize_width_and_space),
        cmocka_unit_test(test_normalize_jamo),
        cmocka_unit_test(test_normalize_oracle),
        cmocka_unit_test(test_normalize_idempotent),
        cmocka_unit_test(test_class_levels),
        cmocka_unit_test(test_class_errors),
        cmocka_unit_test(test_values),
        cmocka_unit_test(test_rollup_by_prefix),
        cmocka_unit_test(test_exact_before_normalized),
        cmocka_unit_test(test_ambiguity),
        cmocka_unit_test(test_rules_and_exclusions),
        cmocka_unit_test(test_compose),
        cmocka_unit_test(test_writers_round_trip),
        cmocka_unit_test(test_word_form),
        cmocka_unit_test(test_words_and_head),
        cmocka_unit_test(test_npk_crosswalks_load),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
