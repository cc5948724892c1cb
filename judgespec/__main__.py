"""``python -m judgespec``."""

from .cli import main

main()
