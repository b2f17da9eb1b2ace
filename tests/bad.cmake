# The bad-input catalogue (label "bad"): tests/bad/catalogue lists each
# broken, hostile or odd input with what folio must do; tests/bad/run.sh
# makes the inputs at run time (make-inputs.py, and gen_bad for the images)
# and checks exit status, message, nothing left behind, time and memory.
# Two halves so that ctest -j2 runs them side by side.
add_executable(gen_bad ${CMAKE_CURRENT_LIST_DIR}/bad/gen_bad.c)
target_link_libraries(gen_bad PRIVATE PkgConfig::DEPS JPEG::JPEG)
foreach(k 1 2)
  add_test(NAME bad/catalogue-${k}of2
           COMMAND bash ${CMAKE_CURRENT_LIST_DIR}/bad/run.sh --folio $<TARGET_FILE:folio>
                   --gen $<TARGET_FILE:gen_bad> --shard ${k}/2)
  set_tests_properties(bad/catalogue-${k}of2 PROPERTIES LABELS bad TIMEOUT 600)
endforeach()
# Under AddressSanitizer the shadow memory is counted in RSS and everything
# is slower: no RSS limit, 60 s per case.
if(CMAKE_BUILD_TYPE STREQUAL "Asan")
  set_tests_properties(bad/catalogue-1of2 bad/catalogue-2of2 PROPERTIES
                       ENVIRONMENT "FOLIO_BAD_MEM_KB=0;FOLIO_BAD_SECONDS=60")
endif()

# Guarantees (label "guarantees"), each a script of its own:
#   no-network: a batch over corpus, seed and demo under strace opens no
#               socket; every PDF written passes qpdf --check
#   confined:   the escape cases under strace open nothing outside the
#               allowed folders
#   sigkill:    kill -9 at random moments leaves the old or the new PDF
add_test(NAME guarantees/no-network
         COMMAND bash ${CMAKE_CURRENT_LIST_DIR}/bad/no-network.sh --folio $<TARGET_FILE:folio>
                 --shared ${FOLIO_SHARED} --source ${CMAKE_SOURCE_DIR})
add_test(NAME guarantees/confined
         COMMAND bash ${CMAKE_CURRENT_LIST_DIR}/bad/confined.sh --folio $<TARGET_FILE:folio>
                 --gen $<TARGET_FILE:gen_bad> --source ${CMAKE_SOURCE_DIR})
add_test(NAME guarantees/sigkill
         COMMAND bash ${CMAKE_CURRENT_LIST_DIR}/bad/sigkill.sh --folio $<TARGET_FILE:folio>
                 --source ${CMAKE_SOURCE_DIR})
set_tests_properties(guarantees/no-network guarantees/confined guarantees/sigkill PROPERTIES
                     LABELS guarantees TIMEOUT 600 SKIP_RETURN_CODE 77)
set_tests_properties(guarantees/no-network PROPERTIES PROCESSORS 2)

# Memory errors and definite leaks under valgrind (label "valgrind"):
# seven runs through every stage; library leaks in tests/bad/valgrind.supp.
# Not in sanitizer builds: valgrind cannot run ASan binaries.
if(NOT CMAKE_BUILD_TYPE MATCHES "^(Asan|Ubsan)$" AND NOT FOLIO_FUZZ)
  add_test(NAME valgrind/stages
           COMMAND bash ${CMAKE_CURRENT_LIST_DIR}/bad/valgrind.sh --folio $<TARGET_FILE:folio>
                   --gen $<TARGET_FILE:gen_bad> --source ${CMAKE_SOURCE_DIR})
  set_tests_properties(valgrind/stages PROPERTIES LABELS valgrind TIMEOUT 900 SKIP_RETURN_CODE 77)
endif()
