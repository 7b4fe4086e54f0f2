#!/usr/bin/python3
"""A real benchmark binary given bad input, and failing disks.

  bad_input_integration.py M8BENCH_BINARY IO_FAULT_SHIM WORKDIR

Checks, one run of the binary each, that:
  - a bad --m8_config (sizes beyond their bounds, a repeated key, text for a
    number, a directory, a named pipe, /dev/zero, an oversized file, an
    unopenable path) exits 2 with one line on stderr naming the file and
    the problem, promptly, with nothing on stdout;
  - a --benchmark_filter that is not a regular expression or matches
    nothing exits 2 with one line, and neither creates an empty
    --benchmark_out nor touches the one already there (nor does a listing);
  - a good run replaces the results file whole, with the mode of a new file;
  - results that cannot be written (a file size limit, a full disk and a
    failing fsync through IO_FAULT_SHIM, an LD_PRELOAD library) exit 1
    naming the file, and leave the previous results and no temporary file.
"""
import json
import os
import resource
import signal
import subprocess
import sys

FILTER = "^Grid/Recall/uniform/cells:4096$"
OLD = "previous results\n"


def fail(message):
    print("FAIL: " + message)
    sys.exit(1)


def run(args, env=None, preexec=None, timeout=120):
    full_env = dict(os.environ)
    full_env.update(env or {})
    try:
        return subprocess.run(args, capture_output=True, text=True,
                              env=full_env, preexec_fn=preexec,
                              timeout=timeout)
    except subprocess.TimeoutExpired:
        fail("%s did not finish within %d s" % (args, timeout))


def expect_one_line(result, code, needles, what):
    lines = result.stderr.strip().splitlines()
    if result.returncode != code or len(lines) != 1 or result.stdout or \
            not all(n in lines[0] for n in needles):
        fail("%s: expected exit %d and one line with %s; got exit %d, "
             "stdout %r, stderr %r" % (what, code, needles, result.returncode,
                                       result.stdout, result.stderr))


def expect_last_line(result, code, needles, what):
    lines = result.stderr.strip().splitlines()
    if result.returncode != code or not lines or \
            not all(n in lines[-1] for n in needles):
        fail("%s: expected exit %d and a last line with %s; got exit %d, "
             "stderr %r" % (what, code, needles, result.returncode,
                            result.stderr[-2000:]))


def check_configs(binary, work):
    def write(name, text):
        path = os.path.join(work, name)
        with open(path, "w") as f:
            f.write(text)
        return path

    cases = [
        (write("expected_over.json", '{"expected_cells": 67108865}'),
         ["expected_cells = 67108865", "[0, 67108864]"]),
        (write("expected_1e12.json", '{"expected_cells": 1000000000000}'),
         ["expected_cells = 1000000000000"]),
        (write("expected_2_64.json",
               '{"expected_cells": 18446744073709551616}'),
         ["'expected_cells'", "must be an integer"]),
        (write("buckets_over.json", '{"frequency_buckets": 1048577}'),
         ["frequency_buckets = 1048577"]),
        (write("shards_buckets.json",
               '{"shard_count": 4096, "frequency_buckets": 1048576}'),
         ["shard_count * frequency_buckets"]),
        (write("shards_over.json", '{"shard_count": 4097}'),
         ["shard_count = 4097"]),
        (write("repeated.json", '{"alpha": 0.2, "beta": 1, "alpha": 0.3}'),
         ["'alpha'", "more than once"]),
        (write("infini.json", '{"alpha": "Infini"}'),
         ["'alpha'", "must be a number", "Infini"]),
        (write("n.json", '{"max_cells": "N"}'),
         ["'max_cells'", "must be an integer"]),
        (write("big.json", " " * (2 << 20)),
         ["2097152 bytes", "1048576"]),
        (work, ["is a directory"]),
        ("/dev/zero", ["is a character device"]),
        (os.path.join(work, "big.json", "inside.json"), ["Not a directory"]),
        (os.path.join(work, "missing.json"), ["No such file or directory"]),
    ]
    fifo = os.path.join(work, "pipe.json")
    if os.path.exists(fifo):
        os.remove(fifo)
    os.mkfifo(fifo)
    cases.append((fifo, ["is a named pipe"]))
    for path, needles in cases:
        # A named pipe with no writer must not hang the binary.
        result = run([binary, "--m8_config=" + path,
                      "--benchmark_filter=" + FILTER], timeout=60)
        expect_one_line(result, 2, [path] + needles, "--m8_config=" + path)
    return len(cases)


def files_in(directory):
    return sorted(os.listdir(directory))


def check_filters(binary, work):
    out_dir = os.path.join(work, "out")
    os.makedirs(out_dir, exist_ok=True)
    out = os.path.join(out_dir, "r.json")
    with open(out, "w") as f:
        f.write(OLD)
    for spec, needles in (("(", ["--benchmark_filter='('",
                                 "not a valid regular expression"]),
                          ("^NoSuchBenchmark$", ["matches no benchmark"])):
        result = run([binary, "--m8_smoke", "--benchmark_filter=" + spec,
                      "--benchmark_out=" + out])
        expect_one_line(result, 2, needles, "--benchmark_filter=" + spec)
        with open(out) as f:
            if f.read() != OLD:
                fail("--benchmark_filter=%s changed %s" % (spec, out))
        if files_in(out_dir) != ["r.json"]:
            fail("--benchmark_filter=%s left %s" % (spec, files_in(out_dir)))
    # No file at all appears for a run that matched nothing.
    fresh = os.path.join(out_dir, "fresh.json")
    run([binary, "--benchmark_filter=^NoSuchBenchmark$",
         "--benchmark_out=" + fresh])
    if os.path.exists(fresh):
        fail("an empty results file was left at " + fresh)
    # A listing measures nothing: the results stay.
    listed = run([binary, "--benchmark_list_tests", "--benchmark_filter=" +
                  FILTER, "--benchmark_out=" + out])
    if listed.returncode != 0 or listed.stdout.split() != \
            ["Grid/Recall/uniform/cells:4096"]:
        fail("listing: exit %d, stdout %r" % (listed.returncode,
                                               listed.stdout))
    with open(out) as f:
        if f.read() != OLD:
            fail("a listing changed " + out)
    bad_dir = os.path.join(work, "no", "such", "dir", "r.json")
    result = run([binary, "--benchmark_filter=" + FILTER,
                  "--benchmark_out=" + bad_dir])
    expect_one_line(result, 2, [bad_dir, "No such file or directory"],
                    "--benchmark_out into a missing directory")
    return out_dir, out


def good_run(binary, out, env=None, preexec=None):
    return run([binary, "--m8_smoke", "--benchmark_min_time=0.001",
                "--benchmark_filter=" + FILTER, "--benchmark_out=" + out],
               env=env, preexec=preexec)


def check_writes(binary, shim, out_dir, out):
    # A good run replaces the file, whole, with the mode of a new file.
    os.remove(out)
    result = good_run(binary, out, preexec=lambda: os.umask(0o027))
    if result.returncode != 0:
        fail("good run: exit %d: %s" % (result.returncode, result.stderr))
    with open(out) as f:
        doc = json.load(f)
    if "m8.env.load_avg_end" not in doc["context"] or \
            len(doc["benchmarks"]) != 1:
        fail("good run: results lack the end context or the benchmark")
    mode = os.stat(out).st_mode & 0o7777
    if mode != 0o640:
        fail("good run: mode %o, expected 640 under umask 027" % mode)
    if files_in(out_dir) != ["r.json"]:
        fail("good run left " + str(files_in(out_dir)))

    with open(out, "w") as f:
        f.write(OLD)

    def file_size_limit():
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (2048, 2048))

    shim_env = {"LD_PRELOAD": shim,
                "ASAN_OPTIONS": os.environ.get("ASAN_OPTIONS", "") +
                ":verify_asan_link_order=0",
                "M8_FAULT_MATCH": "r.json."}
    faults = [
        ("a 2 KiB file size limit", None, file_size_limit,
         ["incomplete"]),
        ("a full disk", dict(shim_env, M8_FAULT_WRITE="28",
                             M8_FAULT_WRITE_AFTER="3000"), None,
         ["incomplete"]),
        ("a failing fsync", dict(shim_env, M8_FAULT_FSYNC="5"), None,
         ["fsync failed", os.strerror(5)]),
    ]
    for what, env, preexec, needles in faults:
        result = good_run(binary, out, env=env, preexec=preexec)
        expect_last_line(result, 1, [out] + needles, what)
        with open(out) as f:
            if f.read() != OLD:
                fail("%s: the previous results were changed" % what)
        if files_in(out_dir) != ["r.json"]:
            fail("%s: left %s" % (what, files_in(out_dir)))
    return len(faults)


def main():
    if len(sys.argv) != 4:
        fail(__doc__)
    binary, shim, work = sys.argv[1:]
    os.makedirs(work, exist_ok=True)
    configs = check_configs(binary, work)
    out_dir, out = check_filters(binary, work)
    faults = check_writes(binary, shim, out_dir, out)
    print("OK: %d bad configs and 2 bad filters exit 2 in one line; results "
          "replaced whole, never emptied; %d write failures exit 1 and keep "
          "the old file" % (configs, faults))


if __name__ == "__main__":
    main()
