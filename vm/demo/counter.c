// SPDX-License-Identifier: GPL-2.0
/*
 * The demo's container program: counts, one line every half second,
 * appended to the log file it is given.  Its stdio goes to /dev/null so
 * that nothing it holds is shared with the shell that started it.
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	struct timespec half = { 0, 500000000 };
	char line[64];
	unsigned long i;
	int fd, null;

	if (argc != 2)
		return 2;
	fd = open(argv[1], O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644);
	null = open("/dev/null", O_RDWR);
	if (fd < 0 || null < 0)
		return 1;
	dup2(null, 0);
	dup2(null, 1);
	dup2(null, 2);
	close(null);
	for (i = 1;; i++) {
		int n = snprintf(line, sizeof(line), "count %lu\n", i);

		if (write(fd, line, n) != n)
			return 1;
		nanosleep(&half, NULL);
	}
}
