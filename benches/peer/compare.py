"""Checks that the Rust portal and the Dash app answer one callback request
with the same texts and equivalent figures: benches/peer/run.sh runs it
before measuring. Usage: compare.py RUST_ANSWER.json DASH_ANSWER.json"""

import base64
import json
import sys

import numpy as np


def values(array):
    """A figure array as a list: plain JSON, or plotly's typed array."""
    if isinstance(array, dict) and "bdata" in array:
        data = np.frombuffer(base64.b64decode(array["bdata"]), dtype=np.dtype(array["dtype"]))
        return data.tolist()
    return list(array or [])


def outputs(path):
    with open(path) as f:
        answer = json.load(f)["response"]
    texts = {k: v["children"] for k, v in answer.items() if "children" in v}
    figures = {k: v["figure"] for k, v in answer.items() if "figure" in v}
    return texts, figures


def main():
    rust_texts, rust_figures = outputs(sys.argv[1])
    dash_texts, dash_figures = outputs(sys.argv[2])
    problems = []
    for key in sorted(set(rust_texts) | set(dash_texts)):
        if rust_texts.get(key) != dash_texts.get(key):
            problems.append(f"{key}: {rust_texts.get(key)!r} vs {dash_texts.get(key)!r}")
    rd, dd = rust_figures["by-project"]["data"][0], dash_figures["by-project"]["data"][0]
    rust_slices = dict(zip(values(rd["labels"]), values(rd["values"])))
    dash_slices = dict(zip(values(dd["labels"]), values(dd["values"])))
    if set(rust_slices) != set(dash_slices):
        problems.append(f"donut labels: {sorted(rust_slices)} vs {sorted(dash_slices)}")
    for label, v in rust_slices.items():
        w = dash_slices.get(label, float("nan"))
        if not abs(v - w) <= 1e-6 * max(abs(v), 1.0):
            problems.append(f"donut {label}: {v} vs {w}")
    rust_bars = sorted(
        (t["name"], x, y)
        for t in rust_figures["by-month"]["data"]
        for x, y in zip(values(t["x"]), values(t["y"]))
    )
    dash_bars = sorted(
        (t["name"], x, y)
        for t in dash_figures["by-month"]["data"]
        for x, y in zip(values(t["x"]), values(t["y"]))
    )
    if len(rust_bars) != len(dash_bars) or any(
        a[0] != b[0] or a[1] != b[1] or abs(a[2] - b[2]) > 0.051 for a, b in zip(rust_bars, dash_bars)
    ):
        problems.append(f"monthly bars differ: {rust_bars[:4]} vs {dash_bars[:4]}")
    rust_tiles = sum(values(rust_figures["storage"]["data"][0].get("values", [])))
    dash_tiles = sum(values(dash_figures["storage"]["data"][0].get("values", [])))
    if rust_tiles and dash_tiles and abs(rust_tiles - dash_tiles) > 1e-6 * rust_tiles:
        problems.append(f"treemap totals: {rust_tiles} vs {dash_tiles}")
    if problems:
        print("DIFFERENT\n  " + "\n  ".join(problems))
        sys.exit(1)
    print(f"SAME texts={len(rust_texts)} donut={len(rust_slices)} bars={len(rust_bars)}")


main()
