# Chinese typesetting measured on the seed handout (bench/cjk-metrics.py):
# every Han/Latin boundary spaced, every justified line flush, no lone last
# character.  Skipped (77) without the shared folder.
add_test(NAME pdf/seed-cjk-metrics
         COMMAND bash -c "post=\"\${FOLIO_SHARED:-${FOLIO_SHARED}}/seed/dpu-meetup/index.md\"; \
[ -f \"$post\" ] || { echo \"skipped: $post not found\"; exit 77; }; \
out=$(mktemp --suffix=.pdf) && trap 'rm -f $out' EXIT && \
$<TARGET_FILE:folio> handout \"$post\" -o \"$out\" -q && \
/usr/bin/python3 ${CMAKE_CURRENT_LIST_DIR}/../bench/cjk-metrics.py \"$out\" --assert")
set_tests_properties(pdf/seed-cjk-metrics PROPERTIES LABELS pdf TIMEOUT 120 SKIP_RETURN_CODE 77)
