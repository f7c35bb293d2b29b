"""The conversation, platform-neutral: parse arguments, call a service, build the reply."""
