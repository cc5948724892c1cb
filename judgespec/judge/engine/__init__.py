"""The judge engine: runs a contract's protocol over a candidates table.

``_engine.py`` (:func:`judgespec.judge.judge_candidates`) groups the rows by prompt,
runs the protocol, applies the engine-level tie policy (``_ties.py``) and writes the
result (``_output.py``); ``_runner.py`` answers the protocols' calls through the
cache (``_cache.py``) and the backends in batches; ``_probes.py`` runs the contract's
probes as paired judge runs.

The public names are exported from :mod:`judgespec.judge`.
"""
