#!/usr/bin/env python3
"""Errors in a pyx12 `x12valid -J` report, at every level (interchange, group,
transaction, segment). Prints the count; -1 when the report is missing or unreadable
(pyx12 could not read the file). With a log file and a file name, a summary line other
than "NAME: OK" counts as at least one error.

x12valid's exit status is not usable (its console script exits 1 on success), so the
report is read instead.

Usage: count_errors.py REPORT.json [LOG NAME]
"""
import json
import sys


def count(report):
    n = 0
    for interchange in report["interchanges"]:
        n += len(interchange["errors"])
        for group in interchange["groups"]:
            n += len(group["errors"])
            for transaction in group["transactions"]:
                n += len(transaction["errors"])
                n += sum(len(s.get("errors", [])) for s in transaction["segments"])
    return n


def main(args):
    try:
        with open(args[0]) as f:
            n = count(json.load(f))
    except (OSError, ValueError, KeyError):
        print(-1)
        return
    if len(args) >= 3 and n == 0:
        with open(args[1]) as f:
            if f"{args[2]}: OK" not in f.read():
                n = 1
    print(n)


main(sys.argv[1:])
