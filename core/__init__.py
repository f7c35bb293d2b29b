"""Cross-cutting pieces every layer may use: configuration, clock, i18n, errors."""
