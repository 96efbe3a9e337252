"""Published course content (modules, runs, sessions), cached until a trainer changes any.

Trainees read the same pages on every request while trainers change them a few times a
week; ``courses.apps`` invalidates the cache whenever a page, footstep or document is saved
or deleted, or a page moves.
"""

from home.versioned_cache import VersionedCache

course_content = VersionedCache("content")
