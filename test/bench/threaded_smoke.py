#!/usr/bin/python3
"""The multi-threaded benchmark fixtures, smoke-sized (label concurrent).

  threaded_smoke.py M8BENCH_BINARY WORKDIR

Runs one variant of every fixture that runs several threads on shared state
(ConcurrentGrid reads and writes, the concurrent map reference, the load
area's concurrency scenarios with and without thread binding, the racing
capacity fill, the decay storm's reader, the hot shard) with --m8_smoke and
a tiny --benchmark_min_time, and checks that the binary exits 0 and that
each of them ran without error. Under the ThreadSanitizer build (tools/test
--sanitize=thread runs it with halt_on_error=1) a data race fails the run.
"""
import json
import os
import subprocess
import sys

FILTER = ("^(ConcurrentGrid/(Recall|ReadWrite90)/uniform/cells:4096/real_time/"
          "threads:2"
          "|ConcurrentGrid/ReadWrite90/zipfian/cells:4096/real_time/threads:4"
          "|Ref/ConcurrentFlatHashMapFind/uniform/cells:4096/real_time/"
          "threads:2"
          "|Load/Concurrent/(write_heavy|hot_key)/(none|compact)/shards:16/"
          "real_time/threads:2"
          "|Stress/CapacityFill/concurrent/.*"
          "|Stress/DecayStorm/.*"
          "|Stress/HotShard/one_shard/shards:16/real_time/threads:2)$")
EXPECTED = 11


def fail(message):
    print("FAIL: " + message)
    sys.exit(1)


def main():
    if len(sys.argv) != 3:
        fail(__doc__)
    binary, work = sys.argv[1:]
    os.makedirs(work, exist_ok=True)
    out = os.path.join(work, "threaded.json")
    result = subprocess.run(
        [binary, "--m8_smoke", "--benchmark_min_time=0.001",
         "--benchmark_filter=" + FILTER, "--benchmark_out=" + out,
         "--m8_temp_dir=" + work],
        capture_output=True, text=True, timeout=1200)
    if result.returncode != 0:
        fail("exit %d:\n%s" % (result.returncode, result.stderr[-4000:]))
    with open(out) as f:
        runs = [b for b in json.load(f)["benchmarks"]
                if b.get("run_type") == "iteration"]
    names = sorted(b["run_name"] for b in runs)
    if len(names) != EXPECTED:
        fail("%d benchmarks ran, expected %d: %s" % (len(names), EXPECTED,
                                                     names))
    errored = [(b["run_name"], b.get("error_message")) for b in runs
               if b.get("error_occurred")]
    if errored:
        fail("errored: %s" % errored)
    print("OK: %d multi-threaded fixtures ran without error" % len(names))


if __name__ == "__main__":
    main()
