"""``--style native``: the four rules of the pass, as the registry lists them (``plan.py`` does the work)."""

from __future__ import annotations

from migrator.rules.base import PlanContext, Rule
from migrator.rules.features.native.base import CALL_CODE, CLIENT_CODE, RESPONSE_CODE
from migrator.rules.features.native.errors import CODE as ERRORS_CODE
from migrator.rules.features.native.plan import Planner
from migrator.sites import Site


class NativeClient(Rule):
    """Rewrites an OpenAI client pointed at the provider into the provider's own SDK client.

    What it does (``--style native``): after the compat pass, ``OpenAI(api_key=..., base_url=<provider>)``
    becomes ``dashscope.Client(api_key=...)`` (qwen), ``qianfan.Qianfan(api_key=...)`` (ernie) or
    ``zai.ZhipuAiClient(api_key=...)`` (glm; ``zai.ZaiClient`` for the international region). The
    base URL goes (the region becomes the SDK's setting), ``timeout`` / ``max_retries`` are renamed
    to the SDK's names, and the ``openai`` import goes when nothing uses it any more. A client stays on
    the openai SDK (pointed at the provider) when one of its uses has no SDK equivalent: a method the
    SDK lacks (qianfan embeddings and images), an asyncio client the SDK lacks (zai), or the client is
    passed on to code migrator does not follow. The finding says which.

    It also reports, for review, a quoted string in the project that names an import the migration removes
    from a module (``mock.patch("app.llm.OpenAI")``; in compat style too, for the ``AzureOpenAI`` the compat
    pass renames): a test that patches it would fail.

    Example::

        client = OpenAI(api_key=os.environ["DASHSCOPE_API_KEY"], base_url="https://dashscope.aliyuncs.com/compatible-mode/v1")

    becomes (``--target qwen --style native``)::

        client = dashscope.Client(api_key=os.environ["DASHSCOPE_API_KEY"])

    Fix safety: safe where it rewrites; install the provider's SDK (the migration adds it to requirements).
    """

    CODE = CLIENT_CODE
    NAME = "native-client"
    FEATURE = "native"
    SITES = ()
    SUMMARY = "native style: OpenAI client becomes the provider SDK's client"
    NATIVE = True

    def check(self, site: Site, ctx: PlanContext) -> None:
        return

    def check_file(self, sites: list[Site], ctx: PlanContext) -> None:
        native = ctx.spec.native
        if native is None or ctx.options.style != "native":
            return
        Planner(ctx, native, sites).run()


class NativeCall(Rule):
    """Rewrites the calls on a client that became the provider's SDK client.

    What it does: arguments the SDK method does not take are renamed (``dimensions`` → ``dimension``
    on dashscope embeddings, ``user`` → ``user_id`` on zai chat, ``timeout`` → ``request_timeout`` on
    qianfan), moved into the SDK's pass-through dict (dashscope ``parameters``, zai ``extra_body``),
    spread (an ``extra_body`` dict becomes keyword arguments where the SDK takes them) or dropped with
    a finding; methods are renamed (zai ``images.generations``, ``audio.speech``; qianfan ``acreate``
    for awaited calls).

    Example::

        r = client.embeddings.create(model="text-embedding-v4", input=texts, dimensions=1024, encoding_format="float")

    becomes (qwen)::

        r = client.embeddings.create(model="text-embedding-v4", input=texts, dimension=1024)

    Fix safety: safe; dropped arguments that changed the request are reported for review.
    """

    CODE = CALL_CODE
    NAME = "native-call"
    FEATURE = "native"
    SITES = ()
    SUMMARY = "native style: call arguments and method names of the provider SDK"
    NATIVE = True

    def check(self, site: Site, ctx: PlanContext) -> None:
        return


class NativeResponse(Rule):
    """Rewrites reads of responses where the provider SDK's objects differ from OpenAI's.

    What it does: each response is followed through assignment, iteration, attributes and returns
    within the module (as for openai<1.0 responses). On dashscope ``usage.prompt_tokens`` becomes
    ``usage.input_tokens``, ``usage.completion_tokens`` ``usage.output_tokens``, ``resp.id``
    ``resp.request_id`` and an embeddings response's ``data`` its ``embeddings``; a response message
    appended to ``messages`` is turned into a dict (dashscope rejects its own message objects). On
    qianfan (pydantic v1 models) ``model_dump()`` becomes ``dict()``. A read migrator cannot trace to
    a response is reported for review.

    Example::

        print(resp.usage.prompt_tokens, resp.id)

    becomes (qwen)::

        print(resp.usage.input_tokens, resp.request_id)

    Fix safety: safe where the flow is traced; review elsewhere.
    """

    CODE = RESPONSE_CODE
    NAME = "native-response"
    FEATURE = "native"
    SITES = ()
    SUMMARY = "native style: response attributes of the provider SDK"
    NATIVE = True

    def check(self, site: Site, ctx: PlanContext) -> None:
        return


class NativeException(Rule):
    """Replaces openai exception classes with the provider SDK's when the module's clients are native.

    What it does: ``except openai.RateLimitError`` becomes ``except dashscope.v2.errors.RateLimitError``
    (qwen), ``except zai.core.APIReachLimitError`` (glm) or ``except qianfan.errors.RequestError``
    (ernie, which raises one class for every HTTP error: the finding says to compare
    ``e.status_code``). Only in modules whose every client became native; where some stay on the
    openai SDK the handlers are reported for review.

    Example::

        try:
            reply = client.chat.completions.create(model="glm-4.6", messages=m)
        except openai.RateLimitError:
            time.sleep(5)

    becomes (glm)::

        try:
            reply = client.chat.completions.create(model="glm-4.6", messages=m)
        except zai.core.APIReachLimitError:
            time.sleep(5)

    Fix safety: safe where the classes match one to one; review where one SDK class covers several.
    """

    CODE = ERRORS_CODE
    NAME = "native-exception"
    FEATURE = "native"
    SITES = ()
    SUMMARY = "native style: exception classes of the provider SDK"
    NATIVE = True

    def check(self, site: Site, ctx: PlanContext) -> None:
        return
