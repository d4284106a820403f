# What `cmake --install` ships besides the module and the CLI, and the Debian
# package (`cpack -G DEB` in the build folder) that installs it all under /usr.
#
# At install time, with the prefix then in force (`--prefix P`, or /usr for the
# package):
#   P/share/node-gdb/gdbinit          the ~/.gdbinit line, its path filled in
#   P/share/node-gdb/LICENSE, CHANGELOG.md
#   GDB's system gdbinit directory    node-gdb.py, the hook that loads node-gdb
#                                     for programs with V8's metadata:
#                                     /etc/gdb/gdbinit.d for the prefix /usr,
#                                     else P/etc/gdb/gdbinit.d (not read by
#                                     GDB unless you point it there).
install(FILES LICENSE CHANGELOG.md DESTINATION ${CMAKE_INSTALL_DATADIR}/node-gdb)
set(NODE_GDB_AUTOLOAD_TEMPLATE "${CMAKE_CURRENT_SOURCE_DIR}/python/node-gdb-autoload.py")
install(CODE "set(_template \"${NODE_GDB_AUTOLOAD_TEMPLATE}\")")
install(CODE [[
  set(_python_dir "${CMAKE_INSTALL_PREFIX}/share/node-gdb/python")
  if(CMAKE_INSTALL_PREFIX STREQUAL "/usr")
    set(_gdbinit_dir "/etc/gdb/gdbinit.d")
  else()
    set(_gdbinit_dir "${CMAKE_INSTALL_PREFIX}/etc/gdb/gdbinit.d")
  endif()
  file(READ "${_template}" _hook)
  string(REPLACE "@NODE_GDB_PYTHON_DIR@" "${_python_dir}" _hook "${_hook}")
  file(WRITE "$ENV{DESTDIR}${_gdbinit_dir}/node-gdb.py" "${_hook}")
  file(WRITE "$ENV{DESTDIR}${CMAKE_INSTALL_PREFIX}/share/node-gdb/gdbinit"
       "# node-gdb: add this line to ~/.gdbinit (tools/install-gdbinit.sh does)\nsource ${_python_dir}/node-gdb.py\n")
  message(STATUS "Installing: $ENV{DESTDIR}${_gdbinit_dir}/node-gdb.py (GDB's system gdbinit hook)")
]])

set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGE_NAME node-gdb)
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGE_CONTACT "node-gdb maintainers <node-gdb@localhost>")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "GDB support for Node.js and V8: JavaScript values, stacks, bytecode, handles and the heap")
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_INSTALL_PREFIX /usr)  # the prefix CPACK_SET_DESTDIR installs under
set(CPACK_STRIP_FILES ON)  # the debug info stays in the build folder
# Install with DESTDIR, so CMAKE_INSTALL_PREFIX is /usr at install time (the
# hook goes to /etc/gdb/gdbinit.d and names /usr/share/node-gdb).
set(CPACK_SET_DESTDIR ON)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_DEPENDS "gdb (>= 12), libc6, libstdc++6")
set(CPACK_DEBIAN_PACKAGE_SECTION devel)
set(CPACK_RESOURCE_FILE_LICENSE "${CMAKE_CURRENT_SOURCE_DIR}/LICENSE")
include(CPack)
