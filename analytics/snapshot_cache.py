"""Where the dashboard's snapshots are cached, apart from the code that computes them.

Discarding every snapshot when research data changes needs only this key space; keeping it
out of ``analytics.snapshots`` means an import or a worker that only writes never loads
plotly and scipy to do so.
"""

from home.versioned_cache import VersionedCache

KEEP_SECONDS = 24 * 60 * 60
# "v3" changes with Snapshot's fields, so a new release never reads an older one.
snapshot_cache = VersionedCache("analytics:snapshot:v3", keep_seconds=KEEP_SECONDS)
