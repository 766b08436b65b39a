# Writes OUTPUT, a C++ file defining `const char* const NAME` (qualified) with the text of INPUT,
# so that a binary serves a file of the repository without reading it at run time.
# cmake -DINPUT=... -DOUTPUT=... -DNAME=ns::name -P embed_text.cmake
file(READ "${INPUT}" text)
string(FIND "${text}" ")cs_embed\"" clash)
if(NOT clash EQUAL -1)
  message(FATAL_ERROR "${INPUT} contains the raw-string delimiter )cs_embed\"")
endif()
string(REGEX REPLACE "::[^:]+$" "" ns "${NAME}")
string(REGEX REPLACE "^.*::" "" var "${NAME}")
file(WRITE "${OUTPUT}.tmp" "// Generated from ${INPUT} by cmake/embed_text.cmake; do not edit.\nnamespace ${ns} {\nextern const char* const ${var};\nconst char* const ${var} = R\"cs_embed(${text})cs_embed\";\n}\n")
file(COPY_FILE "${OUTPUT}.tmp" "${OUTPUT}" ONLY_IF_DIFFERENT)
