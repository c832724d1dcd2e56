// SPDX-License-Identifier: GPL-2.0
/*
 * Benchmark container program: dirties N MiB of anonymous memory, then
 * waits.  usage: bench-mem MIB
 */
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	size_t len = (argc > 1 ? strtoul(argv[1], NULL, 10) : 1) << 20;
	unsigned char *p;
	size_t i;
	int null = open("/dev/null", O_RDWR);

	if (null < 0)
		return 1;
	dup2(null, 0);
	dup2(null, 1);
	dup2(null, 2);
	close(null);
	p = mmap(NULL, len, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED)
		return 1;
	for (i = 0; i < len; i += 4096)
		p[i] = i >> 12;
	for (;;)
		pause();
}
