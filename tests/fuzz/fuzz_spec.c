/* libFuzzer target: the audit spec loader (YAML -> spec), with no file
 * system access (base_dir NULL), then free. */
#include <stddef.h>
#include <stdint.h>

#include "audit/spec.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    iaf_spec *s = NULL;
    iaf_error err;
    if (iaf_spec_load_memory((const char *)data, size, "fuzz.yaml", NULL, &s, &err) == IAF_OK)
        iaf_spec_free(s);
    return 0;
}
