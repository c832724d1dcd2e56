# In-kernel checkpoint/restart: build, test and export.
#
#   make demo     boot the test kernel and show checkpoint/restart
#   make check    build everything and run every test; ends "N passed, N failed"
#   make vm       a shell in the test guest
#   make series   export the patch series to out/series and check it
#   make bench    checkpoint/restart figures on a non-debug kernel
#   make host-tests  cr's unit and golden tests, on the host (no VM)
#   make fuzz     a bounded libFuzzer run over cr's image parser
#   make fuzz-kernel  the restart(2) fuzzer in the guest (FUZZ_TIME=seconds)
#   make fuzz-campaign  one more segment of the long fuzzing campaign
#   make distro-build  the series' objects, W=1, under Debian's own config
#
# Everything generated lives in out/.

TOP      := $(abspath .)
OUT      := $(TOP)/out
SRC      := $(OUT)/linux
JOBS     ?= $(shell nproc)
KMAKE     = $(MAKE) -C $(SRC) ARCH=x86_64 -j$(JOBS)

TEST_KDIR := $(OUT)/build/test
NOCR_KDIR := $(OUT)/build/nocr
PERF_KDIR := $(OUT)/build/perf
BIN       := $(OUT)/bin
INITRAMFS := $(OUT)/initramfs.cpio.gz

# The selftests build through the kselftest Makefiles, into
# $(KSFT_OUT)/checkpoint, against the test kernel's headers (O= gives
# both), and install into $(KSFT_INSTALL) with the kselftest runner.
KSFT_OUT  := $(TEST_KDIR)/kselftest
KSFT_INSTALL := $(TEST_KDIR)/kselftest-install
KSFT_MAKE  = $(MAKE) -C $(SRC)/tools/testing/selftests O=$(TEST_KDIR) \
	     TARGETS=checkpoint CKPT_STATIC=1

CFLAGS_USER := -O2 -g -Wall -Wextra -Wno-unused-parameter -Wno-clobbered -static \
	       -isystem $(TEST_KDIR)/usr/include

.PHONY: all deps tree kernel kernel-nocr headers selftests tools initramfs \
	kernel-perf check demo bench vmtest vm series sparse host-tests fuzz \
	fuzz-kernel fuzz-campaign distro-build clean FORCE

all: kernel selftests

deps:
	@build/deps.sh

# Always run: cheap, and only touches what changed.
tree: deps
	@build/prepare-tree.sh

# $(1) = build dir, $(2) = config fragments on top of tinyconfig
define kconfig
	@mkdir -p $(1)
	@if ! cmp -s $(1)/.fragments.stamp $(1)/.fragments.want 2>/dev/null || \
	    [ ! -f $(1)/.config ]; then \
		echo "kconfig: $(notdir $(1))"; \
		$(KMAKE) O=$(1) tinyconfig >/dev/null && \
		cd $(1) && $(SRC)/scripts/kconfig/merge_config.sh -m -O $(1) \
			$(1)/.config $(2) >/dev/null && \
		$(KMAKE) O=$(1) olddefconfig >/dev/null && \
		$(TOP)/build/check-config.sh $(1)/.config $(2) && \
		cp $(1)/.fragments.want $(1)/.fragments.stamp; \
	fi
endef

TEST_FRAGS := $(TOP)/build/configs/base.config $(TOP)/build/configs/container.config $(TOP)/build/configs/debug.config
NOCR_FRAGS := $(TOP)/build/configs/base.config $(TOP)/build/configs/nocr.config
PERF_FRAGS := $(TOP)/build/configs/base.config $(TOP)/build/configs/container.config $(TOP)/build/configs/perf.config

kernel: tree
	@mkdir -p $(TEST_KDIR) && cat $(TEST_FRAGS) > $(TEST_KDIR)/.fragments.want
	$(call kconfig,$(TEST_KDIR),$(TEST_FRAGS))
	@echo "kernel: building test kernel"
	@$(KMAKE) O=$(TEST_KDIR) bzImage headers >$(TEST_KDIR)/build.log 2>&1 || \
		{ tail -40 $(TEST_KDIR)/build.log; exit 1; }
	@! grep -E '(kernel|arch/x86)/checkpoint/.*warning:' $(TEST_KDIR)/build.log

kernel-nocr: tree
	@mkdir -p $(NOCR_KDIR) && cat $(NOCR_FRAGS) > $(NOCR_KDIR)/.fragments.want
	$(call kconfig,$(NOCR_KDIR),$(NOCR_FRAGS))
	@echo "kernel: building CONFIG_CHECKPOINT=n kernel"
	@$(KMAKE) O=$(NOCR_KDIR) bzImage >$(NOCR_KDIR)/build.log 2>&1 || \
		{ tail -40 $(NOCR_KDIR)/build.log; exit 1; }

kernel-perf: tree
	@mkdir -p $(PERF_KDIR) && cat $(PERF_FRAGS) > $(PERF_KDIR)/.fragments.want
	$(call kconfig,$(PERF_KDIR),$(PERF_FRAGS))
	@echo "kernel: building the benchmark kernel (no debugging aids)"
	@$(KMAKE) O=$(PERF_KDIR) bzImage >$(PERF_KDIR)/build.log 2>&1 || \
		{ tail -40 $(PERF_KDIR)/build.log; exit 1; }

headers: kernel

# Built in the kernel tree copy (where "../kselftest_harness.h" and
# tools/include resolve) by lib.mk, which only rebuilds what changed,
# then installed as kselftest installs them anywhere: run_kselftest.sh,
# kselftest-list.txt, the runner and checkpoint/.  The guest runs that
# tree (vm/init); a fresh install each time, so that a removed test does
# not linger.  Copies in $(BIN) from before the install are removed: the
# initramfs links /bin to the installed programs instead.
selftests: kernel
	@rm -rf $(KSFT_INSTALL) $(BIN)/*_test $(BIN)/*_prog
	@$(KSFT_MAKE) install INSTALL_PATH=$(KSFT_INSTALL) \
		>$(TEST_KDIR)/kselftest.log 2>&1 || \
		{ grep -E 'error' $(TEST_KDIR)/kselftest.log | head -40; \
		  tail -20 $(TEST_KDIR)/kselftest.log; exit 1; }

# The cr tool and the demo's container program, static like the tests.
CR_SRCS := cr.c args.c inspect.c image.c records.c summary.c
$(BIN)/cr: $(addprefix $(SRC)/tools/restart/,$(CR_SRCS) cr.h image.h records.h) \
		$(SRC)/tools/include/tools/checkpoint.h \
		$(TEST_KDIR)/usr/include/linux/checkpoint.h
	@mkdir -p $(BIN)
	$(CC) $(CFLAGS_USER) -o $@ $(addprefix $(SRC)/tools/restart/,$(CR_SRCS)) \
		-lcap -ljson-c -lz

$(BIN)/demo-counter: vm/demo/counter.c
	@mkdir -p $(BIN)
	$(CC) $(CFLAGS_USER) -o $@ $<

$(BIN)/bench-mem: vm/bench/mem.c
	@mkdir -p $(BIN)
	$(CC) $(CFLAGS_USER) -o $@ $<

tools: kernel
	@$(MAKE) -s --no-print-directory $(BIN)/cr $(BIN)/demo-counter $(BIN)/bench-mem

initramfs: selftests tools
	@build/mkinitramfs.sh $(INITRAMFS) $(BIN) $(KSFT_INSTALL)

# The series' objects, W=1, under Debian's amd64 config with CHECKPOINT=y,
# then under its PREEMPT_RT config with core scheduling and clamps
# (build/distro-build.sh); any warning fails.  Into out/build/distro{,-rt}.
distro-build: tree
	@build/distro-build.sh
	@build/distro-build.sh rt

# sparse over the project's own kernel files; any warning fails.
sparse: kernel
	@$(KMAKE) O=$(TEST_KDIR) C=2 kernel/checkpoint/ arch/x86/checkpoint/ \
		>$(TEST_KDIR)/sparse.log 2>&1 || { cat $(TEST_KDIR)/sparse.log; exit 1; }
	@build/sparse-check.sh $(TEST_KDIR)/sparse.log

check: kernel kernel-nocr initramfs
	@vm/check.sh

demo: initramfs
	@vm/run.sh --kernel $(TEST_KDIR)/arch/x86/boot/bzImage \
		--initrd $(INITRAMFS) --mode demo --console-stdout

# Figures for the notes, on a kernel without KASAN and lockdep.
bench: initramfs kernel-perf
	@vm/run.sh --kernel $(PERF_KDIR)/arch/x86/boot/bzImage \
		--initrd $(INITRAMFS) --mode bench --console-stdout

# One guest test binary, for working on it: make vmtest T=restart_test
vmtest: initramfs
	@vm/run.sh --kernel $(TEST_KDIR)/arch/x86/boot/bzImage \
		--initrd $(INITRAMFS) --mode one --test $(T) --logdir $(OUT)/vm-one
	@cat $(OUT)/vm-one/tap.log

vm: initramfs
	@vm/run.sh --kernel $(TEST_KDIR)/arch/x86/boot/bzImage \
		--initrd $(INITRAMFS) --mode shell --interactive

series: tree
	@build/series.sh

# The `series` branch (build/series-init.sh makes it once) takes main's
# committed project files, each hunk placed into its patch.
.PHONY: series-sync bisect-check bisect-test
series-sync:
	@build/series-sync.sh

# Every prefix of the exported series built with CHECKPOINT=y and =n:
# make bisect-check [P=3-5] [C=y].  Takes /tmp/cr-build.lock around each
# build itself: do not wrap it in flock.
bisect-check: series
	@build/bisect-check.sh $(if $(P),P=$(P)) $(if $(C),C=$(C))

# One prefix booted, with the selftests it adds (or T="..."):
# make bisect-test P=21.  Needs a bisect-check run first.
bisect-test: initramfs
	@build/bisect-test.sh P=$(P) $(if $(T),T="$(T)")

# ---- cr on the host: no kernel build, no VM ----
#
# Built from the project's own files against the uapi header in the tree,
# with ASan and UBSan, into out/host.  Only the kselftest harness comes
# from the unpacked kernel; "make tree" provides it the first time.
HOST        := $(OUT)/host
CR_DIR      := $(TOP)/tools/restart
HARNESS     := $(SRC)/tools/testing/selftests/kselftest_harness.h
HOST_SAN    := -fsanitize=address,undefined -fno-sanitize-recover=all \
	       -fno-omit-frame-pointer
HOST_CFLAGS := -O1 -g -Wall -Wextra -Wno-unused-parameter -Werror $(HOST_SAN) \
	       -isystem $(TOP)/include/uapi
CR_HDRS     := $(CR_DIR)/cr.h $(CR_DIR)/image.h $(CR_DIR)/records.h \
	       $(TOP)/include/uapi/linux/checkpoint.h
# All of cr but its main(): the walker calls each record type's check in
# records.c's table, which also holds inspect's and the summary's hooks,
# so whatever walks an image links the lot.
CR_LIB      := $(addprefix $(CR_DIR)/,args.c image.c inspect.c records.c summary.c)
SYNTH       := $(CR_DIR)/tests/synth.c $(CR_DIR)/tests/synth.h
FUZZ_TIME   ?= 25

$(HARNESS):
	@$(MAKE) --no-print-directory tree

$(HOST)/cr: $(addprefix $(CR_DIR)/,$(CR_SRCS)) $(CR_HDRS)
	@mkdir -p $(HOST)
	$(CC) $(HOST_CFLAGS) -o $@ $(filter %.c,$^) -lcap -ljson-c -lz

$(HOST)/mkimage: $(CR_DIR)/tests/mkimage.c $(SYNTH) $(CR_HDRS)
	@mkdir -p $(HOST)
	$(CC) $(HOST_CFLAGS) -o $@ $(filter %.c,$^) -lz

$(HOST)/image_test: $(CR_DIR)/tests/image_test.c $(CR_LIB) $(SYNTH) \
		$(CR_HDRS) | $(HARNESS)
	@mkdir -p $(HOST)
	$(CC) $(HOST_CFLAGS) -I$(dir $(HARNESS)) -o $@ $(filter %.c,$^) -ljson-c -lz

$(HOST)/args_test: $(CR_DIR)/tests/args_test.c $(CR_DIR)/args.c $(CR_HDRS) \
		| $(HARNESS)
	@mkdir -p $(HOST)
	$(CC) $(HOST_CFLAGS) -I$(dir $(HARNESS)) -o $@ $(filter %.c,$^)

$(HOST)/summary_test: $(CR_DIR)/tests/summary_test.c $(CR_LIB) $(SYNTH) \
		$(CR_HDRS) | $(HARNESS)
	@mkdir -p $(HOST)
	$(CC) $(HOST_CFLAGS) -I$(dir $(HARNESS)) -o $@ $(filter %.c,$^) -ljson-c -lz

# No sanitizers: it is preloaded into cr, whose own runtime comes first.
$(HOST)/fake_syscalls.so: $(CR_DIR)/tests/fake_syscalls.c $(CR_HDRS)
	@mkdir -p $(HOST)
	$(CC) -O1 -g -Wall -Wextra -Werror -fPIC -shared \
		-isystem $(TOP)/include/uapi -o $@ $< -ldl

# UPDATE_GOLDEN=1 rewrites tools/restart/tests/golden from this cr.
host-tests: $(HOST)/cr $(HOST)/mkimage $(HOST)/image_test $(HOST)/args_test \
		$(HOST)/summary_test $(HOST)/fake_syscalls.so
	@$(HOST)/image_test
	@$(HOST)/args_test
	@$(HOST)/summary_test
	@sh $(CR_DIR)/tests/cli_test.sh $(HOST)/cr $(HOST)/mkimage \
		$(HOST)/fake_syscalls.so $(if $(UPDATE_GOLDEN),--update)
	@MANWIDTH=80 man --warnings -l $(CR_DIR)/cr.8 2>$(HOST)/man.err >/dev/null; \
		if [ -s $(HOST)/man.err ]; then cat $(HOST)/man.err; exit 1; fi; \
		echo "ok cr.8 renders without warnings"

$(HOST)/image_fuzz: $(CR_DIR)/fuzz/image_fuzz.c $(CR_LIB) $(CR_HDRS)
	@mkdir -p $(HOST)
	clang -O1 -g -Wall -Wextra -Wno-unused-parameter -Werror \
		-fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all \
		-isystem $(TOP)/include/uapi -o $@ $(filter %.c,$^) -ljson-c -lz

# The corpus is kept between runs, so each run starts where the last one
# got to; the seeds are rewritten each time from the current format.
fuzz: $(HOST)/image_fuzz $(HOST)/mkimage
	@rm -rf $(HOST)/fuzz-seeds
	@mkdir -p $(HOST)/fuzz-seeds $(HOST)/fuzz-corpus
	@$(HOST)/mkimage $(HOST)/fuzz-seeds
	@$(HOST)/image_fuzz -max_total_time=$(FUZZ_TIME) -timeout=10 \
		-max_len=16384 -print_final_stats=1 \
		-artifact_prefix=$(HOST)/fuzz- $(HOST)/fuzz-corpus $(HOST)/fuzz-seeds

# The structure-aware fuzzer of restart(2), in the guest on the debug
# kernel (tools/testing/selftests/checkpoint/kfuzz_prog.c): FUZZ_TIME
# seconds after its base images are taken (about a minute), or
# FUZZ_EXECS restarts if that comes first.  It reports restarts,
# corpus size and edges covered, and fails on any finding or splat.
# The inputs it adds land in out/vm-fuzz/corpus.new; to make some of
# them seeds (make check replays every seed):
#   cat out/vm-fuzz/corpus.new >>tools/testing/selftests/checkpoint/kfuzz.corpus
# A long run in the background: a million restarts take about 12 hours
# at the 23 a second measured under TCG (two workers, the host shared):
#   nohup make fuzz-kernel FUZZ_TIME=100000 FUZZ_EXECS=1000000 >out/fuzz-long.log 2>&1 &
FUZZ_EXECS ?=
fuzz-kernel: initramfs
	@vm/fuzz-kernel.sh $(FUZZ_TIME) $(FUZZ_EXECS)

# One more segment of the long campaign (vm/fuzz-campaign.sh), at nice 19:
#   nohup make fuzz-campaign FUZZ_TIME=7200 >out/fuzz-campaign.log 2>&1 &
fuzz-campaign: initramfs
	@vm/fuzz-campaign.sh $(FUZZ_TIME)

clean:
	rm -rf $(OUT)/build $(OUT)/bin $(OUT)/host $(INITRAMFS) $(OUT)/series
