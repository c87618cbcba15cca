/* cache — the build cache, `.loa-cache/render/NAME/` beside the output
 * folder NAME.
 *
 * It keeps each rendered page as an object named by its key (a digest,
 * computed by build.c over everything the render could read), so that a
 * rebuild renders only what changed and copies the rest into the new
 * output; and one record of the last build: its key, the window of time
 * [valid_from, valid_until) in which its output cannot change by itself,
 * and a fingerprint of the folder it published, so that a rebuild with
 * nothing changed does nothing, and one after the output was touched
 * publishes again.
 *
 * Trust. Nothing outside the cache can change what it serves: published
 * files are copies, never links to objects, so an edit of a live page
 * stays in the output (and is repaired by the next build). Each object is
 * one file holding its key, the lengths of its parts and a digest over
 * all of it (key_digest); an object that fails any check (damaged, truncated, another
 * key's, replaced by other bytes) is a miss: the page is rendered again
 * and the object rewritten. Folders are opened from the output's parent
 * with O_NOFOLLOW, one component at a time: when `.loa-cache`, `render`
 * or `render/NAME` is a symlink or not a folder, the cache is refused
 * (cache_open says so) and the build runs without it. The sweep removes
 * only names shaped like the cache's own files, found through those
 * descriptors, so it never deletes anything outside `.loa-cache`.
 *
 * Objects are written whole to a temporary name and renamed, so a killed
 * build leaves no half object (its temporary files are swept later); a
 * missing object or a malformed record is a miss, never an error. Keys are
 * checked to be 40 hex digits before they name a file. A cache that cannot
 * be opened only makes the build slower; `rm -rf .loa-cache` is always
 * safe. Usable from forked workers once cache_prepare has run. */
#ifndef LOA_CACHE_H
#define LOA_CACHE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/uio.h>

#include "base/buf.h"
#include "incr/key.h"

struct cache;

enum { CACHE_KEY_LEN = KEY_LEN }; /* keys are made with incr/key.h */

/* NULL when the output's parent folder does not exist, or when a folder of
 * the cache is a symlink or not a folder (*refused set: the caller says
 * so). Nothing is made; cache_prepare makes the folders. */
struct cache *cache_open(const char *out_dir, bool *refused);
void cache_close(struct cache *c);
/* Makes the cache's folders (once a build is about to write; a build that
 * fails before leaves nothing beside the output). 0, or -1 when they cannot
 * be made safely: then nothing is stored. Call before forking workers. */
int cache_prepare(struct cache *c);
/* True when cache_prepare made the objects folder: this build found none,
 * and until its renders store theirs no object can be looked up there (a
 * first build's 16,664 jobs at 10,000 pages each failed to open one). */
bool cache_objects_new(const struct cache *c);

/* The identity of an object's file: device, inode, size, modification
 * and change times, as text. A file with the same identity is the same
 * file, unchanged (a change time cannot be set back). */
enum { CACHE_IDENT_LEN = 112 };

/* An object read back and verified; its parts point into raw. ident:
 * the identity of the file it was read from. */
struct cache_object {
	struct buf raw;
	const char *data, *diags, *deps;
	size_t data_len, diags_len, deps_len;
	char ident[CACHE_IDENT_LEN];
};
#define CACHE_OBJECT_INIT { BUF_INIT, NULL, NULL, NULL, 0, 0, 0, "" }
/* The identity of key's object file now, without reading it (the build's
 * links check that an object verified earlier is still that file); 1, or
 * 0 when there is none. */
int cache_ident(const struct cache *c, const char *key, char ident[CACHE_IDENT_LEN]);
/* 1 when the object of key is there and sound (o filled; release it with
 * cache_object_release), else 0. */
int cache_load(const struct cache *c, const char *key, struct cache_object *o);
/* The same into o (CACHE_OBJECT_INIT, or filled by an earlier load, whose
 * parts it replaces and whose memory it reuses); on 0 o holds no parts.
 * Release o once, after the last load. */
int cache_load_into(const struct cache *c, const char *key, struct cache_object *o);
/* The same, the digest left unchecked (*trusted set) when the object's
 * file has identity ident (CACHE_IDENT_LEN; NULL: none known): the file
 * this cache wrote or verified when an entry of the standby's side object
 * recorded it. */
int cache_load_known(const struct cache *c, const char *key, const char *ident,
		     struct cache_object *o, bool *trusted);
/* The diagnostics and deps of key's object, and its identity, into o as
 * cache_load_into (data NULL): its header and those parts only, without
 * the digest check. For an object whose check something else stands for:
 *   - one this build has just written, or verified and still that file
 *     (the identity tells): the standby's side object needs the parts of
 *     every page, and reading back and checking the 450 MB of a full
 *     build's 10,000 pages cost the builder about half a second;
 *   - a decision on the deps that stands only if the object, when its
 *     bytes are used, passes cache_load's check (its deps are then the
 *     ones read here), the caller having a way on if it fails: plugin
 *     files from the cache, whose bytes (60 MB of feeds at 10,000 pages)
 *     the render worker that writes the file reads and checks. */
int cache_load_deps(const struct cache *c, const char *key, struct cache_object *o);
void cache_object_release(struct cache_object *o);
/* An object of data alone mapped read-only instead of read: a large one
 * used in place, without a copy or fresh memory. Objects are replaced by
 * rename, never rewritten in place, so a mapping keeps its bytes (a file
 * truncated by hand under a running build would fault it). 1 when the
 * object of key is there and sound (release with cache_unmap), else 0. */
struct cache_map {
	void *base;
	size_t size;
	const char *data;
	size_t data_len;
};
#define CACHE_MAP_INIT { NULL, 0, NULL, 0 }
int cache_map(const struct cache *c, const char *key, struct cache_map *m);
void cache_unmap(struct cache_map *m);
/* Trusted objects. The few large objects one build writes and the next
 * ones read again whole (the table of parsed files, the indexed bodies, a
 * published listing and its side object: tens of megabytes) are verified
 * in full once, then trusted while their file keeps the identity it had
 * when written or verified (cache_ident: a change time cannot be set
 * back, so an edit, a replacement or a chmod shows), as the standby's
 * pages are. The identities live in the file "trusted" (its own digest;
 * damaged: nothing is trusted). The loads are cache_load and cache_map
 * with that shortcut: a trusted object's header and lengths are still
 * checked; an untrusted one is verified and then trusted. Builder only. */
int cache_load_trusting(struct cache *c, const char *key, struct cache_object *o);
int cache_map_trusting(struct cache *c, const char *key, struct cache_map *m);
/* Stores an object of data alone, the concatenation of parts[0..n) (as
 * cache_store_parts), and trusts it as its file is then: 0, or -1. */
int cache_store_trusted(struct cache *c, const char *key, const struct iovec *parts, size_t n);
/* Writes the identities of the objects in keep (sorted, str_ptr_cmp) that
 * this build trusted or verified; the rest are forgotten. */
void cache_trust_save(struct cache *c, char *const *keep, size_t n);
/* How many objects this cache checked in full, and how many it trusted. */
void cache_trust_counts(const struct cache *c, size_t *verified, size_t *trusted);
/* Stores an object of data alone, the concatenation of parts[0..n),
 * without gathering them in memory first. 0, or -1. */
int cache_store_parts(const struct cache *c, const char *key, const struct iovec *parts,
		      size_t n);
/* Stores an object: the page's bytes, the diagnostics its render gave
 * (encoded with diag_list_encode; may be empty) and what else it read
 * (deps, for the build to check before using it). Safe from several
 * processes at once: the last rename wins, and both wrote the same bytes. */
int cache_store(const struct cache *c, const char *key, const void *data, size_t len,
		const void *diags, size_t diags_len, const void *deps, size_t deps_len);

/* The last build into this output folder. */
struct cache_record {
	char key[CACHE_KEY_LEN + 1]; /* the whole build's; "" for --worktree */
	int64_t valid_from, valid_until; /* valid_until 0: no end */
	int status;
	uint64_t pages, files;
	uint64_t out_id; /* the output folder's inode: replaced or removed, no record holds */
	int64_t next_change;
	char published[CACHE_KEY_LEN + 1]; /* outdir_fingerprint of the output; "" none */
	char standby[CACHE_KEY_LEN + 1];   /* the standby's fingerprint; "" none */
	uint64_t standby_id;               /* and its folder's inode */
	char next_iso[64], next_where[160], next_why[160], lang[8];
};
/* Reads the record and its diagnostics (appended to diags); -1 when there
 * is none or it is malformed. */
int cache_record_read(const struct cache *c, struct cache_record *r, struct buf *diags);
int cache_record_write(struct cache *c, const struct cache_record *r, const void *diags,
		       size_t diags_len);
/* The folder .loa-cache/render/NAME, for what lives beside the objects
 * (the standby site, outdir.h); -1 until it exists. Not the caller's. */
int cache_dir_fd(const struct cache *c);
/* Forgets the record, e.g. before a build that may fail. */
void cache_record_remove(const struct cache *c);

/* A memo: a hash remembered under a fixed name (lower-case letters) with
 * the identity of what it was computed from (printable, no spaces, under
 * 200 bytes), e.g. the program's hash by its file's device, inode, size
 * and times, so that it is not computed again on every build. 1 and hash
 * filled when the memo is there, sound and of that identity; else 0 (a
 * damaged, foreign or symlinked memo is a miss). Written only into a
 * cache folder that exists (a memo alone never makes one); 0 or -1. */
int cache_memo_read(const struct cache *c, const char *name, const char *id,
		    char hash[CACHE_KEY_LEN + 1]);
int cache_memo_write(const struct cache *c, const char *name, const char *id, const char *hash);

/* Removes every object whose key is not in keep (sorted with strcmp), and
 * temporary files of killed builds. */
void cache_sweep(const struct cache *c, char *const *keep, size_t n);

#endif
