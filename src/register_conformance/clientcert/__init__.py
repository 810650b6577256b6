"""Certifying a vendor's *client* of the Register API (``register-conformance client serve|check``).

The server side of the product sends requests and judges responses; this package does the opposite:
it observes what a vendor's software sends (live, standing in for the API, or offline from a HAR file)
and judges the requests and the client's reactions against the ``CL-…`` requirement catalogue.

``exchange.Exchange`` is the one record every part shares: the observer and the HAR reader produce
exchanges, the judges read them, the reports and the live page show them.
"""
