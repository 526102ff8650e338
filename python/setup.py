"""Build of the iaf extension module (one abi3 module for CPython >= 3.11).

The module links libiaf.a from the project's CMake build (position-independent,
every symbol but the public API hidden), so it uses exactly the library the
tool and the tests use. The build directory is $IAF_BUILD_DIR, else the
repository's build/ ($IAF_SOURCE_DIR, else the parent of this directory) (what `make demo`, `make build` and `make test` make); if
libiaf.a is not there yet it is built with CMake first. The libraries libiaf
depends on are the ones its iaf.pc names, found with pkg-config.
"""

import os
import shlex
import subprocess
import sys

from setuptools import Extension, setup

HERE = os.path.dirname(os.path.abspath(__file__))
# the repository: python/ is one of its directories, unless the package was copied
ROOT = os.path.abspath(os.environ.get("IAF_SOURCE_DIR") or os.path.dirname(HERE))


def build_dir():
    d = os.environ.get("IAF_BUILD_DIR") or os.path.join(ROOT, "build")
    return os.path.abspath(d)


def ensure_library(bdir):
    lib = os.path.join(bdir, "libiaf.a")
    if os.path.exists(lib) and os.path.exists(os.path.join(bdir, "iaf.pc")):
        return lib
    if not os.path.exists(os.path.join(ROOT, "CMakeLists.txt")):
        sys.exit("iaf: %s not found and no source tree to build it from" % lib)
    print("iaf: building libiaf in %s" % bdir, file=sys.stderr)
    if not os.path.exists(os.path.join(bdir, "CMakeCache.txt")):
        subprocess.check_call(["cmake", "-S", ROOT, "-B", bdir,
                               "-DCMAKE_BUILD_TYPE=RelWithDebInfo"])
    subprocess.check_call(["cmake", "--build", bdir, "--target", "iaf", "-j",
                           str(os.cpu_count() or 2)])
    return lib


def private_deps(pc):
    """The Requires.private modules and Libs.private flags of iaf.pc."""
    mods, libs = [], []
    with open(pc, encoding="utf-8") as f:
        for line in f:
            key, _, val = line.partition(":")
            if key.strip() == "Requires.private":
                mods = val.split()
            elif key.strip() == "Libs.private":
                libs = shlex.split(val)
    if mods:
        out = subprocess.check_output(["pkg-config", "--libs"] + mods, text=True)
        libs = shlex.split(out) + libs
    return libs


bdir = build_dir()
lib = ensure_library(bdir)
deps = private_deps(os.path.join(bdir, "iaf.pc"))
# setuptools joins source paths to the setup directory itself
srcs = ["src/_iaf.c", "src/columns.c", "src/arrow.c"]

ext = Extension(
    "iaf._iaf",
    sources=srcs,
    include_dirs=[os.path.join(ROOT, "include"), os.path.join(HERE, "src")],
    define_macros=[("Py_LIMITED_API", "0x030B0000")],
    py_limited_api=True,
    extra_compile_args=["-std=c11", "-D_GNU_SOURCE", "-Wall", "-Wextra", "-Wno-unused-parameter",
                        "-Wno-missing-field-initializers", "-Wno-cast-function-type"],
    extra_objects=[lib],
    extra_link_args=deps,
    depends=[lib, "src/columns.h", "src/arrow.h", "src/arrow_abi.h"],
)

def version():
    parts = {}
    with open(os.path.join(ROOT, "include", "iaf", "version.h"), encoding="utf-8") as f:
        for line in f:
            w = line.split()
            if len(w) == 3 and w[0] == "#define" and w[1] in (
                    "IAF_VERSION_MAJOR", "IAF_VERSION_MINOR", "IAF_VERSION_PATCH"):
                parts[w[1]] = w[2]
    return "%s.%s.%s" % (parts["IAF_VERSION_MAJOR"], parts["IAF_VERSION_MINOR"],
                         parts["IAF_VERSION_PATCH"])


setup(version=version(), ext_modules=[ext])
