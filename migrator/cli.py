"""Command line (typer): scan, migrate, check, rules, explain — their options, the parsing of the
options and configuration into ``Options``, and the exit codes. The work is done elsewhere: the runner
(``migrator/runner.py``), the write phase (``write.py``), what is printed (``console.py``) and the
rule documentation (``explain.py``). Results on stdout, the rest on stderr."""

from __future__ import annotations

import os
import sys
from dataclasses import replace
from enum import Enum
from pathlib import Path
from typing import Annotated, TypeVar

import typer

from migrator import __version__, console, model
from migrator.discover import NO_SUCH_PATH, discover
from migrator.model import FileError, Finding
from migrator.report import baseline as baseline_file
from migrator.report.base import Report
from migrator.report.render import render
from migrator.rules.base import Options
from migrator.rules.providers import builtin_targets
from migrator.settings import (
    REGIONS,
    STYLES,
    ConfigError,
    Settings,
    find_config,
    load,
    models_for,
    parse_model_flags,
)
from migrator.write import write_changed, write_interactive

app = typer.Typer(add_completion=False, no_args_is_help=True, rich_markup_mode=None,
                  help="Move Python code off the OpenAI API onto another provider's OpenAI-compatible API "
                       "(built-in targets: " + ", ".join(builtin_targets()) + "; or a gateway from configuration).")

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
    console.error(message)
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


_Choice = TypeVar("_Choice", bound=str)


def _choice(option: Enum | None, allowed: tuple[_Choice, ...]) -> _Choice | None:
    """An option's choice as the settings type it (None: not given)."""
    return None if option is None else next(a for a in allowed if a == option.value)


def _options(settings: Settings, target: str | None, style: model.Style | None, region: model.Region | None,
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


def _run(command: model.Mode, paths: list[Path] | None, settings: Settings, options: Options, exclude: list[str] | None,
         jobs: int | None, use_cache: bool = False, fixes: bool = False) -> Report:
    from migrator.runner import Cache, run  # the engine: not needed for --help, rules or a usage error

    paths = paths or [Path(".")]
    cwd = Path.cwd()
    files, errors = discover(paths, cwd=cwd, exclude=[*settings.excludes(), *(exclude or [])])
    roots = [((cwd / p) if not p.is_absolute() else p).resolve() for p in paths]
    roots = [r if r.is_dir() else r.parent for r in roots]
    cache = None
    if use_cache and command in ("scan", "check"):
        base = settings.config_file.parent if settings.config_file else cwd
        cache = Cache(base / ".migrator_cache", options, command)
    mode: model.Mode = "migrate" if command == "migrate" or fixes else command  # fixes: SARIF with a target
    with console.progress(command, len(files)) as advance:
        results = run(files, options, mode, roots=roots, jobs=jobs, progress=advance,
                      cache=None if fixes else cache)
    file_errors = [r.error for r in results if r.error is not None]
    return Report(command, options.target, results, [*errors, *file_errors], files_scanned=len(files))


def _emit(text: str, output: Path | None) -> None:
    try:
        console.emit(text, output)
    except OSError as exc:
        raise _fail(f"cannot write {output}: {exc.strerror or exc}") from None


def _missing_paths(report: Report) -> list[FileError]:
    """Paths given on the command line that do not exist: a usage error (exit 2), after the run."""
    return [e for e in report.errors if e.message == NO_SUCH_PATH]


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
    options = _options(settings, target, None, _choice(region, REGIONS), None, select, ignore, responses)
    report = _run("scan", paths, settings, options, exclude, jobs, use_cache=not no_cache,
                  fixes=fmt is Format.sarif and options.target is not None)
    _emit(render(fmt.value, report), output)
    if fmt is Format.text or output is not None:
        console.summary(report, "OpenAI sites by feature" + (f" (target {options.target})" if options.target else ""))
        console.scan_next(report, options.target or _targets_hint(settings), paths or [Path(".")])
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
    try:
        allowed = baseline_file.load(baseline) if baseline is not None else None
    except baseline_file.BaselineError as exc:
        raise _fail(f"--baseline {baseline}: not a migrator JSON report ({exc})") from None
    report = _run("check", paths, settings, options, exclude, jobs, use_cache=not no_cache,
                  fixes=fmt is Format.sarif and options.target is not None)
    report.baseline = allowed
    _emit(render(fmt.value, report), output)
    if fmt is Format.github and os.environ.get("GITHUB_STEP_SUMMARY"):
        console.step_summary(report)
    if show_suppressed:
        console.suppressed(report)
    human = fmt is Format.text or output is not None  # the report is not on stdout in a format for tools
    if human:
        console.baselined(report, baseline)
    remaining = report.shown()
    broken = [r for r in report.results if r.error is not None and r.mentions_openai]
    if human:
        console.check_outcome(report, remaining, broken, _targets_hint(settings))
    console.missing_paths(_missing_paths(report))
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
    options = _options(settings, target, _choice(style, STYLES), _choice(region, REGIONS), model, select, ignore,
                       responses)
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
        raise typer.Exit(0 if write_interactive(changed, force) else 2)
    if diff:
        console.patch(changed, show_secrets)
    elif not write:
        console.show_diffs(changed)
    console.todo(report)
    console.summary(report, f"Migration to {options.target} ({options.style}, {options.region})")
    if report_file is not None:
        from migrator.report.markdown import render as markdown

        try:
            console.migration_report(markdown(report, options.target_spec(), options.style, options.region),
                                     report_file)
        except OSError as exc:
            raise _fail(f"cannot write {report_file}: {exc.strerror or exc}") from None
    if write:
        if not write_changed(changed, force):
            raise typer.Exit(2)  # refused, interrupted or a write failed: the error says which
        console.written_next(report)
        raise typer.Exit(2 if _missing_paths(report) else 1 if changed and exit_non_zero_on_fix else 0)
    console.dry_run(changed)
    raise typer.Exit(2 if _missing_paths(report) else 0)


@app.command("rules")
def rules_cmd() -> None:
    """Table of rule codes, names and summaries."""
    from migrator.scan import rules

    console.rules_table(rules())


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


