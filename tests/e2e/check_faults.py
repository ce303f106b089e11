#!/usr/bin/python3
"""Faults, kills mid-run and output-path security (issue 10): runs the real sfpgen and checks
that every failure is diagnosed (path and OS reason, documented exit code), that no output is
ever partial (each is absent or byte-identical to a good run's), that the database is either
unchanged or holds the whole submission, and that nothing crashes.

usage: check_faults.py --sfpgen BIN --root SOURCE_DIR --work DIR [--good DIR] CASE
Exit 0: passed; 1: failed; 77: skipped (a mount is needed and `mount` does not work here).
"""
import argparse
import json
import os
import random
import re
import resource
import shutil
import signal
import sqlite3
import subprocess
import sys
import time

SKIP = 77
EPOCH = "1767225600"
REPORT = "gb-progress-sample"
FINAL_OUTPUTS = [REPORT + ".pdf", REPORT + ".xlsx"]
MANIFEST = REPORT + ".manifest.json"
# PendingFile's temporary names: "<target>.tmp-<pid>-<n>-<6 hex>" (generator/core/src/output.cpp)
TEMP_NAME = re.compile(r"\.tmp-(\d+)-(\d+)-[0-9a-f]{6}$")
SANITIZER = re.compile(r"AddressSanitizer|LeakSanitizer|UndefinedBehaviorSanitizer|runtime error:")

failures = []


class Skip(Exception):
    pass


def check(condition, message):
    if not condition:
        failures.append(message)
    return condition


class Env:
    def __init__(self, args):
        self.sfpgen = args.sfpgen
        self.root = args.root
        self.work = args.work
        self.good = args.good
        self.config = os.path.join(args.root, "templates/gb-progress/report.toml")
        self.sample_csv = os.path.join(args.root, "data/sample/institution_years.csv")

    def path(self, *parts):
        return os.path.join(self.work, *parts)

    def run(self, args, env=None, preexec=None, timeout=300):
        full_env = dict(os.environ, SOURCE_DATE_EPOCH=EPOCH, USER="fault-test")
        full_env.update(env or {})
        return subprocess.run([self.sfpgen] + args, capture_output=True, text=True,
                              env=full_env, cwd=self.root, preexec_fn=preexec, timeout=timeout)

    def build(self, out, formats="pdf,xlsx", extra=None, **kwargs):
        return self.run(["build", self.config, "--output", out, "--format", formats, "-q"] +
                        (extra or []), **kwargs)

    def ingest(self, csv, database, by="fault-test", **kwargs):
        return self.run(["ingest", csv, "--source", "partners", "--database", database,
                         "--config", self.config, "--by", by, "-q"], **kwargs)


def describe(run):
    return f"exit {run.returncode}; stderr:\n{run.stderr[-3000:]}"


def check_no_crash(run, what):
    check(0 <= run.returncode < 128, f"{what}: killed by a signal or crashed: {describe(run)}")
    check(not SANITIZER.search(run.stderr), f"{what}: sanitizer report: {describe(run)}")


def check_failure(run, what, exit_code, *patterns):
    """A diagnosed failure: the documented exit code and stderr matching every pattern."""
    check_no_crash(run, what)
    check(run.returncode == exit_code, f"{what}: expected exit {exit_code}, {describe(run)}")
    for pattern in patterns:
        check(re.search(pattern, run.stderr, re.MULTILINE),
              f"{what}: stderr does not match {pattern!r}: {describe(run)}")


def temp_files(folder):
    return [n for n in os.listdir(folder) if TEMP_NAME.search(n)] if os.path.isdir(folder) else []


def check_outputs(env, folder, what, leftovers_allowed=False):
    """Every output in `folder` is whole: a report byte-identical to the good run's, a manifest
    that is complete JSON; temporary files only where a killed run may leave them."""
    if not os.path.isdir(folder):
        return
    for name in sorted(os.listdir(folder)):
        path = os.path.join(folder, name)
        if TEMP_NAME.search(name):
            check(leftovers_allowed, f"{what}: temporary file left behind: {name}")
        elif name in FINAL_OUTPUTS:
            with open(path, "rb") as mine, open(os.path.join(env.good, name), "rb") as good:
                check(mine.read() == good.read(),
                      f"{what}: {name} differs from the good run's (partial output)")
        elif name == MANIFEST:
            try:
                with open(path, encoding="utf-8") as manifest:
                    json.load(manifest)
            except ValueError as error:
                failures.append(f"{what}: {name} is not complete JSON: {error}")
        else:
            failures.append(f"{what}: unexpected file {name}")


def fresh(path):
    shutil.rmtree(path, ignore_errors=True)
    return path


def can_mount():
    """Whether this process may mount (root in CI; not in an unprivileged container)."""
    probe = subprocess.run(["unshare", "--mount", "--propagation", "private", "mount", "-t",
                            "tmpfs", "-o", "size=64k", "tmpfs", "/mnt"], capture_output=True)
    return probe.returncode == 0


def run_with_mount(env, mount_options, mountpoint, sfpgen_args):
    """Runs sfpgen in a private mount namespace with a tmpfs at `mountpoint`, so that nothing
    stays mounted whatever happens. No data reaches the shell text: paths are arguments."""
    script = 'mount -t tmpfs -o "$1" tmpfs "$2" || exit 99; shift 2; exec "$@"'
    full_env = dict(os.environ, SOURCE_DATE_EPOCH=EPOCH)
    return subprocess.run(["unshare", "--mount", "--propagation", "private", "sh", "-c", script,
                           "sh", mount_options, mountpoint, env.sfpgen] + sfpgen_args,
                          capture_output=True, text=True, env=full_env, cwd=env.root,
                          timeout=300)


def file_size_limit(limit):
    """preexec_fn: a file size limit, with SIGXFSZ ignored so that write() fails with EFBIG
    (as on a full disk) instead of killing the process."""
    def apply():
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))
    return apply


# ----- the cases ---------------------------------------------------------------------------

def case_good(env):
    """The reference outputs: a normal build, and a second one that must give the same bytes."""
    for folder in (fresh(env.good), fresh(env.path("again"))):
        run = env.build(folder)
        check(run.returncode == 0, f"good build: {describe(run)}")
    for name in FINAL_OUTPUTS:
        with open(os.path.join(env.good, name), "rb") as a, \
                open(env.path("again", name), "rb") as b:
            check(a.read() == b.read(), f"good build: {name} is not reproducible")


def case_folder_missing(env):
    """docs/cli.md: --output DIR is created if missing, with its parents."""
    out = fresh(env.path("a", "b", "c"))
    run = env.build(out)
    check(run.returncode == 0, f"missing folder: {describe(run)}")
    check(sorted(os.listdir(out)) == sorted(FINAL_OUTPUTS + [MANIFEST]),
          f"missing folder: outputs {os.listdir(out)}")
    check_outputs(env, out, "missing folder")


def case_output_not_folder(env):
    """The output path is a file, or lies under a file, or under /proc: exit 5 with the path
    and the reason; the file is untouched. No privileges needed."""
    fresh(env.work)
    os.makedirs(env.work)
    blocker = env.path("a-file")
    with open(blocker, "w") as f:
        f.write("not a folder\n")
    run = env.build(blocker)
    check_failure(run, "output is a file", 5,
                  re.escape(blocker) + r": error: cannot create output folder: a file of that "
                                       r"name exists")
    run = env.build(os.path.join(blocker, "sub"))
    check_failure(run, "output under a file", 5,
                  re.escape(blocker) + r"/sub: error: cannot create output folder: Not a directory")
    with open(blocker) as f:
        check(f.read() == "not a folder\n", "output is a file: the file was changed")
    run = env.build("/proc/sfpgen-fault-test/out")
    check_failure(run, "output under /proc", 5,
                  r"/proc/sfpgen-fault-test/out: error: cannot create output folder: \S")
    # /proc/self is a folder where no file can be created, even by root.
    run = env.build("/proc/self")
    check_failure(run, "output in /proc/self", 5, r"/proc/self\S*: error: .*(not writable|cannot "
                  r"create output file): (Operation not permitted|Permission denied|No such file)")
    check(os.listdir(env.work) == ["a-file"], f"output is a file: left {os.listdir(env.work)}")


def case_read_only(env):
    """A read-only folder (a read-only tmpfs: chmod does not stop root): exit 5, the path, the
    OS reason, nothing written."""
    if not can_mount():
        raise Skip("mount does not work here (not root, or no CAP_SYS_ADMIN)")
    mountpoint = fresh(env.path("ro"))
    os.makedirs(mountpoint)
    run = run_with_mount(env, "ro,size=1m", mountpoint,
                         ["build", env.config, "--output", mountpoint, "-f", "pdf,xlsx", "-q"])
    check(run.returncode != 99, f"read-only: mount failed: {run.stderr}")
    check_failure(run, "read-only folder", 5,
                  re.escape(mountpoint) + r": error: output folder is not writable: "
                                          r"Read-only file system")
    sub = os.path.join(mountpoint, "sub")
    run = run_with_mount(env, "ro,size=1m", mountpoint,
                         ["build", env.config, "--output", sub, "-f", "pdf", "-q"])
    check_failure(run, "read-only parent", 5,
                  re.escape(sub) + r": error: cannot create output folder: Read-only file system")
    check(os.listdir(mountpoint) == [], "read-only: the mount point underneath was written")


def good_size(env, name):
    return os.path.getsize(os.path.join(env.good, name))


def case_disk_full(env):
    """A file size limit (EFBIG) at several points of each output: tiny, in the middle of the
    PDF, in the middle of the workbook, just short of the end. Exit 5 naming the file and the
    reason; no partial output; no temporary file left."""
    pdf, xlsx = good_size(env, FINAL_OUTPUTS[0]), good_size(env, FINAL_OUTPUTS[1])
    points = [("tiny", "pdf,xlsx", 2000), ("mid-PDF", "pdf", pdf // 2),
              ("PDF short by 1 byte", "pdf", pdf - 1), ("mid-workbook", "xlsx", xlsx // 2),
              ("workbook short by 1 byte", "xlsx", xlsx - 1),
              ("PDF and workbook", "pdf,xlsx", min(pdf, xlsx) // 3)]
    for label, formats, limit in points:
        out = fresh(env.path(label.replace(" ", "-")))
        run = env.build(out, formats, preexec=file_size_limit(limit))
        name = FINAL_OUTPUTS[0] if formats.startswith("pdf") else FINAL_OUTPUTS[1]
        # libxlsxwriter loses the OS error of its temporary files: the workbook check finds
        # the cut part (generator/render/src/xlsx_support.cpp) and says so.
        check_failure(run, f"disk full ({label}, {limit} bytes)", 5,
                      re.escape(os.path.join(out, name)) + r": error: cannot write.*"
                      r"(File too large|cut short \(is the disk or the temporary folder full)")
        check_outputs(env, out, f"disk full ({label})")
        for final in FINAL_OUTPUTS:
            # A limit below an output's size must not let that output through, cut short.
            if os.path.exists(os.path.join(out, final)):
                check(good_size(env, final) <= limit, f"disk full ({label}): {final} written")


def case_figures_disk_full(env):
    """Figures (PNG, SVG) and the chart gallery (PDF and PNG) under a file size limit below the
    first file's size: exit 5 naming the file and the OS reason, no temporary file left, and
    every file that is there whole (byte-identical to an unlimited run's)."""
    good = fresh(env.path("good"))
    run = env.run(["build", env.config, "--output", good, "--format", "png,svg", "-q"])
    check(run.returncode == 0, f"figures: good run: {describe(run)}")
    gallery_good = fresh(env.path("gallery-good"))
    run = env.run(["gallery", env.config, "--output", gallery_good, "-q"])
    check(run.returncode == 0, f"gallery: good run: {describe(run)}")
    if failures:
        return
    runs = []
    for extension in ("png", "svg"):
        sizes = [os.path.getsize(os.path.join(good, n)) for n in os.listdir(good)
                 if n.endswith("." + extension)]
        check(len(sizes) >= 2, f"figures: the good run wrote {len(sizes)} {extension} files")
        out = fresh(env.path(extension))
        runs.append((f"{extension} figures", good, out,
                     env.run(["build", env.config, "--output", out, "--format", extension, "-q"],
                             preexec=file_size_limit(min(sizes) // 2)),
                     re.escape(os.path.join(out, REPORT)) + r"-figure-\d+\." + extension +
                     r": error: .*cannot write chart: File too large"))
    gallery_pdf = os.path.getsize(os.path.join(gallery_good, "gallery.pdf"))
    out = fresh(env.path("gallery"))
    runs.append(("gallery", gallery_good, out,
                 env.run(["gallery", env.config, "--output", out, "-q"],
                         preexec=file_size_limit(gallery_pdf // 2)),
                 re.escape(os.path.join(out, "gallery.pdf")) +
                 r": error: cannot write PDF: File too large"))
    for what, reference, folder, run, pattern in runs:
        check_failure(run, f"{what} under a file size limit", 5, pattern)
        for name in sorted(os.listdir(folder)) if os.path.isdir(folder) else []:
            if TEMP_NAME.search(name):
                failures.append(f"{what}: temporary file left behind: {name}")
            elif name.endswith(".manifest.json"):
                continue
            else:
                with open(os.path.join(folder, name), "rb") as mine, \
                        open(os.path.join(reference, name), "rb") as whole:
                    check(mine.read() == whole.read(), f"{what}: {name} is partial")


def case_tmpfs_full(env):
    """A really full disk (a tiny tmpfs): ENOSPC. Exit 5, the path, the reason."""
    if not can_mount():
        raise Skip("mount does not work here (not root, or no CAP_SYS_ADMIN)")
    mountpoint = fresh(env.path("tmpfs"))
    os.makedirs(mountpoint)
    for size in ("32k", "200k", "450k", "800k"):  # 450k: the PDF fits, the workbook not
        run = run_with_mount(env, f"size={size}", mountpoint,
                             ["build", env.config, "--output", mountpoint, "-f", "pdf,xlsx", "-q"])
        check(run.returncode != 99, f"tmpfs: mount failed: {run.stderr}")
        check_failure(run, f"full tmpfs of {size}", 5,
                      re.escape(mountpoint) + r"/" + REPORT + r"\.(pdf|xlsx|manifest\.json): "
                      r"error: cannot write.*No space left on device")


def case_font_missing(env):
    """No font at all (FONTCONFIG_FILE naming a configuration without fonts): every character
    would be a hex box. sfpgen refuses to write such a PDF: exit 5, the reason, a hint."""
    fresh(env.work)
    os.makedirs(env.path("cache"))
    config = env.path("fonts.conf")
    with open(config, "w") as f:
        f.write('<?xml version="1.0"?>\n<!DOCTYPE fontconfig SYSTEM "fonts.dtd">\n'
                f"<fontconfig><cachedir>{env.path('cache')}</cachedir></fontconfig>\n")
    out = env.path("out")
    run = env.build(out, "pdf", env={"FONTCONFIG_FILE": config})
    check_failure(run, "no fonts", 5,
                  re.escape(os.path.join(out, FINAL_OUTPUTS[0])) +
                  r": error: cannot write PDF: no font to draw text with .*'DejaVu Sans'",
                  r"hint: install fonts-dejavu-core, or check FONTCONFIG_FILE")
    check(not os.path.exists(os.path.join(out, FINAL_OUTPUTS[0])), "no fonts: a PDF was written")
    check_outputs(env, out, "no fonts")
    # Another family only (DejaVu Sans missing): the PDF is written with it, and a warning says
    # which family stands in.
    stand_in = "/usr/share/fonts/truetype/noto/NotoSans-Regular.ttf"
    if not os.path.exists(stand_in):
        return
    os.makedirs(env.path("fonts"))
    os.symlink(stand_in, env.path("fonts", "NotoSans-Regular.ttf"))
    with open(config, "w") as f:
        f.write('<?xml version="1.0"?>\n<!DOCTYPE fontconfig SYSTEM "fonts.dtd">\n'
                f"<fontconfig><dir>{env.path('fonts')}</dir>"
                f"<cachedir>{env.path('cache')}</cachedir></fontconfig>\n")
    run = env.run(["build", env.config, "--output", out, "--format", "pdf"],
                  env={"FONTCONFIG_FILE": config})
    check(run.returncode == 0, f"stand-in font: {describe(run)}")
    check(re.search(re.escape(os.path.join(out, FINAL_OUTPUTS[0])) + r": warning: font 'DejaVu "
                    r"Sans' is not installed: the PDF uses 'Noto Sans' instead", run.stderr),
          f"stand-in font: no warning: {describe(run)}")


# ----- the database ------------------------------------------------------------------------

def dump(database):
    """Every table's content, in SQL. Opening the file also rolls back a killed run's hot
    journal, exactly as the next sfpgen would."""
    connection = sqlite3.connect(database)
    try:
        return "\n".join(connection.iterdump())
    finally:
        connection.close()


def integrity(database):
    connection = sqlite3.connect(database)
    try:
        return connection.execute("PRAGMA integrity_check").fetchone()[0]
    finally:
        connection.close()


def read_bytes(path):
    with open(path, "rb") as f:
        return f.read()


def revised_submission(env, path, copies=1, scale=1.07):
    """The sample panel with every amount scaled (a resubmission: all amounts revised) and
    `copies` - 1 more copies under new institution ids (a larger submission)."""
    with open(env.sample_csv, encoding="utf-8") as f:
        lines = f.read().splitlines()
    header, rows = lines[0], lines[1:]
    amount_columns = {i for i, name in enumerate(header.split(","))
                      if name.endswith("_usd") or name in ("total_assets", "deposits")}
    out = [header]
    for copy in range(copies):
        for row in rows:
            cells = row.split(",")
            if copy > 0:
                cells[0] = f"{cells[0]}-C{copy}"
            for i in amount_columns:
                if re.fullmatch(r"[0-9]+\.[0-9]+", cells[i]):
                    cells[i] = f"{float(cells[i]) * scale:.2f}"
            out.append(",".join(cells))
    with open(path, "w", encoding="utf-8") as f:
        f.write("\n".join(out) + "\n")


def base_database(env, database):
    run = env.ingest(env.sample_csv, database)
    check(run.returncode == 0, f"first ingest: {describe(run)}")


def case_db_locked(env):
    """Another connection holds the database (EXCLUSIVE, then RESERVED lock): ingest waits its
    busy timeout (5 s), fails with exit 5 naming the file, and changes nothing."""
    fresh(env.work)
    os.makedirs(env.work)
    database, submission = env.path("sfp.sqlite"), env.path("revised.csv")
    base_database(env, database)
    revised_submission(env, submission)
    before = read_bytes(database)
    for lock in ("EXCLUSIVE", "IMMEDIATE"):
        holder = sqlite3.connect(database, isolation_level=None)
        holder.execute(f"BEGIN {lock}")
        start = time.monotonic()
        run = env.ingest(submission, database, timeout=60)
        waited = time.monotonic() - start
        holder.execute("ROLLBACK")
        holder.close()
        check_failure(run, f"{lock} lock", 5,
                      re.escape(database) + r": error: database: .*database is locked")
        check(waited >= 4.0, f"{lock} lock: failed after {waited:.1f} s, without waiting")
        check(read_bytes(database) == before, f"{lock} lock: the database was changed")
    run = env.ingest(submission, database)
    check(run.returncode == 0, f"after the lock: {describe(run)}")


def case_db_corrupt(env):
    """A damaged database (truncated, random bytes in the middle, not SQLite at all): exit 5
    with the file and a hint, no crash, the file unchanged."""
    fresh(env.work)
    os.makedirs(env.work)
    good_db, submission = env.path("good.sqlite"), env.path("revised.csv")
    base_database(env, good_db)
    revised_submission(env, submission)
    content = read_bytes(good_db)
    noisy = bytearray(content)
    noise = random.Random(10)
    for i in range(len(content) // 4, len(content) // 4 + 8192):
        noisy[i] = noise.randrange(256)
    damaged = {"truncated": content[:len(content) // 2], "random-middle": bytes(noisy),
               "not-sqlite": b"mfi_id,fiscal_year\nMFI-001,2020\n",
               "header-only": content[:100]}
    expected = {"truncated": r"database disk image is malformed",
                "random-middle": r"database disk image is malformed",
                "not-sqlite": r"file is not a database",
                "header-only": r"database disk image is malformed|file is not a database"}
    for label, data in damaged.items():
        database = env.path(label + ".sqlite")
        with open(database, "wb") as f:
            f.write(data)
        run = env.ingest(submission, database)
        check_failure(run, f"corrupt database ({label})", 5,
                      re.escape(database) + r": error: database: .*(" + expected[label] + ")",
                      r"hint: ")
        check(read_bytes(database) == data, f"corrupt database ({label}): the file was changed")


def case_db_disk_full(env):
    """The disk fills during an ingest (a file size limit just above the database's size, and
    a tiny one that stops the journal): exit 5 naming the file, and the whole ingest rolled
    back: the database is byte-identical to before and passes the integrity check."""
    fresh(env.work)
    os.makedirs(env.work)
    base, submission = env.path("base.sqlite"), env.path("big.csv")
    base_database(env, base)
    revised_submission(env, submission, copies=3)
    before = read_bytes(base)
    for label, limit in (("tiny", 4096), ("mid-ingest", len(before) + 64 * 1024)):
        database = env.path(label + ".sqlite")
        shutil.copyfile(base, database)
        run = env.ingest(submission, database, preexec=file_size_limit(limit))
        check_failure(run, f"database disk full ({label})", 5,
                      re.escape(database) + r": error: database: .*(disk is full|disk I/O error|"
                      r"File too large)")
        check(read_bytes(database) == before, f"database disk full ({label}): file changed")
        check(integrity(database) == "ok", f"database disk full ({label}): integrity check")
        check(not os.path.exists(database + "-journal"),
              f"database disk full ({label}): journal left behind")


# ----- kills mid-run -------------------------------------------------------------------------

def run_and_kill(argv, delay, env_vars, cwd):
    process = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                               env=env_vars, cwd=cwd)
    try:
        process.wait(timeout=delay)
        return process.returncode  # finished before the kill
    except subprocess.TimeoutExpired:
        process.send_signal(signal.SIGKILL)
        process.wait()
        return None


def kill_points(seed, duration, count):
    points = random.Random(seed)
    return sorted(points.uniform(0.02, 1.0) * duration for _ in range(count))


def sfpgen_env():
    return dict(os.environ, SOURCE_DATE_EPOCH=EPOCH, USER="fault-test")


def case_kill_build(env):
    """SIGKILL `sfpgen build` (PDF and workbook) at 10 seeded random points over its measured
    run: never a partial output; the next run into the folder removes the killed run's
    temporary files."""
    fresh(env.work)
    start = time.monotonic()
    run = env.build(env.path("timed"))
    duration = time.monotonic() - start
    check(run.returncode == 0, f"timed build: {describe(run)}")
    killed_folders = []
    for i, delay in enumerate(kill_points(20261129, duration, 10)):
        out = env.path(f"kill-{i}")
        argv = [env.sfpgen, "build", env.config, "--output", out, "-f", "pdf,xlsx", "-q"]
        finished = run_and_kill(argv, delay, sfpgen_env(), env.root)
        check(finished in (None, 0), f"kill {i}: exit {finished}")
        check_outputs(env, out, f"killed at {delay:.2f} s", leftovers_allowed=True)
        if finished is None and temp_files(out):
            killed_folders.append(out)
    print(f"kill-build: run {duration:.2f} s; {len(killed_folders)} of 10 kills left temporary "
          "files")
    for out in killed_folders[:2]:  # two suffice here; stale-temp tests the rule itself
        run = env.build(out)
        check(run.returncode == 0, f"rebuild after a kill: {describe(run)}")
        check_outputs(env, out, "rebuild after a kill")


def case_stale_temp(env):
    """The next run removes temporary files of dead processes (ours by name), and keeps those
    of live processes and files that only look similar."""
    out = fresh(env.path("out"))
    os.makedirs(out)
    dead = subprocess.Popen(["true"])
    dead.wait()
    live = os.getpid()
    names = {f"{REPORT}.pdf.tmp-{dead.pid}-3-0a1b2c": False,   # a killed run: removed
             f"other.xlsx.tmp-{dead.pid}-0-ffffff": False,     # any output name: removed
             f"{REPORT}.pdf.tmp-{live}-0-abcdef": True,        # a live writer: kept
             f"notes.tmp-{dead.pid}-1-xyz": True,              # not our pattern: kept
             f"{REPORT}.pdf.tmp-{dead.pid}-1-abcdef.bak": True}  # not our pattern: kept
    for name in names:
        with open(os.path.join(out, name), "w") as f:
            f.write("partial")
    run = env.build(out, "pdf")
    check(run.returncode == 0, f"stale temp: {describe(run)}")
    for name, kept in names.items():
        check(os.path.exists(os.path.join(out, name)) == kept,
              f"stale temp: {name} should be {'kept' if kept else 'removed'}")


def case_kill_ingest(env):
    """SIGKILL `sfpgen ingest` at 10 seeded random points: afterwards the database is either
    exactly as before or holds the whole submission, and passes PRAGMA integrity_check."""
    fresh(env.work)
    os.makedirs(env.work)
    base, submission = env.path("base.sqlite"), env.path("big.csv")
    base_database(env, base)
    revised_submission(env, submission, copies=5)
    before = dump(base)
    complete = env.path("complete.sqlite")
    shutil.copyfile(base, complete)
    start = time.monotonic()
    run = env.ingest(submission, complete)
    duration = time.monotonic() - start
    check(run.returncode == 0, f"timed ingest: {describe(run)}")
    after = dump(complete)
    check(after != before, "the submission changed nothing: the test would prove nothing")
    outcomes = {"unchanged": 0, "whole": 0, "mid-transaction": 0}
    for i, delay in enumerate(kill_points(1129, duration, 10)):
        database = env.path(f"kill-{i}.sqlite")
        shutil.copyfile(base, database)
        argv = [env.sfpgen, "ingest", submission, "--source", "partners", "--database", database,
                "--config", env.config, "--by", "fault-test", "-q"]
        finished = run_and_kill(argv, delay, sfpgen_env(), env.root)
        check(finished in (None, 0), f"ingest kill {i}: exit {finished}")
        # A journal left behind means the kill fell inside the write transaction.
        outcomes["mid-transaction"] += os.path.exists(database + "-journal")
        state = dump(database)
        check(state in (before, after), f"ingest killed at {delay:.2f} s: half a submission")
        outcomes["unchanged" if state == before else "whole"] += 1
        check(integrity(database) == "ok", f"ingest killed at {delay:.2f} s: integrity check")
    print(f"kill-ingest: run {duration:.2f} s; outcomes {outcomes}")


# ----- security ------------------------------------------------------------------------------

def config_text(env, name_line):
    """The sample configuration with absolute paths (so that it can live in the work folder)
    and another [report] name line."""
    with open(env.config, encoding="utf-8") as f:
        text = f.read()
    text = text.replace('"../../', '"' + env.root + "/")
    text = text.replace('template = "document.toml"',
                        f'template = "{env.root}/templates/gb-progress/document.toml"')
    return re.sub(r'^name = "gb-progress-sample"$', lambda _: name_line, text, count=1,
                  flags=re.MULTILINE)


def case_security_names(env):
    """A report name from the configuration that would leave the output folder is refused with
    its position (exit 3); batch output-name patterns likewise (exit 2 from the command line,
    exit 3 from [batch] output). Nothing is written anywhere."""
    fresh(env.work)
    os.makedirs(env.path("out"))
    bad_names = ['"../escape"', '"/tmp/sfpgen-escape"', '"..\\\\escape"', '"a\\u0000b"',
                 '".."', '"."', '"sub/escape"']
    for name in bad_names:
        config = env.path("report.toml")
        with open(config, "w", encoding="utf-8") as f:
            f.write(config_text(env, f"name = {name}"))
        run = env.run(["build", config, "--output", env.path("out"), "-f", "pdf", "-q"])
        check_failure(run, f"report name {name}", 3,
                      re.escape(config) + r":6:8: error: 'name' in \[report\]")
    check(os.listdir(env.path("out")) == [], f"bad names: wrote {os.listdir(env.path('out'))}")
    check(sorted(os.listdir(env.work)) == ["out", "report.toml"],
          f"bad names: wrote {os.listdir(env.work)}")
    check(not os.path.exists("/tmp/sfpgen-escape.pdf"), "bad names: wrote /tmp/sfpgen-escape.pdf")
    brief = os.path.join(env.root, "templates/constituent-brief/report.toml")
    for pattern in ["../{value}", "/tmp/{value}", "..\\{value}", "..", "{value}/x", ".{value}"]:
        run = env.run(["build", brief, "--for", "country=KEN", "--output-name", pattern,
                       "--output", env.path("out"), "--dry-run", "-q"])
        check_failure(run, f"--output-name {pattern}", 2,
                      r"output name pattern '.*' gives '.*': expected a file base name")
    check(os.listdir(env.path("out")) == [], "bad patterns: wrote files")


def case_security_symlink(env):
    """A symbolic link in the output folder named like an output, pointing outside: the output
    replaces the link (rename), never writes through it."""
    fresh(env.work)
    out, outside = env.path("out"), env.path("outside")
    os.makedirs(out)
    os.makedirs(outside)
    victim = os.path.join(outside, "victim.pdf")
    with open(victim, "w") as f:
        f.write("must stay\n")
    os.symlink(victim, os.path.join(out, FINAL_OUTPUTS[0]))
    os.symlink(os.path.join(outside, "new.xlsx"), os.path.join(out, FINAL_OUTPUTS[1]))
    run = env.build(out)
    check(run.returncode == 0, f"symlinks: {describe(run)}")
    with open(victim) as f:
        check(f.read() == "must stay\n", "symlinks: wrote through the link to a file outside")
    check(os.listdir(outside) == ["victim.pdf"], f"symlinks: created {os.listdir(outside)}")
    for name in FINAL_OUTPUTS:
        check(not os.path.islink(os.path.join(out, name)), f"symlinks: {name} is still a link")
    check_outputs(env, out, "symlinks")


def case_security_sql(env):
    """Names that are SQL: stored verbatim (bound parameters), every table intact."""
    fresh(env.work)
    os.makedirs(env.work)
    evil_name = "x'); DROP TABLE figures;--"
    evil_region = "Africa\"; DELETE FROM submissions; --"
    evil_by = "o'brien'); DROP TABLE institutions;--"
    with open(env.sample_csv, encoding="utf-8") as f:
        lines = f.read().splitlines()
    # MFI-001's rows: name and region replaced (both are plain text cells without commas).
    rows = [lines[0]] + [line.replace("Savanna Enterprise Credit", evil_name)
                         .replace(",Africa,", "," + evil_region + ",", 1)
                         if line.startswith("MFI-001,") else line for line in lines[1:]]
    submission = env.path("evil.csv")
    with open(submission, "w", encoding="utf-8") as f:
        f.write("\n".join(rows) + "\n")
    reference, database = env.path("reference.sqlite"), env.path("evil.sqlite")
    base_database(env, reference)
    run = env.ingest(submission, database, by=evil_by)
    check(run.returncode == 0, f"sql names: {describe(run)}")
    connection = sqlite3.connect(database)
    tables = connection.execute("SELECT type, name FROM sqlite_master ORDER BY name").fetchall()
    expected = sqlite3.connect(reference).execute(
        "SELECT type, name FROM sqlite_master ORDER BY name").fetchall()
    check(tables == expected, f"sql names: schema differs: {tables}")
    check(connection.execute("SELECT name, region FROM institutions WHERE id = 'MFI-001'")
          .fetchone() == (evil_name, evil_region), "sql names: institution not stored verbatim")
    check(connection.execute("SELECT submitted_by FROM submissions").fetchone() == (evil_by,),
          "sql names: --by not stored verbatim")
    figures = connection.execute("SELECT count(*) FROM figures").fetchone()[0]
    reference_figures = sqlite3.connect(reference).execute(
        "SELECT count(*) FROM figures").fetchone()[0]
    check(figures == reference_figures > 0, f"sql names: {figures} figures, expected "
                                            f"{reference_figures}")


CALLS = re.compile(r"(?<![\w.:>])(?:std::|::)?(system|popen|execl|execlp|execle|execv|execve|"
                   r"execvp|execvpe|fexecve|fork|vfork|posix_spawnp?|g_spawn_\w+|"
                   r"wordexp)\s*\(")


def shell_calls(text):
    code = re.sub(r"//[^\n]*|/\*.*?\*/|\"(?:\\.|[^\"\\\n])*\"", "", text, flags=re.DOTALL)
    return [m.group(1) for m in CALLS.finditer(code)]


def case_security_no_shell(env):
    """No shell and no other program is ever started: no system(), popen(), exec*(), fork(),
    posix_spawn() in the sources. The scanner itself is checked on known positives."""
    for sample in ["std::system(cmd);", "FILE* p = popen(c, \"r\");", "::execvp(a, b);",
                   "pid_t p = fork ();", "posix_spawnp(&pid, f, 0, 0, a, e);"]:
        check(shell_calls(sample), f"no-shell: the scanner misses {sample!r}")
    for sample in ["// system(x) in a comment", "log(\"popen(\")", "filesystem(x);",
                   "my.system(x);", "ecosystem(1);"]:
        check(not shell_calls(sample), f"no-shell: the scanner flags {sample!r}")
    scanned = 0
    for folder in ("generator", "charts"):
        for directory, _, files in os.walk(os.path.join(env.root, folder)):
            for name in files:
                if not name.endswith((".cpp", ".hpp", ".h", ".c", ".cc")):
                    continue
                path = os.path.join(directory, name)
                with open(path, encoding="utf-8", errors="replace") as f:
                    found = shell_calls(f.read())
                scanned += 1
                check(not found, f"no-shell: {os.path.relpath(path, env.root)} calls {found}")
    check(scanned > 50, f"no-shell: only {scanned} files scanned")


CASES = {
    "good": case_good,
    "folder-missing": case_folder_missing,
    "output-not-folder": case_output_not_folder,
    "read-only": case_read_only,
    "disk-full": case_disk_full,
    "tmpfs-full": case_tmpfs_full,
    "figures-disk-full": case_figures_disk_full,
    "font-missing": case_font_missing,
    "db-locked": case_db_locked,
    "db-corrupt": case_db_corrupt,
    "db-disk-full": case_db_disk_full,
    "kill-build": case_kill_build,
    "kill-ingest": case_kill_ingest,
    "stale-temp": case_stale_temp,
    "security-names": case_security_names,
    "security-symlink": case_security_symlink,
    "security-sql": case_security_sql,
    "security-no-shell": case_security_no_shell,
}


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--sfpgen", required=True)
    parser.add_argument("--root", required=True)
    parser.add_argument("--work", required=True)
    parser.add_argument("--good", help="the good run's outputs (case 'good' writes them)")
    parser.add_argument("case", choices=sorted(CASES))
    args = parser.parse_args()
    args.root = os.path.abspath(args.root)
    args.work = os.path.abspath(args.work)
    args.good = os.path.abspath(args.good) if args.good else os.path.join(args.work, "good")
    os.makedirs(args.work, exist_ok=True)
    try:
        CASES[args.case](Env(args))
    except Skip as reason:
        print(f"SKIP: {reason}")
        sys.exit(SKIP)
    for failure in failures:
        print("FAIL:", failure)
    if failures:
        sys.exit(1)
    print(f"ok: {args.case}")


if __name__ == "__main__":
    main()
