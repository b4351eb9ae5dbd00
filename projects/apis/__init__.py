"""REST API of the project canvas, one module per resource: ``workspaces``, ``members`` (members
and invite links), ``ideas`` (ideas, their data sample, evaluations) and ``ranking`` (criteria,
weights, the ranked list and its CSV export); ``common`` holds what they share.

One small view per endpoint: validate with its input serializer, call one service, serialise the
result. Everything is looked up through the caller's memberships, so another workspace's idea is
a 404; a viewer who tries to write gets a 403 (``not_allowed``), a non-owner who manages the
workspace a 403 (``owner_only``). Errors keep the project's one shape
(``{"error": {"code", "message", "fields"?}}``) through :class:`core.apis.AppApiView`.
"""
