"""Domain rules over a database session and a clock. Never imports a chat platform or the scheduler."""
