"""Published course content (modules, runs, sessions), cached until a page or footstep changes.

Trainees read the same pages on every request while trainers change them a few times a
week; ``courses.apps`` invalidates the cache on every page or footstep save, delete or move.
"""

from home.versioned_cache import VersionedCache

course_content = VersionedCache("content")
