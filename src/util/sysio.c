/* src/util/sysio.c - see sysio.h. */
#include "util/sysio.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>

static int sys_open(const char *path, int flags, mode_t mode)
{
    return open(path, flags, mode);
}

const iaf_sysio iaf_sysio_libc = {sys_open, read,  pread, mmap,  mkstemp,
                                  write,    fsync, close, rename};

iaf_sysio iaf_sys = {sys_open, read, pread, mmap, mkstemp, write, fsync, close, rename};
