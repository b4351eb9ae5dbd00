"""The lecture's ``train(A, B) -> model`` and ``predict(model, A)`` in plain Python.

No Django here: this package must be usable from a notebook or a script.
"""
