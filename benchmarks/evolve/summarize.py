"""Prints the evolve benchmark's markdown tables from the evolve.csv files under a results folder."""
import csv
import os
import statistics
import sys

out = sys.argv[1]


def rows(path):
    with open(path) as f:
        return list(csv.DictReader(f))


def fmt(values):
    return ", ".join(f"{v:.1f}" for v in values)


def mean_sd(values):
    return f"{statistics.mean(values):.1f} ± {statistics.stdev(values):.1f}" if len(values) > 1 else f"{values[0]:.1f}"


seeds = [0, 1, 2]
print("| method | best top-1 of the search (seeds 0, 1, 2) | mean ± sd | best config retrained, unseen seed | mean ± sd |")
print("|---|---|---|---|---|")
for name in ["base", "random", "evolve"]:
    search, held = [], []
    for s in seeds:
        source = "evolve" if name == "base" else name
        results = rows(os.path.join(out, f"{source}_s{s}", "evolve.csv"))
        search.append(float(results[0]["fitness"]) if name == "base" else max(float(r["fitness"]) for r in results))
        held.append(float(rows(os.path.join(out, f"{name}_s{s}", "heldout", "evolve.csv"))[0]["fitness"]))
    print(f"| {name} | {fmt(search)} | {mean_sd(search)} | {fmt(held)} | {mean_sd(held)} |")
print()
print("| early stopping (seed 0) | best top-1 | candidates stopped | iterations trained of the budget | saved |")
print("|---|---|---|---|---|")
for rule in ["none", "median"]:
    path = os.path.join(out, f"stop-{rule}_s0", "evolve.csv")
    if not os.path.exists(path):
        continue
    results = rows(path)
    budget = sum(int(r["budget_iters"]) for r in results)
    trained = sum(int(r["iters"]) for r in results)
    stopped = sum(int(r["stopped_early"]) for r in results)
    print(f"| {rule} | {max(float(r['fitness']) for r in results):.1f} | {stopped} of {len(results)} | {trained} of {budget} | {100 * (budget - trained) / budget:.0f} % |")
