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
 * CPU (README, "Performance"), for about 7% more peak memory.
 *
 * narenas:1: one arena for every thread. The builder's threads are short
 * helpers (the files read during the load, the search index made while
 * the plugins run, its bodies folded on two threads); with an arena each,
 * what a helper freed stayed its arena's, dirty and resident, and the
 * builder's peak at 10,000 pages rose from 281 to 298-302 MB once the
 * search index ran beside the plugins. One arena lets the builder reuse
 * it (288 MB); each thread keeps its own cache of small allocations, so
 * they rarely wait for each other. */
const char *malloc_conf = "thp:always,metadata_thp:always,narenas:1";
