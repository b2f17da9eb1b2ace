/* A tiny test harness: CHECK(cond) and CHECK_STR(a, b) record failures and
 * go on; TEST_MAIN() prints "N passed, M failed" and sets the exit status. */
#ifndef FOLIO_CHECK_H
#define FOLIO_CHECK_H

#include <stdio.h>
#include <string.h>

static int check_passed, check_failed;

#define CHECK(cond)                                                         \
    do {                                                                    \
        if (cond) check_passed++;                                           \
        else {                                                              \
            check_failed++;                                                 \
            fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__,        \
                    __LINE__, #cond);                                       \
        }                                                                   \
    } while (0)

#define CHECK_STR(a, b)                                                     \
    do {                                                                    \
        const char *check_a_ = (a), *check_b_ = (b);                        \
        if (check_a_ && check_b_ && strcmp(check_a_, check_b_) == 0)        \
            check_passed++;                                                 \
        else if (!check_a_ && !check_b_) check_passed++;                    \
        else {                                                              \
            check_failed++;                                                 \
            fprintf(stderr, "%s:%d: expected \"%s\"\n%*s got \"%s\"\n",   \
                    __FILE__, __LINE__, check_b_ ? check_b_ : "(null)",     \
                    (int)strlen(__FILE__) + 8, "", check_a_ ? check_a_ : "(null)"); \
        }                                                                   \
    } while (0)

#define CHECK_INT(a, b)                                                     \
    do {                                                                    \
        long check_a_ = (long)(a), check_b_ = (long)(b);                    \
        if (check_a_ == check_b_) check_passed++;                           \
        else {                                                              \
            check_failed++;                                                 \
            fprintf(stderr, "%s:%d: %s: expected %ld, got %ld\n", __FILE__,\
                    __LINE__, #a, check_b_, check_a_);                      \
        }                                                                   \
    } while (0)

#define TEST_MAIN(body)                                                     \
    int main(void) {                                                        \
        body;                                                               \
        printf("%d passed, %d failed\n", check_passed, check_failed);      \
        return check_failed ? 1 : 0;                                        \
    }

#endif
