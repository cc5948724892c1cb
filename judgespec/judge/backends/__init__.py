"""Judge backends: what answers a judge request.

``_backend.py`` is the protocol every backend implements (``generate``,
``score_next_tokens``), the request types and their hash, and the in-process view of the
registry in :mod:`judgespec.backends`. The shipped backends: ``_transformers.py`` (in
process, with ``_prefix.py``'s shared-prefix reuse and ``_embedded.py``'s embedded
SmolLM2 judge) and ``_replay.py`` (recorded verdicts). A third-party backend needs none
of these files: it registers a :class:`judgespec.backends.BackendSpec` through the
``judgespec.backends`` entry-point group.

The public names are exported from :mod:`judgespec.judge`.
"""
