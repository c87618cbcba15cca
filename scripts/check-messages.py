#!/usr/bin/env python3
"""check-messages — every word Loa prints has a Vietnamese entry.

Two checks over generator/**/*.c and *.cpp:

1. Every message has an entry in generator/base/messages.c: the format
   literals passed to diag_error/diag_warning and to the modules' own
   wrappers (template_*.c compiler_fail(), schema.c err(), markdown_*.c
   markdown_warn() and markdown_note(), frontmatter_yaml.c ctx_error_at(), serve.c
   print_warning(), http.c queue_text()), the constant messages passed to
   a bare "%s" format, and the msgids of the printing side of the catalog:
   msg_text(), msg_fprintf(), msg_addf() and the N_() marker (usage and
   --help tables).
2. Nothing is printed around the catalog: a literal that reads as words
   ("two words" apart by spaces) given straight to fprintf, printf, fputs,
   puts, dprintf, buf_puts or buf_addf is reported, because it would be
   English (or Vietnamese) whatever --lang says. Files in PENDING are
   listed but do not fail the check (see there); --all makes them fail.

    python3 scripts/check-messages.py [ROOT]     # exit 1 listing the missing
    python3 scripts/check-messages.py --list      # every message found
    python3 scripts/check-messages.py --all       # PENDING files fail too

A format made only of conversions ("%s", "%s: %s") needs no entry.
"""
import os
import re
import sys

# function → index of its format (or message) argument; None: any file
WRAPPERS = {
    None: {"diag_error": 4, "diag_warning": 4, "diag_vadd": 5,
           "markdown_warn": 3, "markdown_note": 4},
    "generator/template/template_compile.c": {"compiler_fail": 2},
    "generator/template/template_expr.c": {"compiler_fail": 2},
    "generator/template/template_lex.c": {"compiler_fail": 2},
    "generator/content/schema.c": {"err": 2, "key_note": 2},
    "generator/content/toml.cpp": {"fail": 2},
    "generator/content/frontmatter_yaml.c": {"ctx_error_at": 2},
    "generator/cmd/serve/serve.c": {"print_warning": 2},
    "generator/cmd/serve/http.c": {"queue_text": 3},
    "generator/cmd/review/review.c": {"say": 2},
}
# the printing side of the catalog (base/messages.h), in any file
CATALOG_CALLS = {"msg_text": 0, "msg_fprintf": 2, "msg_addf": 2, "N_": 0}

# calls that print their literal as it is: format or text argument index
RAW_PRINTS = {"fprintf": 1, "printf": 0, "fputs": 0, "puts": 0, "dprintf": 1,
              "buf_puts": 1, "buf_addf": 1}
# buffers elsewhere hold generated code and markup (templates, sitemap,
# Markdown): a buffer's text is a message only where it is printed or
# served, or becomes a reason
BUF_SCOPE = ("generator/cmd/", "generator/media/")
# buffers that hold a page's content, not a message: loa new's skeleton is
# the site's own text, in the site's language; images.c's buf_addf writes a
# cache key and file names (its reasons are diagnostics)
CONTENT = {"generator/cmd/new.c": ("buf_puts", "buf_addf"),
           "generator/media/images.c": ("buf_addf",)}
# a literal that reads as prose: two words of two letters or more apart by
# spaces ("3px solid" and "text/html; charset" are not)
PROSE = re.compile(r"(?<![\w%])[A-Za-z\u00c0-\u1ef9]{2,} +[A-Za-z\u00c0-\u1ef9]{2,}(?![\w])")
# files whose direct prints are known and being routed through the catalog
# by another piece of work: listed, not failing (remove an entry once done)
PENDING = {
    # an abort on a failed allocation: no language to print in
    "generator/base/xalloc.c": "out-of-memory abort",
    # LOA_TIMINGS, for developers measuring builds
    "generator/pipeline/build.c": "timing lines for developers",
    # LOA_DEBUG=standby, for developers
    "generator/pipeline/incr_standby.c": "debug lines for developers",
}

SPEC = re.compile(r"%[-+ #0]*(\*|\d+)?(\.(\*|\d+))?(hh|h|ll|l|z|j|t|L)?[diouxXeEfgGcspn%]")


def strip_comments(src):
    """Blanks comments, keeping string and char literals and line count."""
    out, i, n = [], 0, len(src)
    while i < n:
        c = src[i]
        if src.startswith("/*", i):
            j = src.find("*/", i + 2)
            j = n if j < 0 else j + 2
            out.append(re.sub(r"[^\n]", " ", src[i:j]))
            i = j
        elif src.startswith("//", i):
            j = src.find("\n", i)
            j = n if j < 0 else j
            out.append(" " * (j - i))
            i = j
        elif c in "\"'":
            j = i + 1
            while j < n and src[j] != c:
                j += 2 if src[j] == "\\" else 1
            out.append(src[i:j + 1])
            i = j + 1
        else:
            out.append(c)
            i += 1
    return "".join(out)


def split_args(src, start):
    """Arguments of the call whose '(' is at start, as source slices."""
    depth, i, args, cur = 0, start, [], start + 1
    n = len(src)
    while i < n:
        c = src[i]
        if c in "\"'":
            j = i + 1
            while j < n and src[j] != c:
                j += 2 if src[j] == "\\" else 1
            i = j + 1
            continue
        if c in "([{":
            depth += 1
        elif c in ")]}":
            depth -= 1
            if depth == 0:
                args.append(src[cur:i])
                return args
        elif c == "," and depth == 1:
            args.append(src[cur:i])
            cur = i + 1
        i += 1
    return None


def literal(arg):
    """The value of an argument made only of adjacent string literals."""
    arg = arg.strip()
    parts = re.findall(r'"((?:[^"\\]|\\.)*)"', arg)
    if not parts or re.sub(r'"((?:[^"\\]|\\.)*)"', "", arg).strip():
        return None
    return unescape("".join(parts))


def unescape(s):
    out, i = [], 0
    while i < len(s):
        if s[i] == "\\" and i + 1 < len(s):
            c = s[i + 1]
            if c in "01234567":
                m = re.match(r"[0-7]{1,3}", s[i + 1:])
                out.append(chr(int(m.group(0), 8)))
                i += 1 + len(m.group(0))
                continue
            if c == "x":
                m = re.match(r"[0-9a-fA-F]+", s[i + 2:])
                out.append(chr(int(m.group(0), 16)))
                i += 2 + len(m.group(0))
                continue
            out.append({"n": "\n", "t": "\t", "\\": "\\", '"': '"', "'": "'"}.get(c, c))
            i += 2
        else:
            out.append(s[i])
            i += 1
    return "".join(out)


def only_conversions(fmt):
    return not re.search(r"[A-Za-z\u00c0-\u1ef9]", SPEC.sub("", fmt))


def calls(src, funcs):
    """(name, line, args) of every call to one of funcs in src."""
    for m in re.finditer(r"\b(" + "|".join(funcs) + r")\s*\(", src):
        # a definition or declaration, not a call
        before = src[max(0, m.start() - 40):m.start()]
        if re.search(r"(int|void|char|Result)\s*\**\s*$", before) or re.search(r"#define\s*$", before):
            continue
        args = split_args(src, m.end() - 1)
        if not args:
            continue
        yield m.group(1), src.count("\n", 0, m.start()) + 1, args


def raw_prints_in(path, rel):
    """Literals that read as words, printed straight (check 2)."""
    src = strip_comments(open(path, encoding="utf-8").read())
    found = []
    for name, line, args in calls(src, RAW_PRINTS):
        if len(args) <= RAW_PRINTS[name]:
            continue
        if name.startswith("buf_") and not rel.startswith(BUF_SCOPE):
            continue
        if name in CONTENT.get(rel, ()):
            continue
        text = literal(args[RAW_PRINTS[name]])
        if text is None:
            continue
        # markup is not prose: tags and their attributes, even cut at
        # either end of the literal
        words = re.sub(r"<[^<>]*(>|$)|^[^<>]*>", " ", SPEC.sub(" ", text))
        if PROSE.search(words):
            found.append((rel, line, text))
    return found


def messages_in(path, rel):
    src = strip_comments(open(path, encoding="utf-8").read())
    funcs = dict(WRAPPERS[None])
    funcs.update(WRAPPERS.get(rel, {}))
    funcs.update(CATALOG_CALLS)
    found = []
    for name, line, args in calls(src, funcs):
        if len(args) <= funcs[name]:
            continue
        fmt = literal(args[funcs[name]])
        if fmt is None:
            continue
        if only_conversions(fmt):
            # "%s", "a constant message": the constant is the message
            if fmt == "%s" and len(args) > funcs[name] + 1:
                arg = literal(args[funcs[name] + 1])
                if arg is not None:
                    found.append((rel, line, arg))
            continue
        found.append((rel, line, fmt))
    return found


def catalog(root):
    """msgids of generator/base/messages.c: the first literal of each entry."""
    src = strip_comments(open(os.path.join(root, "generator/base/messages.c"), encoding="utf-8").read())
    ids = set()
    for m in re.finditer(r'\{\s*((?:"(?:[^"\\]|\\.)*"\s*)+),\s*((?:"(?:[^"\\]|\\.)*"\s*)+)\}', src):
        ids.add(literal(m.group(1)))
    return ids


def main(argv):
    args = [a for a in argv[1:] if not a.startswith("--")]
    root = args[0] if args else os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")
    found, raw_found = [], []
    for dirpath, _, files in os.walk(os.path.join(root, "generator")):
        for f in sorted(files):
            if f.endswith(".c") or f.endswith(".cpp"):
                path = os.path.join(dirpath, f)
                found += messages_in(path, os.path.relpath(path, root))
                raw_found += raw_prints_in(path, os.path.relpath(path, root))
    if "--list" in argv:
        for rel, line, fmt in sorted(found):
            print("%s:%d: %r" % (rel, line, fmt))
        return 0
    ids = catalog(root)
    missing = [(rel, line, fmt) for rel, line, fmt in sorted(found) if fmt not in ids]
    for rel, line, fmt in missing:
        print("%s:%d: no Vietnamese entry for %r" % (rel, line, fmt))
    print("%d messages, %d in the catalog, %d missing" % (len(found), len(found) - len(missing),
                                                          len(missing)))
    raw, pending = [], []
    for rel, line, text in sorted(raw_found):
        why = next((w for prefix, w in PENDING.items() if rel.startswith(prefix)), None)
        (pending if why and "--all" not in argv else raw).append((rel, line, text, why))
    for rel, line, text, _ in raw:
        print("%s:%d: printed around the catalog (use msg_fprintf/msg_text): %r" % (rel, line, text))
    for rel, line, text, why in pending:
        print("%s:%d: pending (%s): %r" % (rel, line, why, text))
    print("%d direct prints of words, %d pending" % (len(raw), len(pending)))
    return 1 if missing or raw else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
