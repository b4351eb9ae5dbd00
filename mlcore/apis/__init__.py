"""REST API of data sets, training jobs, learning curves, the model registry and classification.

One module per resource, one small view per endpoint: validate with its input serializer, call one
service, serialise the result. Every view derives from ``core.apis.AppApiView``, so a service's
``MlError`` answers with its stable code and status (``mlcore.errors.STATUS``). Everything is looked
up through its owner (``core.apis.found_or_404``), so someone else's data set, job or model is a 404.
"""
