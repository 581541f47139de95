"""Command line (typer): scan, migrate, check, rules, explain. Results on stdout, the rest on stderr."""

from __future__ import annotations

import json
import os
import signal
import sys
from collections import Counter
from contextlib import nullcontext
from dataclasses import replace
from enum import Enum
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from migrator import __version__
from migrator.discover import discover
from migrator.markers import TODO_MARKER
from migrator.model import RETIRED_MODEL, FileError, FileResult, Finding
from migrator.report.base import Report
from migrator.report.render import render
from migrator.rules.base import Options
from migrator.rules.providers import builtin_targets
from migrator.settings import ConfigError, Settings, find_config, load, models_for, parse_model_flags

app = typer.Typer(add_completion=False, no_args_is_help=True, rich_markup_mode=None,
                  help="Move Python code off the OpenAI API onto another provider's OpenAI-compatible API "
                       "(built-in targets: " + ", ".join(builtin_targets()) + "; or a gateway from configuration).")

err = Console(stderr=True, highlight=False, soft_wrap=True)

# a target is a built-in provider module or a [tool.migrator.providers.<name>] table, so the option
# takes a string and is checked against the settings (the list comes from the provider package)
TargetOpt = Annotated[str | None, typer.Option(
    "--target", metavar="TARGET",
    help="Provider: " + " | ".join(builtin_targets()) + ", or a [tool.migrator.providers.<name>] table.")]


class Style(str, Enum):
    compat = "compat"
    native = "native"


class Region(str, Enum):
    cn = "cn"
    intl = "intl"


class ResponsesMode(str, Enum):
    auto = "auto"
    chat = "chat"


ResponsesOpt = Annotated[ResponsesMode | None, typer.Option(
    "--responses", help="Responses API calls: auto (default) keeps them where the target serves the Responses "
    "API, else makes them chat.completions calls; chat: always chat.completions calls.")]


class Format(str, Enum):
    text = "text"
    json = "json"
    github = "github"
    sarif = "sarif"
    junit = "junit"


PathsArg = Annotated[list[Path] | None, typer.Argument(help="Files or folders (default: .)", show_default=False)]
FormatOpt = Annotated[Format, typer.Option("--format", help="Output format.")]
OutputOpt = Annotated[Path | None, typer.Option("--output", help="Write the report to FILE instead of stdout.")]
ExcludeOpt = Annotated[list[str] | None, typer.Option("--exclude", help="Glob of paths to skip (repeatable).")]
JobsOpt = Annotated[int | None, typer.Option("--jobs", "-j", min=1, help="Worker processes (default: cores).")]
NoCacheOpt = Annotated[bool, typer.Option("--no-cache", help="Do not read or write .migrator_cache/.")]
SelectOpt = Annotated[str | None, typer.Option("--select", help="Only these rule codes or prefixes (OA2,OA601).")]
IgnoreOpt = Annotated[str | None, typer.Option("--ignore", help="Skip these rule codes or prefixes.")]


def _version(value: bool) -> None:
    if value:
        print(f"migrator {__version__}")
        raise typer.Exit(0)


@app.callback()
def _main(version: Annotated[bool, typer.Option("--version", callback=_version, is_eager=True,
                                                help="Show the version and exit.")] = False) -> None:
    pass


# ---------------------------------------------------------------------------------------------
# shared plumbing


def _fail(message: str) -> typer.Exit:
    err.print(f"[bold red]error:[/] {escape(message)}", markup=True)
    return typer.Exit(2)


def _settings(paths: list[Path]) -> Settings:
    start = (paths[0] if paths else Path(".")).resolve()
    try:
        return load(find_config(start if start.exists() else Path.cwd()))
    except ConfigError as exc:
        raise _fail(str(exc)) from None


def _codes(value: str | None, fallback: list[str]) -> tuple[str, ...]:
    if value is None:
        return tuple(fallback)
    return tuple(c.strip() for c in value.split(",") if c.strip())


def _options(settings: Settings, target: str | None, style: str | None, region: str | None,
             model_flags: list[str] | None, select: str | None, ignore: str | None,
             responses: ResponsesMode | None = None) -> Options:
    tgt = target or settings.target
    if tgt is not None and tgt not in settings.targets():
        raise _fail(f"--target {tgt!r}: not a target; choose one of {', '.join(settings.targets())} "
                    "(or define it in [tool.migrator.providers.<name>])")
    models = dict(settings.models)
    try:
        if tgt:
            models.update(models_for(settings.config_file, tgt))
        models.update(parse_model_flags(model_flags or []))
    except ConfigError as exc:
        raise _fail(str(exc)) from None
    return Options(target=tgt, style=style or settings.style, region=region or settings.region, models=models,
                   responses=responses.value if responses else settings.responses,
                   select=_codes(select, settings.select), ignore=_codes(ignore, settings.ignore),
                   custom_spec=settings.custom.get(tgt) if tgt else None)


def _targets_hint(settings: Settings) -> str:
    return "{" + "|".join(settings.targets()) + "}"


def _run(command: str, paths: list[Path] | None, settings: Settings, options: Options, exclude: list[str] | None,
         jobs: int | None, use_cache: bool = False, fixes: bool = False) -> Report:
    from migrator.runner import Cache, run

    paths = paths or [Path(".")]
    cwd = Path.cwd()
    files, errors = discover(paths, cwd=cwd, exclude=[*settings.excludes(), *(exclude or [])])
    roots = [((cwd / p) if not p.is_absolute() else p).resolve() for p in paths]
    roots = [r if r.is_dir() else r.parent for r in roots]
    progress_ctx = nullcontext()
    advance = None
    if err.is_terminal and len(files) > 300:
        from rich.progress import Progress

        progress_ctx = Progress(console=err, transient=True)
    with progress_ctx as progress:
        if progress is not None:
            task = progress.add_task(f"{command}…", total=len(files))

            def advance(n: int) -> None:
                progress.advance(task, n)

        cache = None
        if use_cache and command in ("scan", "check"):
            base = settings.config_file.parent if settings.config_file else cwd
            cache = Cache(base / ".migrator_cache", options, command)
        mode = "migrate" if command == "migrate" or fixes else command  # fixes: SARIF with a target
        results = run(files, options, mode, roots=roots, jobs=jobs, progress=advance,
                      cache=None if fixes else cache)
    file_errors = [r.error for r in results if r.error is not None]
    return Report(command, options.target, results, [*errors, *file_errors], files_scanned=len(files))


def _emit(text: str, output: Path | None) -> None:
    if output is None:
        sys.stdout.write(text)
        sys.stdout.flush()
        return
    try:
        output.write_text(text, encoding="utf-8")
    except OSError as exc:
        raise _fail(f"cannot write {output}: {exc.strerror or exc}") from None
    err.print(f"report written to {output}")


def _summary(report: Report, title: str) -> None:
    findings = report.findings
    if findings:
        table = Table(title=title, title_justify="left")
        for col in ("feature", "found", "auto", "review", "manual", "reach OpenAI"):
            table.add_column(col, justify="left" if col == "feature" else "right")
        by_feature: dict[str, Counter] = {}
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
    files = len({f.path for f in findings})
    err.print(f"{report.files_scanned} files scanned, {len(findings)} findings in {files} files, "
              f"{len(report.errors)} errors")
    rolled = sum(r.rolled_back for r in report.results)
    if rolled:
        err.print(f"{rolled} site(s) rolled back by the safety net: their rewrite would have broken the program, "
                  "so they are left as they were and listed as review (\"rolled back: ...\")")
    for e in report.errors:
        err.print(f"  [yellow]skipped[/] {escape(e.path)}: {escape(e.message)}", markup=True)


# ---------------------------------------------------------------------------------------------
# commands


@app.command()
def scan(
    paths: PathsArg = None,
    fmt: FormatOpt = Format.text,
    output: OutputOpt = None,
    target: TargetOpt = None,
    region: Annotated[Region | None, typer.Option("--region")] = None,
    responses: ResponsesOpt = None,
    exclude: ExcludeOpt = None,
    select: SelectOpt = None,
    ignore: IgnoreOpt = None,
    jobs: JobsOpt = None,
    no_cache: NoCacheOpt = False,
) -> None:
    """List every OpenAI SDK site and how hard it is to migrate."""
    settings = _settings(paths or [])
    options = _options(settings, target, None, region.value if region else None, None, select, ignore, responses)
    report = _run("scan", paths, settings, options, exclude, jobs, use_cache=not no_cache,
                  fixes=fmt is Format.sarif and options.target is not None)
    _emit(render(fmt.value, report), output)
    if fmt is Format.text or output is not None:
        _summary(report, "OpenAI sites by feature" + (f" (target {options.target})" if options.target else ""))
        if report.findings:
            err.print(f"next: `migrator migrate --target {options.target or _targets_hint(settings)} "
                      f"{' '.join(str(p) for p in paths or ['.'])}` shows the diff")
    raise typer.Exit(2 if _missing_paths(report) else 0)


@app.command()
def check(
    paths: PathsArg = None,
    fmt: FormatOpt = Format.text,
    output: OutputOpt = None,
    target: TargetOpt = None,
    exclude: ExcludeOpt = None,
    select: SelectOpt = None,
    ignore: IgnoreOpt = None,
    exit_zero: Annotated[bool, typer.Option("--exit-zero", help="Exit 0 even when sites remain.")] = False,
    show_suppressed: Annotated[bool, typer.Option(
        "--show-suppressed", help="Also list the sites silenced by `# migrator: ignore`.")] = False,
    baseline: Annotated[Path | None, typer.Option(
        "--baseline", help="JSON from `scan --format json`: fail only on sites it does not list.")] = None,
    jobs: JobsOpt = None,
    no_cache: NoCacheOpt = False,
) -> None:
    """Fail (exit 1) while anything still reaches OpenAI. For CI."""
    settings = _settings(paths or [])
    options = _options(settings, target, None, None, None, select, ignore)
    options.neutral = options.target is None
    allowed = _load_baseline(baseline) if baseline is not None else None
    report = _run("check", paths, settings, options, exclude, jobs, use_cache=not no_cache,
                  fixes=fmt is Format.sarif and options.target is not None)
    report.baseline = allowed
    _emit(render(fmt.value, report), output)
    if fmt is Format.github and os.environ.get("GITHUB_STEP_SUMMARY"):
        from migrator.report.github import step_summary

        try:
            with open(os.environ["GITHUB_STEP_SUMMARY"], "a", encoding="utf-8") as fh:
                fh.write(step_summary(report))
        except OSError as exc:
            err.print(f"cannot write GITHUB_STEP_SUMMARY: {escape(str(exc))}")
    if show_suppressed:
        silenced = sorted((f for r in report.results for f in r.suppressed if f.reaches_openai),
                          key=lambda f: f.sort_key())
        for f in silenced:
            err.print(f"{escape(f.where)}: {f.code} (suppressed) {escape(f.message)}")
        err.print(f"{len(silenced)} site(s) reaching OpenAI are silenced by `# migrator: ignore`")
    if report.baselined and (fmt is Format.text or output is not None):
        err.print(f"{report.baselined} known site(s) allowed by the baseline {escape(str(baseline))}")
    remaining = report.shown()
    broken = [r for r in report.results if r.error is not None and r.mentions_openai]
    if fmt is Format.text or output is not None:
        todo = [f for f in remaining if f.code == TODO_MARKER]
        retired = [f for f in remaining if f.code == RETIRED_MODEL]
        reaching = [f for f in remaining if f.code not in (TODO_MARKER, RETIRED_MODEL)]
        if reaching:
            files = len({f.path for f in reaching})
            err.print(f"[bold red]{len(reaching)} site(s) in {files} file(s) still reach OpenAI[/]", markup=True)
            err.print(f"run `migrator migrate --target {_targets_hint(settings)} .` to migrate them, or suppress a site with "
                      "`# migrator: ignore`")
        if retired:
            err.print(f"[bold red]{len(retired)} call(s) in {len({f.path for f in retired})} file(s) name a retired "
                      "provider model[/]: each item says what to use instead", markup=True)
        if todo:
            err.print(f"[bold red]{len(todo)} TODO(migrator) marker(s) in {len({f.path for f in todo})} file(s)[/]: "
                      "fix the site below each, then delete the comment", markup=True)
        if not remaining and broken:
            err.print(f"[bold red]{len(broken)} file(s) that mention openai could not be checked[/] (nothing else "
                      f"reaches OpenAI in {_files(report.files_scanned)})", markup=True)
        elif not remaining:
            err.print(f"[green]nothing reaches OpenAI[/] ({_files(report.files_scanned)} checked)", markup=True)
        for r in broken:
            err.print(f"  [yellow]could not check[/] {escape(r.error.path)}: {escape(r.error.message)}",  # type: ignore[union-attr]
                      markup=True)
    for e in _missing_paths(report):
        err.print(f"[bold red]error:[/] {escape(e.path)}: {e.message}", markup=True)
    code = 1 if (remaining or broken) and not exit_zero else 0
    raise typer.Exit(2 if _missing_paths(report) else code)


@app.command()
def migrate(
    paths: PathsArg = None,
    target: TargetOpt = None,
    style: Annotated[Style | None, typer.Option(
        "--style", help="compat: keep the openai SDK (default); native: the provider's own SDK.")] = None,
    region: Annotated[Region | None, typer.Option("--region", help="cn (default) or intl.")] = None,
    responses: ResponsesOpt = None,
    write: Annotated[bool, typer.Option("--write", help="Apply the changes (default: dry run).")] = False,
    diff: Annotated[bool, typer.Option("--diff", help="Print a plain patch on stdout that git apply accepts.")] = False,
    model: Annotated[list[str] | None, typer.Option("--model", help="Map a model: OLD=NEW (repeatable).")] = None,
    select: SelectOpt = None,
    ignore: IgnoreOpt = None,
    exclude: ExcludeOpt = None,
    jobs: JobsOpt = None,
    force: Annotated[bool, typer.Option("--force", help="Write even over uncommitted changes.")] = False,
    show_secrets: Annotated[bool, typer.Option("--show-secrets",
                                               help="Print API key literals in diffs in full (for git apply).")] = False,
    report_file: Annotated[Path | None, typer.Option("--report", help="Write a Markdown migration report.")] = None,
    exit_non_zero_on_fix: Annotated[bool, typer.Option(
        "--exit-non-zero-on-fix", help="With --write: exit 1 when files were changed (pre-commit).")] = False,
    interactive: Annotated[bool, typer.Option("--interactive", "-i", help="Review each hunk, then write.")] = False,
    no_todo_comments: Annotated[bool, typer.Option(
        "--no-todo-comments", help="Do not put # TODO(migrator) comments above the sites left to do.")] = False,
) -> None:
    """Rewrite OpenAI code for a provider (dry run unless --write)."""
    settings = _settings(paths or [])
    options = _options(settings, target, style.value if style else None, region.value if region else None, model,
                       select, ignore, responses)
    if no_todo_comments:
        options = replace(options, todo_comments=False)
    if not options.target:
        raise _fail(f"migrate needs a target: --target {'|'.join(settings.targets())} "
                    "(or target = ... in [tool.migrator])")
    if options.style == "native" and options.target_spec().native is None:
        spec = options.target_spec()
        raise _fail(f"--style native: {spec.display} has no native SDK rewrite ({options.target} is a compat "
                    "target: it keeps the openai package); use --style compat")
    if interactive and not (sys.stdin.isatty() and sys.stdout.isatty()):
        raise _fail("--interactive needs a terminal; use --diff to review a patch instead")
    report = _run("migrate", paths, settings, options, exclude, jobs)
    changed = [r for r in report.results if r.changed]
    if interactive:
        raise typer.Exit(_interactive(changed, force))
    if diff:
        from migrator.report.diff import unified

        sys.stdout.write("".join(unified(r, show_secrets) for r in changed))
        sys.stdout.flush()
        hidden = sum(1 for r in changed if not show_secrets and any(s in (r.old_text or "") for s in r.secrets))
        if hidden:
            err.print(f"[yellow]note:[/] the patch hides API keys in {hidden} file(s), so `git apply` will reject "
                      "those hunks; apply with `--write`, or pass `--show-secrets`", markup=True)
    elif not write:
        _show_diffs(changed)
    _todo(report)
    _summary(report, f"Migration to {options.target} ({options.style}, {options.region})")
    if report_file is not None:
        from migrator.report.markdown import render as markdown

        try:
            report_file.write_text(markdown(report, options.target_spec(), options.style, options.region),
                                   encoding="utf-8")
        except OSError as exc:
            raise _fail(f"cannot write {report_file}: {exc.strerror or exc}") from None
        err.print(f"migration report written to {escape(str(report_file))}")
    if write:
        code = _write(changed, force)
        if code == 2:
            raise typer.Exit(code)  # refused: nothing written, and the error says why
        if code == 0 and changed and exit_non_zero_on_fix:
            code = 1
        todo = sum(1 for f in report.findings if f.severity.value != "auto")
        if todo:
            err.print(f"next: the {todo} review/manual item(s) listed above (`--report migration.md` writes them "
                      "as a checklist); then add `migrator check .` to CI")
        else:
            err.print("next: add `migrator check .` to CI so that no call to OpenAI comes back")
        raise typer.Exit(2 if _missing_paths(report) else code)
    err.print(f"{len(changed)} file(s) would change")
    if changed:
        err.print("dry run: nothing written. Apply with `--write`; review and manual items are listed above.")
    raise typer.Exit(2 if _missing_paths(report) else 0)


def _interactive(changed: list[FileResult], force: bool) -> int:
    from migrator.interactive import review
    from migrator.write import atomic_write, dirty_files

    if not force:
        dirty = dirty_files([r.source.path for r in changed])
        if dirty:
            err.print(f"[bold red]error:[/] uncommitted changes in {escape(str(dirty[0]))}: commit or stash "
                      "them first, or pass --force", markup=True)
            return 2
    out = Console(highlight=False, soft_wrap=True)

    def write(r: FileResult, data: bytes) -> bool:
        try:
            atomic_write(r.source.path, data)
            return True
        except OSError as exc:
            err.print(f"cannot write {escape(r.source.display)}: {escape(str(exc.strerror or exc))}")
            return False

    tally = review(changed, ask=input, show=lambda text: out.print(escape(text.rstrip("\n"))), write=write)
    err.print(f"{tally.accepted} hunk(s) accepted, {tally.skipped} skipped, {tally.suppressed} suppressed; "
              f"{tally.files_written} file(s) written")
    return 0


def _load_baseline(path: Path) -> Counter:
    """(path, code) counts from a JSON report: the sites a team has accepted for now."""
    try:
        doc = json.loads(path.read_text(encoding="utf-8"))
        return Counter((f["path"], f["code"]) for f in doc["findings"]
                       if f.get("reaches_openai", True) or f["code"] == RETIRED_MODEL)
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise _fail(f"--baseline {path}: not a migrator JSON report ({exc})") from None


def _missing_paths(report: Report) -> list:
    """Paths given on the command line that do not exist: a usage error (exit 2), after the run."""
    from migrator.discover import NO_SUCH_PATH

    return [e for e in report.errors if e.message == NO_SUCH_PATH]


def _files(n: int) -> str:
    return f"{n} file{'' if n == 1 else 's'}"


def _todo(report: Report) -> None:
    """The review and manual findings, one line each (stderr: stdout holds the diff)."""
    items = sorted((f for f in report.findings if f.severity.value != "auto"), key=lambda f: f.sort_key())
    if items:
        err.print(f"\n{len(items)} item(s) to review or do by hand:")
    for f in items:
        err.print(f"  {f.where}: {f.code} [{f.severity.value}] {f.message}", markup=False, highlight=False)


def _show_diffs(changed: list[FileResult]) -> None:
    from rich.syntax import Syntax

    from migrator.report.diff import unified

    out = Console(highlight=False)
    for r in changed:
        text = unified(r)
        if out.is_terminal:
            out.print(Syntax(text, "diff", theme="ansi_dark", background_color="default"))
        else:
            out.file.write(text)


def _write(changed: list[FileResult], force: bool) -> int:
    from migrator.write import atomic_write, dirty_files

    if not force:
        dirty = dirty_files([r.source.path for r in changed])
        if dirty:
            shown = ", ".join(sorted(str(p) for p in dirty)[:5])
            err.print(f"[bold red]error:[/] uncommitted changes in files migrate would rewrite: {escape(shown)}"
                      f"{' …' if len(dirty) > 5 else ''}. Commit or stash them first (so `git diff` shows exactly "
                      "what migrator did), or pass --force.", markup=True)
            return 2
    failed = written = 0
    stop: list[int] = []

    def _defer(signum: int, frame: object) -> None:  # finish the file being written, then stop
        stop.append(signum)

    previous = {sig: signal.signal(sig, _defer) for sig in (signal.SIGTERM, signal.SIGINT)}
    try:
        for r in changed:
            if stop:
                err.print(f"[bold red]interrupted:[/] {written} of {len(changed)} file(s) written; every other "
                          "file is unchanged (each write is all or nothing)", markup=True)
                return 2
            try:
                atomic_write(r.source.path, r.new_bytes)  # type: ignore[arg-type]
                written += 1
            except OSError as exc:
                failed += 1
                err.print(f"[bold red]error:[/] cannot write {escape(r.source.display)}: "
                          f"{escape(str(exc.strerror or exc))} (left as it was)", markup=True)
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
    err.print(f"{written} file(s) written")
    return 2 if failed else 0




@app.command("rules")
def rules_cmd() -> None:
    """Table of rule codes, names and summaries."""
    from migrator.scan import rules

    table = Table(title="migrator rules", title_justify="left")
    table.add_column("code")
    table.add_column("name")
    table.add_column("feature")
    table.add_column("what it covers")
    for r in sorted(rules(), key=lambda r: r.CODE):
        table.add_row(r.CODE, r.NAME, r.FEATURE, r.SUMMARY)
    Console(highlight=False).print(table)


@app.command()
def explain(code: Annotated[str, typer.Argument(help="A rule code, e.g. OA201.")]) -> None:
    """What a rule does, with an example."""
    from migrator.explain import explain as print_rule

    if not print_rule(code):
        raise _fail(f"unknown rule {code!r}; `migrator rules` lists them")
    raise typer.Exit(0)


def main() -> None:
    app()


__all__ = ["app", "main", "FileError", "Finding"]
