/* embed — owns the build step that compiles a source file of another
 * language (the template runtime, the plugin prelude, the live-reload
 * script) into the binary: it writes a C file defining
 *     const char NAME[];        the file's bytes, then a NUL
 *     const size_t NAME_len;    the number of the file's bytes
 * as declared by HEADER, which the generated file includes so that the
 * compiler checks the two agree. Plain portable C, built by the Makefile
 * with the compiler of the build (gcc, clang), so no xxd, od or linker
 * tricks are needed.
 *
 * usage: embed INPUT HEADER NAME OUTPUT */
#include <stdio.h>
#include <stdlib.h>

int main(int argc, char **argv)
{
	if (argc != 5) {
		fprintf(stderr, "usage: embed INPUT HEADER NAME OUTPUT\n");
		return 2;
	}
	FILE *in = fopen(argv[1], "rb");
	if (!in) {
		perror(argv[1]);
		return 1;
	}
	FILE *out = fopen(argv[4], "w");
	if (!out) {
		perror(argv[4]);
		fclose(in);
		return 1;
	}
	fprintf(out, "/* Generated from %s by scripts/embed.c: edit that file. */\n", argv[1]);
	fprintf(out, "#include \"%s\"\n\nconst char %s[] =\n", argv[2], argv[3]);
	/* one string literal per line of the input; every byte that is not
	 * plain printable ASCII as a three-digit octal escape (never ambiguous
	 * with a following digit), and '?' escaped too (no trigraphs) */
	int c, open = 0, any = 0;
	while ((c = getc(in)) != EOF) {
		any = 1;
		if (!open) {
			fputs("\t\"", out);
			open = 1;
		}
		if (c == '\n') {
			fputs("\\n\"\n", out);
			open = 0;
		} else if (c == '"' || c == '\\' || c == '?') {
			fprintf(out, "\\%c", c);
		} else if (c >= 0x20 && c < 0x7f) {
			putc(c, out);
		} else {
			fprintf(out, "\\%03o", (unsigned)c);
		}
	}
	if (open || !any)
		fputs(open ? "\"\n" : "\t\"\"\n", out);
	fprintf(out, ";\n\nconst size_t %s_len = sizeof(%s) - 1;\n", argv[3], argv[3]);
	int err = ferror(in);
	fclose(in);
	if (err) {
		fprintf(stderr, "%s: read error\n", argv[1]);
		fclose(out);
		return 1;
	}
	if (ferror(out) | fclose(out)) {
		perror(argv[4]);
		return 1;
	}
	return 0;
}
