/* libFuzzer target: the renderers that `iaf report FILE.json` runs on a document the user
 * hands over - report.json to HTML, Markdown and cells.csv, replication.json to HTML and
 * Markdown. Any input must give a rendering or an error, never a crash or a leak. */
#include <stddef.h>
#include <stdint.h>

#include "report/html.h"
#include "report/replication.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *text = (const char *)data;
    iaf_buf out = {0};
    iaf_error err;
    if (iaf_replication_is(text, size)) {
        (void)iaf_replication_html(text, size, &out, &err);
        out.len = 0;
        (void)iaf_replication_md(text, size, &out, &err);
    } else {
        (void)iaf_report_html(text, size, &out, &err);
        out.len = 0;
        (void)iaf_report_md(text, size, &out, &err);
        out.len = 0;
        (void)iaf_report_cells_csv(text, size, &out, &err);
    }
    iaf_buf_free(&out);
    return 0;
}
