"""This process's Prometheus metrics (prometheus_client), defined in one place so every layer can
count without importing a web server; ops/metrics.py serves them on /metrics.

Counters are per process: Prometheus scrapes each `serve`/`worker`/`run` process and sums. Label
values are bounded (command names, button prefixes, platforms, outcomes), never user text or ids.
The outbox gauges are read from the database at scrape time (ops/metrics.py), so every process
shows the same shared queue.
"""

from __future__ import annotations

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, ProcessCollector

REGISTRY = CollectorRegistry(auto_describe=True)
ProcessCollector(registry=REGISTRY)

UPDATES = Counter(
    "chibo_updates",
    "Updates (messages, commands, button presses) dispatched, by command or button prefix.",
    ["route"],
    registry=REGISTRY,
)
UPDATE_FAILURES = Counter(
    "chibo_update_failures",
    "Updates whose handler raised an unexpected error (the user got the internal-error reply).",
    ["route"],
    registry=REGISTRY,
)
SEND_SECONDS = Histogram(
    "chibo_send_seconds",
    "Time to send one outbox message through its platform (including the rate limiter's wait).",
    ["platform"],
    buckets=(0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60),
    registry=REGISTRY,
)
RATE_LIMITED = Counter(
    "chibo_rate_limited",
    "429 answers drawn from a chat platform (sends, edits, replies and the outbox alike).",
    ["platform"],
    registry=REGISTRY,
)
ROSTER_IMPORTS = Counter(
    "chibo_roster_imports",
    "Roster imports run in this process, applied or refused.",
    ["outcome"],
    registry=REGISTRY,
)
OUTBOX_MESSAGES = Gauge(
    "chibo_outbox_messages",
    "Outbox rows by state (pending, sent, failed, undeliverable, dropped), read from the database.",
    ["state"],
    registry=REGISTRY,
)
OUTBOX_OLDEST_DUE = Gauge(
    "chibo_outbox_oldest_due_seconds",
    "How long the oldest due pending outbox message has waited (0 when none is due).",
    registry=REGISTRY,
)
LAST_DIGEST_SENT = Gauge(
    "chibo_last_digest_sent_timestamp_seconds",
    "Unix time the last weekly digest message was sent (0 if never).",
    registry=REGISTRY,
)
DATABASE_UP = Gauge(
    "chibo_database_up",
    "1 when the last scrape could read the outbox from the database, else 0.",
    registry=REGISTRY,
)
