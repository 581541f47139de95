"""``--style native``: OpenAI clients already pointed at the provider become the provider's own SDK client.

Native style runs in two passes (engine.migrate): the compat pass first points every OpenAI client at
the provider's compatible endpoint and maps models and parameters; this pass then rewrites the clients
that point at the target provider to its SDK (``rules/providers/<target>.py`` ``NativeSpec``), with
their calls, the responses read from them and the exceptions caught around them. A client whose use
the SDK cannot serve (a method it lacks, no asyncio client, passed to code migrator does not follow)
stays on the openai SDK, pointed at the provider, and the finding says why.

The pass, one module per concern: ``rules.py`` the four rules (what the registry lists), ``plan.py`` the
planner that composes the pieces below for one module, ``base.py`` what they share (the rule codes, the
client candidate, the view of the module), ``clients.py`` which clients built in the module can go native
(the escape analysis), ``elsewhere.py`` the clients the module uses but does not build, ``convert.py`` the
construction and annotations of a converted client, ``calls.py`` its calls, ``responses.py`` the reads of
its responses, ``errors.py`` the exception handlers around them, ``imports.py`` the openai imports left
unused, ``patches.py`` the finding for a test that patches an import the migration removes (the project
pass, ``migrator/project.py``, finds them). This ``__init__`` imports nothing.
"""
