# sfpgen_warnings(<target>): the project's warning set, applied per target.
function(sfpgen_warnings target)
  target_compile_options(${target} PRIVATE
    -Wall -Wextra -Wpedantic -Wshadow -Wconversion -Wsign-conversion
    -Wnon-virtual-dtor -Wold-style-cast -Woverloaded-virtual -Wnull-dereference
    -Wimplicit-fallthrough -Wswitch-enum)
  if(SFPGEN_SANITIZE)
    # GCC 12 reports false "may be used uninitialized" inside libstdc++ (std::function,
    # std::regex) when sanitizers are on; the dev build keeps the warning.
    target_compile_options(${target} PRIVATE -Wno-maybe-uninitialized)
  endif()
  if(SFPGEN_WERROR)
    target_compile_options(${target} PRIVATE -Werror)
  endif()
endfunction()
