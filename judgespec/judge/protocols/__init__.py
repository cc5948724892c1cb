"""Judge protocols: how a contract's candidates become judge calls and verdicts.

``_render.py`` renders the contract's template into requests; ``_parse.py`` reads judge
outputs strictly (a failure is counted, never a score); ``_pointwise.py`` (``pointwise``
and ``logprob`` scores), ``_pairwise.py`` (both-order comparisons) and
``_tournament.py`` (round robin and knockout) are the protocols; ``_context.py`` is what
a protocol step works with: the calls it asks for and the run's shared state.

The public names are exported from :mod:`judgespec.judge`.
"""
