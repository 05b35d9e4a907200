/* Export macro for libtrilink. The library is built with -fvisibility=hidden, so only
 * declarations marked TL_API are visible to programs that link it. */
#ifndef TRILINK_API_H
#define TRILINK_API_H

#if defined(__GNUC__)
#define TL_API __attribute__((visibility("default")))
#else
#define TL_API
#endif

#endif
