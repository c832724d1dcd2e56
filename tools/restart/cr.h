/* SPDX-License-Identifier: GPL-2.0 */
/* What cr's subcommands share. */
#ifndef CR_H
#define CR_H

extern const char *cr_prog;
int cr_bad_usage(const char *why);
int cmd_inspect(int argc, char **argv);

#endif /* CR_H */
