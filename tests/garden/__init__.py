"""A second test catalogue, of a plant nursery: keys of every shape the engine must take.

It lives in a package of its own and is registered only by its import path
(`tests.garden.catalogue:CATALOGUE`), as a team's catalogue in its own repository would be.
"""
