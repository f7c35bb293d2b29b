"""APScheduler wiring and jobs: planning reminders, dispatching the outbox, weekly digests."""
