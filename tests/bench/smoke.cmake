# Smoke test of gen-plan (a correctness test, not a timing one): a small
# generated plan is the same on every run, and plancheck judges it with
# bench-rules.yaml (exit status 0 or 1, never 2) without a single
# structural finding: every key, id and reference the generator writes is
# valid plan/1, and every title and task the rules name exists.
# Two provinces, since odd-numbered provinces list their communes flat
# (parent:) and even-numbered ones nest them.

set(plan ${WORK_DIR}/smoke-plan.yaml)
set(again ${WORK_DIR}/smoke-plan-again.yaml)

foreach(out ${plan} ${again})
  execute_process(COMMAND ${GEN_PLAN} -q -p 2 -s 7 ${out} RESULT_VARIABLE rc)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "gen-plan exited with ${rc}")
  endif()
endforeach()
file(SHA256 ${plan} first)
file(SHA256 ${again} second)
if(NOT first STREQUAL second)
  message(FATAL_ERROR "gen-plan wrote two different plans from one seed")
endif()

execute_process(COMMAND ${PLANCHECK} check --format json --rules ${RULES} ${plan}
  RESULT_VARIABLE rc OUTPUT_VARIABLE json ERROR_VARIABLE err)
if(NOT (rc EQUAL 0 OR rc EQUAL 1))
  message(FATAL_ERROR "plancheck check exited with ${rc}:\n${err}")
endif()

# The waivers are written to be partly unused or expired; nothing else
# structural may appear.
string(REGEX MATCHALL "\"rule\": *\"(plan|rules)/[a-z-]+\"" structural "${json}")
list(FILTER structural EXCLUDE REGEX "plan/waiver-(expired|unused)")
if(structural)
  list(REMOVE_DUPLICATES structural)
  message(FATAL_ERROR "structural findings on a generated plan: ${structural}")
endif()
string(REGEX MATCHALL "\"rule\": *\"" all "${json}")
list(LENGTH all count)
if(count EQUAL 0)
  message(FATAL_ERROR "no findings at all: the generator should break rules now and then")
endif()
message(STATUS "plancheck: exit ${rc}, ${count} findings, none structural")
