import sys

from resilient_jobs.jobs import classify

REPORTS = [
    "Export to CSV fails with an error.",
    "[429-once] Dark mode would be nice to have.",  # the stand-in rate-limits this one once
]


def main() -> int:
    for report in REPORTS:
        log: list[str] = []
        label = classify(report, log)
        for line in log:
            print(f"  {line}")
        print(f"{report[:24]!r}: {label} after {len(log) + 1} attempt(s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
