/* Filling and printing the helper's error struct. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "error.h"

static void copy_word(char *dst, size_t size, const char *src)
{
    size_t i = 0;
    for (; src && src[i] && i + 1 < size; i++)
        dst[i] = (src[i] == ' ' || src[i] == '\n') ? '_' : src[i];
    dst[i] = 0;
    if (i == 0 && size > 1) {
        dst[0] = '-';
        dst[1] = 0;
    }
}

int perr_set(struct perr *e, const char *step, const char *call, int errnum,
             const char *fmt, ...)
{
    va_list ap;
    size_t n;

    copy_word(e->step, sizeof e->step, step);
    copy_word(e->call, sizeof e->call, call);
    e->err = errnum;
    va_start(ap, fmt);
    vsnprintf(e->text, sizeof e->text, fmt, ap);
    va_end(ap);
    n = strlen(e->text);
    if (errnum != 0 && n + 3 < sizeof e->text)
        snprintf(e->text + n, sizeof e->text - n, ": %s", strerror(errnum));
    for (char *p = e->text; *p; p++)
        if (*p == '\n' || *p == '\r')
            *p = ' ';
    return -1;
}

int perr_line(const struct perr *e, char *buf, int size)
{
    int n = snprintf(buf, size, "error %s %s %d %s\n", e->step, e->call, e->err, e->text);
    return n < size ? n : size - 1;
}
