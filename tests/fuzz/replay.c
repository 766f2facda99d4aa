/*
 * The standalone driver of the fuzz targets (as libgit2 does it): replay
 * every file of the corpus directories or files given, in name order,
 * through LLVMFuzzerTestOneInput, so that the normal test run (and its
 * ASan/UBSan tier) covers the corpora without libFuzzer.  Exit 0 when
 * every input ran; a crash or an abort() in the target fails the test.
 */
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

int	LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int
replay_file(const char *path)
{
	FILE		*f;
	uint8_t		*buf;
	struct stat	 sb;
	size_t		 n;

	if ((f = fopen(path, "rb")) == NULL || fstat(fileno(f), &sb) < 0) {
		fprintf(stderr, "replay: cannot read %s\n", path);
		if (f != NULL)
			fclose(f);
		return -1;
	}
	/* One spare byte: a target must not read past size. */
	buf = malloc((size_t)sb.st_size + 1);
	if (buf == NULL) {
		fclose(f);
		return -1;
	}
	n = fread(buf, 1, (size_t)sb.st_size, f);
	fclose(f);
	LLVMFuzzerTestOneInput(buf, n);
	free(buf);
	return 0;
}

static int
replay_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

int
main(int argc, char **argv)
{
	struct dirent	*d;
	struct stat	 sb;
	DIR		*dir;
	char		**names = NULL, *path;
	size_t		 n, cap, i, total = 0;
	int		 a, bad = 0;

	for (a = 1; a < argc; a++) {
		if (stat(argv[a], &sb) < 0) {
			fprintf(stderr, "replay: no %s\n", argv[a]);
			return 1;
		}
		if (!S_ISDIR(sb.st_mode)) {
			bad |= replay_file(argv[a]) < 0;
			total++;
			continue;
		}
		if ((dir = opendir(argv[a])) == NULL)
			return 1;
		n = cap = 0;
		while ((d = readdir(dir)) != NULL) {
			if (d->d_name[0] == '.')
				continue;
			if (n == cap) {
				cap = cap ? 2 * cap : 64;
				names = realloc(names, cap * sizeof(*names));
				if (names == NULL)
					return 1;
			}
			names[n++] = strdup(d->d_name);
		}
		closedir(dir);
		qsort(names, n, sizeof(*names), replay_cmp);
		for (i = 0; i < n; i++) {
			size_t	len = strlen(argv[a]) + strlen(names[i]) + 2;

			if ((path = malloc(len)) == NULL)
				return 1;
			snprintf(path, len, "%s/%s", argv[a], names[i]);
			bad |= replay_file(path) < 0;
			total++;
			free(path);
			free(names[i]);
		}
	}
	free(names);
	printf("replayed %zu inputs\n", total);
	return bad || total == 0;
}
