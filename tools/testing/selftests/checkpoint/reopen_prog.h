/* SPDX-License-Identifier: GPL-2.0 */
/* What reopen_prog and reopen_test agree on. */
#ifndef REOPEN_PROG_H
#define REOPEN_PROG_H

#define REOPEN_UID	1000
#define REOPEN_SIZE	4096	/* the file, all of it mapped */

/* reopen_prog is set up once this is in its file. */
#define READY_OFF	0
#define READY_MARK	"ready"
/*
 * reopen_test writes this there to have it check (a signal could come
 * between the check of a flag and the pause() a restart re-issues).
 */
#define GO_OFF		32
#define GO_MARK		"go"
/* What it writes after a restart, through its fd and its mapping. */
#define FD_OFF		64
#define VIA_FD		"written through the fd"
#define MAP_OFF		128
#define VIA_MAP		"written through the map"

#endif /* REOPEN_PROG_H */
