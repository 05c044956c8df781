"""The served fake's connection limits, by default (`fake-seam serve --idle-timeout`,
`--header-timeout`; `connection.py` applies them). Seconds."""

# Above httpx's 5 s keep-alive expiry, so a client lets an idle connection go before the
# server closes it under a request the client is just sending.
DEFAULT_IDLE_TIMEOUT = 10.0
DEFAULT_HEADER_TIMEOUT = 10.0
