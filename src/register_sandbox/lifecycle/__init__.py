"""Trainee lifecycle of the sandbox: state machine, operation × state matrix, degrees, placements,
withdraw, defer and recommend (lifecycle.md). Pure rules live here; HTTP glue is in ``flow`` and
``routes/{degrees,placements,transitions}.py``.
"""
