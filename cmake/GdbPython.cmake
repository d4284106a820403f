# GDB embeds its own Python (the system one), which is usually not the
# `python3` on PATH. Ask GDB which Python it runs, and build the module for
# that: its headers and its extension suffix. pybind11 is header-only.
find_program(NODE_GDB_GDB gdb)
set(_probe "import sys,sysconfig;print(sysconfig.get_paths()['include']);print(sysconfig.get_config_var('EXT_SUFFIX'));print('%d.%d'%sys.version_info[:2])")
set(_gdb_python_out "")
if(NODE_GDB_GDB)
  execute_process(COMMAND ${NODE_GDB_GDB} -nx -batch -ex "python ${_probe}"
                  OUTPUT_VARIABLE _gdb_python_out ERROR_QUIET RESULT_VARIABLE _rc)
endif()
if(NOT _gdb_python_out)
  message(WARNING "gdb (with Python) not found: building the module for /usr/bin/python3")
  execute_process(COMMAND /usr/bin/python3 -c "${_probe}" OUTPUT_VARIABLE _gdb_python_out)
endif()
string(STRIP "${_gdb_python_out}" _gdb_python_out)
string(REPLACE "\n" ";" _lines "${_gdb_python_out}")
list(LENGTH _lines _n)
if(_n LESS 3)
  message(FATAL_ERROR "could not ask GDB for its Python (got: ${_gdb_python_out})")
endif()
list(GET _lines 0 GDB_PYTHON_INCLUDE)
list(GET _lines 1 GDB_PYTHON_EXT_SUFFIX)
list(GET _lines 2 GDB_PYTHON_VERSION)
message(STATUS "GDB embeds Python ${GDB_PYTHON_VERSION} (${GDB_PYTHON_INCLUDE}, ${GDB_PYTHON_EXT_SUFFIX})")
if(NOT EXISTS "${GDB_PYTHON_INCLUDE}/Python.h")
  message(FATAL_ERROR "Python.h for GDB's Python ${GDB_PYTHON_VERSION} is missing: apt-get install python${GDB_PYTHON_VERSION}-dev")
endif()

set(PYBIND11_NOPYTHON ON)
find_package(pybind11 CONFIG REQUIRED)

add_library(_nodegdb MODULE python/bindings/module.cc python/bindings/target.cc python/bindings/bytecode.cc
            python/bindings/node.cc python/bindings/stack.cc python/bindings/heap.cc python/bindings/report.cc)
target_link_libraries(_nodegdb PRIVATE nodegdb_core pybind11::headers)
target_include_directories(_nodegdb PRIVATE ${GDB_PYTHON_INCLUDE})
set_target_properties(_nodegdb PROPERTIES
  PREFIX ""
  SUFFIX "${GDB_PYTHON_EXT_SUFFIX}"
  CXX_VISIBILITY_PRESET hidden
  LIBRARY_OUTPUT_DIRECTORY "${CMAKE_BINARY_DIR}/python")
# The module lives inside GDB: symbols come from the GDB process, never link
# libpython.
target_link_options(_nodegdb PRIVATE -Wl,--as-needed)

install(TARGETS _nodegdb LIBRARY DESTINATION share/node-gdb/python)
install(DIRECTORY python/node_gdb DESTINATION share/node-gdb/python PATTERN __pycache__ EXCLUDE)
install(FILES python/node-gdb.py DESTINATION share/node-gdb/python)
