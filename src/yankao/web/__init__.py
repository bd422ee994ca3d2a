"""View-layer helpers shared by every app (not an app itself): scoping mixins, role checks, exports.

Apps import these instead of each other's views, so scoping is written once.
"""
