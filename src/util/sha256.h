/* src/util/sha256.h - SHA-256 (FIPS 180-4) for the reproducibility section
 * of reports: every input file is fingerprinted. */
#ifndef IAF_UTIL_SHA256_H
#define IAF_UTIL_SHA256_H

#include <stddef.h>
#include <stdint.h>

typedef struct iaf_sha256 {
    uint32_t h[8];
    uint64_t len;
    unsigned char buf[64];
    size_t nbuf;
} iaf_sha256;

void iaf_sha256_init(iaf_sha256 *s);
void iaf_sha256_update(iaf_sha256 *s, const void *data, size_t n);
void iaf_sha256_final(iaf_sha256 *s, unsigned char out[32]);
/* Hex digest of a whole file into hex[65]; returns 0, or -1 if unreadable. */
int iaf_sha256_file(const char *path, char hex[65]);

#endif
