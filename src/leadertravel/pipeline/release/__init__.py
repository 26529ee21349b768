"""Releases: build one version's files, keep the release root, diff, publish.

=====================  ======================================================
module                 what it owns
=====================  ======================================================
``builder``            build one release into a release root (lock, staging,
                       index) from an assembly
``versioning``         semantic versioning of data (what a change requires)
``changelog``          the row-level changelog against the previous release
``descriptor``         the release's own ``datapackage.json``
``checks``             checks of a built release as downloaded
``publish``            add a built release to a published release root
``site``               the release root's static ``index.html``
``_parquet``           deterministic Parquet writing
=====================  ======================================================
"""
