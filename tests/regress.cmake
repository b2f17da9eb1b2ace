# Regression inputs (label "regress"): each folder of tests/regress/ is
# replayed through its fuzz target built with fuzz/replay_main.c instead of
# libFuzzer, so any compiler and build type runs them (the Asan build with
# sanitizers).  An input must finish in 10 s (replay_main), the whole
# folder within the test's TIMEOUT.
foreach(stage frontmatter markdown theme layout manifest png)
  add_executable(replay_${stage} ${CMAKE_SOURCE_DIR}/fuzz/fuzz_${stage}.c
                 ${CMAKE_SOURCE_DIR}/fuzz/replay_main.c)
  target_include_directories(replay_${stage} PRIVATE ${CMAKE_SOURCE_DIR}/fuzz)
  target_link_libraries(replay_${stage} PRIVATE folio_core)
  file(GLOB inputs CONFIGURE_DEPENDS ${CMAKE_CURRENT_LIST_DIR}/regress/${stage}/*)
  if(inputs)
    add_test(NAME regress/${stage} COMMAND replay_${stage} --max-seconds 10 ${inputs})
    set_tests_properties(regress/${stage} PROPERTIES LABELS regress TIMEOUT 120)
  endif()
endforeach()
