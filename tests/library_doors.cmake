# Each third-party library has one door (docs/architecture.md): this check fails when a file other
# than the door includes the library's header. Run by ctest as LibraryDoorsTest:
#   cmake -DSOURCE_DIR=<repo>/src -P tests/library_doors.cmake
# Each entry: "<header regex>|<door files, relative to src/, separated by commas>".
cmake_minimum_required(VERSION 3.22)
set(doors
  "sodium\\.h|core/crypto.cpp"
  # HTTP and SMTP are two protocols over one library: ingest/http_client.cpp is the HTTP door
  # (hub_pull and every fetcher use it) and mail/smtp_client.cpp the SMTP one.
  "curl/curl\\.h|ingest/http_client.cpp,mail/smtp_client.cpp"
  "sqlite3\\.h|store/sqlite.cpp"
  "libpq-fe\\.h|store/postgres.cpp"
  "pugixml\\.hpp|ingest/xml_doc.hpp"
  "hnswlib/|search/vector_index.cpp"
  "httplib\\.h|web/server.cpp"
  "libstemmer\\.h|search/stemmer.cpp"
  "utf8proc\\.h|search/model/unicode.cpp"
  "cblas\\.h|search/model/blas.cpp"
  "toml\\+\\+/|cli/config.cpp"
  "date/(date|tz)\\.h|core/calendar.cpp"
)
if(NOT SOURCE_DIR)
  message(FATAL_ERROR "pass -DSOURCE_DIR=<repo>/src")
endif()
file(GLOB_RECURSE sources RELATIVE "${SOURCE_DIR}" "${SOURCE_DIR}/*.cpp" "${SOURCE_DIR}/*.hpp" "${SOURCE_DIR}/*.h")
set(failures "")
foreach(door IN LISTS doors)
  string(FIND "${door}" "|" bar REVERSE)
  string(SUBSTRING "${door}" 0 ${bar} header)
  math(EXPR rest "${bar} + 1")
  string(SUBSTRING "${door}" ${rest} -1 allowed)
  string(REPLACE "," ";" allowed "${allowed}")
  foreach(src IN LISTS sources)
    file(STRINGS "${SOURCE_DIR}/${src}" hits REGEX "^[ \t]*#[ \t]*include[ \t]*[<\"]${header}")
    if(hits AND NOT src IN_LIST allowed)
      string(APPEND failures "  src/${src} includes ${hits}; only ${allowed} may\n")
    endif()
  endforeach()
endforeach()
if(failures)
  message(FATAL_ERROR "A third-party header is included outside its door:\n${failures}")
endif()
message(STATUS "Every third-party library is included only by its door.")
