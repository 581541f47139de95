"""Project passes: what the modules of a run decide together, once each has been processed on its own.

The runner (``migrator/runner.py``) processes every file alone first. ``project_passes`` then reads what the
results say about one another (the clients and model constants a module exports, the names it imports
from the project, and in native style the ``NativeFacts`` its native pass left), builds the project index,
decides for the project and has the modules concerned processed again with the index that carries the
decisions (the runner's ``rerun``): up to four more passes, each over some of the files.

1. Native style: the modules the byte prefilter skipped that name a shared client (``registry =
   [get_client]``) are read for their imports; a module whose class holds a client that another module
   imports (``app.bots.BaseBot.client``) runs again, so that its facts say whether the client can move.
2. The modules that import a client or a constant of another module, and those that define one that is
   imported, run again with the index. Native style: a client one module builds and others use goes
   native when every side can (``ProjectIndex.native``), and the modules that share it run once more.
3. Native style: when every client of the project went native, the exception handlers of the modules
   without a client of their own (a retry helper) catch the SDK's exceptions too, or the project's clients
   stay compat where such a handler would catch more: those modules run again.
4. Migrate: a quoted string that names an import the migration removed (``mock.patch("app.llm.OpenAI")``)
   gets the native rule's finding (``rules/features/native/patches.py``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass

from migrator.model import FileResult, Mode, SourceFile, Span
from migrator.resolve import ProjectIndex, Resolver
from migrator.rules.base import Options
from migrator.rules.features.native.patches import PatchTarget, patch_target_finding
from migrator.scan import parse
from migrator.textio import DecodeError, decode


@dataclass(frozen=True)
class Member:
    """A file of the run, as the project passes see it."""

    source: SourceFile
    module_name: str | None  # the dotted name of a Python module under one of the roots (None: not a module)


# processes the files at these indices again with the project index; their results, in the same order
Rerun = Callable[[list[int], ProjectIndex], list[FileResult]]
# a file's bytes (raises OSError when it cannot be read)
Read = Callable[[SourceFile], bytes]


def project_passes(results: list[FileResult], members: Sequence[Member], options: Options, mode: Mode, *,
                   rerun: Rerun, read: Read) -> ProjectIndex:
    """Decide for the project and process again the files the decisions concern.

    ``results[i]`` is the result of ``members[i]``; the passes replace the results of the files they
    process again and add the patch-target findings (``mode`` ``migrate``). Returns the project index.
    """
    return _Passes(results, members, options, rerun, read).run(mode)


class _Passes:
    def __init__(self, results: list[FileResult], members: Sequence[Member], options: Options, rerun: Rerun,
                 read: Read) -> None:
        self.results = results
        self.members = members
        self.options = options
        self.rerun = rerun
        self.read = read
        self.project = ProjectIndex()

    def run(self, mode: Mode) -> ProjectIndex:
        project = self.project
        native = self.options.style == "native" and mode == "migrate"
        self._index()
        defines_used = {q.rsplit(".", 1)[0] for q in project.used_constants}
        if native:  # a client other modules use stays compat
            defines_used |= self._shared_imports()
        if project.exports or project.constants:
            self._importers(defines_used)
        if native:
            self._native_handlers()
        if mode == "migrate":
            self._patch_targets()
        return project

    def _again(self, indices: list[int]) -> list[FileResult]:
        """Process the files at ``indices`` again with the project index; their new results."""
        redone = self.rerun(indices, self.project)
        for i, r in zip(indices, redone, strict=True):
            self.results[i] = r
        return redone

    def _index(self) -> None:
        """The clients and constants the modules export; the constants the modules that use openai import."""
        project = self.project
        for r in self.results:
            for export in r.exports:
                if isinstance(export, tuple):
                    project.constants[export[0]] = export[1]
                else:
                    project.add(export)
        for r in self.results:
            if r.uses_openai:
                project.used_constants.update(q for q in r.project_imports if q in project.constants)

    def _shared_imports(self) -> set[str]:
        """Native style: which exported clients the project imports; the modules that define them."""
        project, results = self.project, self.results
        self._imports_elsewhere()
        project.imported = {q for r in results for q in r.project_imports if q in project.exports}
        defines = {q.rsplit(".", 1)[0] for q in project.imported}
        project.imported_anywhere = {q for r in results for q in r.project_imports}
        # a client held by a class (``BaseBot.client``) is shared with the modules that import the class
        project.imported |= {q for c, quals in project.holders.items() if c in project.imported_anywhere for q in quals}
        defines |= {project.exports[q].module for q in project.imported}
        # a client held by a class other modules import: shared, or compat
        self._again([i for i, r in enumerate(results) if r.native.classes & project.imported_anywhere])
        return defines

    def _imports_elsewhere(self) -> None:
        """Native style: modules the prefilter skipped may still import a shared client (``registry =
        [get_client]``); read those that name one."""
        names = {q.rsplit(".", 1)[1].encode() for q in self.project.exports}
        if not names:
            return
        for r, member in zip(self.results, self.members, strict=True):
            if r.project_imports or r.error is not None or r.findings:
                continue
            try:
                data = self.read(member.source)
                if not any(n in data for n in names):
                    continue
                r.project_imports = Resolver(parse(decode(data).text), member.module_name).project_imports
            except (OSError, DecodeError, SyntaxError, ValueError, RecursionError):
                continue

    def _importers(self, defines_used: set[str]) -> None:
        """The modules that import from the project, or define what is imported, again with the index."""
        project, results, members = self.project, self.results, self.members
        again = [i for i, r in enumerate(results) if any(project.knows(q) for q in r.project_imports)
                 or (not r.uses_openai and members[i].module_name in defines_used)
                 or (project.imported and members[i].module_name in defines_used)]
        if not again:
            return
        imports_of = {i: results[i].project_imports for i in again}
        for i, r in zip(again, self._again(again), strict=True):
            imports_of[i] = list(dict.fromkeys([*imports_of[i], *r.project_imports]))  # inherited clients
        if project.imported:
            self._native_shared(again, imports_of)

    def _native_shared(self, again: list[int], imports_of: Mapping[int, list[str]]) -> None:
        """Native style: a client one module builds and others use goes native when every side can; the
        modules involved run once more with that decision. A client held by a class (``app.bots.BaseBot.client``)
        is used by the modules that import the class: each must reach it through a subclass it can rewrite."""
        project, results = self.project, self.results
        for qual in project.imported:
            cls = qual.rsplit(".", 1)[0]
            held = qual in project.holders.get(cls, ())
            importers = [i for i in again if qual in imports_of[i] or (held and cls in imports_of[i])]
            if held and any(qual not in imports_of[i] for i in importers):
                project.opaque_classes.add(cls)
                continue
            defined = any(results[i].native.exports.get(qual) for i in again)
            users = [results[i].native.imports.get(qual) for i in importers]
            if defined and users and all(users):
                project.native.add(qual)
        if project.native:
            self._again([i for i in again if any(results[i].native.shares(q) for q in project.native)])

    def _native_handlers(self) -> None:
        """Native style: when every client of the project moved to the SDK, the handlers in modules without
        a client of their own (a retry helper) catch the SDK's exceptions too."""
        project, results = self.project, self.results
        flags = [r.native.clients for r in results if r.native.clients is not None]
        redo = [i for i, r in enumerate(results) if r.native.handlers]
        if not flags or not all(flags) or not redo:
            return
        if any(results[i].native.widens for i in redo):
            # a handler there would catch more on the SDK (qianfan's one RequestError for a RateLimitError
            # handler): the project's clients go back to compat, and the handlers keep openai's classes
            project.errors_widen = True
            redo = [i for i, r in enumerate(results) if r.native.clients or r.native.handlers]
        else:
            project.native_errors = True
        self._again(redo)

    def _patch_targets(self) -> None:
        """The migration removed or renamed an import of ``app.llm`` (native style's ``from openai import
        OpenAI``, compat style's ``AzureOpenAI``): a test that patches the string ``"app.llm.OpenAI"``
        (``mock.patch``, ``monkeypatch.setattr``) would fail; the native rule reports every such string."""
        targets: dict[bytes, str] = {}
        for r, member in zip(self.results, self.members, strict=True):
            if member.module_name and r.changed:
                for name in r.native.removed:
                    targets[f"{member.module_name}.{name}".encode()] = member.module_name
        if not targets:
            return
        for r, member in zip(self.results, self.members, strict=True):
            if member.source.kind != "python":
                continue
            try:
                data = self.read(member.source)
            except OSError:
                continue
            r.findings += [patch_target_finding(t) for t in _quoted(member.source.display, data, targets)]


def _quoted(path: str, data: bytes, targets: Mapping[bytes, str]) -> Iterator[PatchTarget]:
    """Each quoted occurrence in the file of one of ``targets`` (``b"app.llm.OpenAI"`` -> ``app.llm``)."""
    for target, module in targets.items():
        start = data.find(target)
        while start != -1:
            end = start + len(target)
            if data[start - 1:start] in (b'"', b"'") and data[end:end + 1] in (b'"', b"'"):
                line = data.count(b"\n", 0, start) + 1
                col = start - (data.rfind(b"\n", 0, start) + 1) + 1
                name = target.decode()
                yield PatchTarget(path, Span(line, col, line, col + len(name)), name, module)
            start = data.find(target, end)
