/* malloc_conf — jemalloc's options, read by jemalloc itself at its first
 * allocation (the symbol is its documented hook; glibc's allocator, used by
 * the sanitizer builds, ignores it).
 *
 * thp:always asks for transparent huge pages for the heap (madvise, so it
 * also works where the system's THP mode is "madvise"). The render workers
 * are forked from the builder and share its Lua state copy-on-write; every
 * 4 KB page a worker writes to (the string table, a touched table's header,
 * a page's fields) cost a fault and, on a virtual machine, a TLB flush
 * across the cores. With 2 MB pages, a full build of the 10,000-page bench
 * corpus took 103,000 page faults instead of 260,000 and about 15% less
 * CPU (README, "Performance"), for about 7% more peak memory. */
const char *malloc_conf = "thp:always,metadata_thp:always";
