"""The ledger: the only code that reads or writes ferry's bookkeeping of rows.

Mappings (legacy id to new id), quarantine entries, skip records and what the batch statements
derive from them live in `ferry.*` tables; every statement that touches them is composed here,
so that the engine, validation, sync, rollback and quarantine commands agree on one meaning of
each record. Runs, checkpoints and slices are `ferry.state.control` and its neighbours.
"""
