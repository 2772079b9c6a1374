#!/usr/bin/env python3
"""Samples the CPU time of every thread of a running process until it exits, then prints it per thread name.

    bench/thread-cpu.py PID OUT

Used by `bench/e2e.sh --threads`. Reads /proc/PID/task/*/stat every 50 ms and keeps each thread's last
user and system time; when the process is gone, writes one line per thread name to OUT, the most CPU
first. Names are the kernel's (15 characters at most) with trailing digits folded into '#', so the pool
threads of one kind add up: 'ferry-es.0-#', 'C2 CompilerThre'. A thread's CPU after its last sample
(at most 50 ms' worth) and threads that live less than 50 ms are not seen; e2e.sh prints the
difference from the whole process's CPU as 'not seen by the sampler'.
"""
import collections
import os
import re
import sys
import time


def sample(pid, last):
    tick = os.sysconf('SC_CLK_TCK')
    try:
        tasks = os.listdir(f'/proc/{pid}/task')
    except OSError:
        return False
    for tid in tasks:
        try:
            with open(f'/proc/{pid}/task/{tid}/stat') as f:
                stat = f.read()
        except OSError:
            continue  # the thread ended between the listing and the read
        name = stat[stat.index('(') + 1:stat.rindex(')')]
        fields = stat[stat.rindex(')') + 2:].split()
        last[tid] = (name, int(fields[11]) / tick, int(fields[12]) / tick)
    return True


def main():
    pid, out = sys.argv[1], sys.argv[2]
    last = {}
    while sample(pid, last):
        time.sleep(0.05)
    per_name = collections.defaultdict(lambda: [0.0, 0.0])
    for name, user, system in last.values():
        total = per_name[re.sub(r'\d+$', '#', name)]
        total[0] += user
        total[1] += system
    with open(out, 'w') as f:
        for name, (user, system) in sorted(per_name.items(), key=lambda kv: -sum(kv[1])):
            if user + system >= 0.01:
                f.write(f'{user + system:.2f} {user:.2f} {system:.2f} {name}\n')


if __name__ == '__main__':
    main()
