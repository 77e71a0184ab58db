#!/usr/bin/env python3
"""Prints a table of one or more NexmarkHarness JSON reports: bids/s, cores, reactor CPU ns per bid, GC, latency."""
import json
import sys

for path in sys.argv[1:]:
    d = json.load(open(path))
    print(f"{path}  (load {d.get('load_average_1m')}, reactors {d.get('reactors')}, jvm_args {' '.join(a for a in d['jvm_args'] if a.startswith('-X'))})")
    print(f"  {'query':12} {'bids/s':>11} {'runs':>30} {'cores':>5} {'reactor ns/bid':>14} {'GC/10M':>7} {'GCms/10M':>8}  latency p50/p99/p99.9/max us @rate (achieved)")
    for name, q in d["queries"].items():
        reactor = sum(v for k, v in q["thread_cpu_cores"].items() if k.startswith("laminar-reactor"))
        ns = reactor * q["elapsed_ms"] * 1e6 / d["events"]
        lat = ""
        for key in ("latency", "latency_low_rate"):
            if key in q:
                l = q[key]
                lat += f"  {l['p50_us']}/{l['p99_us']}/{l['p999_us']}/{l['max_us']} @{l['rate']:,} ({l['achieved_rate']:,})"
        runs = ",".join(f"{r/1e6:.2f}M" for r in q["runs_events_per_sec"])
        print(f"  {name:12} {q['events_per_sec']:>11,} {runs:>30} {q['cpu_cores_used']:>5} {ns:>14.0f} {q['gc_count_per_10m_events']:>7} {q['gc_time_ms_per_10m_events']:>8}{lat}")
        for key, s in q.get("scaling", {}).items():  # --reactors 1,2: the other counts, and each one's ratio
            if isinstance(s, dict):
                runs = ",".join(f"{r/1e6:.2f}M" for r in s["runs_events_per_sec"])
                print(f"  {'  ' + key:12} {s['events_per_sec']:>11,} {runs:>30} {s['cpu_cores_used']:>5}")
            else:
                print(f"  {'  ' + key:12} {s}")
