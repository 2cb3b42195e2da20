#!/usr/bin/env python3
"""Start-up of the CLI: `java -jar prodigy.jar` against the distribution's bin/prodigy, for `validate` and `runs`.

Usage: prodigy-benchmarks/startup/measure.py DIST_DIR [ROUNDS]
DIST_DIR is an unpacked prodigy-cli/target/prodigy-VERSION-dist.tar.gz. The script works in a temporary directory
with its own PRODIGY_HOME, lets the launcher make its class-data-sharing archive first, then runs both forms in
alternation and prints the median and minimum wall time and the median user+system CPU time of each.
"""
import os, resource, shutil, statistics, subprocess, sys, tempfile, time

dist = os.path.abspath(sys.argv[1])
rounds = int(sys.argv[2]) if len(sys.argv) > 2 else 15
jar = os.path.join(dist, "lib", "prodigy.jar")
launcher = os.path.join(dist, "bin", "prodigy")
work = tempfile.mkdtemp(prefix="prodigy-startup-")
env = dict(os.environ, PRODIGY_HOME=os.path.join(work, "home"))
with open(os.path.join(work, "wf.yml"), "w") as f:
    f.write('name: bench\nmode: mapreduce\nmap:\n  input: items.json\n  json_path: "$.items[*]"\n'
            '  agent_template:\n    - shell: "echo ${item.name}"\n')

def run(cmd):
    subprocess.run(cmd, cwd=work, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True)

run([launcher, "--version"])  # starts the archive's training in the background
cds = os.path.join(work, "home", "cds")
deadline = time.time() + 300
while not (os.path.isdir(cds) and any(n.endswith(".jsa") for n in os.listdir(cds))):
    if time.time() > deadline:
        sys.exit("no class-data-sharing archive after 300 s under " + cds)
    time.sleep(0.2)

results = {}
for _ in range(rounds):
    for name, args in (("validate wf.yml", ["validate", "wf.yml"]), ("runs", ["runs"])):
        for label, cmd in (("java -jar", ["java", "-jar", jar] + args), ("bin/prodigy", [launcher] + args)):
            before = resource.getrusage(resource.RUSAGE_CHILDREN)
            start = time.perf_counter()
            run(cmd)
            wall = time.perf_counter() - start
            after = resource.getrusage(resource.RUSAGE_CHILDREN)
            cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
            results.setdefault((name, label), []).append((wall, cpu))
for (name, label), values in sorted(results.items()):
    walls = [v[0] * 1000 for v in values]
    cpus = [v[1] * 1000 for v in values]
    print(f"{name:16} {label:12} wall median {statistics.median(walls):6.0f} ms  min {min(walls):6.0f} ms"
          f"  cpu median {statistics.median(cpus):6.0f} ms")
shutil.rmtree(work, ignore_errors=True)
