/* libFuzzer target: the renderers that `iaf report FILE.json` runs on a document the user
 * hands over - report.json through the report model's strict loader to HTML, Markdown and
 * cells.csv, replication.json to HTML and Markdown. Any input must give a rendering or an
 * error, never a crash or a leak. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "iaf/report.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *text = (const char *)data;
    char *out = NULL;
    size_t n = 0;
    iaf_error err;
    if (iaf_replication_is(text, size)) {
        (void)iaf_replication_render_json(text, size, IAF_REPORT_FORMAT_HTML, &out, &n, &err);
        free(out);
        (void)iaf_replication_render_json(text, size, IAF_REPORT_FORMAT_MD, &out, &n, &err);
        free(out);
        return 0;
    }
    iaf_report *r = NULL;
    if (iaf_report_load(text, size, &r, &err) != IAF_OK) return 0;
    static const iaf_report_format f[] = {IAF_REPORT_FORMAT_HTML, IAF_REPORT_FORMAT_MD,
                                          IAF_REPORT_FORMAT_CELLS, IAF_REPORT_FORMAT_JSON};
    for (size_t i = 0; i < sizeof f / sizeof f[0]; i++) {
        (void)iaf_report_render(r, f[i], &out, &n, &err);
        free(out);
    }
    iaf_report_free(r);
    return 0;
}
