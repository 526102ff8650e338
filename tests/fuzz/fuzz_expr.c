/* libFuzzer target: the expression parser, evaluator and printer (src/core/expr.c).
 *
 * Besides "no crash, no leak, no UB", it checks the printer's contract on every input that
 * parses: the canonical text parses again, prints identically (a fixed point), and
 * evaluates the same as the original on a fixed set of value tuples, including missing
 * values; for rules, A => B must agree with (not A) or B.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/expr.h"

static const char *const POOL[] = {"",     "0",    "1",  "-2.5", "1e2", "abc",
                                   "현역", "true", NULL, " 7 ",  "a\"b"};
#define NPOOL (sizeof POOL / sizeof POOL[0])
#define MAXV 64

static void fill(iaf_sv *v, size_t n, size_t round)
{
    for (size_t i = 0; i < n; i++) {
        const char *s = POOL[(i * 7 + round * 3 + i * round) % NPOOL];
        v[i] = (iaf_sv){s, s ? strlen(s) : 0};
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *text = malloc(size + 1);
    if (!text) return 0;
    memcpy(text, data, size);
    text[size] = '\0'; /* an embedded NUL simply ends the expression */
    iaf_error err;
    iaf_expr *e = NULL, *e2 = NULL;
    iaf_buf b = {0}, b2 = {0};
    if (iaf_expr_parse(text, "fuzz", &e, &err) != IAF_OK) goto done;
    if (iaf_expr_to_string(e, &b) != 0) abort();
    if (iaf_expr_parse(b.data, "canonical", &e2, &err) != IAF_OK) abort();
    if (iaf_expr_to_string(e2, &b2) != 0 || strcmp(b.data, b2.data) != 0) abort();
    size_t n = iaf_expr_nvars(e);
    if (n != iaf_expr_nvars(e2)) abort();
    for (size_t i = 0; i < n; i++)
        if (strcmp(iaf_expr_var(e, i), iaf_expr_var(e2, i)) != 0) abort();
    if (n <= MAXV) {
        iaf_sv v[MAXV];
        const iaf_expr *a = NULL, *c = NULL;
        int rule = iaf_expr_implication(e, &a, &c);
        for (size_t round = 0; round < 12; round++) {
            fill(v, n, round);
            int r = iaf_expr_eval(e, v);
            if (r != iaf_expr_eval(e2, v)) abort();
            if (rule && r != (!iaf_expr_eval(a, v) || iaf_expr_eval(c, v))) abort();
        }
    }
done:
    iaf_buf_free(&b);
    iaf_buf_free(&b2);
    iaf_expr_free(e);
    iaf_expr_free(e2);
    free(text);
    return 0;
}
