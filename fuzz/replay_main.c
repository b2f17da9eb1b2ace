/* replay_main: runs a fuzz target's LLVMFuzzerTestOneInput on files, without
 * libFuzzer, so that any compiler and build type can replay the inputs in
 * tests/regress/ (tests/regress.cmake builds fuzz_<stage>.c with this).
 *
 *   replay_<stage> [--max-seconds S] FILE...
 *
 * Exits 0 when every input ran to its end within S seconds (default 10: a
 * fuzzer's -timeout).  A crash or a sanitizer report ends the process,
 * which CTest reports as a failure; a hang is caught by the test's
 * TIMEOUT. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "base/file.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
__attribute__((weak)) int LLVMFuzzerInitialize(int *argc, char ***argv);

int main(int argc, char **argv)
{
    double max_s = 10;
    if (LLVMFuzzerInitialize) LLVMFuzzerInitialize(&argc, &argv);
    int slow = 0;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--max-seconds") && i + 1 < argc) {
            max_s = atof(argv[++i]);
            continue;
        }
        size_t len;
        char *data = file_read_all(argv[i], 64u * 1024u * 1024u, &len);
        if (!data) {
            perror(argv[i]);
            return 1;
        }
        struct timespec t0, t1;
        clock_gettime(CLOCK_MONOTONIC, &t0);
        LLVMFuzzerTestOneInput((const uint8_t *)data, len);
        clock_gettime(CLOCK_MONOTONIC, &t1);
        double s = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
        fprintf(stderr, "replay %s: %zu bytes, %.3f s\n", argv[i], len, s);
        if (s > max_s) {
            fprintf(stderr, "replay %s: slower than %.0f s\n", argv[i], max_s);
            slow++;
        }
        free(data);
    }
    return slow ? 1 : 0;
}
