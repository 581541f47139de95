"""What the commands print on the console: summaries, to-do lists, diffs, outcomes and next steps.

Results (a report, a patch, a diff to review) go to stdout; everything else goes to stderr (``err``).
"""

from __future__ import annotations

import os
import sys
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path

from rich.console import Console
from rich.markup import escape
from rich.table import Table

from migrator.markers import TODO_MARKER
from migrator.model import RETIRED_MODEL, FileError, FileResult, Finding
from migrator.report.base import Report
from migrator.report.diff import unified
from migrator.rules.base import Rule

err = Console(stderr=True, highlight=False, soft_wrap=True)


def error(message: str) -> None:
    """``error: message`` in bold red on stderr."""
    err.print(f"[bold red]error:[/] {escape(message)}", markup=True)


def files(n: int) -> str:
    return f"{n} file{'' if n == 1 else 's'}"


@contextmanager
def progress(label: str, total: int) -> Iterator[Callable[[int], None] | None]:
    """A progress bar on stderr while a long run (over 300 files) shows on a terminal: yields the
    function that advances it, or None when there is no bar."""
    if not (err.is_terminal and total > 300):
        yield None
        return
    from rich.progress import Progress  # only for long runs on a terminal

    with Progress(console=err, transient=True) as bar:
        task = bar.add_task(f"{label}…", total=total)

        def advance(n: int) -> None:
            bar.advance(task, n)

        yield advance


def emit(text: str, output: Path | None) -> None:
    """The report on stdout, or in ``output`` (an OSError when it cannot be written)."""
    if output is None:
        sys.stdout.write(text)
        sys.stdout.flush()
        return
    output.write_text(text, encoding="utf-8")
    err.print(f"report written to {output}")


def migration_report(text: str, path: Path) -> None:
    """``migrate --report FILE``: the Markdown checklist (an OSError when it cannot be written)."""
    path.write_text(text, encoding="utf-8")
    err.print(f"migration report written to {escape(str(path))}")


def step_summary(report: Report) -> None:
    """Append the Markdown summary of a check to the file GitHub Actions names in GITHUB_STEP_SUMMARY."""
    from migrator.report.github import step_summary as markdown

    try:
        with open(os.environ["GITHUB_STEP_SUMMARY"], "a", encoding="utf-8") as fh:
            fh.write(markdown(report))
    except OSError as exc:
        err.print(f"cannot write GITHUB_STEP_SUMMARY: {escape(str(exc))}")


def summary(report: Report, title: str) -> None:
    """The findings by feature and severity, the counts, the rolled-back sites and the skipped files."""
    findings = report.findings
    if findings:
        table = Table(title=title, title_justify="left")
        for col in ("feature", "found", "auto", "review", "manual", "reach OpenAI"):
            table.add_column(col, justify="left" if col == "feature" else "right")
        by_feature: dict[str, Counter[str]] = {}
        for f in findings:
            c = by_feature.setdefault(f.feature, Counter())
            c["found"] += 1
            c[f.severity.value] += 1
            c["reach"] += int(f.reaches_openai)
        for feature in sorted(by_feature):
            c = by_feature[feature]
            table.add_row(feature, *(str(c[k]) for k in ("found", "auto", "review", "manual", "reach")))
        total = Counter(f.severity.value for f in findings)
        table.add_row("total", str(len(findings)), str(total["auto"]), str(total["review"]), str(total["manual"]),
                      str(sum(f.reaches_openai for f in findings)), style="bold")
        err.print(table)
    with_findings = len({f.path for f in findings})
    err.print(f"{report.files_scanned} files scanned, {len(findings)} findings in {with_findings} files, "
              f"{len(report.errors)} errors")
    rolled = sum(r.rolled_back for r in report.results)
    if rolled:
        err.print(f"{rolled} site(s) rolled back by the safety net: their rewrite would have broken the program, "
                  "so they are left as they were and listed as review (\"rolled back: ...\")")
    for e in report.errors:
        err.print(f"  [yellow]skipped[/] {escape(e.path)}: {escape(e.message)}", markup=True)


def todo(report: Report) -> None:
    """The review and manual findings, one line each (stderr: stdout holds the diff)."""
    items = sorted((f for f in report.findings if f.severity.value != "auto"), key=lambda f: f.sort_key())
    if items:
        err.print(f"\n{len(items)} item(s) to review or do by hand:")
    for f in items:
        err.print(f"  {f.where}: {f.code} [{f.severity.value}] {f.message}", markup=False, highlight=False)


def show_diffs(changed: list[FileResult]) -> None:
    """The dry run's diffs on stdout, coloured on a terminal."""
    out = Console(highlight=False)
    for r in changed:
        text = unified(r)
        if out.is_terminal:
            from rich.syntax import Syntax  # pygments: only on a terminal

            out.print(Syntax(text, "diff", theme="ansi_dark", background_color="default"))
        else:
            out.file.write(text)


def patch(changed: list[FileResult], show_secrets: bool) -> None:
    """``--diff``: a plain patch on stdout and nothing else there; a note when it hides API keys."""
    sys.stdout.write("".join(unified(r, show_secrets) for r in changed))
    sys.stdout.flush()
    hidden = sum(1 for r in changed if not show_secrets and any(s in (r.old_text or "") for s in r.secrets))
    if hidden:
        err.print(f"[yellow]note:[/] the patch hides API keys in {hidden} file(s), so `git apply` will reject "
                  "those hunks; apply with `--write`, or pass `--show-secrets`", markup=True)


def scan_next(report: Report, target: str, paths: Iterable[Path]) -> None:
    """After a scan that found something: the migrate command that shows the diff."""
    if report.findings:
        err.print(f"next: `migrator migrate --target {target} {' '.join(str(p) for p in paths)}` shows the diff")


def suppressed(report: Report) -> None:
    """``check --show-suppressed``: the sites reaching OpenAI that ``# migrator: ignore`` silences."""
    silenced = sorted((f for r in report.results for f in r.suppressed if f.reaches_openai), key=lambda f: f.sort_key())
    for f in silenced:
        err.print(f"{escape(f.where)}: {f.code} (suppressed) {escape(f.message)}")
    err.print(f"{len(silenced)} site(s) reaching OpenAI are silenced by `# migrator: ignore`")


def baselined(report: Report, baseline: Path | None) -> None:
    if report.baselined:
        err.print(f"{report.baselined} known site(s) allowed by the baseline {escape(str(baseline))}")


def check_outcome(report: Report, remaining: list[Finding], broken: list[FileResult], targets: str) -> None:
    """What a check leaves: the sites still reaching OpenAI, retired models, TODO markers, the files it
    could not check, or that nothing reaches OpenAI. ``targets`` is the ``--target`` hint."""
    markers = [f for f in remaining if f.code == TODO_MARKER]
    retired = [f for f in remaining if f.code == RETIRED_MODEL]
    reaching = [f for f in remaining if f.code not in (TODO_MARKER, RETIRED_MODEL)]
    if reaching:
        n = len({f.path for f in reaching})
        err.print(f"[bold red]{len(reaching)} site(s) in {n} file(s) still reach OpenAI[/]", markup=True)
        err.print(f"run `migrator migrate --target {targets} .` to migrate them, or suppress a site with "
                  "`# migrator: ignore`")
    if retired:
        err.print(f"[bold red]{len(retired)} call(s) in {len({f.path for f in retired})} file(s) name a retired "
                  "provider model[/]: each item says what to use instead", markup=True)
    if markers:
        err.print(f"[bold red]{len(markers)} TODO(migrator) marker(s) in {len({f.path for f in markers})} file(s)[/]: "
                  "fix the site below each, then delete the comment", markup=True)
    if not remaining and broken:
        err.print(f"[bold red]{len(broken)} file(s) that mention openai could not be checked[/] (nothing else "
                  f"reaches OpenAI in {files(report.files_scanned)})", markup=True)
    elif not remaining:
        err.print(f"[green]nothing reaches OpenAI[/] ({files(report.files_scanned)} checked)", markup=True)
    for r in broken:
        assert r.error is not None
        err.print(f"  [yellow]could not check[/] {escape(r.error.path)}: {escape(r.error.message)}", markup=True)


def missing_paths(errors: list[FileError]) -> None:
    """The paths of the command line that do not exist."""
    for e in errors:
        err.print(f"[bold red]error:[/] {escape(e.path)}: {e.message}", markup=True)


def written_next(report: Report) -> None:
    """After ``migrate --write``: the review and manual items, or adding check to CI."""
    left = sum(1 for f in report.findings if f.severity.value != "auto")
    if left:
        err.print(f"next: the {left} review/manual item(s) listed above (`--report migration.md` writes them "
                  "as a checklist); then add `migrator check .` to CI")
    else:
        err.print("next: add `migrator check .` to CI so that no call to OpenAI comes back")


def dry_run(changed: list[FileResult]) -> None:
    err.print(f"{len(changed)} file(s) would change")
    if changed:
        err.print("dry run: nothing written. Apply with `--write`; review and manual items are listed above.")


def rules_table(rules: Iterable[Rule]) -> None:
    """``migrator rules``: code, name, feature and summary of every rule, on stdout."""
    table = Table(title="migrator rules", title_justify="left")
    table.add_column("code")
    table.add_column("name")
    table.add_column("feature")
    table.add_column("what it covers")
    for r in sorted(rules, key=lambda r: r.CODE):
        table.add_row(r.CODE, r.NAME, r.FEATURE, r.SUMMARY)
    Console(highlight=False).print(table)
