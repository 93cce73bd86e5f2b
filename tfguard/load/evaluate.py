"""Expression AST -> Python values, with Unknown wherever a value is not static.

The evaluator as the loader uses it: the core (eval_core) with every expression
kind registered. Import Scope and evaluate from here; the pieces below import
eval_core, so that none of them imports this module back.
"""

from __future__ import annotations

from tfguard.load.eval_core import Scope, evaluate, register
from tfguard.load.evaluate_ops import EVAL_OPS
from tfguard.load.template_eval import EVAL_TEMPLATE

__all__ = ["Scope", "evaluate"]

register(EVAL_OPS)
register(EVAL_TEMPLATE)
