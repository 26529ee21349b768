"""Releases: build one version's files, keep the release root, diff, publish.

=====================  ======================================================
module                 what it owns
=====================  ======================================================
``builder``            the orchestrator: assemble, then write one release into
                       a release root (``build_release``, ``write_release``,
                       ``check_release``)
``stage``              one release's files: validation, version bump, every
                       file of ``<version>/``, verification of a version
``root``               the release root: lock, staging, ``index.json``, the
                       rename into place, leftovers of killed runs
``versioning``         semantic versioning of data (what a change requires)
``changelog``          the row-level changelog against the previous release
``descriptor``         the release's own ``datapackage.json`` content
``checks``             checks of a built release as downloaded
``publish``            add a built release to a published release root
``site``               the release root's static ``index.html``
``_parquet``           deterministic Parquet writing
=====================  ======================================================

The format itself (file names, versions, ``index.json``, ``SHA256SUMS``, the manifest)
is the loader's: `leadertravel._format`, `leadertravel._index`, `leadertravel._manifest`.
"""
