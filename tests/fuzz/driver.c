/*
 * Standalone driver for the fuzz targets, for builds without libFuzzer:
 * runs every file of the seed corpus, then N deterministic mutations of
 * them (bit flips, byte sets, truncations, insertions, splices), so the
 * plain, ASan and valgrind trees exercise the same targets in bounded
 * time.
 *
 *   fuzz_x_replay CORPUS_DIR [ITERATIONS]
 */
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define MAX_SEEDS 64
#define MAX_LEN 8192

static uint8_t seeds[MAX_SEEDS][MAX_LEN];
static size_t seed_len[MAX_SEEDS];
static uint8_t buf[MAX_LEN];

static uint32_t rng = 0x6d6f6f72u;

static uint32_t next(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 17;
	rng ^= rng << 5;
	return rng;
}

int main(int argc, char **argv)
{
	DIR *d;
	struct dirent *e;
	size_t n = 0, i;
	long iters = argc > 2 ? atol(argv[2]) : 20000, k;

	if (argc < 2) {
		fprintf(stderr, "usage: %s CORPUS_DIR [ITERATIONS]\n", argv[0]);
		return 2;
	}
	d = opendir(argv[1]);
	if (d == NULL) {
		perror(argv[1]);
		return 2;
	}
	while ((e = readdir(d)) != NULL && n < MAX_SEEDS) {
		char path[1024];
		FILE *f;

		if (e->d_name[0] == '.')
			continue;
		snprintf(path, sizeof path, "%s/%s", argv[1], e->d_name);
		f = fopen(path, "rb");
		if (f == NULL)
			continue;
		seed_len[n] = fread(seeds[n], 1, MAX_LEN, f);
		fclose(f);
		LLVMFuzzerTestOneInput(seeds[n], seed_len[n]);
		n++;
	}
	closedir(d);
	if (n == 0) {
		fprintf(stderr, "no seeds in %s\n", argv[1]);
		return 1;
	}
	for (k = 0; k < iters; k++) {
		size_t s = next() % n, len = seed_len[s], m, p;

		memcpy(buf, seeds[s], len);
		for (m = 1 + next() % 4; m > 0; m--) {
			switch (next() % 6) {
			case 0:
				if (len > 0)
					buf[next() % len] ^= (uint8_t)(1u << (next() % 8));
				break;
			case 1:
				if (len > 0)
					buf[next() % len] = (uint8_t)next();
				break;
			case 2:
				if (len > 0)
					len = next() % len;
				break;
			case 3:
				if (len < MAX_LEN) {
					p = len > 0 ? next() % len : 0;
					memmove(buf + p + 1, buf + p, len - p);
					buf[p] = (uint8_t)next();
					len++;
				}
				break;
			case 4: {
				size_t o = next() % n, ol = seed_len[o];

				p = len > 0 ? next() % len : 0;
				if (ol > 0 && p + ol <= MAX_LEN) {
					memcpy(buf + p, seeds[o], ol);
					len = p + ol > len ? p + ol : len;
				}
				break;
			}
			default:
				if (len > 0)
					buf[next() % len] = (uint8_t)"\x00\x01\x7f\x80\xff-\n="[next() % 8];
				break;
			}
		}
		LLVMFuzzerTestOneInput(buf, len);
	}
	for (i = 0; i < n; i++)
		LLVMFuzzerTestOneInput(seeds[i], seed_len[i]);
	printf("%zu seeds, %ld mutations: no crash\n", n, iters);
	return 0;
}
