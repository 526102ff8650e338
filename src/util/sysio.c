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

static int sys_rename2(const char *from, const char *to, unsigned flags)
{
    return renameat2(AT_FDCWD, from, AT_FDCWD, to, flags);
}

const iaf_sysio iaf_sysio_libc = {sys_open, read,  pread,  mmap,       write,
                                  fsync,    close, rename, sys_rename2};

iaf_sysio iaf_sys = {sys_open, read, pread, mmap, write, fsync, close, rename, sys_rename2};

void iaf_set_sysio(const iaf_sysio *table)
{
    iaf_sys = table ? *table : iaf_sysio_libc;
}

const iaf_sysio *iaf_get_sysio(void)
{
    return &iaf_sys;
}

const iaf_sysio *iaf_sysio_default(void)
{
    return &iaf_sysio_libc;
}
