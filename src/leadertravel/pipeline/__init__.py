"""Build-time code: validation, importers, gazetteers and the release builder.

Imported only by the ``validate``/``build``/``publish`` commands and by maintainers; it
needs the ``leadertravel[build]`` extra (frictionless, geopy, pycountry, …), which the
loader never imports.
"""
