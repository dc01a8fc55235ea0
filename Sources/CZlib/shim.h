#ifndef ENCORE_CZLIB_SHIM_H
#define ENCORE_CZLIB_SHIM_H

#include <zlib.h>

// inflateInit2 and deflateInit2 are macros, which Swift cannot call.

/// A raw deflate stream (a ZIP entry's data: no zlib or gzip header).
static inline int encore_inflate_init_raw(z_streamp stream) {
    return inflateInit2(stream, -MAX_WBITS);
}

static inline int encore_deflate_init_raw(z_streamp stream, int level) {
    return deflateInit2(stream, level, Z_DEFLATED, -MAX_WBITS, 8, Z_DEFAULT_STRATEGY);
}

#endif
